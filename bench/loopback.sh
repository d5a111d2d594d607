#!/usr/bin/env bash
# Loopback benchmark: the emulator (emu-runtime's `Server` serving emu-runtime/benches/hello.yaml bound by
# `lambda_app!`) against a bare axum hello-world server, same JSON, over 127.0.0.1, in the same run.
#
#   bench/loopback.sh [--duration S] [--rounds N] [--routes "rest http typed lambda_http"] [--bin PATH]
#                     [--target URL [--target-pid PID]] [--peers]
#
# * Builds `cargo build --release -p emu-runtime --example bench_server` and starts `bench_server bare` and
#   `bench_server emu` on free loopback ports (port 0), pinned to core 0 (`taskset -c 0`).
# * The emulator is measured on each route kind of hello.yaml, one at a time, against the same server process:
#   `rest` (GET /hello, REST 1.0, `Value` handler), `http` (GET /v2/hello, HTTP API 2.0, `Value` handler),
#   `typed` (GET /typed/hello, REST 1.0, `ApiGatewayProxyRequest` -> `ApiGatewayProxyResponse`) and
#   `lambda_http` (GET /lh/hello, HTTP API 2.0, a `lambda_http` handler); `bare` answers every path.
#   `--routes "rest http"` measures a subset.
# * Drives each with wrk (Debian's package; installed with `apt-get install -y wrk` when absent, and says so),
#   pinned to core 1, one wrk thread, at concurrency 1 and 32, DURATION seconds per run (default 5), alternating
#   bare, emu (and the --target) ROUNDS times (default 3, at least 2).
# * Per run: requests/s, p50, p99 (wrk --latency), and the server's CPU time per request: utime+stime from
#   /proc/PID/stat (clock ticks, `getconf CLK_TCK`) before and after the run, divided by the requests completed.
# * Then the first request after start: `bench_server first bare|emu` (see emu-runtime/examples/bench_server.rs).
# * `--peers`: also `cargo lambda watch` (cargo-lambda from PyPI, in target/cargo-lambda-venv; its Runtime API and
#   function-URL front end, `--only-lambda-apis`, with the lambdalith example's HttpApiFunction, a lambda_http
#   axum Router, as the function: GET /lambda-url/app/v2/pets) and serverless-offline (npm: serverless@3 and
#   serverless-offline@13 in target/peers/sls, a Node.js hello handler on an httpApi GET /hello, `--useInProcess`),
#   each pinned to core 0 like the others; their CPU is every process of theirs (cargo-lambda + the function).
#   A peer that cannot be installed or started is skipped with a message saying why.
# * `--bin PATH` serves with another build of bench_server (e.g. one kept from an earlier commit), no build.
# * `--target URL` adds any other server, driven with the same load (its CPU only with `--target-pid PID`).
#
# Traffic goes to 127.0.0.1 only; every loop is bounded; the servers started here are killed on exit.
# Output: the terminal and bench/out/loopback-<date>.txt (raw wrk output next to it).
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=5
ROUNDS=3
TARGET=""
TARGET_PID=""
ROUTES="rest http typed lambda_http"
BIN=""
PEERS=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration) DURATION="$2"; shift 2 ;;
        --rounds) ROUNDS="$2"; shift 2 ;;
        --target) TARGET="$2"; shift 2 ;;
        --target-pid) TARGET_PID="$2"; shift 2 ;;
        --routes) ROUTES="$2"; shift 2 ;;
        --bin) BIN="$2"; shift 2 ;;
        --peers) PEERS=1; shift ;;
        -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$ROUNDS" -ge 2 ]] || { echo "--rounds must be at least 2" >&2; exit 2; }
