//! AWS Signature Version 4 verification for `AWS_IAM` routes: the `Authorization` header (or presigned query)
//! parsed as API Gateway parses it, the canonical request rebuilt as AWS builds it for `execute-api`, and the
//! signature compared in constant time; plus the local credentials (`AWS_*` environment, `--iam-credentials FILE`).
//!
//! Errors carry API Gateway's status, `x-amzn-ErrorType` and message; the texts and their sources are listed in
//! `docs/auth-crypto.md`.

use std::fmt;
use std::path::{Path, PathBuf};

use hmac::{Hmac, KeyInit, Mac};
use http::HeaderMap;
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// The only algorithm SigV4 defines for these requests.
const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The service name a credential for API Gateway's data plane must be scoped to.
const SERVICE: &str = "execute-api";
/// How far the request's time may be from now: five minutes, as AWS's messages say ("… - 5 min.").
const MAX_SKEW_SECS: u64 = 300;
/// The longest `X-Amz-Expires` SigV4 allows: seven days.
const MAX_PRESIGN_EXPIRES: u64 = 604_800;

/// Why a request to an `AWS_IAM` route is refused. Every case is a 403; [`SigV4Error::error_type`] and
/// [`SigV4Error::message`] give API Gateway's `x-amzn-ErrorType` and `{"message": …}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SigV4Error {
    /// No `Authorization` header and no presigned query: `MissingAuthenticationTokenException`.
    Missing,
    /// The `Authorization` header (or presigned query) is incomplete or malformed: `IncompleteSignatureException`.
    Incomplete(String),
    /// The credential scope, date or signature is wrong: `InvalidSignatureException`.
    Invalid(String),
    /// The access key is known but the request's session token is not its token: `UnrecognizedClientException`.
    UnrecognizedClient,
}

impl SigV4Error {
    /// API Gateway's status for every SigV4 refusal: 403.
    #[cfg(test)]
    pub(crate) fn status(&self) -> u16 {
        403
    }

    /// The `x-amzn-ErrorType` header value.
    pub(crate) fn error_type(&self) -> &'static str {
        match self {
            SigV4Error::Missing => "MissingAuthenticationTokenException",
            SigV4Error::Incomplete(_) => "IncompleteSignatureException",
            SigV4Error::Invalid(_) => "InvalidSignatureException",
            SigV4Error::UnrecognizedClient => "UnrecognizedClientException",
        }
    }

    /// The message of the JSON body.
    pub(crate) fn message(&self) -> &str {
        match self {
            SigV4Error::Missing => "Missing Authentication Token",
            // AWS's text (mhart/dynalite's recorded messages); API Gateway's status for it is NOT FOUND (403 here).
            SigV4Error::UnrecognizedClient => "The security token included in the request is invalid.",
            SigV4Error::Incomplete(message) | SigV4Error::Invalid(message) => message,
        }
    }

    /// The response body: `{"message":"…"}`.
    #[cfg(test)]
    pub(crate) fn body(&self) -> String {
        serde_json::json!({ "message": self.message() }).to_string()
    }
}

impl fmt::Display for SigV4Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error_type(), self.message())
    }
}

impl std::error::Error for SigV4Error {}

/// A request's SigV4 signature, parsed but not yet verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SignedRequest {
    access_key_id: String,
    scope_date: String,
    region: String,
    service: String,
    signed_headers: Vec<String>,
    signature: String,
    /// `X-Amz-Date` (or the `Date` header converted), `YYYYMMDD'T'HHMMSS'Z'`.
    amz_date: String,
    request_epoch: u64,
    security_token: Option<String>,
    /// `X-Amz-Expires` for a presigned (query-string) request; `None` for the header form.
    expires: Option<u64>,
}

