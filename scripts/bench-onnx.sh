#!/usr/bin/env bash
# Neural voice benchmark: real-time factor, time to first audio and throughput for 1, 2, 4 and 8 concurrent
# streams with the default voice found in MODEL_DIR (any Piper or Kokoro folder, e.g. the one
# scripts/download-models.sh fills). --gpu runs the sessions on CUDA (needs the -Pcuda build).
# Usage: scripts/bench-onnx.sh MODEL_DIR [--gpu] [--rounds N]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
[ $# -ge 1 ] || { echo "usage: scripts/bench-onnx.sh MODEL_DIR [--gpu] [--rounds N]" >&2; exit 2; }
require_java_and_maven
ensure_packages espeak-ng:espeak-ng
mvn -B -q -DskipTests package
exec java -Dlogback.configurationFile=src/test/resources/logback-quiet.xml -cp target/ervc.jar \
  com.ervc.provider.onnx.OnnxBench "$@"
