#!/usr/bin/env bash
# Admin console benchmark: what the console costs a node under a bounded load of cached replies, in one run: 0, 1
# and 10 consoles connected over the event-bus bridge, and 1 console with the live tail off and on (node CPU,
# event-loop delay, event-bus messages/s, TTFA p50/p99, with ratios). Not part of CI. Usage: scripts/bench-admin.sh
# [--sessions N] [--rate R] [--duration S] [--rounds N]   (docs/admin-console.md#benchmark)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

require_java_and_maven
ensure_packages espeak-ng:espeak-ng
exec_test_benchmark com.ervc.bench.AdminBenchmark --jvm-opts "${JAVA_OPTS:-$ERVC_DEFAULT_JAVA_OPTS}" "$@"
