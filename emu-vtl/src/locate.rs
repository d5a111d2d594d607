//! Byte offsets to 1-based line and column (in characters), computed only for what is reported.
//! Consecutive queries moving forward on one line reuse the last answer, so reporting stays linear.

use std::cell::Cell;

/// Line starts of one template text, and a cursor cache for forward queries.
#[derive(Debug, Clone)]
pub(crate) struct Locator {
    line_starts: Vec<usize>,
    /// (byte offset, line index, column) of the last answer.
    last: Cell<(usize, usize, u32)>,
}

impl Locator {
    pub(crate) fn new(src: &str) -> Locator {
        let mut line_starts = vec![0];
        line_starts.extend(src.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
        Locator { line_starts, last: Cell::new((0, 0, 1)) }
    }

    /// The 1-based (line, column) of byte offset `off` in `src` (the text this locator was built from).
    pub(crate) fn locate(&self, src: &str, off: usize) -> (u32, u32) {
        let off = off.min(src.len());
        let line = self.line_starts.partition_point(|&s| s <= off).saturating_sub(1);
        let (last_off, last_line, last_col) = self.last.get();
        let (from, base) =
            if last_line == line && last_off <= off { (last_off, last_col) } else { (self.line_starts[line], 1) };
        let col = base.saturating_add(count_chars(src, from, off));
        self.last.set((off, line, col));
        (u32::try_from(line + 1).unwrap_or(u32::MAX), col)
    }
}

fn count_chars(src: &str, from: usize, to: usize) -> u32 {
    let n = src.as_bytes().get(from..to).map_or(0, |bytes| bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count());
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_character_columns() {
        let src = "ab\né$x\n\nz";
        let loc = Locator::new(src);
        assert_eq!(loc.locate(src, 0), (1, 1));
        assert_eq!(loc.locate(src, 1), (1, 2));
        assert_eq!(loc.locate(src, 3), (2, 1));
        // `$` is after the two-byte `é`: column 2.
        assert_eq!(loc.locate(src, 5), (2, 2));
        assert_eq!(loc.locate(src, 8), (3, 1));
        assert_eq!(loc.locate(src, 9), (4, 1));
        // Backwards after forwards still answers from the line start.
        assert_eq!(loc.locate(src, 3), (2, 1));
        assert_eq!(loc.locate(src, 100), (4, 2));
    }
}
