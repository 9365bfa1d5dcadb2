#!/usr/bin/env bash
# Failover benchmark: N rounds on a local three-JVM cluster (gateway + pipeline in the benchmark JVM, two espeak
# provider JVMs from the packaged jar); in each round the provider JVM serving a long reply is killed with SIGKILL at
# a random audio frame and replaced. Prints per round: completed byte-exact, switches, longest and p95 client-side
# gap between audio frames, with the same run's reply without a kill as the baseline (docs/routing.md).
# Usage: scripts/bench-failover.sh [rounds, default 10] [sentences per reply, default 40] [seed]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

require_java_and_maven
ensure_packages espeak-ng:espeak-ng
exec_test_benchmark com.ervc.bench.FailoverBenchmark "${1:-10}" "${2:-40}" ${3:+"$3"}