/// Parses the SigV4 signature of a request: the `Authorization` header, or the presigned query
/// (`X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=…`). `Ok(None)` when the request carries neither.
pub(crate) fn parse(headers: &HeaderMap, raw_query: &str) -> Result<Option<SignedRequest>, SigV4Error> {
    if let Some(value) = headers.get(http::header::AUTHORIZATION) {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        return parse_header(&value, headers).map(Some);
    }
    let params = query_pairs(raw_query);
    if params.iter().any(|(k, _)| k == "X-Amz-Algorithm") {
        return parse_presigned(&params).map(Some);
    }
    Ok(None)
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

fn parse_header(value: &str, headers: &HeaderMap) -> Result<SignedRequest, SigV4Error> {
    let value = value.trim();
    let (algorithm, rest) = value.split_once(' ').unwrap_or((value, ""));
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for pair in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        // AWS: "'sometoken' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer
        // sometoken'." (observed, serverless/serverless#3205).
        let Some((key, val)) = pair.split_once('=') else {
            return Err(SigV4Error::Incomplete(format!(
                "'{pair}' not a valid key=value pair (missing equal-sign) in Authorization header: '{value}'."
            )));
        };
        match key.trim() {
            "Credential" => credential = Some(val.trim()),
            "SignedHeaders" => signed_headers = Some(val.trim()),
            "Signature" => signature = Some(val.trim()),
            _ => {}
        }
    }
    let date = header_text(headers, "x-amz-date").map(|d| (d.to_owned(), "x-amz-date"));
    let date = date.or_else(|| header_text(headers, "date").map(|d| (d.to_owned(), "date")));
    // AWS lists every missing part, then echoes the header (observed, aws/chalice#828).
    let mut missing = Vec::new();
    if credential.is_none() {
        missing.push("Authorization header requires 'Credential' parameter.");
    }
    if signature.is_none() {
        missing.push("Authorization header requires 'Signature' parameter.");
    }
    if signed_headers.is_none() {
        missing.push("Authorization header requires 'SignedHeaders' parameter.");
    }
    if date.is_none() {
        missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    }
    let (Some(credential), Some(signed_headers), Some(signature), Some((date, date_header))) =
        (credential, signed_headers, signature, date)
    else {
        return Err(SigV4Error::Incomplete(format!("{} Authorization={value}", missing.join(" "))));
    };
    let (amz_date, request_epoch) = if date_header == "x-amz-date" {
        let epoch = parse_amz_date(&date).ok_or_else(|| bad_date(&date))?;
        (date, epoch)
    } else {
        let epoch = parse_http_date(&date).ok_or_else(|| bad_date(&date))?;
        (format_amz_date(epoch), epoch)
    };
    let security_token = header_text(headers, "x-amz-security-token").map(str::to_owned);
    let raw = RawSignature { algorithm, credential, signed_headers, signature };
    build(raw, amz_date, request_epoch, security_token, None)
}

/// AWS's text (observed on DynamoDB, the same AWS request-signing front end: mhart/dynalite's recorded messages).
fn unsupported_algorithm(algorithm: &str) -> SigV4Error {
    SigV4Error::Incomplete(format!("Unsupported AWS 'algorithm': '{algorithm}' (only {ALGORITHM} for now). "))
}

/// AWS's text, as recorded by mhart/dynalite.
fn bad_date(date: &str) -> SigV4Error {
    SigV4Error::Incomplete(format!(
        "Date must be in ISO-8601 'basic format'. Got '{date}'. See http://en.wikipedia.org/wiki/ISO_8601"
    ))
}

fn parse_presigned(params: &[(String, String)]) -> Result<SignedRequest, SigV4Error> {
    let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    // One sentence per missing parameter, then the advice (AWS's texts, as recorded by mhart/dynalite).
    let required = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"];
    let missing: String = required
        .iter()
        .filter(|name| get(name).is_none())
        .map(|name| format!("AWS query-string parameters must include '{name}'. "))
        .collect();
    if !missing.is_empty() {
        return Err(SigV4Error::Incomplete(format!("{missing}Re-examine the query-string parameters.")));
    }
    let field = |name| get(name).unwrap_or_default();
    let date = field("X-Amz-Date");
    let epoch = parse_amz_date(date).ok_or_else(|| bad_date(date))?;
    let expires = match get("X-Amz-Expires") {
        None => MAX_PRESIGN_EXPIRES,
        Some(text) => match text.parse::<u64>() {
            Ok(secs) if secs <= MAX_PRESIGN_EXPIRES => secs,
            _ => {
                return Err(SigV4Error::Incomplete(format!(
                    "X-Amz-Expires must be a number of seconds from 0 to {MAX_PRESIGN_EXPIRES}, got '{text}'."
                )));
            }
        },
    };
    let token = get("X-Amz-Security-Token").map(str::to_owned);
    let raw = RawSignature {
        algorithm: field("X-Amz-Algorithm"),
        credential: field("X-Amz-Credential"),
        signed_headers: field("X-Amz-SignedHeaders"),
        signature: field("X-Amz-Signature"),
    };
    build(raw, date.to_owned(), epoch, token, Some(expires))
}