if [[ -n "$TARGET" && ! "$TARGET" =~ ^http://127\.0\.0\.1[:/] ]]; then
    echo "--target must be an http://127.0.0.1 URL (traffic stays on loopback)" >&2
    exit 2
fi

mkdir -p bench/out
STAMP=$(date +%Y%m%d-%H%M%S)
OUT="bench/out/loopback-$STAMP.txt"
RAW="bench/out/loopback-$STAMP"
mkdir -p "$RAW"
exec > >(tee "$OUT") 2>&1

if ! command -v wrk > /dev/null; then
    echo "wrk not found: installing it from Debian's packages (apt-get install -y wrk)"
    apt-get install -y wrk > /dev/null || { apt-get update > /dev/null && apt-get install -y wrk > /dev/null; }
fi

echo "== loopback benchmark, $(date)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(uname -r)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "duration ${DURATION}s per run, $ROUNDS rounds, concurrency 1 and 32; server on core 0, wrk on core 1"

if [[ -z "$BIN" ]]; then
    echo "== building: cargo build --release -p emu-runtime --example bench_server"
    cargo build --release -p emu-runtime --example bench_server
    BIN="${CARGO_TARGET_DIR:-target}/release/examples/bench_server"
fi
echo "server binary: $BIN (tree at $(git rev-parse --short HEAD))"
CLK=$(getconf CLK_TCK)

PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2> /dev/null || true
        wait "$pid" 2> /dev/null || true
    done
}
trap cleanup EXIT

# start MODE -> sets ADDR_<MODE> and PID_<MODE>
start() {
    local mode="$1" log="$RAW/$1.log" addr="" i
    : > "$log" # created before the server starts writing it, so the poll below can read it at once
    taskset -c 0 "$BIN" "$mode" --port 0 > "$log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    for ((i = 0; i < 200; i++)); do # at most 10 s
        addr=$(sed -n 's/^listening on //p' "$log")
        [[ -n "$addr" ]] && break
        kill -0 "$pid" 2> /dev/null || { cat "$log"; echo "$mode server exited" >&2; exit 1; }
        sleep 0.05
    done
    [[ "$addr" == 127.0.0.1:* ]] || { echo "$mode server did not start on 127.0.0.1: '$addr'" >&2; exit 1; }
    printf -v "ADDR_$mode" '%s' "$addr"
    printf -v "PID_$mode" '%s' "$pid"
    echo "$mode: pid $pid on http://$addr"
}

# utime + stime of PID in clock ticks (fields 14 and 15; the command name in parentheses may hold spaces).
ticks() {
    local stat total=0 pid
    for pid in ${1//,/ }; do
        stat=$(< "/proc/$pid/stat")
        stat=${stat##*) }
        total=$((total + $(awk '{ print $12 + $13 + $14 + $15 }' <<< "$stat")))
    done
    echo "$total"
}

# wrk latency like 812.00us / 1.20ms / 1.00s -> microseconds
to_us() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); print v + 0 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); print v * 1000 }
        else if (v ~ /m$/) { sub(/m$/, "", v); print v * 60e6 }
        else { sub(/s$/, "", v); print v * 1e6 } }'
}

# run NAME URL CONNS ROUND PID -> one line in $RAW/results.tsv: name conns round rps p50 p99 cpu_us_per_req
run() {
    local name="$1" url="$2" conns="$3" round="$4" pid="$5" file="$RAW/$1-c$3-r$4.txt" before=0 after=0
    [[ -n "$pid" ]] && before=$(ticks "$pid")
    taskset -c 1 wrk -t1 -c"$conns" -d"${DURATION}s" --timeout 2s --latency "$url" > "$file"
    [[ -n "$pid" ]] && after=$(ticks "$pid")
    local reqs rps p50 p99 cpu="-"
    reqs=$(awk '/requests in/ { print $1 }' "$file")
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$file")
    p50=$(to_us "$(awk '$1 == "50%" { print $2 }' "$file")")
    p99=$(to_us "$(awk '$1 == "99%" { print $2 }' "$file")")
    if grep -q 'Non-2xx\|Socket errors' "$file"; then
        echo "warning: $name c=$conns round $round: $(grep 'Non-2xx\|Socket errors' "$file")"
    fi
    if [[ -n "$pid" && "$reqs" -gt 0 ]]; then
        cpu=$(awk -v t=$((after - before)) -v clk="$CLK" -v n="$reqs" 'BEGIN { printf "%.2f", t / clk * 1e6 / n }')
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$conns" "$round" "$rps" "$p50" "$p99" "$cpu" >> "$RAW/results.tsv"
    printf '  %-11s c=%-2s round %s: %10.0f req/s  p50 %8.1f µs  p99 %8.1f µs  CPU %s µs/req\n' \
        "$name" "$conns" "$round" "$rps" "$p50" "$p99" "$cpu"
}

echo "== starting servers"
start bare
start emu
for url in "http://$ADDR_bare/hello" "http://$ADDR_emu/hello"; do
    curl -sS --max-time 2 "$url" | grep -q '"hello world"' || { echo "$url: unexpected answer" >&2; exit 1; }
