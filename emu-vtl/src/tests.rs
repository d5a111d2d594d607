//! Rule-by-rule tests of parsing and rendering: references, directives, whitespace, `$input`, `$util`,
//! `$context`, overrides, errors and limits. AWS's documented examples are in `tests/aws_examples.rs`.

use super::*;

struct Req {
    body: &'static str,
    path: Vec<(&'static str, &'static str)>,
    query: Vec<(&'static str, &'static str)>,
    header: Vec<(&'static str, &'static str)>,
    context: serde_json::Value,
    stage: serde_json::Value,
}

impl Req {
    fn new(body: &'static str) -> Req {
        Req {
            body,
            path: vec![("id", "42")],
            query: vec![("q", "dogs"), ("id", "from-query")],
            header: vec![("Content-Type", "application/json"), ("X-Trace", "t1")],
            context: serde_json::json!({
                "stage": "dev",
                "requestId": "req-1",
                "identity": {"sourceIp": "1.2.3.4"},
                "authorizer": {"claims": {"custom:role": "admin"}}
            }),
            stage: serde_json::json!({"env": "test", "my-var": "dash"}),
        }
    }

    fn render(&self, template: &str) -> Result<Rendered, RenderError> {
        let t = Template::parse(template).unwrap_or_else(|e| panic!("parse {template:?}: {e}"));
        t.render(&Scope {
            body: self.body,
            path: &self.path,
            querystring: &self.query,
            header: &self.header,
            context: &self.context,
            stage_variables: &self.stage,
        })
    }

    fn body(&self, template: &str) -> String {
        self.render(template).unwrap_or_else(|e| panic!("render {template:?}: {e}")).body
    }
}

