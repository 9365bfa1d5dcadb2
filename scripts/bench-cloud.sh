#!/usr/bin/env bash
# Time to first audio through the cloud providers, against their fake servers: the provider itself (first chunk,
# whole sentence) vs the service over WebSocket, interleaved in one run; then openai's Realtime transport (service
# first frame vs the fake's first audio delta, cold vs warm session). Usage: scripts/bench-cloud.sh [rounds, default 30]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

require_java_and_maven
exec_test_benchmark com.ervc.bench.CloudTtfaBenchmark "${1:-30}"
