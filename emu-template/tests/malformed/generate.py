# Generates the malformed-template corpus: `python3 generate.py` in this directory. The files are committed; the
# huge inputs (megabytes of scalar, thousands of resources, deep block nesting) are built by ../malformed.rs instead.
import os, json
out = {}
def add(name, text):
    assert name not in out, name
    out[name] = text if isinstance(text, bytes) else text.encode()

SAM = """Transform: AWS::Serverless-2016-10-31
Resources:
  GetDog:
    Type: AWS::Serverless::Function
    Properties:
      Handler: bootstrap
      Runtime: provided.al2023
      Timeout: 3
      Events:
        Get:
          Type: Api
          Properties:
            Path: /dogs/{id}
            Method: get
"""
SLS = """service: pets
provider:
  name: aws
  runtime: provided.al2023
  stage: dev
functions:
  hello:
    handler: hello
    events:
      - http:
          path: hello
          method: get
"""
# 1. truncations of a valid SAM and Serverless template at many points
for i, cut in enumerate(range(7, len(SAM), 23)):
    add(f"trunc-sam-{i:02}.yaml", SAM[:cut])
for i, cut in enumerate(range(5, len(SLS), 29)):
    add(f"trunc-sls-{i:02}.yml", SLS[:cut])
j = json.dumps({"Transform": "AWS::Serverless-2016-10-31", "Resources": {"F": {"Type": "AWS::Serverless::Function", "Properties": {"Handler": "x", "Events": {"E": {"Type": "HttpApi", "Properties": {"Path": "/x", "Method": "GET"}}}}}}}, indent=1)
for i, cut in enumerate(range(10, len(j), 40)):
    add(f"trunc-json-{i:02}.json", j[:cut])

# 2. wrong types at every level
T = "Transform: AWS::Serverless-2016-10-31\n"
add("type-root-list.yaml", "- a\n- b\n")
add("type-root-scalar.yaml", "just a string\n")
add("type-root-null.yaml", "~\n")
add("type-resources-list.yaml", T + "Resources: [a, b]\n")
add("type-resources-scalar.yaml", T + "Resources: 42\n")
add("type-resource-scalar.yaml", T + "Resources:\n  F: 7\n")
add("type-type-list.yaml", T + "Resources:\n  F:\n    Type: [AWS::Serverless::Function]\n")
add("type-type-number.yaml", T + "Resources:\n  F:\n    Type: 12\n")
add("type-properties-list.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties: [1]\n")
add("type-properties-scalar.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties: nope\n")
add("type-events-list.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Events: [a]\n")
add("type-event-scalar.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Events:\n        E: 3\n")
add("type-event-properties-list.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Events:\n        E:\n          Type: Api\n          Properties: [x]\n")
add("type-path-map.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Events:\n        E:\n          Type: Api\n          Properties:\n            Path: {a: b}\n            Method: get\n")
add("type-method-list.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Events:\n        E:\n          Type: Api\n          Properties:\n            Path: /x\n            Method: [get]\n")
add("type-method-unknown.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Events:\n        E:\n          Type: Api\n          Properties:\n            Path: /x\n            Method: teleport\n")
add("type-timeout-string.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Timeout: forever\n")
add("type-timeout-negative.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Timeout: -5\n")
add("type-timeout-huge.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Timeout: 99999999999999999999999\n")
add("type-memory-map.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      MemorySize: {a: 1}\n")
add("type-environment-list.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Environment: [1]\n")
add("type-variables-list.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Environment:\n        Variables: [A, B]\n")
add("type-globals-list.yaml", T + "Globals: [1]\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n")
add("type-globals-function-scalar.yaml", T + "Globals:\n  Function: 3\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n")
add("type-parameters-list.yaml", T + "Parameters: [a]\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n")
add("type-parameter-default-map.yaml", T + "Parameters:\n  P:\n    Type: String\n    Default: {a: b}\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: !Ref P\n")
add("type-conditions-list.yaml", T + "Conditions: [1]\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n")
add("type-cors-number.yaml", T + "Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      Cors: 5\n")
add("type-stagename-map.yaml", T + "Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: {a: 1}\n")
add("type-restapiid-list.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Events:\n        E:\n          Type: Api\n          Properties:\n            Path: /x\n            Method: get\n            RestApiId: [1]\n")
add("type-definitionbody-scalar.yaml", T + "Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      DefinitionBody: 12\n")
add("type-openapi-paths-list.yaml", T + "Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      DefinitionBody:\n        openapi: 3.0.1\n        paths: [1, 2]\n")
add("type-openapi-integration-scalar.yaml", T + "Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      DefinitionBody:\n        openapi: 3.0.1\n        paths:\n          /x:\n            get:\n              x-amazon-apigateway-integration: 5\n")
add("type-transform-map.yaml", "Transform: {a: b}\nResources:\n  F:\n    Type: AWS::Serverless::Function\n")
add("cfn-lambda-code-list.yaml", "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: [1]\n      Handler: 3\n")
add("cfn-apigw-method-scalar.yaml", "Resources:\n  M:\n    Type: AWS::ApiGateway::Method\n    Properties: 1\n")

