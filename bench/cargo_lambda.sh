#!/usr/bin/env bash
# The pet-store binary under the real thing: cargo-lambda's Runtime API emulator (`cargo lambda watch
# --only-lambda-apis`, from the `cargo-lambda` PyPI wheel in a venv under target/) and `cargo lambda invoke`.
# Exits 0 with a "skipped:" line when cargo-lambda cannot be installed or started here; fails on a wrong answer.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/cargo-lambda-venv
skip() { echo "skipped: $*"; exit 0; }

if [ ! -x "$venv/bin/cargo-lambda" ]; then
  python3 -m venv "$venv" >/dev/null 2>&1 || skip "python3 -m venv is not available"
  "$venv/bin/pip" install -q cargo-lambda >/dev/null 2>&1 || skip "pip install cargo-lambda failed (offline?)"
fi
cl="$venv/bin/cargo-lambda"
"$cl" lambda --version >/dev/null 2>&1 || skip "the installed cargo-lambda does not run on this machine"
echo "using $("$cl" lambda --version)"

cargo build -q -p examples --example app --example lambdalith --locked
bin=target/debug/examples/app
port=$((20000 + RANDOM % 20000))
log=$(mktemp)
pids=()
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; wait "${pids[i]}" 2>/dev/null || true; done
  rm -f "$log"
}
trap cleanup EXIT

# cargo-lambda serves functions named after the project's binaries, and this workspace has only examples: a
# one-binary scratch project named `app` gives it a function `app` (with --only-lambda-apis nothing is built).
project=target/cargo-lambda-project
mkdir -p "$project/src"
printf '[package]\nname = "app"\nversion = "0.0.0"\nedition = "2021"\n\n[workspace]\n' >"$project/Cargo.toml"
echo 'fn main() {}' >"$project/src/main.rs"
(cd "$project" && exec "../cargo-lambda-venv/bin/cargo-lambda" lambda watch --only-lambda-apis -A 127.0.0.1 -P "$port") \
  >"$log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { cat "$log"; skip "cargo lambda watch did not start"; }

# First (cargo-lambda 1.9.2 leaves an init-error POST unanswered once an instance of the function has polled
# /next): a name no rule matches: the binary reports an init error and exits 1 instead of serving something else.
set +e
init_out=$(AWS_LAMBDA_RUNTIME_API="http://127.0.0.1:$port/.rt/app" AWS_LAMBDA_FUNCTION_NAME=Nope \
  AWS_LAMBDA_FUNCTION_VERSION=1 AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256 RUST_LOG=error timeout 60 "$bin" 2>&1)
code=$?
set -e
echo "$init_out" | cut -c1-160
[ "$code" = 1 ] || { echo "error: an unknown function should exit 1 after its init error, got $code"; exit 1; }
case "$init_out" in
  *"cannot report the init error"*) echo "error: cargo-lambda did not accept the init error"; exit 1 ;;
esac
echo "unknown function: init error accepted by cargo-lambda's Runtime API, exit code 1"

# cargo-lambda's function `app` is the pet store's ListDogs, chosen the way Lambda names it (rule 3: logical id).
AWS_LAMBDA_RUNTIME_API="http://127.0.0.1:$port/.rt/app" AWS_LAMBDA_FUNCTION_NAME=ListDogs \
  AWS_LAMBDA_FUNCTION_VERSION=1 AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256 RUST_LOG=warn "$bin" &
served=$!
pids+=($served)
event='{"resource":"/dogs","path":"/dogs","httpMethod":"GET","headers":{},"multiValueHeaders":{},
"requestContext":{"resourcePath":"/dogs","httpMethod":"GET","path":"/Prod/dogs","stage":"Prod","identity":{}},
"isBase64Encoded":false}'
out=$(timeout 60 "$cl" lambda invoke app -A 127.0.0.1 -P "$port" --data-ascii "$event")
echo "cargo lambda invoke app (ListDogs) -> $out"
case "$out" in
  *'"statusCode":200'*) ;;
  *) echo "error: expected a 200 from ListDogs"; exit 1 ;;
esac

kill "$served" 2>/dev/null || true
wait "$served" 2>/dev/null || true

# lambda_http::run with an axum Router: the lambdalith's HTTP API function, selected by its logical id (rule 3).
AWS_LAMBDA_RUNTIME_API="http://127.0.0.1:$port/.rt/app" AWS_LAMBDA_FUNCTION_NAME=HttpApiFunction \
  AWS_LAMBDA_FUNCTION_VERSION=1 AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256 RUST_LOG=warn target/debug/examples/lambdalith &
pids+=($!)
event='{"version":"2.0","routeKey":"ANY /v2/{proxy+}","rawPath":"/v2/pets","rawQueryString":"","headers":{"host":"x"},
"requestContext":{"accountId":"123456789012","apiId":"x","domainName":"x","domainPrefix":"x","http":{"method":"GET",
"path":"/v2/pets","protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":"cargo-lambda"},"requestId":"r",
"routeKey":"ANY /v2/{proxy+}","stage":"$default","time":"01/Jan/2026:00:00:00 +0000","timeEpoch":0},"isBase64Encoded":false}'
out=$(timeout 60 "$cl" lambda invoke app -A 127.0.0.1 -P "$port" --data-ascii "$event")
echo "cargo lambda invoke app (lambdalith HttpApiFunction, GET /v2/pets) -> $out"
case "$out" in
  *'"statusCode":200'*) ;;
  *) echo "error: expected a 200 from the lambdalith"; exit 1 ;;
esac

echo "cargo-lambda check passed"
