#!/usr/bin/env bash
# Soak run (not in CI): one node under a long mixed load (cached, uncached, cancelled requests, dropped sessions),
# then checks heap after GC (within 5 % of its warm-up value), sessions and provider load left over, and errors.
# Usage: scripts/soak.sh [--minutes M (30)] [--sessions N (200)] [--rate R (60)] [--cancel SHARE] [--abort SHARE]
#                       [--token-ttl S (300)]
# (docs/performance.md#soak-soaksh)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

require_java_and_maven
ensure_packages espeak-ng:espeak-ng
exec_test_benchmark com.ervc.bench.SoakBenchmark --jvm-opts "${JAVA_OPTS:-$ERVC_DEFAULT_JAVA_OPTS}" "$@"
