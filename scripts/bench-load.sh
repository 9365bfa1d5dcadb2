#!/usr/bin/env bash
# Load benchmark: the service against a bare Vert.x WebSocket server sending the same frames, side by side in one
# run (TTFA p50/p95/p99, replies/s, late chunks, RSS, GC pauses, ratios). Both servers run with the JVM options of
# scripts/run.sh (JAVA_OPTS, else its defaults). Usage: scripts/bench-load.sh [--sessions N] [--rate R]
# [--duration S] [--warmup S] [--rounds N] [--text cached|uncached] [--provider-nodes N] [--target PORT
# [--target-pid PID]] [--redis-outage S]   (docs/performance.md)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

require_java_and_maven
ensure_packages espeak-ng:espeak-ng redis-server:redis-server
exec_test_benchmark com.ervc.bench.LoadBenchmark --jvm-opts "${JAVA_OPTS:-$ERVC_DEFAULT_JAVA_OPTS}" "$@"
