#!/usr/bin/env bash
# The dev loop: a one-line edit of a pet-store handler, then rebuild, start and poll until the first 200.
#
#   bench/devloop.sh [--runs N] [--cargo-lambda]
#
# * Per run: edits one string literal of examples/app/petstore/info.rs (the message of `GET /crash`'s error, a
#   real change of the code, not only a touch; each run writes a different one), then times
#   `cargo build -p examples --example app` (debug, warm cache) + starting `target/debug/examples/app --port P
#   --lambda-port Q` + polling `GET /dogs` every 10 ms until it answers 200 (at most 120 s). Runs N times
#   (default 5) after one warm-up run; prints each and the median. The file is restored on exit.
# * `--cargo-lambda`: the same edit under `cargo lambda watch -p examples --example app` (cargo-lambda from PyPI in
#   a venv under target/, as bench/cargo_lambda.sh installs it; the pet store serving its Crash function, whose
#   error message is the edited string): time from the edit until `cargo lambda invoke` answers with the new
#   message. Skipped with a message when cargo-lambda cannot be installed or run here.
#
# Traffic goes to 127.0.0.1 only; every loop is bounded. Output: the terminal and bench/out/devloop-<date>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=5
CARGO_LAMBDA=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) RUNS="$2"; shift 2 ;;
        --cargo-lambda) CARGO_LAMBDA=1; shift ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
FILE=examples/app/petstore/info.rs
MARK="the kennel is on fire"
grep -q "\"$MARK" "$FILE" || { echo "$FILE no longer holds \"$MARK\": update this script" >&2; exit 1; }
mkdir -p bench/out
OUT="bench/out/devloop-$(date +%Y%m%d-%H%M%S).txt"
exec > >(tee "$OUT") 2>&1
BACKUP=$(mktemp)
cp "$FILE" "$BACKUP"
PID=""
cleanup() {
    [[ -n "$PID" ]] && { kill "$PID" 2> /dev/null || true; wait "$PID" 2> /dev/null || true; }
    cp "$BACKUP" "$FILE"
    rm -f "$BACKUP"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
edit() { sed -i "s/\"$MARK[^\"]*\"/\"$MARK (edit $1)\"/" "$FILE"; }

echo "== dev loop, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "edit: $FILE, the string \"$MARK\"; cargo build -p examples --example app; start; poll GET /dogs until 200"
cargo build -q -p examples --example app
one_run() {
    local i="$1" t0 t1 t2 port code log
    port=$((20000 + RANDOM % 20000))
    log=$(mktemp)
    edit "$i"
    t0=$(now_ms)
    cargo build -q -p examples --example app
    t1=$(now_ms)
    target/debug/examples/app --port "$port" --lambda-port $((port + 1)) > "$log" 2>&1 &
    PID=$!
    code=000
    for _ in $(seq 1 12000); do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/dogs" || true)
        [[ "$code" == 200 ]] && break
        kill -0 "$PID" 2> /dev/null || break
        sleep 0.01
    done
    t2=$(now_ms)
    kill "$PID" 2> /dev/null || true
    wait "$PID" 2> /dev/null || true
    PID=""
    [[ "$code" == 200 ]] || { cat "$log"; echo "run $i: no 200 (last status $code)" >&2; rm -f "$log"; exit 1; }
    rm -f "$log"
    echo "$((t2 - t0)) $((t1 - t0)) $((t2 - t1))"
}
one_run 0 > /dev/null
TOTALS=()
for ((i = 1; i <= RUNS; i++)); do
    read -r total build serve <<< "$(one_run "$i")"
    TOTALS+=("$total")
    printf '  run %d: edit -> first 200 %6d ms (build %6d ms, start + first 200 %4d ms)\n' "$i" "$total" "$build" "$serve"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
echo "emu dev loop: median $(median "${TOTALS[@]}") ms over $RUNS runs"

if [[ "$CARGO_LAMBDA" == 1 ]]; then
    venv=target/cargo-lambda-venv
    if [[ ! -x "$venv/bin/cargo-lambda" ]]; then
        python3 -m venv "$venv" > /dev/null 2>&1 && "$venv/bin/pip" install -q cargo-lambda > /dev/null 2>&1 ||
            { echo "skipped cargo lambda watch: pip install cargo-lambda failed (offline, or no python3-venv)"; exit 0; }
    fi
    "$venv/bin/cargo-lambda" lambda --version > /dev/null 2>&1 ||
        { echo "skipped cargo lambda watch: the installed cargo-lambda does not run here"; exit 0; }
    # The same edit under `cargo lambda watch -p examples --example app`: the pet store's binary on cargo-lambda's
    # Runtime API, serving its `Crash` function (EMU_FUNCTION), whose error message is the edited string. Per run:
    # edit, then `cargo lambda invoke app` every 100 ms until the answer holds the new message (cargo-lambda
    # rebuilds and restarts the function on the change).
    cl="$venv/bin/cargo-lambda"
    port=$((20000 + RANDOM % 20000))
    "$cl" lambda watch -p examples --example app --env-var EMU_FUNCTION=Crash -A 127.0.0.1 -P "$port" \
        > bench/out/devloop-cargo-lambda.log 2>&1 &
    PID=$!
    invoke_has() {
        local i
        for ((i = 0; i < 6000; i++)); do # at most 10 min (the first build of cargo-lambda's own flags)
            if timeout 30 "$cl" lambda invoke app -A 127.0.0.1 -P "$port" --data-ascii '{}' 2>&1 | grep -q "$1"; then
                return 0
            fi
            kill -0 "$PID" 2> /dev/null || return 1
            sleep 0.1
        done
        return 1
    }
    edit 0
    if ! invoke_has "(edit 0)"; then
        if grep -q "include any binary packages" bench/out/devloop-cargo-lambda.log; then
            echo "skipped cargo lambda watch: $("$cl" lambda --version) refuses this workspace (\"the project doesn't" \
                "include any binary packages\"): the pet store is an example target, and its project check runs" \
                "before --example is read"
        else
            tail -20 bench/out/devloop-cargo-lambda.log
            echo "skipped cargo lambda watch: it never answered (log above)"
        fi
        exit 0
    fi
    CL=()
    for ((i = 1; i <= RUNS; i++)); do
        sleep 1
        edit "$i"
        t0=$(now_ms)
        invoke_has "(edit $i)" || { echo "cargo lambda watch: run $i never answered with the edit" >&2; exit 1; }
        t1=$(now_ms)
        CL+=("$((t1 - t0))")
        printf '  cargo lambda watch run %d: edit -> rebuilt function answers %6d ms\n' "$i" "$((t1 - t0))"
    done
    echo "cargo lambda watch dev loop: median $(median "${CL[@]}") ms over $RUNS runs ($("$cl" lambda --version))"
fi
