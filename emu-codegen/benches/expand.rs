//! Benchmark of `lambda_app!` expansion on generated SAM templates with 10, 100 and 500 functions (one Api event each).
//! Calls `emu-codegen` directly: reading, planning and emitting, without a compiler around it.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use emu_codegen::{MacroInput, expand_in, expand_loaded, load, template_path};
use quote::quote;

/// A SAM template with `n` functions, each with one `Api` event and an environment variable.
fn template(n: usize) -> String {
    let mut out = String::from(
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Runtime: provided.al2023\n    Handler: bootstrap\n    Timeout: 10\nResources:\n",
    );
    for i in 0..n {
        out.push_str(&format!(
            "  Function{i}:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: .\n      Environment:\n        Variables:\n          TABLE: table-{i}\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /items{i}/{{id}}\n            Method: get\n"
        ));
    }
    out
}

fn write_templates() -> (PathBuf, Vec<(usize, PathBuf)>) {
    let dir = std::env::temp_dir().join(format!("emu-codegen-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create bench dir");
    let files = [10, 100, 500]
        .into_iter()
        .map(|n| {
            let path = dir.join(format!("template-{n}.yaml"));
            std::fs::write(&path, template(n)).expect("write template");
            (n, path)
        })
        .collect();
    (dir, files)
}

fn bench(c: &mut Criterion) {
    let (dir, files) = write_templates();
    let mut group = c.benchmark_group("lambda_app");
    group.sample_size(20);
    for (n, path) in &files {
        let name = path.file_name().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let probe = expand_in(quote!(#name), Some(&dir)).to_string();
        if probe.contains("compile_error") {
            eprintln!("skipping {n} functions: the expansion is an error: {}", &probe[..probe.len().min(300)]);
            continue;
        }
        group.bench_with_input(BenchmarkId::new("read+expand to tokens", n), &name, |b, name| {
            b.iter(|| black_box(expand_in(quote!(#name), Some(&dir))))
        });
        group.bench_with_input(BenchmarkId::new("read+expand to String", n), &name, |b, name| {
            b.iter(|| black_box(expand_in(quote!(#name), Some(&dir)).to_string()))
        });
        let template = template_path(&name, Some(&dir));
        if let Ok(loaded) = load(&template, proc_macro2::Span::call_site()) {
            group.bench_with_input(BenchmarkId::new("read only", n), &template, |b, t| {
                b.iter(|| black_box(load(t, proc_macro2::Span::call_site()).is_ok()))
            });
            group.bench_with_input(BenchmarkId::new("expand only (to String)", n), &loaded, |b, loaded| {
                b.iter(|| {
                    let input: MacroInput = syn::parse2(quote!(#name)).expect("parses");
                    black_box(expand_loaded(input, &template, loaded).to_string())
                })
            });
        }
    }
    group.finish();
    let _ = std::fs::remove_dir_all(Path::new(&dir));
}

criterion_group!(benches, bench);
criterion_main!(benches);
