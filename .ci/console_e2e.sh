#!/usr/bin/env bash
# The console's end-to-end test in headless Chromium (Debian's package) driven by playwright-core (npm). Installs
# both when it can; skips with a message when either cannot be had (no apt, no npm, no registry).
set -uo pipefail
cd "$(dirname "$0")/.."
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ] && command -v apt-get >/dev/null 2>&1; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1
  browser=$(command -v chromium || true)
fi
if [ -z "$browser" ]; then
  echo "skipped: no chromium and it could not be installed with apt-get"; exit 0
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "skipped: node and npm are needed to drive the browser"; exit 0
fi
if [ ! -d target/ci-node/node_modules/playwright-core ]; then
  mkdir -p target/ci-node
  if ! (cd target/ci-node && npm install --no-audit --no-fund --silent playwright-core@1 >/dev/null 2>&1); then
    echo "skipped: playwright-core could not be installed from npm"; exit 0
  fi
fi
set -e
cargo build --locked -q -p examples --example console
node .ci/console_e2e.mjs target/debug/examples/console "$browser" target/console-e2e
