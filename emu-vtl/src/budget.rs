//! Render budgets: a work counter shared by one render, and an output buffer capped in size.
//! Every loop step, value visit and byte written is charged, so no template runs away with time or memory.

use std::cell::Cell;

use crate::error::LimitKind;
use crate::{MAX_OUTPUT_BYTES, MAX_WORK};

/// The work left for one render.
#[derive(Debug)]
pub(crate) struct Budget {
    used: Cell<u64>,
}

impl Budget {
    pub(crate) fn new() -> Budget {
        Budget { used: Cell::new(0) }
    }

    /// Spends `n` units; fails once the render has spent more than [`MAX_WORK`].
    pub(crate) fn charge(&self, n: u64) -> Result<(), LimitKind> {
        let used = self.used.get().saturating_add(n);
        self.used.set(used);
        if used > MAX_WORK { Err(LimitKind::Work) } else { Ok(()) }
    }
}

/// A text buffer of at most [`MAX_OUTPUT_BYTES`], charging the budget one unit per 16 bytes written.
#[derive(Debug)]
pub(crate) struct Sink<'b> {
    buf: String,
    budget: &'b Budget,
}

impl<'b> Sink<'b> {
    pub(crate) fn new(budget: &'b Budget) -> Sink<'b> {
        Sink { buf: String::new(), budget }
    }

    /// An empty buffer on the same budget (for a string built inside the render).
    pub(crate) fn child(&self) -> Sink<'b> {
        Sink::new(self.budget)
    }

    pub(crate) fn push(&mut self, s: &str) -> Result<(), LimitKind> {
        if self.buf.len().saturating_add(s.len()) > MAX_OUTPUT_BYTES {
            return Err(LimitKind::OutputSize);
        }
        self.budget.charge(1 + (s.len() / 16) as u64)?;
        self.buf.push_str(s);
        Ok(())
    }

    pub(crate) fn charge(&self, n: u64) -> Result<(), LimitKind> {
        self.budget.charge(n)
    }

    pub(crate) fn into_string(self) -> String {
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_capped() {
        let budget = Budget::new();
        let mut sink = Sink::new(&budget);
        let chunk = "x".repeat(1 << 20);
        let mut result = Ok(());
        for _ in 0..=(MAX_OUTPUT_BYTES >> 20) {
            result = sink.push(&chunk);
            if result.is_err() {
                break;
            }
        }
        assert_eq!(result, Err(LimitKind::OutputSize));
    }

    #[test]
    fn work_is_capped() {
        let budget = Budget::new();
        assert!(budget.charge(MAX_WORK).is_ok());
        assert_eq!(budget.charge(1), Err(LimitKind::Work));
    }
}
