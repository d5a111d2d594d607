//! Small helpers shared by the request path: percent-decoding, request ids and CLF timestamps.
//! Hand-rolled so the runtime needs no extra crates; every function is total (never panics on input).

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Percent-decodes `s` as a path component (`+` stays `+`).
///
/// Invalid escapes (`%zz`, a trailing `%`) are kept verbatim and bytes that do not form UTF-8
/// are replaced by U+FFFD, so this never fails. Borrows when there is nothing to decode.
pub(crate) fn percent_decode(s: &str) -> Cow<'_, str> {
    decode(s, false)
}

/// Percent-decodes a query-string key or value (`+` means a space, as in forms).
pub(crate) fn query_decode(s: &str) -> Cow<'_, str> {
    decode(s, true)
}

fn decode(s: &str, plus_is_space: bool) -> Cow<'_, str> {
    if !s.bytes().any(|b| b == b'%' || (plus_is_space && b == b'+')) {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    match String::from_utf8(out) {
        Ok(s) => Cow::Owned(s),
        Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Parses a raw query string into decoded `(key, value)` pairs, in order; `a` and `a=` both give `""`.
pub(crate) fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (query_decode(k).into_owned(), query_decode(v).into_owned())
        })
        .collect()
}

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Per-thread SplitMix64 state, seeded once from the clock, the process id and a global sequence.
    static STATE: std::cell::Cell<u64> = std::cell::Cell::new({
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0);
        nanos ^ (u64::from(std::process::id()) << 32) ^ SEQUENCE.fetch_add(1, Ordering::Relaxed).wrapping_mul(0xA24B_AED4_963E_E407)
    });
}

/// 64 pseudo-random bits (SplitMix64); ids only need to be unique, not unpredictable.
fn random_u64() -> u64 {
    STATE.with(|s| {
        let mut z = s.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
        s.set(z);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    })
}

/// A fresh UUID-v4-shaped id (`8-4-4-4-12` hex), as Lambda and REST APIs use for request ids.
pub(crate) fn uuid_v4() -> String {
    let hi = (random_u64() & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000; // version 4
    let lo = (random_u64() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000; // variant 10
    let mut out = String::with_capacity(36);
    push_hex(&mut out, hi >> 32, 8);
    out.push('-');
    push_hex(&mut out, hi >> 16, 4);
    out.push('-');
    push_hex(&mut out, hi, 4);
    out.push('-');
    push_hex(&mut out, lo >> 48, 4);
    out.push('-');
    push_hex(&mut out, lo, 12);
    out
}

/// A fresh X-Ray trace header value, `Root=1-<epoch seconds, 8 hex>-<24 hex>`, as API Gateway adds it.
pub(crate) fn trace_id(epoch_ms: u64) -> String {
    let mut s = String::with_capacity(40);
    s.push_str("Root=1-");
    push_hex(&mut s, epoch_ms / 1000, 8);
    s.push('-');
    push_hex(&mut s, random_u64(), 16);
    push_hex(&mut s, random_u64(), 8);
    s
}

/// Appends the low `digits` nibbles of `v` as lower-case hex, zero-padded (no `format!`: it costs ~10x more).
fn push_hex(out: &mut String, v: u64, digits: u32) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for i in (0..digits).rev() {
        out.push(HEX[((v >> (4 * i)) & 15) as usize] as char);
    }
}

/// A fresh HTTP API style request id: 16 base64url-ish characters ending in `=` (`LV7fzho-PHcEJPw=`).
pub(crate) fn short_request_id() -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut r = random_u64() ^ random_u64().rotate_left(17);
    let mut s = String::with_capacity(16);
    for _ in 0..15 {
        s.push(ALPHABET[(r & 63) as usize] as char);
        r = r.rotate_right(6) ^ 0x2545_F491_4F6C_DD1D;
    }
    s.push('=');
    s
}

