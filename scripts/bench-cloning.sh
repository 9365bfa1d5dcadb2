#!/usr/bin/env bash
# Reference-audio analysis: milliseconds of work per second of uploaded audio for the whole quality gate, next to
# BS.1770 loudness alone, for 5/30/90 s clips at 16/44.1/48 kHz (the median of the rounds).
# With `profiles`: cache-hit time to first audio with voice "profile:<id>" next to the same voice and settings given
# by hand, interleaved on one node, and the in-memory profile lookup alone.
# Usage: scripts/bench-cloning.sh [rounds, default 5]
#        scripts/bench-cloning.sh profiles [rounds, default 200]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

require_java_and_maven
if [ "${1:-}" = profiles ]; then
  exec_test_benchmark com.ervc.bench.ProfileResolutionBenchmark "${2:-200}"
fi
exec_test_benchmark com.ervc.bench.ReferenceAnalysisBenchmark "${1:-5}"
