//! The front door's check of the request head before any API sees it: HTTP/1.1 needs exactly one `Host`, and it
//! must be a host (`name[:port]`, port ≤ 65535, no user info), as RFC 9112 §3.2 requires; else 400.

use http::{HeaderMap, Version, header};

use crate::gateway::errors::GatewayError;

/// `Ok` when the request's `Host` is one valid `host[:port]` (or absent on HTTP/1.0); else why not, as a 400.
///
/// A missing Host is only refused on a request the dev server read from a connection (`from_client`): a request
/// built in-process and handed to [`App::router`](crate::App::router) often has none; it is `localhost` in the event.
/// RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request message that
/// lacks a Host header field and to any request message that contains more than one Host header field line or a
/// Host header field with an invalid field value." A Host that is not a URI authority would also make
/// `lambda_http`'s request conversion panic; API Gateway's front door never forwards one.
pub(crate) fn check(version: Version, headers: &HeaderMap, from_client: bool) -> Result<(), GatewayError> {
    let mut hosts = headers.get_all(header::HOST).iter();
    let reason = match (hosts.next(), hosts.next()) {
        (None, _) if version == Version::HTTP_11 && from_client => "HTTP/1.1 request without a Host header",
        (None, _) => return Ok(()),
        (Some(_), Some(_)) => "more than one Host header",
        (Some(host), None) if valid_host(host.as_bytes()) => return Ok(()),
        (Some(_), None) => "a Host header that is not host[:port]",
    };
    tracing::warn!("{reason}: answering 400 (RFC 9112 §3.2)");
    Err(GatewayError::BadRequest)
}

/// `uri-host [ ":" port ]` (RFC 9110 §7.2): a reg-name, an IPv4 address or a bracketed IPv6 literal, then an
/// optional port of at most five digits that fits in 16 bits.
/// [`check_host`] with the last valid value of this thread remembered: a client sends the same `Host` on every
/// request, and the WHATWG parse below costs ~4k instructions (callgrind, docs/benchmarks.md issue 18).
fn valid_host(value: &[u8]) -> bool {
    thread_local! {
        static LAST_VALID: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    if LAST_VALID.with(|last| last.borrow().as_slice() == value) && !value.is_empty() {
        return true;
    }
    let valid = check_host(value);
    if valid {
        LAST_VALID.with(|last| {
            let mut last = last.borrow_mut();
            last.clear();
            last.extend_from_slice(value);
        });
    }
    valid
}

/// Whether `value` is a `host[:port]` every layer accepts (RFC 9112's grammar and the WHATWG URL parser).
fn check_host(value: &[u8]) -> bool {
    let Ok(authority) = http::uri::Authority::try_from(value) else { return false };
    let text = authority.as_str();
    if text.is_empty() || text.contains('@') {
        return false;
    }
    let host = authority.host();
    if host.is_empty() {
        return false;
    }
    if let Some(literal) = host.strip_prefix('[') {
        let Some(inner) = literal.strip_suffix(']') else { return false };
        if inner.parse::<std::net::Ipv6Addr>().is_err() {
            return false;
        }
    } else if !host.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=".contains(&b)) {
        return false;
    }
    // `host:` (an empty port) is allowed by the grammar; a port must fit in 16 bits.
    let port_ok = match text.strip_prefix(host).and_then(|rest| rest.strip_prefix(':')) {
        None | Some("") => true,
        Some(port) => port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok(),
    };
    port_ok && whatwg_host(text)
}

/// Whether the WHATWG URL parser `lambda_http` builds its request URI with takes this authority: stricter than
/// RFC 3986 where a host ends in a number (`12w.0.0.1` must then be an IPv4 address) or has a punycode label that
/// does not decode (`xn--`). Found by the `request_event` fuzz target; such a Host made the conversion panic.
#[cfg(feature = "lambda-http")]
fn whatwg_host(authority: &str) -> bool {
    url::Url::parse(&format!("http://{authority}/")).is_ok_and(|u| u.host_str().is_some())
}

/// Without `lambda_http` no conversion needs more than RFC 3986's grammar.
#[cfg(not(feature = "lambda-http"))]
fn whatwg_host(_authority: &str) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check2(v: Version, from_client: bool, h: &HeaderMap) -> Result<(), GatewayError> {
        check(v, h, from_client)
    }

    fn with_hosts(values: &[&[u8]]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(header::HOST, http::HeaderValue::from_bytes(v).unwrap());
        }
        h
    }

    #[test]
    #[cfg(feature = "lambda-http")]
    fn hosts_the_whatwg_parser_refuses_are_400() {
        for bad in [&b"12w.0.0.1"[..], b"1.2.3.256", b"xn--"] {
            assert_eq!(check2(Version::HTTP_11, true, &with_hosts(&[bad])), Err(GatewayError::BadRequest));
        }
    }

    #[test]
    fn one_valid_host_passes() {
        for ok in [&b"localhost"[..], b"localhost:3000", b"127.0.0.1:3000", b"[::1]:3000", b"[::1]", b"a.b-c_d", b"h:"]
        {
            assert_eq!(check2(Version::HTTP_11, true, &with_hosts(&[ok])), Ok(()), "{}", String::from_utf8_lossy(ok));
        }
    }

    #[test]
    fn missing_repeated_and_malformed_hosts_are_400() {
        assert_eq!(check2(Version::HTTP_11, true, &HeaderMap::new()), Err(GatewayError::BadRequest));
        assert_eq!(check2(Version::HTTP_10, true, &HeaderMap::new()), Ok(()), "HTTP/1.0 needs no Host");
        assert_eq!(check2(Version::HTTP_11, false, &HeaderMap::new()), Ok(()), "built in-process");
        assert_eq!(check2(Version::HTTP_11, true, &with_hosts(&[b"a", b"a"])), Err(GatewayError::BadRequest));
        for bad in [
            &b"a b"[..],
            b"localhost:65536",
            b"localhost:99999999",
            b"[::1",
            b"::1",
            b"[nonsense]:80",
            b"h\xff",
            b"user@host",
            b"",
            b":80",
            b"h:8a",
            b"h/x",
        ] {
            assert_eq!(
                check2(Version::HTTP_11, true, &with_hosts(&[bad])),
                Err(GatewayError::BadRequest),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
