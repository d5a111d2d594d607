//! Hostile and garbage templates: generated from VTL fragments and random bytes (fixed seeds), and hand-made
//! worst cases. Each must parse to a template or a located error, and render to output or a typed error:
//! never a panic, a stack overflow or a run away (the render limits bound every loop).

use emu_vtl::{ParseError, RenderError, Scope, Template};
use serde_json::json;

/// xorshift64*: a small deterministic generator, so every run tries the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const FRAGMENTS: &[&str] = &[
    "$",
    "$!",
    "${",
    "}",
    "$a",
    "$!a",
    "${a}",
    "$a.b",
    ".c",
    ".size()",
    ".get(0)",
    ".put('k', $a)",
    ".add($a)",
    "[0]",
    "['k']",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "=",
    "==",
    "!=",
    "<",
    ">=",
    "&&",
    "||",
    "!",
    " and ",
    " or ",
    " not ",
    "+",
    "-",
    "*",
    "/",
    "%",
    "..",
    "#",
    "##",
    "#*",
    "*#",
    "#[[",
    "]]#",
    "#if(",
    "#elseif(",
    "#else",
    "#end",
    "#{end}",
    "#set(",
    "#set($a = ",
    "#set($m = {})",
    "#set($l = [])",
    "#foreach($i in ",
    "#foreach($x in [1..5])",
    "#foreach($x in $l)",
    "#break",
    "#stop",
    "#macro(m)",
    "#parse('x')",
    "#define($d)",
    "$foreach.hasNext",
    "$foreach.index",
    "$velocityCount",
    "$input.body",
    "$input.json('$')",
    "$input.json('$.a')",
    "$input.path('$.a')",
    "$input.path('$.a[*].b')",
    "$input.path('$..b')",
    "$input.params()",
    "$input.params('q')",
    "$input.foo",
    "$util.escapeJavaScript(",
    "$util.urlEncode(",
    "$util.urlDecode('%')",
    "$util.base64Decode('@')",
    "$util.parseJson('{')",
    "$util.parseJson($input.body)",
    "$util.nope(",
    "$context.stage",
    "$context.a.b.c",
    "#set($context.responseOverride.status = ",
    "#set($context.responseOverride.header.h = 'v')",
    "$stageVariables.x",
    "'str'",
    "\"str $a\"",
    "\"",
    "'",
    "\\",
    "\\$a",
    "\\#if",
    "1",
    "-7",
    "2.5",
    "true",
    "false",
    "[1..1000]",
    "[1, 2]",
    "{'a': 1}",
    " ",
    "\n",
    "\t",
    "text",
    "é",
    "😀",
    "\u{0}",
    "\r\n",
    "$m.put('a', $m)",
    "#set($s = \"$s$s\")",
    "$s.replaceAll('a', 'b')",
    "$s.split(',')",
    "$s.substring(1, 0)",
    "$s.charAt(-1)",
];

fn scope_render(t: &Template, body: &str) -> Result<emu_vtl::Rendered, RenderError> {
    let context = json!({"stage": "dev", "a": {"b": {"c": [1, {"d": 2}]}}});
    let stage = json!({"x": "y"});
    let header = [("Content-Type", "application/json")];
    let query = [("q", "1")];
    let scope =
        Scope { body, path: &[], querystring: &query, header: &header, context: &context, stage_variables: &stage };
    t.render(&scope)
}

fn check_parse_error(e: &ParseError, src: &str) {
    assert!(e.line >= 1 && e.column >= 1, "{e:?} for {src:?}");
    let lines = src.split('\n').count() as u32;
    assert!(e.line <= lines, "{e:?} beyond {lines} lines for {src:?}");
    assert!(!e.to_string().is_empty());
}

fn exercise(src: &str, body: &str) {
    match Template::parse(src) {
        Err(e) => check_parse_error(&e, src),
        Ok(t) => {
            for u in t.unsupported() {
                assert!(u.line >= 1 && u.column >= 1, "{u:?}");
            }
            match scope_render(&t, body) {
                Ok(r) => assert!(r.body.len() <= emu_vtl::MAX_OUTPUT_BYTES),
                Err(e) => {
                    // Every error prints, and chains its cause where it has one.
                    assert!(!e.to_string().is_empty());
                    let _ = std::error::Error::source(&e);
                }
            }
        }
    }
}

