//! The template reader on arbitrary bytes: SAM/CloudFormation (YAML and JSON) and Serverless, by file name.
//! Any input must give a model or located problems, never a panic (a macro reads templates inside rustc).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    // Invalid UTF-8 is read_file's problem to report; read_str takes text, lossily here so every input is read.
    let text = String::from_utf8_lossy(rest);
    let name = match selector % 3 {
        0 => "template.yaml",
        1 => "template.json",
        _ => "serverless.yml",
    };
    let options = emu_template::ReadOptions::default();
    if let Err(problems) = emu_template::read_str(&text, Path::new(name), &options) {
        // Every problem is located and printable.
        for p in &problems.0 {
            let _ = p.to_string();
        }
    }
});
