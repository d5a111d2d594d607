//! API Gateway mapping templates (emu-vtl) on arbitrary bytes: the template, then a NUL, then the body.
//! Any input must parse to a template or a located error and render to output or a typed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (template, body) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &b"{\"a\": [1, {\"b\": \"x\"}], \"s\": \"a,b\"}"[..]),
    };
    let template = String::from_utf8_lossy(template);
    let body = String::from_utf8_lossy(body);
    let parsed = match emu_vtl::Template::parse(&template) {
        Ok(t) => t,
        Err(e) => {
            assert!(e.line >= 1 && e.column >= 1, "{e:?}");
            return;
        }
    };
    for u in parsed.unsupported() {
        assert!(u.line >= 1 && u.column >= 1, "{u:?}");
    }
    let context = serde_json::json!({"stage": "dev", "identity": {"sourceIp": "192.0.2.1"}});
    let stage_variables = serde_json::json!({"env": "test"});
    let scope = emu_vtl::Scope {
        body: &body,
        path: &[("id", "1")],
        querystring: &[("q", "x")],
        header: &[("Accept", "application/json")],
        context: &context,
        stage_variables: &stage_variables,
    };
    match parsed.render(&scope) {
        Ok(r) => assert!(r.body.len() <= emu_vtl::MAX_OUTPUT_BYTES),
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