done
read -r -a KINDS <<< "$ROUTES"
NAMES=(bare "${KINDS[@]}")
[[ -n "$TARGET" ]] && NAMES+=(target)

url_of() {
    case "$1" in
        bare) echo "http://$ADDR_bare/hello" ;;
        rest | emu) echo "http://$ADDR_emu/hello" ;;
        http) echo "http://$ADDR_emu/v2/hello" ;;
        typed) echo "http://$ADDR_emu/typed/hello" ;;
        lambda_http) echo "http://$ADDR_emu/lh/hello" ;;
        cargo_lambda) echo "http://127.0.0.1:$PORT_cargo_lambda/lambda-url/app/v2/pets" ;;
        sls_offline) echo "http://127.0.0.1:$PORT_sls_offline/hello" ;;
        *) echo "$TARGET" ;;
    esac
}
pid_of() {
    case "$1" in
        bare) echo "$PID_bare" ;;
        target) echo "$TARGET_PID" ;;
        cargo_lambda) echo "$PID_cargo_lambda" ;;
        sls_offline) echo "$PID_sls_offline" ;;
        *) echo "$PID_emu" ;;
    esac
}
# wait_http URL -> 0 once URL answers 200 (at most 60 s)
wait_http() {
    local i
    for ((i = 0; i < 600; i++)); do
        [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true)" == 200 ]] && return 0
        sleep 0.1
    done
    return 1
}
# The peers: started here, skipped with the reason when they cannot be.
if [[ "$PEERS" == 1 ]]; then
    venv=target/cargo-lambda-venv
    if [[ ! -x "$venv/bin/cargo-lambda" ]]; then
        python3 -m venv "$venv" > /dev/null 2>&1 && "$venv/bin/pip" install -q cargo-lambda > /dev/null 2>&1 || true
    fi
    if ! "$venv/bin/cargo-lambda" lambda --version > /dev/null 2>&1; then
        echo "skipped cargo_lambda: cargo-lambda is not installed and pip install cargo-lambda failed"
    elif ! cargo build -q -p examples --example lambdalith; then
        echo "skipped cargo_lambda: the lambdalith example does not build"
    else
        project=target/cargo-lambda-project
        mkdir -p "$project/src"
        printf '[package]\nname = "app"\nversion = "0.0.0"\nedition = "2021"\n\n[workspace]\n' > "$project/Cargo.toml"
        echo 'fn main() {}' > "$project/src/main.rs"
        PORT_cargo_lambda=$((20000 + RANDOM % 20000))
        (cd "$project" && exec taskset -c 0 "../cargo-lambda-venv/bin/cargo-lambda" lambda watch --only-lambda-apis \
            -A 127.0.0.1 -P "$PORT_cargo_lambda") > "$RAW/cargo_lambda.log" 2>&1 &
        cl_pid=$!
        PIDS+=("$cl_pid")
        sleep 2
        AWS_LAMBDA_RUNTIME_API="http://127.0.0.1:$PORT_cargo_lambda/.rt/app" AWS_LAMBDA_FUNCTION_NAME=HttpApiFunction \
            AWS_LAMBDA_FUNCTION_VERSION=1 AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256 RUST_LOG=warn \
            taskset -c 0 target/debug/examples/lambdalith > "$RAW/cargo_lambda_fn.log" 2>&1 &
        fn_pid=$!
        PIDS+=("$fn_pid")
        if wait_http "http://127.0.0.1:$PORT_cargo_lambda/lambda-url/app/v2/pets"; then
            # cargo-lambda's own process tree (it may run helpers) plus the function.
            PID_cargo_lambda="$cl_pid,$fn_pid$( (pgrep -P "$cl_pid" || true) | sed 's/^/,/' | tr -d '\n')"
            echo "cargo_lambda: pids $PID_cargo_lambda on port $PORT_cargo_lambda ($("$venv/bin/cargo-lambda" lambda --version))"
            NAMES+=(cargo_lambda)
        else
            echo "skipped cargo_lambda: it did not answer GET /lambda-url/app/v2/pets (see $RAW/cargo_lambda.log)"
        fi
    fi
    sls=target/peers/sls
    if [[ ! -x "$sls/node_modules/.bin/serverless" ]]; then
        mkdir -p "$sls"
        [[ -f "$sls/package.json" ]] || echo '{"name":"sls-peer","version":"0.0.0","private":true}' > "$sls/package.json"
        (cd "$sls" && timeout 600 npm install --no-audit --no-fund serverless@3 serverless-offline@13 > npm.log 2>&1) || true
    fi
    if [[ ! -x "$sls/node_modules/.bin/serverless" ]]; then
        echo "skipped sls_offline: npm install serverless@3 serverless-offline@13 failed (see $sls/npm.log)"
    else
        cat > "$sls/handler.js" <<'JS'
