#!/usr/bin/env bash
# Evaluation throughput (docs/evaluation.md#throughput): the same espeak matrix evaluated twice in one run, with
# the pocketsphinx recogniser and without one (--recogniser none), each against a fresh local node; prints each
# run's clips per minute and where the workers' time went (synthesis, recognition, analysis), then the ratio.
# Usage: scripts/bench-eval.sh [corpus lines, default 10] [connections, default 2]
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-10}
connections=${2:-2}
out=$(mktemp -d -t ervc-bench-eval.XXXXXX)
trap 'rm -rf "$out"' EXIT
declare -A rate
for recogniser in pocketsphinx none; do
  line=$(scripts/evaluate.sh --local --out "$out/$recogniser" --categories harvard --limit "$lines" \
    --emotions neutral --concurrency "$connections" --recogniser "$recogniser" | grep '^throughput: ')
  echo "recogniser $recogniser: $line"
  rate[$recogniser]=$(sed -E 's/.* = ([0-9.]+) clips\/min.*/\1/' <<<"$line")
done
awk -v with="${rate[pocketsphinx]}" -v without="${rate[none]}" \
  'BEGIN { printf "clips/min with pocketsphinx / without a recogniser: %.1f / %.1f = %.2f\n", with, without, with / without }'
