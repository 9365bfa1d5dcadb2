#!/usr/bin/env bash
# Reference-audio analysis: milliseconds of work per second of uploaded audio for the whole quality gate, next to
# BS.1770 loudness alone, for 5/30/90 s clips at 16/44.1/48 kHz (the median of the rounds).
# Usage: scripts/bench-cloning.sh [rounds, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

require_java_and_maven
exec_test_benchmark com.ervc.bench.ReferenceAnalysisBenchmark "${1:-5}"
