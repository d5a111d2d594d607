//! The authorizer result cache: per authorizer, keyed by the identity-source values, for its TTL. A cached policy
//! is kept as a policy and evaluated again against each request's method ARN, as API Gateway does.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The most results kept per authorizer; past it, expired entries go, then (if still full) the oldest.
const MAX_ENTRIES: usize = 10_000;

/// Cached results of one authorizer.
#[derive(Debug)]
pub(crate) struct ResultCache<V> {
    ttl: Duration,
    entries: Mutex<HashMap<String, (Instant, V)>>,
}

impl<V: Clone> ResultCache<V> {
    /// A cache whose entries live `ttl_secs` (0: nothing is ever cached).
    pub(crate) fn new(ttl_secs: u32) -> ResultCache<V> {
        ResultCache { ttl: Duration::from_secs(u64::from(ttl_secs)), entries: Mutex::new(HashMap::new()) }
    }

    /// Whether results are cached at all.
    pub(crate) fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    /// The cached result for `key`, when there is one that has not expired at `now`.
    pub(crate) fn get(&self, key: &str, now: Instant) -> Option<V> {
        if !self.enabled() {
            return None;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(key) {
            Some((expires, v)) if *expires > now => Some(v.clone()),
            Some(_) => {
                entries.remove(key);
                None
            }
            None => None,
        }
    }

    /// Keeps `value` for `key` until `now + ttl`.
    pub(crate) fn put(&self, key: String, value: V, now: Instant) {
        if !self.enabled() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (expires, _)| *expires > now);
            if entries.len() >= MAX_ENTRIES
                && let Some(oldest) = entries.iter().min_by_key(|(_, (e, _))| *e).map(|(k, _)| k.clone())
            {
                entries.remove(&oldest);
            }
        }
        entries.insert(key, (now + self.ttl, value));
    }

    /// Forgets every cached result.
    pub(crate) fn clear(&self) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// The cache key of a set of identity-source values (a separator no header or query value can hold).
pub(crate) fn key<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, v) in values.into_iter().enumerate() {
        if i > 0 {
            out.push('\u{0}');
        }
        out.push_str(v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_live_for_the_ttl_and_zero_disables() {
        let c = ResultCache::new(300);
        let t0 = Instant::now();
        c.put("k".into(), 1, t0);
        assert_eq!(c.get("k", t0 + Duration::from_secs(299)), Some(1));
        assert_eq!(c.get("k", t0 + Duration::from_secs(300)), None, "expired at the TTL");
        assert_eq!(c.get("k", t0), None, "an expired entry is removed");
        let off = ResultCache::new(0);
        off.put("k".into(), 1, t0);
        assert_eq!(off.get("k", t0), None);
        assert!(!off.enabled());
    }

    #[test]
    fn keys_separate_every_identity_value() {
        assert_ne!(key(["a,b", "c"]), key(["a", "b,c"]));
        assert_ne!(key(["ab", ""]), key(["a", "b"]));
        assert_eq!(key(["t"]), "t");
    }

    #[test]
    fn the_cache_stays_bounded() {
        let c = ResultCache::new(60);
        let t0 = Instant::now();
        for i in 0..(MAX_ENTRIES + 10) {
            c.put(i.to_string(), i, t0 + Duration::from_millis(i as u64));
        }
        assert!(c.entries.lock().unwrap().len() <= MAX_ENTRIES);
        assert_eq!(c.get(&(MAX_ENTRIES + 9).to_string(), t0), Some(MAX_ENTRIES + 9));
        c.clear();
        assert_eq!(c.get("1", t0), None);
    }
}
