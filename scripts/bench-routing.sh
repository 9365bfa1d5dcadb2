#!/usr/bin/env bash
# Router benchmark: one sentence straight to one provider instance vs through the pipeline's router and streaming
# transport, on a three-node loopback cluster (pipeline + two provider nodes running the test "tone" provider),
# latency (p50/p99, per request and per chunk) and throughput side by side in one run.
# Usage: scripts/bench-routing.sh [rounds, default 300] [concurrency, default 8] [instances per provider node, default 2]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

require_java_and_maven
exec_test_benchmark com.ervc.bench.RoutingBenchmark "${1:-300}" "${2:-8}" "${3:-2}"