/// The four parts of a signature as the request states them, before they are checked.
struct RawSignature<'a> {
    algorithm: &'a str,
    credential: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

/// Checks the parts in AWS's order (host signed, algorithm, credential shape, scope: the order dynalite recorded)
/// and builds the request to verify.
fn build(
    raw: RawSignature<'_>,
    amz_date: String,
    request_epoch: u64,
    security_token: Option<String>,
    expires: Option<u64>,
) -> Result<SignedRequest, SigV4Error> {
    let RawSignature { algorithm, credential, signed_headers, signature } = raw;
    let signed_headers: Vec<String> = signed_headers.split(';').map(|h| h.trim().to_ascii_lowercase()).collect();
    if !signed_headers.iter().any(|h| h == "host" || h == ":authority") {
        return Err(SigV4Error::Invalid(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.".into(),
        ));
    }
    if algorithm != ALGORITHM {
        return Err(unsupported_algorithm(algorithm));
    }
    let parts: Vec<&str> = credential.split('/').collect();
    let [access_key_id, scope_date, region, service, terminator] = parts[..] else {
        return Err(SigV4Error::Incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got \
             '{credential}'"
        )));
    };
    // AWS lists each scope problem in one message (observed: "Credential should be scoped to a valid region, not
    // 'c'. Credential should be scoped to correct service: 'dynamodb'. Credential should be scoped with a valid
    // terminator: 'aws4_request', not 'e'. Date in Credential scope does not match …").
    let mut problems = String::new();
    if region.is_empty() {
        problems.push_str("Credential should be scoped to a valid region. ");
    }
    if service != SERVICE {
        problems.push_str(&format!("Credential should be scoped to correct service: '{SERVICE}'. "));
    }
    if terminator != "aws4_request" {
        problems.push_str(&format!(
            "Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'. "
        ));
    }
    if amz_date.get(..8) != Some(scope_date) {
        problems.push_str(&format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope_date}' != '{}', from '{amz_date}'.",
            amz_date.get(..8).unwrap_or_default()
        ));
    }
    if !problems.is_empty() {
        return Err(SigV4Error::Invalid(problems.trim_end().to_owned()));
    }
    Ok(SignedRequest {
        access_key_id: access_key_id.to_owned(),
        scope_date: scope_date.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
        signed_headers,
        signature: signature.to_owned(),
        amz_date,
        request_epoch,
        security_token,
        expires,
    })
}

impl SignedRequest {
    /// The access key id the request was signed with (`identity.accessKey`).
    pub(crate) fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The region of the credential scope (API Gateway checks it against its own; the emulator leaves that to the
    /// caller, which knows the app's region).
    #[cfg(test)]
    pub(crate) fn region(&self) -> &str {
        &self.region
    }

    /// `X-Amz-Security-Token` (header, or query for a presigned request), for temporary credentials.
    pub(crate) fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }

    /// Whether the signature came in the query string (a presigned URL).
    pub(crate) fn is_presigned(&self) -> bool {
        self.expires.is_some()
    }

