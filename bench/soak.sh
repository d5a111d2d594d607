#!/usr/bin/env bash
# Soak: emu-runtime/tests/soak.rs (an #[ignore]d test) in release, niced: REQUESTS requests (default 1,000,000) at
# CONCURRENCY keep-alive connections (default 256) against the dev server, 5% panicking, 5% past their timeout
# (async), 1% blocking their thread past it. Prints the test's summary line (wrong responses, connection errors,
# RSS and thread count); the server's own log lines go to bench/out/soak-<date>.log.
#
#   bench/soak.sh [--requests N] [--concurrency C]
#
# Bounded: the test stops after N requests; traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=1000000
CONCURRENCY=256
while [[ $# -gt 0 ]]; do
    case "$1" in
        --requests) REQUESTS="$2"; shift 2 ;;
        --concurrency) CONCURRENCY="$2"; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
mkdir -p bench/out
LOG="bench/out/soak-$(date +%Y%m%d-%H%M%S).log"
echo "== soak: $REQUESTS requests at concurrency $CONCURRENCY, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== commit $(git rev-parse --short HEAD), $(date -u +%FT%TZ); server log: $LOG"
SOAK_REQUESTS="$REQUESTS" SOAK_CONCURRENCY="$CONCURRENCY" nice cargo test --release --locked -p emu-runtime \
    --test soak -- --ignored --nocapture --test-threads 1 2> >(grep -v '^\s*$' >&2) > "$LOG"