# 3. intrinsics: unknown, wrong arity, wrong argument types
def fn(prop):
    return T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Environment:\n        Variables:\n          V: " + prop + "\n"
add("intrinsic-unknown-tag.yaml", fn("!Frobnicate x"))
add("intrinsic-unknown-fn.yaml", fn("{ 'Fn::Frobnicate': x }"))
add("intrinsic-ref-list.yaml", fn("!Ref [a, b]"))
add("intrinsic-ref-missing.yaml", fn("!Ref Nowhere"))
add("intrinsic-sub-map.yaml", fn("!Sub {a: b}"))
add("intrinsic-sub-unclosed.yaml", fn("!Sub 'abc ${'"))
add("intrinsic-sub-unknown-var.yaml", fn("!Sub '${Nope}'"))
add("intrinsic-sub-list-bad.yaml", fn("!Sub [a, b, c]"))
add("intrinsic-join-scalar.yaml", fn("!Join x"))
add("intrinsic-join-bad-list.yaml", fn("!Join [',', 3]"))
add("intrinsic-select-out-of-range.yaml", fn("!Select [99, [a, b]]"))
add("intrinsic-select-negative.yaml", fn("!Select [-1, [a, b]]"))
add("intrinsic-select-not-number.yaml", fn("!Select [x, [a]]"))
add("intrinsic-split-scalar.yaml", fn("!Split x"))
add("intrinsic-if-unknown-condition.yaml", fn("!If [Nope, a, b]"))
add("intrinsic-if-arity.yaml", fn("!If [a]"))
add("intrinsic-getatt-scalar-nodot.yaml", fn("!GetAtt Nodot"))
add("intrinsic-getatt-missing.yaml", fn("!GetAtt Missing.Arn"))
add("intrinsic-findinmap-missing.yaml", fn("!FindInMap [M, a, b]"))
add("intrinsic-findinmap-arity.yaml", fn("!FindInMap [M]"))
add("intrinsic-base64-map.yaml", fn("!Base64 {a: b}"))
add("intrinsic-two-keys.yaml", fn("{ 'Fn::Sub': a, 'Fn::Join': b }"))
add("intrinsic-importvalue.yaml", fn("!ImportValue x"))
add("intrinsic-nested-deep.yaml", fn("!Join ['', [" + "!Join ['', [" * 40 + "x" + "]]" * 40 + "]]"))
add("intrinsic-getazs-cidr.yaml", fn("!Cidr [a, b, c]"))