    /// Checks the request's time against `now_epoch_secs` (±5 minutes, or the presigned URL's validity), then
    /// recomputes the signature over the request with `secret` and compares it in constant time.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn verify(
        &self,
        method: &str,
        raw_path: &str,
        raw_query: &str,
        headers: &HeaderMap,
        body: &[u8],
        secret: &str,
        now_epoch_secs: u64,
    ) -> Result<(), SigV4Error> {
        self.check_time(now_epoch_secs)?;
        let payload_hash = match header_text(headers, "x-amz-content-sha256") {
            Some(given) if given == "UNSIGNED-PAYLOAD" => given.to_owned(),
            Some(given) => {
                let computed = hex(&Sha256::digest(body));
                if !given.eq_ignore_ascii_case(&computed) {
                    return Err(SigV4Error::Invalid(
                        "The provided 'x-amz-content-sha256' header does not match what was computed.".into(),
                    ));
                }
                given.to_owned()
            }
            None => hex(&Sha256::digest(body)),
        };
        let canonical = self.canonical_request(method, raw_path, raw_query, headers, &payload_hash);
        let scope = format!("{}/{}/{}/aws4_request", self.scope_date, self.region, self.service);
        let string_to_sign =
            format!("{ALGORITHM}\n{}\n{scope}\n{}", self.amz_date, hex(&Sha256::digest(canonical.as_bytes())));
        let key = signing_key(secret, &self.scope_date, &self.region, &self.service);
        let mut mac = HmacSha256::new_from_slice(&key).map_err(|_| mismatch(&canonical, &string_to_sign))?;
        mac.update(string_to_sign.as_bytes());
        let provided = unhex(&self.signature).ok_or_else(|| mismatch(&canonical, &string_to_sign))?;
        mac.verify_slice(&provided).map_err(|_| mismatch(&canonical, &string_to_sign))
    }

    fn check_time(&self, now: u64) -> Result<(), SigV4Error> {
        let at = self.request_epoch;
        if let Some(expires) = self.expires {
            if now > at.saturating_add(expires) {
                return Err(SigV4Error::Invalid(format!(
                    "Signature expired: {} is now earlier than {} ({} - {expires} sec.)",
                    format_amz_date(at.saturating_add(expires)),
                    format_amz_date(now),
                    format_amz_date(now),
                )));
            }
            if at > now.saturating_add(MAX_SKEW_SECS) {
                return Err(not_yet_current(at, now));
            }
            return Ok(());
        }
        // "Signature expired: 20160610T180547Z is now earlier than 20160610T180612Z (20160610T181112Z - 5 min.)"
        // (observed, e.g. hassy/artillery-dino#2 and mhart/aws4#118 for execute-api).
        if now > at.saturating_add(MAX_SKEW_SECS) {
            return Err(SigV4Error::Invalid(format!(
                "Signature expired: {} is now earlier than {} ({} - 5 min.)",
                self.amz_date,
                format_amz_date(now - MAX_SKEW_SECS),
                format_amz_date(now)
            )));
        }
        if at > now.saturating_add(MAX_SKEW_SECS) {
            return Err(not_yet_current(at, now));
        }
        Ok(())
    }

    /// The canonical request (AWS's "Create a canonical request for Signature Version 4").
    fn canonical_request(
        &self,
        method: &str,
        raw_path: &str,
        raw_query: &str,
        headers: &HeaderMap,
        payload_hash: &str,
    ) -> String {
        let mut out = String::with_capacity(256);
        out.push_str(&method.to_ascii_uppercase());
        out.push('\n');
        out.push_str(&canonical_uri(raw_path));
        out.push('\n');
        out.push_str(&canonical_query(raw_query, self.is_presigned()));
        out.push('\n');
        for name in &self.signed_headers {
            out.push_str(name);
            out.push(':');
            let lookup = if name == ":authority" { "host" } else { name.as_str() };
            let values: Vec<String> = headers
                .get_all(lookup)
                .iter()
                .map(|v| collapse_spaces(&String::from_utf8_lossy(v.as_bytes())))
                .collect();
            out.push_str(&values.join(","));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.signed_headers.join(";"));
        out.push('\n');
        out.push_str(payload_hash);
        out
    }
}

