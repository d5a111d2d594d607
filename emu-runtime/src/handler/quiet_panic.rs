//! A last line of defence around a library conversion that can panic on request data (`lambda_http`'s request
//! building): the panic is caught and kept out of the panic hook, so no message is printed and no backtrace captured.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

thread_local! {
    /// Set while [`catch_quietly`] runs its closure on this thread.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

static HOOK: Once = Once::new();

/// Panics caught by [`catch_quietly`] since start: the fuzz targets check that no request reached one.
static CAUGHT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many panics [`catch_quietly`] has caught in this process.
#[cfg_attr(not(feature = "bench-internals"), allow(dead_code))]
pub(crate) fn caught() -> u64 {
    CAUGHT.load(std::sync::atomic::Ordering::Relaxed)
}

/// Runs `f`; a panic inside it comes back as its message, unreported by the panic hook (with `RUST_BACKTRACE=1` the
/// default hook would capture a backtrace for it, ~90 MB the first time). Panics elsewhere are reported as before:
/// the hook installed once here calls the previous one unless this thread is inside `catch_quietly`.
pub(crate) fn catch_quietly<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.map_err(|p| {
        CAUGHT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        crate::lambda::invoke::panic_message(&*p)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message_and_other_results_pass_through() {
        assert_eq!(catch_quietly(|| 7), Ok(7));
        let r: Result<(), String> = catch_quietly(|| panic!("bad host {}", 1));
        assert_eq!(r, Err("bad host 1".to_owned()));
        assert!(!QUIET.with(Cell::get), "the flag is reset after the call");
    }
}
