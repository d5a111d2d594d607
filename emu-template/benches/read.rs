//! Reads generated SAM templates with 10, 100 and 500 functions (each with an Api event and environment).
//! Target: 500 functions under 50 ms.

use std::fmt::Write;
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use emu_template::{ReadOptions, read_str};

fn template(functions: usize) -> String {
    let mut t = String::from(
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n\
         Parameters:\n  Stage:\n    Type: String\n    Default: dev\n\
         Globals:\n  Function:\n    Runtime: provided.al2023\n    Timeout: 10\n    Environment:\n      Variables:\n        SHARED: yes\n\
         Resources:\n",
    );
    for i in 0..functions {
        let _ = write!(
            t,
            "  Fn{i}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: bootstrap\n      CodeUri: .\n      \
             Environment:\n        Variables:\n          TABLE: !Sub '${{Stage}}-table-{i}'\n          REGION: !Ref AWS::Region\n      \
             Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /items{i}/{{id}}\n            Method: get\n"
        );
    }
    t
}

fn bench(c: &mut Criterion) {
    for n in [10, 100, 500] {
        let source = template(n);
        let options = ReadOptions::default();
        c.bench_function(&format!("read_str {n} functions"), |b| {
            b.iter(|| {
                let loaded = read_str(black_box(&source), Path::new("template.yaml"), &options);
                assert!(loaded.is_ok_and(|l| l.model.routes.len() == n));
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