/// AWS's mismatch message, with the canonical request and string to sign it expected, as API Gateway sends it
/// (observed for execute-api, e.g. in the aws-sdk-java samples; the same form SQS and STS use).
fn mismatch(canonical: &str, string_to_sign: &str) -> SigV4Error {
    SigV4Error::Invalid(format!(
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret \
         Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for \
         this request should have been\n'{canonical}'\n\nThe String-to-Sign should have been\n'{string_to_sign}'\n"
    ))
}

/// "Signature not yet current: 20230804T000000Z is still later than 20230803T172233Z (20230803T171733Z + 5 min.)"
/// (observed, NickWaterton/Roomba980-Python#118).
fn not_yet_current(at: u64, now: u64) -> SigV4Error {
    SigV4Error::Invalid(format!(
        "Signature not yet current: {} is still later than {} ({} + 5 min.)",
        format_amz_date(at),
        format_amz_date(now + MAX_SKEW_SECS),
        format_amz_date(now)
    ))
}

/// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let mut key = format!("AWS4{secret}").into_bytes();
    for part in [date, region, service, "aws4_request"] {
        // HMAC takes keys of any length: this never fails.
        let Ok(mut mac) = HmacSha256::new_from_slice(&key) else { return Vec::new() };
        mac.update(part.as_bytes());
        key = mac.finalize().into_bytes().to_vec();
    }
    key
}

/// The canonical URI for a service other than S3: the path as sent, with dot segments and repeated slashes
/// removed, then URI-encoded once more (so `%20` becomes `%2520`: "each path segment must be URI-encoded twice",
/// AWS SigV4 docs, and botocore's `SigV4Auth`).
fn canonical_uri(raw_path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in raw_path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut path = String::from("/");
    path.push_str(&segments.join("/"));
    if raw_path.ends_with('/') && !segments.is_empty() {
        path.push('/');
    }
    uri_encode(&path, false)
}

/// The canonical query: each name and value percent-decoded then strictly URI-encoded, sorted by name then value;
/// a presigned request's own `X-Amz-Signature` left out.
fn canonical_query(raw_query: &str, presigned: bool) -> String {
    let mut pairs: Vec<(String, String)> = raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (uri_encode(&percent_decode(k), true), uri_encode(&percent_decode(v), true))
        })
        .filter(|(k, _)| !(presigned && k == "X-Amz-Signature"))
        .collect();
    pairs.sort();
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

/// The query's (name, value) pairs, percent-decoded.
fn query_pairs(raw_query: &str) -> Vec<(String, String)> {
    raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// RFC 3986 encoding as SigV4 wants it: unreserved characters kept, every other byte `%XX` (upper-case hex);
/// `/` kept unless `encode_slash`.
fn uri_encode(text: &str, encode_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') || (b == b'/' && !encode_slash) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A header value trimmed, with runs of spaces collapsed to one (SigV4 canonical headers).
fn collapse_spaces(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| text.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
}

/// `YYYYMMDD'T'HHMMSS'Z'` → seconds since the epoch.
fn parse_amz_date(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        if part.bytes().all(|c| c.is_ascii_digit()) { part.parse().ok() } else { None }
    };
    let (y, m, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hh, mm, ss) = (num(9..11)?, num(11..13)?, num(13..15)?);
    to_epoch(i64::from(y), m, d, hh, mm, ss)
}

/// An IMF-fixdate `Date` header (`Sun, 06 Nov 1994 08:49:37 GMT`) → seconds since the epoch.
fn parse_http_date(text: &str) -> Option<u64> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let rest = text.split_once(", ")?.1;
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts[..] else { return None };
    let month = MONTHS.iter().position(|m| *m == month)? as u32 + 1;
    let hms: Vec<u32> = time.split(':').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let [hh, mm, ss] = hms[..] else { return None };
    to_epoch(year.parse().ok()?, month, day.parse().ok()?, hh, mm, ss)
}

fn to_epoch(y: i64, m: u32, d: u32, hh: u32, mm: u32, ss: u32) -> Option<u64> {
    // Four-digit years only: a `Date` header is the client's text, and its year must not overflow the arithmetic.
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60
    {
        return None;
    }
    let days = crate::clock::days_from_civil(y, m, d);
    let secs = days * 86_400 + i64::from(hh * 3600 + mm * 60 + ss);
    u64::try_from(secs).ok()
}