# 4. cycles
add("cycle-ref-params.yaml", T + "Parameters:\n  A:\n    Type: String\n    Default: !Ref B\n  B:\n    Type: String\n    Default: !Ref A\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: !Ref A\n")
add("cycle-conditions.yaml", T + "Conditions:\n  A: !Condition B\n  B: !Condition A\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Condition: A\n    Properties:\n      Handler: x\n")
add("cycle-conditions-self.yaml", T + "Conditions:\n  A: !And [!Condition A, !Condition A]\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Condition: A\n    Properties:\n      Handler: x\n")
add("cycle-conditions-three.yaml", T + "Conditions:\n  A: !Not [!Condition B]\n  B: !Or [!Condition C, !Equals [a, a]]\n  C: !Condition A\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Condition: C\n    Properties:\n      Handler: x\n")
add("cycle-getatt.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: !GetAtt G.Arn\n  G:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: !GetAtt F.Arn\n")
add("cycle-ref-resources.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Environment:\n        Variables:\n          G: !Ref G\n  G:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Environment:\n        Variables:\n          F: !Ref F\n")
add("cycle-sub-getatt.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: !Sub '${G.Arn}'\n  G:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: !Sub '${F.Arn}'\n")
add("cycle-dependson.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    DependsOn: G\n    Properties:\n      Handler: x\n  G:\n    Type: AWS::Serverless::Function\n    DependsOn: F\n    Properties:\n      Handler: x\n")
add("cycle-sls-self.yml", "service: s\nprovider:\n  name: aws\n  stage: ${self:provider.stage}\nfunctions:\n  f:\n    handler: f\n")
add("cycle-sls-two.yml", "service: s\ncustom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: ${self:custom.a}\n")
add("cycle-sls-param.yml", "service: s\nparams:\n  default:\n    a: ${param:b}\n    b: ${param:a}\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: ${param:a}\n")

# 5. huge and deeply nested
add("deep-nesting-flow.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Tags: " + "[" * 5000 + "]" * 5000 + "\n")
add("deep-nesting-json.json", '{"Resources": ' + '{"a": ' * 3000 + '1' + '}' * 3000 + '}')

# 6. YAML alias bombs and anchors
bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
prev = "a"
for i, n in enumerate("bcdefghi"):
    bomb += f"{n}: &{n} [" + ",".join([f"*{prev}"] * 9) + "]\n"
    prev = n
