//! The `$util` functions' string work: JavaScript escaping (Apache Commons Lang's `escapeJavaScript`), Java's
//! `URLEncoder`/`URLDecoder` (UTF-8, `application/x-www-form-urlencoded`) and standard base64.

use std::fmt::Write as _;

use base64::Engine as _;

/// Commons Lang 2 `StringEscapeUtils.escapeJavaScript`: `'` `"` `\` `/` backslash-escaped, control characters
/// as `\n`-style or `\u00XX`, and every UTF-16 unit above 0x7F as `\uXXXX` (upper-case hex).
pub(crate) fn escape_javascript(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for unit in s.encode_utf16() {
        match unit {
            0x08 => out.push_str("\\b"),
            0x09 => out.push_str("\\t"),
            0x0A => out.push_str("\\n"),
            0x0C => out.push_str("\\f"),
            0x0D => out.push_str("\\r"),
            0x27 => out.push_str("\\'"),
            0x22 => out.push_str("\\\""),
            0x5C => out.push_str("\\\\"),
            0x2F => out.push_str("\\/"),
            u if !(0x20..=0x7F).contains(&u) => {
                let _ = write!(out, "\\u{u:04X}");
            }
            u => out.push(char::from(u as u8)),
        }
    }
    out
}

/// Java's `URLEncoder.encode(s, "UTF-8")`: `A-Z a-z 0-9 . - * _` kept, space as `+`, other bytes `%XX`.
pub(crate) fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => out.push(char::from(b)),
            b' ' => out.push('+'),
            b => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// Java's `URLDecoder.decode(s, "UTF-8")`: `+` as space, `%XX` as a byte; a malformed escape is an error (Java
/// throws), bytes that are not UTF-8 become U+FFFD.
pub(crate) fn url_decode(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut bytes = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => {
                bytes.push(b' ');
                i += 1;
            }
            b'%' => {
                let hex = b.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
                let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) else {
                    return Err(format!("malformed escape at byte {i}: `%` must be followed by two hex digits"));
                };
                bytes.push(byte);
                i += 3;
            }
            c => {
                bytes.push(c);
                i += 1;
            }
        }
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

pub(crate) fn base64_encode(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

/// Standard base64 (padding optional); the bytes as UTF-8, malformed sequences as U+FFFD.
pub(crate) fn base64_decode(s: &str) -> Result<String, String> {
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    engine.decode(s.trim().as_bytes()).map(|b| String::from_utf8_lossy(&b).into_owned()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn javascript_escaping() {
        assert_eq!(escape_javascript(r#"it's "x" \ /"#), r#"it\'s \"x\" \\ \/"#);
        assert_eq!(escape_javascript("a\nb\t\u{1}"), "a\\nb\\t\\u0001");
        assert_eq!(escape_javascript("é😀"), "\\u00E9\\uD83D\\uDE00");
    }

    #[test]
    fn url_encoding_is_javas() {
        // The spec's OBSERVED example (§7.5): space as `+`.
        assert_eq!(url_encode(r#"{"some": "value"}"#), "%7B%22some%22%3A+%22value%22%7D");
        assert_eq!(url_encode("a.b-c*d_e~é"), "a.b-c*d_e%7E%C3%A9");
        assert_eq!(url_decode("%7B%22some%22%3A+%22value%22%7D").as_deref(), Ok(r#"{"some": "value"}"#));
        assert!(url_decode("100%").is_err());
        assert!(url_decode("%zz").is_err());
        assert_eq!(url_decode("%FF").as_deref(), Ok("\u{FFFD}"));
    }

    #[test]
    fn base64_round_trip() {
        assert_eq!(base64_encode("hello é"), "aGVsbG8gw6k=");
        assert_eq!(base64_decode("aGVsbG8gw6k=").as_deref(), Ok("hello é"));
        assert_eq!(base64_decode("aGVsbG8gw6k").as_deref(), Ok("hello é"));
        assert!(base64_decode("not base64!").is_err());
    }
}
