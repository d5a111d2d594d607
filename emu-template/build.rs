//! Finds the shared template corpus (`../shared/corpus` beside the checkout, or `$EMU_SHARED_DIR/corpus`).
//! Sets `cfg(shared_corpus)` when it exists, so the corpus suites are reported as ignored instead of passing empty.

use std::path::PathBuf;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(shared_corpus)");
    println!("cargo::rerun-if-env-changed=EMU_SHARED_DIR");
    let shared = match std::env::var_os("EMU_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let manifest = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_default();
            manifest.join("../../shared")
        }
    };
    let corpus = shared.join("corpus");
    // Cargo rebuilds when the directory appears, disappears or changes.
    println!("cargo::rerun-if-changed={}", corpus.display());
    // The tests read the corpus from the same place this script looked.
    println!("cargo::rustc-env=EMU_SHARED_CORPUS={}", corpus.display());
    if corpus.is_dir() {
        println!("cargo::rustc-cfg=shared_corpus");
    }
}
