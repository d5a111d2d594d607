"""The Invoke API with the clients users use: boto3 and the AWS CLI against the pet-store example's Lambda listener.

Usage: python invoke_api_clients.py http://127.0.0.1:PORT   (the dev server's --lambda-port listener)
Exits non-zero on the first mismatch, printing what was expected. Run by .ci/run, which starts the server.
"""

import json
import os
import subprocess
import sys
import tempfile

import boto3
import botocore.config
import botocore.exceptions

ENDPOINT = sys.argv[1]
# A local endpoint accepts any credentials; the SDK still signs with SigV4.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

EVENT = {
    "resource": "/dogs",
    "path": "/dogs",
    "httpMethod": "GET",
    "headers": {"accept": "application/json"},
    "multiValueHeaders": {"accept": ["application/json"]},
    "queryStringParameters": None,
    "multiValueQueryStringParameters": None,
    "pathParameters": None,
    "stageVariables": None,
    "requestContext": {"httpMethod": "GET", "path": "/Prod/dogs", "stage": "Prod", "requestId": "r", "accountId": "123456789012", "resourcePath": "/dogs", "identity": {}},
    "body": None,
    "isBase64Encoded": False,
}

checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        print(f"FAILED: {what}")
        sys.exit(1)
    print(f"ok: {what}")


client = boto3.client(
    "lambda",
    endpoint_url=ENDPOINT,
    config=botocore.config.Config(retries={"max_attempts": 1}),
)

names = [f["FunctionName"] for f in client.list_functions()["Functions"]]
check("ListDogs" in names and "GetDog" in names, f"boto3 list_functions names every function ({len(names)})")

conf = client.get_function(FunctionName="ListDogs")["Configuration"]
check(conf["FunctionArn"] == "arn:aws:lambda:us-east-1:123456789012:function:ListDogs", "boto3 get_function ARN")

res = client.invoke(FunctionName="ListDogs", Payload=json.dumps(EVENT).encode())
payload = json.loads(res["Payload"].read())
check(res["StatusCode"] == 200 and "FunctionError" not in res, f"boto3 invoke RequestResponse: 200 ({res['StatusCode']})")
check(payload.get("statusCode") == 200, f"the handler's proxy response comes back ({payload.get('statusCode')})")
check(res["ExecutedVersion"] == "$LATEST", "X-Amz-Executed-Version")

res = client.invoke(FunctionName="arn:aws:lambda:us-east-1:123456789012:function:ListDogs", Payload=json.dumps(EVENT).encode())
check(res["StatusCode"] == 200, "boto3 invoke by full ARN")

res = client.invoke(FunctionName="ListDogs", Payload=b"{}")
check(res["StatusCode"] == 200 and res.get("FunctionError") == "Unhandled", "a payload the handler cannot take: FunctionError Unhandled")

res = client.invoke(FunctionName="ListDogs", InvocationType="Event", Payload=json.dumps(EVENT).encode())
check(res["StatusCode"] == 202, "boto3 invoke Event: 202")

res = client.invoke(FunctionName="ListDogs", InvocationType="DryRun", Payload=b"{}")
check(res["StatusCode"] == 204, "boto3 invoke DryRun: 204")

try:
    client.invoke(FunctionName="NoSuchFunction", Payload=b"{}")
    check(False, "an unknown function raises ResourceNotFoundException")
except client.exceptions.ResourceNotFoundException as e:
    check("Function not found" in str(e), "an unknown function raises ResourceNotFoundException")

try:
    client.invoke(FunctionName="ListDogs", Payload=b"{not json")
    check(False, "invalid JSON raises InvalidRequestContentException")
except client.exceptions.InvalidRequestContentException:
    check(True, "invalid JSON raises InvalidRequestContentException")

with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "out.json")
    event_file = os.path.join(tmp, "event.json")
    with open(event_file, "w") as f:
        json.dump(EVENT, f)
    aws = [sys.executable, "-m", "awscli", "lambda", "--endpoint-url", ENDPOINT]
    r = subprocess.run(aws + ["invoke", "--function-name", "ListDogs", "--payload", f"fileb://{event_file}", out], capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, f"aws lambda invoke exits 0 ({r.stderr.strip()})")
    meta = json.loads(r.stdout)
    check(meta["StatusCode"] == 200, "aws lambda invoke StatusCode 200")
    with open(out) as f:
        check(json.load(f).get("statusCode") == 200, "aws lambda invoke writes the function's output")
    r = subprocess.run(aws + ["list-functions"], capture_output=True, text=True, timeout=60)
    check(r.returncode == 0 and "ListDogs" in r.stdout, "aws lambda list-functions")
    r = subprocess.run(aws + ["invoke", "--function-name", "Nope", out], capture_output=True, text=True, timeout=60)
    check(r.returncode != 0 and "ResourceNotFoundException" in r.stderr, "aws lambda invoke of an unknown function names ResourceNotFoundException")

print(f"{checks} passed, 0 failed")