exports.hello = async () => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ message: "hello world" }),
});
JS
        cat > "$sls/serverless.yml" <<'YML'
service: sls-peer
frameworkVersion: "3"
provider: { name: aws, runtime: nodejs20.x }
plugins: [serverless-offline]
functions:
  hello:
    handler: handler.hello
    events:
      - httpApi: { path: /hello, method: get }
YML
        PORT_sls_offline=$((20000 + RANDOM % 20000))
        (cd "$sls" && SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off exec taskset -c 0 \
            node node_modules/.bin/serverless offline --httpPort "$PORT_sls_offline" \
            --lambdaPort $((PORT_sls_offline + 1)) --useInProcess) > "$RAW/sls_offline.log" 2>&1 &
        sls_pid=$!
        PIDS+=("$sls_pid")
        if wait_http "http://127.0.0.1:$PORT_sls_offline/hello"; then
            PID_sls_offline="$sls_pid$( (pgrep -P "$sls_pid" || true) | sed 's/^/,/' | tr -d '\n')"
            echo "sls_offline: pids $PID_sls_offline on port $PORT_sls_offline"
            NAMES+=(sls_offline)
        else
            echo "skipped sls_offline: it did not answer GET /hello (see $RAW/sls_offline.log)"
        fi
    fi
fi

for name in "${KINDS[@]}"; do
    curl -sS --max-time 2 "$(url_of "$name")" | grep -q '"hello world"' || { echo "$name: unexpected answer" >&2; exit 1; }
done

: > "$RAW/results.tsv"
echo "== load: wrk -t1 -c{1,32} -d${DURATION}s --latency (short warm-up first)"
for name in "${NAMES[@]}"; do taskset -c 1 wrk -t1 -c8 -d1s "$(url_of "$name")" > /dev/null; done
for conns in 1 32; do
    for ((round = 1; round <= ROUNDS; round++)); do
        for name in "${NAMES[@]}"; do
            run "$name" "$(url_of "$name")" "$conns" "$round" "$(pid_of "$name")"
        done
    done
done

echo "== summary (median over rounds; ratio = server / bare)"
awk -F'\t' -v order="bare ${KINDS[*]} target cargo_lambda sls_offline" '
    function median(s,   a, n, i, j, t) {
        n = split(s, a, " ")
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { k = $1 SUBSEP $2; rps[k] = rps[k] " " $4; p50[k] = p50[k] " " $5; p99[k] = p99[k] " " $6
      if ($7 != "-") cpu[k] = cpu[k] " " $7; names[$1] = 1; conns[$2] = 1 }
    END {
        printf "%-11s %4s %12s %10s %10s %12s   %s\n", "server", "conc", "req/s", "p50 µs", "p99 µs", "CPU µs/req", "ratios vs bare (req/s, p50, p99, CPU)"
        for (c = 1; c <= 32; c += 31) {
            b = "bare" SUBSEP c
            br = median(rps[b]); b50 = median(p50[b]); b99 = median(p99[b]); bc = (b in cpu) ? median(cpu[b]) : 0
            m = split(order, names_in_order, " ")
            for (i = 1; i <= m; i++) {
                n = names_in_order[i]; k = n SUBSEP c
                if (!(k in rps)) continue
                r = median(rps[k]); q50 = median(p50[k]); q99 = median(p99[k]); u = (k in cpu) ? median(cpu[k]) : 0
                printf "%-11s %4d %12.0f %10.1f %10.1f %12s   %.2fx, %.2fx, %.2fx, %s\n", n, c, r, q50, q99,
                    (u ? sprintf("%.2f", u) : "-"), r / br, q50 / b50, q99 / b99, (u && bc ? sprintf("%.2fx", u / bc) : "-")
            }
        }
    }' "$RAW/results.tsv"

echo "== first request after start (server on core 0, client on core 1; 10 runs each)"
for mode in bare emu; do
    BENCH_SERVER_CPU=0 taskset -c 1 "$BIN" first "$mode" --runs 10
done
echo "== written to $OUT (raw wrk output in $RAW/)"