/// Seconds since the epoch → `YYYYMMDD'T'HHMMSS'Z'`.
fn format_amz_date(epoch: u64) -> String {
    let (y, m, d) = crate::clock::civil_date(epoch.saturating_mul(1000));
    let rem = epoch % 86_400;
    format!("{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// One access key the emulator knows the secret of.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Credential {
    /// The access key id.
    pub(crate) access_key_id: String,
    /// The secret access key.
    pub(crate) secret_access_key: String,
    /// The session token of temporary credentials.
    pub(crate) session_token: Option<String>,
    /// Where it came from: "the environment", or "FILE:LINE".
    pub(crate) origin: String,
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the secret or the token.
        f.debug_struct("Credential")
            .field("access_key_id", &self.access_key_id)
            .field("session_token", &self.session_token.as_ref().map(|_| "…"))
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

/// The access keys whose signatures can be verified locally.
#[derive(Clone, Debug, Default)]
pub(crate) struct IamCredentials {
    keys: Vec<Credential>,
}

/// Why `--iam-credentials FILE` could not be read. Messages name the file (and line).
#[derive(Debug)]
pub(crate) enum CredentialsError {
    /// The file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A line is neither a `[profile]`, a `key = value`, an `AKID=SECRET` pair, a comment nor blank.
    Syntax {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::Read { path, .. } => write!(f, "cannot read the IAM credentials file {}", path.display()),
            CredentialsError::Syntax { path, line, reason } => write!(f, "{}:{line}: {reason}", path.display()),
        }
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CredentialsError::Read { source, .. } => Some(source),
            CredentialsError::Syntax { .. } => None,
        }
    }
}

impl IamCredentials {
    /// The credentials in the process environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_SESSION_TOKEN`), if both key variables are set.
    pub(crate) fn from_env() -> IamCredentials {
        IamCredentials::from_vars(|name| std::env::var(name).ok())
    }

    /// Keys given in code (`AccessOptions::iam_credentials`): access key id and secret, no session token.
    pub(crate) fn from_pairs(pairs: &[(String, String)]) -> IamCredentials {
        let keys = pairs
            .iter()
            .map(|(id, secret)| Credential {
                access_key_id: id.clone(),
                secret_access_key: secret.clone(),
                session_token: None,
                origin: "AccessOptions::iam_credentials".to_owned(),
            })
            .collect();
        IamCredentials { keys }
    }

