#!/usr/bin/env python3
"""Signs requests with botocore's real SigV4 signers and writes them as the SigV4 verifier's test fixture.

    python3 -m venv target/venv && target/venv/bin/pip install botocore
    target/venv/bin/python bench/sigv4_fixtures.py > emu-runtime/tests/fixtures/sigv4/botocore.json
    target/venv/bin/python bench/sigv4_fixtures.py --check emu-runtime/tests/fixtures/sigv4/botocore.json

The clock is pinned, so the output is byte-for-byte reproducible for a given botocore version (recorded in the file).
The unit tests in emu-runtime/src/gateway/auth/sigv4_tests.rs verify every case and reject each with one byte
changed. The credentials are made up: they sign nothing but these fixtures.
"""
import base64
import datetime
import json
import sys
from urllib.parse import urlsplit

import botocore
import botocore.auth
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

NOW = datetime.datetime(2026, 11, 20, 12, 34, 56, tzinfo=datetime.timezone.utc)
botocore.auth.get_current_datetime = lambda *args, **kwargs: NOW.replace(tzinfo=None)

KEY = Credentials("AKIDEXAMPLEEMU00001", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
TEMP = Credentials("ASIAEXAMPLEEMU00002", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY", "IQoJb3JpZ2luX2VjEXAMPLE+TOKEN/abc=")
BASE = "http://127.0.0.1:3000"

# (name, method, path-and-query as sent on the wire, headers, body, credentials, presigned)
CASES = [
    ("get-root", "GET", "/", {}, b"", KEY, False),
    ("get-with-query", "GET", "/Prod/pets?limit=10&type=dog&a=%20b&empty=&z=1&z=0", {}, b"", KEY, False),
    ("post-json-body", "POST", "/Prod/pets", {"Content-Type": "application/json"}, b'{"name":"Rex","age":3}', KEY, False),
    ("put-binary-body", "PUT", "/Prod/blobs/1", {"Content-Type": "application/octet-stream"}, bytes(range(256)), KEY, False),
    ("path-with-space", "GET", "/Prod/my%20pets/list", {}, b"", KEY, False),
    ("path-with-unicode", "GET", "/Prod/caf%C3%A9/%E2%9C%93", {}, b"", KEY, False),
    ("path-with-encoded-slash", "GET", "/Prod/files/a%2Fb.txt", {}, b"", KEY, False),
    ("path-with-reserved-chars", "GET", "/Prod/items/a:b@c!d$e'(f)*+,;=", {}, b"", KEY, False),
    ("query-with-reserved-chars", "GET", "/Prod/search?q=a%2Bb%26c&sort=-name&x=~", {}, b"", KEY, False),
    ("session-token", "DELETE", "/Prod/pets/7", {}, b"", TEMP, False),
    ("extra-signed-headers", "PATCH", "/Prod/pets/7", {"X-Custom": "  spaced   value  ", "Content-Type": "text/plain"}, b"patch", KEY, False),
    ("presigned-get", "GET", "/Prod/report?format=csv", {}, b"", KEY, True),
    ("presigned-session-token", "GET", "/Prod/report", {}, b"", TEMP, True),
]


def sign(name, method, target, headers, body, creds, presigned):
    request = AWSRequest(method=method, url=BASE + target, data=body, headers=dict(headers))
    if presigned:
        SigV4QueryAuth(creds, "execute-api", "eu-west-1", expires=300).add_auth(request)
    else:
        SigV4Auth(creds, "execute-api", "eu-west-1").add_auth(request)
    url = urlsplit(request.url)
    sent = [["host", url.netloc]] + [[k, v] for k, v in request.headers.items()]
    return {
        "name": name,
        "method": method,
        "path": url.path,
        "query": url.query,
        "headers": sent,
        "body_base64": base64.b64encode(body).decode(),
        "access_key_id": creds.access_key,
        "secret_access_key": creds.secret_key,
        "session_token": creds.token,
        "now_epoch_secs": int(NOW.timestamp()),
    }


def main():
    doc = {
        "generator": "bench/sigv4_fixtures.py",
        "botocore": botocore.__version__,
        "service": "execute-api",
        "region": "eu-west-1",
        "cases": [sign(*case) for case in CASES],
    }
    text = json.dumps(doc, indent=1, ensure_ascii=True) + "\n"
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        with open(sys.argv[2]) as f:
            committed = json.load(f)
        if committed["cases"] != doc["cases"]:
            sys.exit(f"{sys.argv[2]} differs from what botocore {botocore.__version__} signs now")
        print(f"{len(doc['cases'])} fixtures match botocore {botocore.__version__}")
        return
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
