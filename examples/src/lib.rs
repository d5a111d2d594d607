//! Shared code for the examples (empty: each example is self-contained).