fn r(template: &str) -> String {
    Req::new(r#"{"name":"Rex","n":3,"tags":["a","b"],"o":{"k":"v"}}"#).body(template)
}

fn parse_err(template: &str) -> ParseError {
    match Template::parse(template) {
        Ok(_) => panic!("{template:?} parsed"),
        Err(e) => e,
    }
}

#[test]
fn plain_text_is_output_as_is() {
    assert_eq!(r("hello {\"a\": 1}\n"), "hello {\"a\": 1}\n");
    assert_eq!(r(""), "");
    assert_eq!(r("price: $5, #fff, 100%"), "price: $5, #fff, 100%");
}

#[test]
fn references_plain_braced_silent() {
    assert_eq!(r("#set($x = 'v')$x ${x} $!x ${x}y $!{x}"), "v v v vy v");
    // API Gateway renders a null reference as nothing, `$!` or not (Velocity would print `$undefined`).
    assert_eq!(r("[$undefined][$!undefined][${undefined}][$!{undefined}]"), "[][][][]");
    assert_eq!(r("[$x.y.z][$input.path('$').nothing.deeper]"), "[][]");
    // A trailing dot is text.
    assert_eq!(r("#set($x = 'v')$x."), "v.");
}

#[test]
fn escaped_references() {
    assert_eq!(r(r"#set($x = 'v')\$x \\$x"), r"$x \v");
    assert_eq!(r(r"\$undefined"), r"\$undefined");
    assert_eq!(r(r"\#if"), "#if");
}

#[test]
fn input_body_json_path() {
    assert_eq!(r("$input.body"), r#"{"name":"Rex","n":3,"tags":["a","b"],"o":{"k":"v"}}"#);
    assert_eq!(r("$input.json('$')"), r#"{"name":"Rex","n":3,"tags":["a","b"],"o":{"k":"v"}}"#);
    assert_eq!(r("$input.json('$.name')"), r#""Rex""#);
    assert_eq!(r("$input.json('$.tags')"), r#"["a","b"]"#);
    assert_eq!(r("$input.path('$.name')"), "Rex");
    assert_eq!(r("$input.path('$.o')"), "{k=v}");
    assert_eq!(r("$input.path('$.tags')"), r#"["a","b"]"#);
    assert_eq!(r("$input.path('$.tags').size()"), "2");
    assert_eq!(r("$input.path('$.tags').get(1)"), "b");
    assert_eq!(r("$input.path('$').name"), "Rex");
    assert_eq!(r("$input.path('$.o').keySet()"), "[k]");
    assert_eq!(r("$input.path('$.name').length()"), "3");
    assert_eq!(r("[$input.path('$.missing')][$input.json('$.missing')]"), "[][]");
}

#[test]
fn input_params() {
    let req = Req::new("");
    assert_eq!(req.body("$input.params('id')"), "42");
    assert_eq!(req.body("$input.params('q')"), "dogs");
    assert_eq!(req.body("$input.params('x-trace')"), "t1");
    assert_eq!(req.body("[$input.params('nope')]"), "[]");
    assert_eq!(req.body("$input.params().querystring.get('q')"), "dogs");
    assert_eq!(req.body("$input.params().header.get('X-Trace')"), "t1");
    assert_eq!(req.body("$input.params().path"), "{id=42}");
    assert_eq!(
        req.body("#foreach($k in $input.params().keySet())$k#if($foreach.hasNext),#end#end"),
        "path,querystring,header"
    );
    // An empty body reads as `{}`, for JSONPath and as `$input.body`.
    assert_eq!(req.body("$input.json('$') $input.body"), "{} {}");
}

#[test]
fn context_and_stage_variables() {
    assert_eq!(r("$context.stage $context.requestId $context.identity.sourceIp"), "dev req-1 1.2.3.4");
    assert_eq!(r("$context.authorizer.claims['custom:role']"), "admin");
    assert_eq!(r("$stageVariables.env ${stageVariables['env']} $stageVariables.get('my-var')"), "test test dash");
    assert_eq!(r("[$context.nothing]"), "[]");
}

#[test]
fn set_and_if_else() {
    assert_eq!(r("#set($a = 1)#if($a == 1)one#else other#end"), "one");
    assert_eq!(r("#set($a = 2)#if($a == 1)one#elseif($a == 2)two#else other#end"), "two");
    assert_eq!(r("#set($a = 3)#if($a == 1)one#elseif($a == 2)two#{else}other#{end}"), "other");
    assert_eq!(r("#if($nothing)yes#else no#end"), " no");
    assert_eq!(r("#if(!$nothing)yes#end"), "yes");
    // Velocity 1.7: only null and false are false.
    assert_eq!(r("#if('')empty string is true#end"), "empty string is true");
    assert_eq!(r("#if([])empty list is true#end"), "empty list is true");
    assert_eq!(r("#if(false)x#elseif(0)zero is true#end"), "zero is true");
}

#[test]
fn set_with_null_keeps_the_old_value() {
    assert_eq!(r("#set($a = 'old')#set($a = $nothing)$a"), "old");
}

#[test]
fn lines_holding_only_a_directive_are_removed() {
    let t = "{\n  #set($a = 1)\n  #if($a == 1)\n  \"a\": $a\n  #end\n}\n";
    assert_eq!(r(t), "{\n  \"a\": 1\n}\n");
    // Not alone on its line: nothing is gobbled.
    assert_eq!(r("a #set($b = 1) b\n"), "a  b\n");
    assert_eq!(r("  ## comment\nx"), "x");
    // Windows line ends too.
    assert_eq!(r("a\r\n  #set($b = 1)\r\n$b\r\n"), "a\r\n1\r\n");
    assert_eq!(r("a ## comment\nx"), "a x");
}

#[test]
fn foreach_and_loop_state() {
    assert_eq!(r("#foreach($t in $input.path('$.tags'))$t#if($foreach.hasNext),#end#end"), "a,b");
    assert_eq!(
        r("#foreach($i in [1..3])$foreach.index/$foreach.count/$velocityCount/$foreach.first/$foreach.last #end"),
        "0/1/1/true/false 1/2/2/false/false 2/3/3/false/true "
    );
    assert_eq!(r("#foreach($i in [3..1])$i#end"), "321");
    assert_eq!(r("#foreach($v in {'a': 1, 'b': 2})$v#end"), "12");
    assert_eq!(r("#foreach($i in $nothing)x#end|"), "|");
    assert_eq!(r("#foreach($i in [1..5])#if($i == 3)#break#end$i#end"), "12");
    assert_eq!(r("#set($i = 'kept')#foreach($i in [1])#end$i"), "kept");
    assert_eq!(r("a#stop b"), "a");
    assert_eq!(r("#foreach($i in [1..2])#foreach($j in ['x','y'])$i$j$foreach.index #end#end"), "1x0 1y1 2x0 2y1 ");
}

#[test]
fn comments_and_unparsed_blocks() {
    assert_eq!(r("a#* block\n $x #if *#b"), "ab");
    assert_eq!(r("a## to the end\nb"), "ab");
    assert_eq!(r("#[[ $x #if ]]#"), " $x #if ");
}

#[test]
fn literals_and_strings() {
    assert_eq!(r("#set($n = 'Rex')#set($s = \"hi $n\")$s"), "hi Rex");
    assert_eq!(r("#set($s = 'hi $n')$s"), "hi $n");
    assert_eq!(r(r#"#set($s = "say \"x\"")$s"#), r#"say "x""#);
    assert_eq!(r("#set($l = [1, 'two', true, 2.5])$l $l.size() $l.get(1)"), "[1, two, true, 2.5] 4 two");
    assert_eq!(r("#set($m = {'a': 1, \"b\": [2]})$m $m.b $m.get('a')"), "{a=1, b=[2]} [2] 1");
    assert_eq!(r("#set($m = {})$m.isEmpty()"), "true");
}

#[test]
fn operators() {
    assert_eq!(r("#set($a = 7)#set($b = 2)${a}+$b=#set($c = $a + $b)$c"), "7+2=9");
    assert_eq!(r("#set($c = 7 / 2)$c #set($c = 7 % 2)$c #set($c = 7 * -2)$c #set($c = 1.5 * 2)$c"), "3 1 -14 3.0");
    assert_eq!(r("#set($c = 'a' + 1)$c"), "a1");
    assert_eq!(r("#if(1 < 2 && 2 <= 2 and 3 > 2 && 3 >= 3)y#end"), "y");
    assert_eq!(r("#if(1 lt 2 and 2 le 2 and 3 gt 2 and 3 ge 3 and 1 eq 1 and 1 ne 2)y#end"), "y");
    assert_eq!(r("#if(false || true)y#end#if(false or false)n#end#if(not false)y#end"), "yy");
    assert_eq!(r("#if($input.path('$.n') == 3)three#end#if(\"3\" == 3)str#end"), "threestr");
    assert_eq!(r("#if((1 + 2) * 3 == 9)y#end"), "y");
    assert_eq!(r("#set($c = 1 / 0)[$!c]"), "[]");
}

#[test]
fn string_methods() {
    assert_eq!(r("#set($s = ' Ab,c ')$s.trim()|$s.toLowerCase()|$s.toUpperCase()|$s.length()"), "Ab,c| ab,c | AB,C |6");
    assert_eq!(
        r("#set($s = 'a.b.c')$s.replace('.', '/') $s.replaceAll('\\.', '-') $s.split('\\.')"),
        "a/b/c a-b-c [a, b, c]"
    );
    assert_eq!(
        r("#set($s = 'abc')$s.contains('b') $s.startsWith('a') $s.endsWith('c') $s.isEmpty()"),
        "true true true false"
    );
    assert_eq!(r("#set($s = 'abc')$s.substring(1) $s.substring(0, 2) $s.indexOf('c') $s.charAt(1)"), "bc ab 2 b");
    assert_eq!(r("#set($s = 'abc')$s.equals('abc') $s.equalsIgnoreCase('ABC')"), "true true");
    assert_eq!(r("#set($s = \"it's\")$s.replaceAll(\"'\", \"\\\\'\")"), "it\\'s");
}

#[test]
fn map_and_list_mutation() {
    assert_eq!(r("#set($m = {})#set($_ = $m.put('a', 1))$m.containsKey('a') $m"), "true {a=1}");
    // `put` returns the previous value (null, rendered as nothing, the first time).
    assert_eq!(r("#set($m = {})$m.put('a', 1)|$m.put('a', 2)"), "|1");
    assert_eq!(r("#set($l = [])$l.add('x')$l.add('y')$l $l.size()"), "truetrue[x, y] 2");
    assert_eq!(r("#set($m = {'in': {}})#set($_ = $m.in.put('k', 'v'))$m"), "{in={k=v}}");
    assert_eq!(r("#set($m = {'in': {}})#set($m.in.k = 'v')#set($m['x'] = 1)$m"), "{in={k=v}, x=1}");
    assert_eq!(r("#set($l = [1, 2])#set($l[0] = 9)$l"), "[9, 2]");
    assert_eq!(r("#set($m = {'a': 1})$m.remove('a')$m"), "1{}");
}

#[test]
fn util_functions() {
    assert_eq!(r("$util.escapeJavaScript(\"it's\")"), "it\\'s");
    assert_eq!(r("$util.urlEncode('a b&c')"), "a+b%26c");
    assert_eq!(r("$util.urlDecode('a+b%26c')"), "a b&c");
    assert_eq!(r("$util.base64Encode('hi')"), "aGk=");
    assert_eq!(r("$util.base64Decode('aGk=')"), "hi");
    assert_eq!(r("#set($o = $util.parseJson('{\"a\":{\"b\":[1,2]}}'))$o.a.b.get(1) $o.a"), "2 {b=[1,2]}");
    assert_eq!(r("$util.escapeJavaScript($input.json('$.o'))"), "{\\\"k\\\":\\\"v\\\"}");
}

#[test]
fn response_overrides() {
    let req = Req::new("{}");
    let out = req
        .render(
            "#set($context.responseOverride.status = 400)\n#set($context.responseOverride.header.X-A = 'a')\
             #set($context.responseOverride.header.B = \"b$context.stage\")done",
        )
        .expect("render");
    assert_eq!(out.body, "done");
    assert_eq!(out.status_override, Some(400));
    assert_eq!(out.header_overrides, vec![("X-A".to_string(), "a".to_string()), ("B".to_string(), "bdev".to_string())]);
    assert_eq!(
        req.render("#set($context.responseOverride.status = '201')").expect("render").status_override,
        Some(201)
    );
    assert!(matches!(
        req.render("#set($context.responseOverride.status = 'teapot')"),
        Err(RenderError::InvalidStatusOverride { .. })
    ));
    assert_eq!(
        req.render("no override").expect("render"),
        Rendered { body: "no override".into(), ..Rendered::default() }
    );
}

#[test]
fn parse_errors_are_located() {
    let e = parse_err("line one\n  #if($a)\nno end");
    assert_eq!((e.line, e.column), (2, 3));
    assert!(e.message.contains("#if"), "{e}");
    let e = parse_err("#set($a = 'unterminated)");
    assert_eq!((e.line, e.column), (1, 11));
    let e = parse_err("ok\n#end");
    assert_eq!((e.line, e.column), (2, 1));
    assert!(parse_err("#else").message.contains("#else"));
    assert!(parse_err("#foreach($a $b)#end").message.contains("in"));
    assert!(parse_err("#set($a 1)").message.contains('='));
    assert!(parse_err("$a.b(1").message.contains(")"));
    assert!(parse_err("#* open").message.contains("*#"));
    assert!(parse_err("#if").message.contains("parentheses"));
    assert!(parse_err("#set($a = (1)").message.contains(')'));
    assert!(parse_err("#set($a.b() = 1)").message.contains("method"));
}

#[test]
fn unsupported_constructs_are_listed_and_fail_when_rendered() {
    let t = Template::parse("a\n #macro(m $x)body#end\n$util.toJson($a) $input.foo #parse('x') #include('y')")
        .expect("parse");
    let found: Vec<(&str, u32, u32)> =
        t.unsupported().iter().map(|u| (u.construct.as_str(), u.line, u.column)).collect();
    assert_eq!(
        found,
        [("#macro", 2, 2), ("$util.toJson", 3, 1), ("$input.foo", 3, 18), ("#parse", 3, 29), ("#include", 3, 41)]
    );
    let req = Req::new("{}");
    match req.render("x #macro(d)y#end") {
        Err(RenderError::Unsupported { construct, line, column }) => {
            assert_eq!((construct.as_str(), line, column), ("#macro", 1, 3));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(req.render("$util.toJson(1)"), Err(RenderError::Unsupported { .. })));
    // Not reached: renders.
    assert_eq!(req.body("#if(false)#evaluate('x')#end ok"), " ok");
    let t = Template::parse("$s.replaceAll('\\d+', 'x') $s.split(',')").expect("parse");
    assert_eq!(t.unsupported().len(), 1);
    assert!(t.unsupported()[0].construct.contains("replaceAll"));
}

#[test]
fn render_errors() {
    let req = Req::new("{\"not\": json");
    assert!(matches!(req.render("$input.json('$')"), Err(RenderError::InvalidJsonBody { line: 1, column: 1, .. })));
    assert_eq!(req.body("$input.body"), "{\"not\": json");
    // Text that does not start like JSON reads as one string.
    let text = Req::new("a=1&b=two");
    assert_eq!(text.body("$input.json('$') $input.path('$') [$input.path('$.a')]"), "\"a=1&b=two\" a=1&b=two []");
    assert!(matches!(req.render("$input.path('$.a[?(@.b)]')"), Err(RenderError::InvalidJsonPath { .. })));
    assert!(matches!(req.render("$util.parseJson('{')"), Err(RenderError::ParseJson { .. })));
    assert!(matches!(req.render("$util.base64Decode('%%%')"), Err(RenderError::Decode { .. })));
    assert!(matches!(req.render("$util.urlDecode('%z')"), Err(RenderError::Decode { .. })));
    let e = req.render("$util.parseJson('{')").expect_err("error");
    assert!(std::error::Error::source(&e).is_some());
}

#[test]
fn limits() {
    let req = Req::new("{}");
    assert!(req.render("#foreach($i in [1..1000])#end").is_ok());
    assert!(matches!(
        req.render("#foreach($i in [1..1001])#end"),
        Err(RenderError::Limit { kind: LimitKind::ForeachIterations, .. })
    ));
    assert!(matches!(
        req.render("#set($s = 'xxxxxxxxxxxxxxxx')#foreach($i in [1..30])#set($s = \"$s$s\")#end"),
        Err(RenderError::Limit { kind: LimitKind::OutputSize, .. })
    ));
    assert!(matches!(
        req.render("#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..1000])#end#end#end"),
        Err(RenderError::Limit { kind: LimitKind::Work, .. })
    ));
    assert!(matches!(
        req.render("#set($m = {})#foreach($i in [1..300])#set($m = {'a': $m})#end"),
        Err(RenderError::Limit { kind: LimitKind::ValueDepth, .. })
    ));
    assert!(matches!(
        req.render("#set($r = [1..100000000])"),
        Err(RenderError::Limit { kind: LimitKind::RangeLength, .. })
    ));
    let deep = "#if(true)".repeat(1000) + &"#end".repeat(1000);
    assert!(parse_err(&deep).message.contains("nested"));
    let deep = "#set($a = ".to_string() + &"(".repeat(1000) + "1" + &")".repeat(1000) + ")";
    assert!(parse_err(&deep).message.contains("nested"));
}

#[test]
fn templates_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Template>();
    check::<RenderError>();
}

#[test]
fn each_override_is_set_once() {
    let req = Req::new("{}");
    match req.render("#set($context.responseOverride.status = 400)\n#set($context.responseOverride.status = 500)") {
        Err(RenderError::OverrideTwice { parameter, line, column }) => {
            assert_eq!((parameter.as_str(), line, column), ("responseOverride.status", 2, 6));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        req.render("#set($context.requestOverride.header.h = 1)#set($context.requestOverride.header.h = 2)"),
        Err(RenderError::OverrideTwice { .. })
    ));
    // Different parameters, and ordinary context keys, may be set freely.
    let out = req
        .render(
            "#set($context.requestOverride.path.p = 'a')#set($context.requestOverride.querystring.q = 'b')\
             #set($context.mine = 1)#set($context.mine = 2)$context.mine",
        )
        .expect("render");
    assert_eq!(out.body, "2");
    assert_eq!(out.request_overrides.path, vec![("p".to_string(), "a".to_string())]);
    assert_eq!(out.request_overrides.querystring, vec![("q".to_string(), "b".to_string())]);
}

#[test]
fn count_is_size() {
    assert_eq!(r("$input.path('$.tags').count() $input.path('$.o').count()"), "2 1");
}

#[test]
fn literal_jsonpaths_are_checked_at_parse_time() {
    let t = Template::parse("$input.json('$.a[?(@.b)]') $input.path('$.ok') $input.json($dynamic)").expect("parse");
    assert_eq!(t.unsupported().len(), 1);
    assert!(t.unsupported()[0].construct.contains("filter"), "{:?}", t.unsupported());
}

#[test]
fn a_context_that_is_not_an_object_reads_as_empty() {
    let mut req = Req::new("{}");
    req.context = serde_json::Value::Null;
    req.stage = serde_json::json!("not an object");
    let out = req
        .render("[$!context.stage][$!stageVariables.x]#set($context.responseOverride.status = 418)")
        .expect("render");
    assert_eq!(out.body, "[][]");
    assert_eq!(out.status_override, Some(418));
}

#[test]
fn scope_new_and_outer_loop_scopes() {
    let t = Template::parse("$input.body [$!context.stage]").expect("parse");
    assert_eq!(t.render(&Scope::new("b")).expect("render").body, "b []");
    let t = Template::parse("#foreach($a in [1])#foreach($b in [2])$foreach.parent.index#end#end").expect("parse");
    assert_eq!(t.unsupported().len(), 1);
    assert_eq!(t.unsupported()[0].construct, "$foreach.parent");
    assert!(matches!(t.render(&Scope::new("")), Err(RenderError::Unsupported { line: 1, column: 39, .. })));
}

#[test]
fn define_blocks_render_where_referenced() {
    assert_eq!(r("#define($greet)hi $name#end#set($name = 'a')$greet #set($name = 'b')$greet"), "hi a hi b");
    assert_eq!(r("#define( $b )[#foreach($i in [1..2])$i#end]#end$b$b"), "[12][12]");
    assert_eq!(r("#define($b)x#end#set($s = \"<$b>\")$s $util.urlEncode($b)"), "<x> x");
    // A block that refers to itself stops at the render depth limit.
    let req = Req::new("{}");
    assert!(matches!(req.render("#define($a)x$a#end$a"), Err(RenderError::Limit { kind: LimitKind::RenderDepth, .. })));
    assert!(parse_err("#define()x#end").message.contains("#define"));
    assert!(parse_err("#define($a)x").message.contains("#end"));
}