    /// [`IamCredentials::from_env`] over any variable lookup.
    pub(crate) fn from_vars(var: impl Fn(&str) -> Option<String>) -> IamCredentials {
        let value = |name| var(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let mut creds = IamCredentials::default();
        if let (Some(id), Some(secret)) = (value("AWS_ACCESS_KEY_ID"), value("AWS_SECRET_ACCESS_KEY")) {
            creds.keys.push(Credential {
                access_key_id: id,
                secret_access_key: secret,
                session_token: value("AWS_SESSION_TOKEN"),
                origin: "the environment".into(),
            });
        }
        creds
    }

    /// Reads `--iam-credentials FILE`: the AWS shared-credentials INI format (every profile), and/or plain
    /// `ACCESS_KEY_ID=SECRET` lines.
    pub(crate) fn load_file(path: &Path) -> Result<IamCredentials, CredentialsError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| CredentialsError::Read { path: path.to_owned(), source })?;
        IamCredentials::parse_file(&text, path)
    }

    /// Parses credentials file text; `path` names it in errors and origins.
    pub(crate) fn parse_file(text: &str, path: &Path) -> Result<IamCredentials, CredentialsError> {
        struct Profile {
            name: String,
            line: usize,
            id: Option<String>,
            secret: Option<String>,
            token: Option<String>,
        }
        let syntax = |line, reason: String| CredentialsError::Syntax { path: path.to_owned(), line, reason };
        let mut creds = IamCredentials::default();
        let mut profiles: Vec<Profile> = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line_no = index + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[') {
                let Some(name) = name.strip_suffix(']') else {
                    return Err(syntax(line_no, format!("the section header {line:?} has no closing ']'")));
                };
                profiles.push(Profile {
                    name: name.trim().to_owned(),
                    line: line_no,
                    id: None,
                    secret: None,
                    token: None,
                });
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(syntax(
                    line_no,
                    format!("expected `[profile]`, `key = value` or `ACCESS_KEY_ID=SECRET`, found {line:?}"),
                ));
            };
            let (key, value) = (key.trim(), value.trim().to_owned());
            if value.is_empty() {
                return Err(syntax(line_no, format!("`{key}` has no value")));
            }
            match profiles.last_mut() {
                Some(profile) => match key.to_ascii_lowercase().as_str() {
                    "aws_access_key_id" => profile.id = Some(value),
                    "aws_secret_access_key" => profile.secret = Some(value),
                    "aws_session_token" | "aws_security_token" => profile.token = Some(value),
                    _ => {} // region, output, role_arn…: not credentials.
                },
                None if key.to_ascii_lowercase().starts_with("aws_") => {
                    return Err(syntax(line_no, format!("`{key}` is outside any [profile] section")));
                }
                None => creds.keys.push(Credential {
                    access_key_id: key.to_owned(),
                    secret_access_key: value,
                    session_token: None,
                    origin: format!("{}:{line_no}", path.display()),
                }),
            }
        }
        for profile in profiles {
            match (profile.id, profile.secret) {
                (Some(id), Some(secret)) => creds.keys.push(Credential {
                    access_key_id: id,
                    secret_access_key: secret,
                    session_token: profile.token,
                    origin: format!("{}:{}", path.display(), profile.line),
                }),
                (None, None) => {} // A profile of settings only (region, role_arn…).
                (Some(_), None) => {
                    let reason =
                        format!("profile [{}] has aws_access_key_id but no aws_secret_access_key", profile.name);
                    return Err(syntax(profile.line, reason));
                }
                (None, Some(_)) => {
                    let reason =
                        format!("profile [{}] has aws_secret_access_key but no aws_access_key_id", profile.name);
                    return Err(syntax(profile.line, reason));
                }
            }
        }
        Ok(creds)
    }

    /// Adds `other`'s keys after these (the first entry for an access key id wins).
    pub(crate) fn extend(&mut self, other: IamCredentials) {
        self.keys.extend(other.keys);
    }

    /// The credential of `access_key_id`.
    pub(crate) fn get(&self, access_key_id: &str) -> Option<&Credential> {
        self.keys.iter().find(|c| c.access_key_id == access_key_id)
    }

    /// Verifies `signed` with the secret of its access key: `Ok(None)` when the key is not known locally (the
    /// caller decides: the rule is to accept with a warning), `Ok(Some(credential))` when the signature
    /// verifies, an error when it does not or when the key's session token is not the request's.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn verify<'a>(
        &'a self,
        signed: &SignedRequest,
        method: &str,
        raw_path: &str,
        raw_query: &str,
        headers: &HeaderMap,
        body: &[u8],
        now_epoch_secs: u64,
    ) -> Result<Option<&'a Credential>, SigV4Error> {
        let Some(credential) = self.get(signed.access_key_id()) else { return Ok(None) };
        if let Some(token) = &credential.session_token
            && signed.security_token() != Some(token.as_str())
        {
            return Err(SigV4Error::UnrecognizedClient);
        }
        signed.verify(method, raw_path, raw_query, headers, body, &credential.secret_access_key, now_epoch_secs)?;
        Ok(Some(credential))
    }

    /// The secret of `access_key_id`, when it is known locally.
    #[cfg(test)]
    pub(crate) fn secret_for(&self, access_key_id: &str) -> Option<&str> {
        self.get(access_key_id).map(|c| c.secret_access_key.as_str())
    }

    /// How many keys are known.
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no key is known.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[cfg(test)]
#[path = "sigv4_tests.rs"]
mod tests;