#[test]
fn generated_templates_never_panic() {
    let mut rng = Rng(0x0005_EED0_F7E5);
    let bodies = [r#"{"a": [{"b": 1}, {"b": "x"}], "s": "a,b"}"#, "", "not json", "[1, [2, [3]]]", "{\"a\": null}"];
    for _ in 0..4000 {
        let n = 1 + rng.below(24);
        let mut src = String::new();
        for _ in 0..n {
            src.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
        }
        let body = bodies[rng.below(bodies.len())];
        exercise(&src, body);
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0xB17E_5EED);
    let alphabet = b"$#!{}()[].,'\"\\*=<>&|+-/%:0123456789abcdefinsetfoachlupj \n\t";
    for round in 0..3000 {
        let len = rng.below(64);
        let bytes: Vec<u8> = (0..len)
            .map(|_| if round % 3 == 0 { rng.next() as u8 } else { alphabet[rng.below(alphabet.len())] })
            .collect();
        let src = String::from_utf8_lossy(&bytes);
        exercise(&src, r#"{"a": 1}"#);
    }
}

#[test]
fn deep_nesting_is_refused_without_overflow() {
    let n = 100_000;
    let cases = [
        "#if(true)".repeat(n),
        "#foreach($i in [1])".repeat(n),
        format!("#set($a = {})", "(".repeat(n)),
        format!("#set($a = {})", "[".repeat(n)),
        format!("#set($a = {})", "{'k': ".repeat(n)),
        format!("#set($a = {}1)", "!".repeat(n)),
        format!("#set($a = {}1)", "-".repeat(n)),
        "$a.b(".repeat(n),
        "${a.b(".repeat(n),
        "$a[".repeat(n),
        format!("#set($a = {})", "\"#if(".repeat(n)),
        "#macro(m)".repeat(n),
    ];
    for src in &cases {
        match Template::parse(src) {
            Err(e) => check_parse_error(&e, src),
            Ok(t) => {
                let _ = scope_render(&t, "{}");
            }
        }
    }
}

/// `k` levels each of blocks (`#if`/`#foreach`), nested `$util` calls inside a string, and parentheses.
fn nested(k: usize) -> String {
    let mut src = String::new();
    for i in 0..k {
        src.push_str(&format!("#if(true)#foreach($x{i} in [1])"));
    }
    src.push_str("#set($v = \"$!util.urlEncode(");
    src.push_str(&"$util.escapeJavaScript(".repeat(k));
    src.push_str(&"(".repeat(k));
    src.push_str("'x'");
    src.push_str(&")".repeat(2 * k + 1));
    src.push_str("\")$v");
    src.push_str(&"#end#end".repeat(k));
    src
}

#[test]
fn deepest_accepted_template_renders_on_a_small_stack() {
    // The deepest mix of levels the parser accepts, rendered on a 1 MiB thread (tokio's workers have 2 MiB) in a
    // debug build: the nesting limit keeps the evaluator's recursion well inside it.
    let k =
        (1..emu_vtl::MAX_NESTING as usize).rev().find(|&k| Template::parse(&nested(k)).is_ok()).expect("some depth");
    assert!(Template::parse(&nested(k + 1)).is_err());
    let t = Template::parse(&nested(k)).unwrap_or_else(|e| panic!("{e}"));
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || scope_render(&t, "{}").map(|r| r.body))
        .expect("spawn");
    assert_eq!(handle.join().expect("no overflow").expect("render"), "x");
}

#[test]
fn long_flat_inputs_parse_and_render() {
    // Linear in size: one 300 KB line of references (AWS caps a template at 300 KB), long chains, many errors.
    let refs = "$a.b.c ".repeat(300_000 / 7);
    exercise(&refs, "{}");
    let chain = format!("$a{}", ".b".repeat(150_000));
    exercise(&chain, "{}");
    let unsupported = "$util.nope(1)".repeat(20_000);
    let t = Template::parse(&unsupported).expect("parse");
    assert_eq!(t.unsupported().len(), 20_000);
    assert_eq!(t.unsupported()[19_999].column, 13 * 19_999 + 1);
    let body = format!("[{}]", vec!["{\"a\": 1}"; 100_000].join(","));
    exercise("$input.path('$[*].a').size() $input.json('$..a').length()", &body);
    let keys: String = (0..100_000).map(|i| format!("\"k{i}\": {i}")).collect::<Vec<_>>().join(",");
    exercise("$input.path('$').keySet().size()", &format!("{{{keys}}}"));
}

#[test]
fn runaway_work_is_stopped() {
    let cases = [
        // Sharing makes the map's size double each step; rendering it must stop at the output cap.
        "#set($m = {})#foreach($i in [1..100])#set($_ = $m.put(\"k$i\", $m))#end$m",
        // Comparing two huge but equal structures.
        "#set($a = [])#set($b = [])#foreach($i in [1..60])#set($a = [$a, $a])#set($b = [$b, $b])#end#if($a == $b)eq#end",
        "#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..1000])x#end#end#end",
        // Empty bodies: each loop step is charged (the fuzzer's slow unit, seeds/vtl/regression-*).
        "#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..1000])#end#end#end",
        "#set($s = 'x')#foreach($i in [1..64])#set($s = \"$s$s\")#end",
        "#set($l = [])#foreach($i in [1..1000])#foreach($j in [1..1000])#set($_ = $l.add($l))#end#end",
        "#foreach($i in [1..1000])$input.path('$..a')#end",
    ];
    let body = format!("[{}]", vec!["{\"a\": [1, 2, 3]}"; 10_000].join(","));
    for src in cases {
        let t = Template::parse(src).unwrap_or_else(|e| panic!("{e}"));
        match scope_render(&t, &body) {
            Err(RenderError::Limit { .. }) => {}
            other => panic!("{src}: {other:?}"),
        }
    }
}
