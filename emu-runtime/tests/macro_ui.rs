//! Compile-time behaviour of `lambda_app!`: every compile error (tests/ui/fail_*.rs + .stderr) and every binding rule
//! (tests/ui/pass_*.rs). Bless changed messages with `TRYBUILD=overwrite cargo test -p emu-runtime --test macro_ui`.
// The committed .stderr files are rustc's output with the default features; without `lambda-http` the handler
// trait has fewer impls and rustc words some errors differently, so the UI suite runs with the defaults only.
#![cfg(feature = "lambda-http")]

use std::path::{Path, PathBuf};

/// trybuild compiles the tests as a crate in `<target>/tests/trybuild/emu-runtime`, which is the `CARGO_MANIFEST_DIR`
/// `lambda_app!` resolves paths against; the templates are copied there so the tests can name `tests/ui/x.yaml`.
fn copy_templates() -> std::io::Result<()> {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().map(Path::to_path_buf).unwrap_or_default();
    let destination: PathBuf = target.join("tests/trybuild/emu-runtime/tests/ui");
    std::fs::create_dir_all(&destination)?;
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    for entry in std::fs::read_dir(&source)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
            && let Some(name) = path.file_name()
        {
            std::fs::copy(&path, destination.join(name))?;
        }
    }
    Ok(())
}

#[test]
fn ui() {
    copy_templates().expect("copy the UI test templates next to the trybuild crate");
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass_*.rs");
    t.compile_fail("tests/ui/fail_*.rs");
}
