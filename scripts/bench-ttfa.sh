#!/usr/bin/env bash
# Time-to-first-audio benchmark: espeak-ng directly vs the service over WebSocket (cache miss and hit),
# interleaved in one run. Usage: scripts/bench-ttfa.sh [rounds, default 60]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

require_java_and_maven
ensure_packages espeak-ng:espeak-ng
exec_test_benchmark com.ervc.bench.TtfaBenchmark "${1:-60}"
