//! Patterns API Gateway users write (written here in our own words): a `#define`d block reused for several maps
//! (as the Serverless Framework's default `integration: lambda` request template does) and the widely shared
//! form-urlencoded-to-JSON template, which reads a non-JSON body through `$input.path('$')`.

use emu_vtl::{Scope, Template};
use serde_json::{Value, json};

fn render(template: &str, scope: &Scope<'_>) -> Value {
    let t = Template::parse(template).unwrap_or_else(|e| panic!("{e}"));
    assert!(t.unsupported().is_empty(), "{:?}", t.unsupported());
    let out = t.render(scope).unwrap_or_else(|e| panic!("{e}")).body;
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}"))
}

const OBJECT_OF: &str = r##"
#define( $object )
  {
  #foreach($name in $pairs.keySet())
    "$util.escapeJavaScript($name)": "$util.escapeJavaScript($pairs.get($name)).replaceAll("\\'", "'")"#if($foreach.hasNext),#end
  #end
  }
#end
"##;

#[test]
fn a_defined_block_reused_for_several_maps() {
    let template = format!(
        r#"{OBJECT_OF}
{{
  "body": $input.json('$'),
  "method": "$context.httpMethod",
  #set( $pairs = $input.params().header )
  "headers": $object,
  #set( $pairs = $input.params().querystring )
  "query": $object,
  #set( $pairs = $stageVariables )
  "stageVariables": $object
}}"#
    );
    let context = json!({"httpMethod": "POST"});
    let stage = json!({"env": "it's dev"});
    let scope = Scope {
        body: r#"{"name": "Rex"}"#,
        path: &[],
        querystring: &[("q", "a\"b"), ("page", "2")],
        header: &[("Accept", "*/*")],
        context: &context,
        stage_variables: &stage,
    };
    assert_eq!(
        render(&template, &scope),
        json!({
            "body": {"name": "Rex"},
            "method": "POST",
            "headers": {"Accept": "*/*"},
            "query": {"q": "a\"b", "page": "2"},
            "stageVariables": {"env": "it's dev"}
        })
    );
}

#[test]
fn form_urlencoded_body_to_json() {
    let template = r##"{
#foreach( $pair in $input.path('$').split('&') )
  #set( $kv = $pair.split('=') )
  #if( $kv.size() == 2 )
    "$util.escapeJavaScript($util.urlDecode($kv[0]))": "$util.escapeJavaScript($util.urlDecode($kv[1]))"#if( $foreach.hasNext ),#end
  #end
#end
}"##;
    let scope = Scope::new("name=Rex+the+dog&tag=%22good%22&city=K%C3%B8benhavn");
    assert_eq!(render(template, &scope), json!({"name": "Rex the dog", "tag": "\"good\"", "city": "København"}));
}
