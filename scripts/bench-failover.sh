#!/usr/bin/env bash
# Failover benchmark: N rounds on a local three-JVM cluster (gateway + pipeline in the benchmark JVM, two espeak
# provider JVMs from the packaged jar); in each round the provider JVM serving a long reply is killed with SIGKILL as
# a random sentence request leaves for it, and replaced; the client reads every frame as it arrives (default) or
# at playback rate (a real-time player). Prints per round: completed byte-exact, switches, the client's
# delivery gap and the silence a real-time player hears, with the same run's reply without a kill as each mode's
# baseline (docs/routing.md). The nodes' log lines go to stderr.
# Usage: scripts/bench-failover.sh [rounds, default 10] [sentences per reply, default 40] [seed]
#        [on_arrival (default)|at_playback_rate]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

require_java_and_maven
ensure_packages espeak-ng:espeak-ng
exec_test_benchmark com.ervc.bench.FailoverBenchmark "${1:-10}" "${2:-40}" "${3:-$RANDOM}" ${4:+"$4"}
