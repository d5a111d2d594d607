#!/usr/bin/env bash
# Instructions per request, per route kind, counted by callgrind (repeatable on a noisy, shared machine).
#
#   bench/callgrind.sh [--small N1] [--large N2] [--no-build] [--bin PATH]
#
# * Builds `cargo build --release -p emu-runtime --example bench_server` (unless --no-build or --bin, which measures
#   another build of bench_server, e.g. one kept from an earlier commit).
# * For bare axum and each emulator route of emu-runtime/benches/hello.yaml (REST 1.0 `Value` handler, HTTP API 2.0
#   `Value` handler, REST typed `aws_lambda_events` handler, HTTP API `lambda_http` handler), runs
#   `valgrind --tool=callgrind bench_server inproc MODE PATH N` (in-process `Router::oneshot`, no socket, the
#   platform's START/END/REPORT lines off) twice, with N1 (default 200) and N2 (default 2200) requests, and prints
#   (I(N2) - I(N1)) / (N2 - N1): start-up, the app's build and the first-touch costs cancel out.
# * `PRINT=1` keeps the platform lines (written to stdout, sent to /dev/null here), to count their cost.
#
# Output: the terminal and bench/out/callgrind-<date>.txt; the callgrind files in bench/out/callgrind-<date>/.
set -euo pipefail

cd "$(dirname "$0")/.."
N1=200
N2=2200
BUILD=1
BIN=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --small) N1="$2"; shift 2 ;;
        --large) N2="$2"; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --bin) BIN="$2"; BUILD=0; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
command -v valgrind > /dev/null || { echo "valgrind not found (apt-get install -y valgrind)" >&2; exit 1; }
[[ "$N2" -gt "$N1" ]] || { echo "--large must be more than --small" >&2; exit 2; }

mkdir -p bench/out
STAMP=$(date +%Y%m%d-%H%M%S)
OUT="bench/out/callgrind-$STAMP.txt"
RAW="bench/out/callgrind-$STAMP"
mkdir -p "$RAW"
exec > >(tee "$OUT") 2>&1

if [[ "$BUILD" == 1 ]]; then
    echo "== building: cargo build --release -p emu-runtime --example bench_server"
    cargo build --release -p emu-runtime --example bench_server
fi
[[ -n "$BIN" ]] || BIN="${CARGO_TARGET_DIR:-target}/release/examples/bench_server"
echo "== callgrind, instructions per request, $(date -u '+%Y-%m-%d %H:%M UTC'), binary $BIN"
echo "tree: commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- emu-runtime || echo ' + uncommitted changes') (the binary's own commit if --bin)"
echo "requests: $N2 - $N1; load average $(cut -d' ' -f1-3 /proc/loadavg) (irrelevant to the counts)"

# count MODE PATH N -> total instructions (Ir) of the run
count() {
    local file="$RAW/$1-${2//\//_}-$3.out"
    valgrind --tool=callgrind --callgrind-out-file="$file" "$BIN" inproc "$1" "$2" "$3" > /dev/null 2> "$file.log" ||
        { tail -5 "$file.log" >&2; echo "callgrind run failed: $1 $2 $3" >&2; exit 1; }
    sed -n 's/^summary: //p' "$file" | cut -d' ' -f1
}

BARE=""
printf '%-28s %14s %10s\n' "route" "instr/request" "vs bare"
for spec in "bare /hello bare_axum" "emu /hello rest_v1_value" "emu /v2/hello http_v2_value" \
    "emu /typed/hello rest_v1_typed" "emu /lh/hello http_v2_lambda_http"; do
    read -r mode path name <<< "$spec"
    a=$(count "$mode" "$path" "$N1")
    b=$(count "$mode" "$path" "$N2")
    per=$(( (b - a) / (N2 - N1) ))
    [[ -n "$BARE" ]] || BARE=$per
    printf '%-28s %14d %9.2fx\n' "$name" "$per" "$(echo "$per / $BARE" | bc -l)"
done
