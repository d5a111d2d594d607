//! Fresh and stable ids: Lambda and REST request ids (UUID v4 shape), HTTP API request ids, X-Ray trace ids, API ids.
//! Hand-written over a per-thread SplitMix64: ids need to be unique, not unpredictable, and `format!` costs ~10x more.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

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

/// A stable lower-case hex string of `len` characters derived from `seed`.
pub(crate) fn stable_hex(seed: &str, len: usize) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    stable_chars(seed, len, HEX)
}

/// A stable lower-case alphanumeric id of `len` characters derived from `seed` (API ids, resource ids).
pub(crate) fn stable_id(seed: &str, len: usize) -> String {
    const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    stable_chars(seed, len, ALPHABET)
}

/// `len` characters of `alphabet` from FNV-1a of `seed`, then a SplitMix64 stream: the same across runs and platforms.
fn stable_chars(seed: &str, len: usize, alphabet: &[u8]) -> String {
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
        s.push(alphabet[((z ^ (z >> 31)) % alphabet.len() as u64) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn stable_ids_are_pinned() {
        // API ids appear in events, ARNs and URLs users paste: they must not change between versions.
        assert_eq!(stable_id("ServerlessRestApi", 10), "g957eyl8t3");
        assert_eq!(stable_id("x", 6).len(), 6);
    }

    #[test]
    fn trace_ids_have_the_xray_shape() {
        for ms in [0u64, 1_589_522_469_693, 1_764_171_000_123, 4_102_444_799_999] {
            let secs = ms / 1000;
            let t = trace_id(ms);
            assert_eq!(&t[..16], format!("Root=1-{secs:08x}-"), "{t}");
            assert_eq!(t.len(), 40);
        }
    }
}