add("alias-bomb.yaml", T + "Metadata:\n" + "".join("  " + l + "\n" for l in bomb.strip().split("\n")) + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Tags: *i\n")
add("alias-bomb-resources.yaml", T + "X: &x {Type: AWS::Serverless::Function, Properties: {Handler: x, Events: {E: {Type: Api, Properties: {Path: /x, Method: get}}}}}\nResources:\n" + "".join(f"  F{i}: *x\n" for i in range(2000)))
add("alias-undefined.yaml", T + "Resources:\n  F: *nothing\n")
add("alias-self.yaml", T + "Resources: &r\n  F: *r\n")
add("alias-merge-key-bad.yaml", T + "Resources:\n  F:\n    <<: 5\n    Type: AWS::Serverless::Function\n")
add("anchor-duplicate.yaml", T + "A: &a 1\nB: &a 2\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: *a\n")

# 7. encoding and whitespace
add("utf8-invalid.yaml", T.encode() + b"Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: \xff\xfe\n")
add("utf8-invalid-start.yaml", b"\xc3\x28" + T.encode())
add("utf8-overlong.yaml", T.encode() + b"Resources:\n  \xc0\xafF:\n    Type: x\n")
add("utf8-surrogate.yaml", T.encode() + b"Resources:\n  F\xed\xa0\x80:\n    Type: x\n")
add("utf16-bom.yaml", "\ufeff".encode("utf-16-le") + T.encode("utf-16-le"))
add("nul-bytes.yaml", T.encode() + b"Resources:\n  F:\0\0\n")
add("tabs-indent.yaml", T + "Resources:\n\tF:\n\t\tType: AWS::Serverless::Function\n")
add("tabs-mixed.yaml", T + "Resources:\n  F:\n  \tType: AWS::Serverless::Function\n")
add("crlf-broken.yaml", (T + "Resources:\r\n  F:\r\n    Type: [\r\n").replace("\n", "\r\n"))
add("control-chars.yaml", T + "Resources:\n  F:\n    Type: \"\u0007\u001b\"\n")
add("empty.yaml", "")
add("only-comments.yaml", "# nothing\n# here\n")
add("only-whitespace.yaml", "   \n\n   \n")
add("multi-document.yaml", T + "Resources: {}\n---\n" + T + "Resources: {}\n")
add("bad-indent.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n   Properties:\n      Handler: x\n")
add("unclosed-quote.yaml", T + "Resources:\n  F:\n    Type: \"AWS::Serverless::Function\n")
add("unclosed-flow.yaml", T + "Resources: {F: {Type: AWS::Serverless::Function\n")

# 8. duplicate keys
add("dup-resources.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n  F:\n    Type: AWS::Serverless::Function\n")
add("dup-top.yaml", T + "Resources: {}\nResources: {}\n")
add("dup-properties.yaml", T + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: a\n      Handler: b\n")
add("dup-json.json", '{"Resources": {"F": {"Type": "AWS::Serverless::Function"}, "F": {"Type": "x"}}}')
add("dup-sls-functions.yml", "service: s\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: a\n  f:\n    handler: b\n")

# 9. Serverless variable forms, each broken
def sls(v):
    return "service: s\nprovider:\n  name: aws\n  runtime: provided.al2023\nfunctions:\n  f:\n    handler: f\n    environment:\n      V: " + v + "\n    events:\n      - http: { path: x, method: get }\n"
for i, v in enumerate([
    "${self:}", "${self:nope.deeper}", "${opt:}", "${opt:stage, }", "${env:}", "${env:A, ${env:B, ${env:C}}}",
    "${param:}", "${param:missing}", "${sls:nope}", "${file(}", "${file(missing.yml)}", "${file(../../../etc/passwd)}",
    "${file(x.yml):}", "${cf:stack.}", "${s3:bucket}", "${ssm:/a/b}", "${aws:nope}", "${strToBool(maybe)}",
    "${self:functions.f.environment.V}", "${", "${self:provider.name", "${{}}", "${self:custom.${self:custom.${self:x}}}",
    "'${opt:stage, \"dev}'", "${nope:thing}", "${self:provider.runtime, ${self:provider.runtime, ${self:provider.runtime}}}",
    "\"${self:custom.x}${self:custom.y}${self:custom.z}\"",
]):
    add(f"sls-var-{i:02}.yml", sls(v))
add("sls-variable-syntax-bad.yml", "service: s\nprovider:\n  name: aws\n  variableSyntax: '[[['\nfunctions:\n  f:\n    handler: f\n")
add("sls-functions-list.yml", "service: s\nprovider:\n  name: aws\nfunctions: [1, 2]\n")
add("sls-events-map.yml", "service: s\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: f\n    events: {http: x}\n")
add("sls-http-scalar-bad.yml", "service: s\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: f\n    events:\n      - http: 'FLY /x'\n")
add("sls-httpapi-bad.yml", "service: s\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: f\n    events:\n      - httpApi: [1]\n")
add("sls-provider-scalar.yml", "service: s\nprovider: aws\nfunctions:\n  f:\n    handler: f\n")
add("sls-timeout-string.yml", "service: s\nprovider:\n  name: aws\n  timeout: soon\nfunctions:\n  f:\n    handler: f\n")
add("sls-service-map.yml", "service: {name: [1]}\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: f\n")
add("sls-resources-bad.yml", "service: s\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: f\nresources:\n  Resources: [1]\n")
add("sls-var-deep.yml", sls("${self:custom.a}").replace("functions:", "custom:\n" + "".join(f"  a{'' if i == 0 else i}: ${{self:custom.a{i+1}}}\n" for i in range(300)) + "functions:"))

os.makedirs(".", exist_ok=True)
for name, data in out.items():
    with open(name, "wb") as f:
        f.write(data)
print(len(out), "files")