/// A stable lower-case alphanumeric id of `len` characters derived from `seed` (API ids, resource ids).
pub(crate) fn stable_id(seed: &str, len: usize) -> String {
    const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    // FNV-1a, then a SplitMix64 stream: deterministic across runs and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut s = String::with_capacity(len);
    for _ in 0..len {
        h = h.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = h;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        s.push(ALPHABET[((z ^ (z >> 31)) % 36) as usize] as char);
    }
    s
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_epoch_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// Formats epoch milliseconds as API Gateway's `requestTime`: `15/May/2020:06:01:09 +0000`.
pub(crate) fn clf_time(epoch_ms: u64) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let secs = epoch_ms / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    // Written digit by digit into one allocation: `format!` with padded integers cost ~2.9k instructions.
    let mut s = String::with_capacity(26);
    push_2digits(&mut s, u64::from(d));
    s.push('/');
    s.push_str(MONTHS[(m - 1) as usize % 12]);
    s.push('/');
    push_decimal(&mut s, y);
    s.push(':');
    push_2digits(&mut s, rem / 3600);
    s.push(':');
    push_2digits(&mut s, (rem % 3600) / 60);
    s.push(':');
    push_2digits(&mut s, rem % 60);
    s.push_str(" +0000");
    s
}

/// Appends `v` (0-99) as two digits.
fn push_2digits(out: &mut String, v: u64) {
    out.push(char::from(b'0' + (v / 10 % 10) as u8));
    out.push(char::from(b'0' + (v % 10) as u8));
}

/// Appends `v` in decimal (a year: negative ones included, so this stays total).
fn push_decimal(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    let mut n = v.unsigned_abs();
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    out.extend(buf[i..].iter().map(|&b| char::from(b)));
}

/// The textual form of `ip` (`Display`'s), with IPv4 written by hand: `to_string` goes through the formatter.
pub(crate) fn ip_string(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => {
            let mut s = String::with_capacity(15);
            for (i, octet) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    s.push('.');
                }
                push_decimal(&mut s, i64::from(octet));
            }
            s
        }
        std::net::IpAddr::V6(_) => ip.to_string(),
    }
}

/// Days since 1970-01-01 to (year, month 1-12, day 1-31); Howard Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_is_total() {
        assert_eq!(percent_decode("a%2Fb"), "a/b");
        assert_eq!(percent_decode("a+b"), "a+b");
        assert_eq!(query_decode("a+b%20c"), "a b c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%ff"), "\u{fffd}");
        assert!(matches!(percent_decode("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn query_parsing_keeps_blank_values_and_order() {
        assert_eq!(
            parse_query("a=1&b&a=2&c="),
            vec![("a".into(), "1".into()), ("b".into(), "".into()), ("a".into(), "2".into()), ("c".into(), "".into())]
        );
        assert!(parse_query("").is_empty());
    }

    #[test]
    fn ids_are_fresh_and_well_formed() {
        let a = uuid_v4();
        let b = uuid_v4();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
        assert_eq!(a.match_indices('-').map(|(i, _)| i).collect::<Vec<_>>(), [8, 13, 18, 23]);
        assert!(a.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        let s = short_request_id();
        assert_eq!(s.len(), 16);
        assert!(s.ends_with('='));
        assert_eq!(stable_id("ServerlessRestApi", 10), stable_id("ServerlessRestApi", 10));
        assert_eq!(stable_id("x", 6).len(), 6);
    }

    #[test]
    fn clf_time_matches_api_gateway_format() {
        assert_eq!(clf_time(1_589_522_469_693), "15/May/2020:06:01:09 +0000");
        assert_eq!(clf_time(0), "01/Jan/1970:00:00:00 +0000");
        assert_eq!(clf_time(253_402_300_799_000), "31/Dec/9999:23:59:59 +0000");
        assert_eq!(clf_time(1_709_164_800_000), "29/Feb/2024:00:00:00 +0000");
    }

    #[test]
    fn hand_formatting_matches_format() {
        for ms in [0u64, 1_589_522_469_693, 1_764_171_000_123, 4_102_444_799_999] {
            let secs = ms / 1000;
            let t = trace_id(ms);
            assert_eq!(&t[..16], format!("Root=1-{secs:08x}-"), "{t}");
            assert_eq!(t.len(), 40);
        }
        for ip in ["0.0.0.0", "127.0.0.1", "10.20.255.7", "::1", "2001:db8::5"] {
            let ip: std::net::IpAddr = ip.parse().unwrap();
            assert_eq!(ip_string(ip), ip.to_string());
        }
    }
}
