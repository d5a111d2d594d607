#!/usr/bin/env python3
"""Init time of Lambda binaries: process start -> first GET /2018-06-01/runtime/invocation/next at a Runtime API double.

Usage: bench/runtime_init.py [--runs N] NAME=BINARY[:EMU_FUNCTION] ...
Runs the binaries alternately (A, B, A, B, ...) N times each, each time against a fresh double on 127.0.0.1, with
the variables Lambda sets; prints file size, stripped size and the median / min / p90 init time of each, and the
ratio of each to the first. Figures and the command line are in docs/benchmarks.md ("On Lambda").
"""
import argparse
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def measure_once(binary, function):
    seen = threading.Event()
    stamp = {}

    class Api(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.endswith("/runtime/invocation/next") and "t" not in stamp:
                stamp["t"] = time.perf_counter()
                seen.set()
            # Hold the long poll; the process is killed once the request is seen.
            seen.wait()
            self.send_response(500)
            self.end_headers()

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            stamp["post"] = self.rfile.read(length).decode(errors="replace")
            self.send_response(202)
            self.end_headers()
            seen.set()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {k: v for k, v in os.environ.items() if k not in ("EMU_FUNCTION", "_HANDLER", "RUST_LOG")}
    env.update({
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{server.server_address[1]}",
        "AWS_LAMBDA_FUNCTION_NAME": function or "baseline",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
        "RUST_LOG": "warn",
    })
    if function:
        env["EMU_FUNCTION"] = function
    start = time.perf_counter()
    child = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not seen.wait(30):
            raise SystemExit(f"{binary}: no /invocation/next within 30 s")
        if "t" not in stamp:
            raise SystemExit(f"{binary}: posted instead of polling: {stamp.get('post')}")
        return (stamp["t"] - start) * 1000.0
    finally:
        child.kill()
        child.wait()
        server.shutdown()
        server.server_close()


def stripped_size(binary):
    if not shutil.which("strip"):
        return None
    with tempfile.TemporaryDirectory() as d:
        copy = os.path.join(d, "b")
        shutil.copy(binary, copy)
        subprocess.run(["strip", copy], check=True)
        return os.path.getsize(copy)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("targets", nargs="+", help="NAME=BINARY[:EMU_FUNCTION]")
    a = p.parse_args()
    targets = []
    for t in a.targets:
        name, _, rest = t.partition("=")
        binary, _, function = rest.partition(":")
        targets.append((name, binary, function or None))
    times = {name: [] for name, _, _ in targets}
    for name, binary, function in targets:  # one warm-up each: page cache
        measure_once(binary, function)
    for _ in range(a.runs):
        for name, binary, function in targets:
            times[name].append(measure_once(binary, function))
    base = None
    print(f"{'binary':<14} {'size':>12} {'stripped':>12} {'median ms':>10} {'min ms':>8} {'p90 ms':>8}  ratio (median, size)")
    for name, binary, _ in targets:
        ts = sorted(times[name])
        med, size = statistics.median(ts), os.path.getsize(binary)
        stripped = stripped_size(binary)
        p90 = ts[int(0.9 * (len(ts) - 1))]
        if base is None:
            base = (med, size)
        ratio = f"{med / base[0]:.2f}x, {size / base[1]:.2f}x"
        print(f"{name:<14} {size:>12,} {stripped or 0:>12,} {med:>10.2f} {ts[0]:>8.2f} {p90:>8.2f}  {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
