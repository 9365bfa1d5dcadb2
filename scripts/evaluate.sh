#!/usr/bin/env bash
# The TTS evaluation (docs/evaluation.md): speaks a corpus through a running service's WebSocket API, measures
# every clip, writes report.json + report.html, and with --baseline gates against an earlier report.
# Usage: scripts/evaluate.sh [--local] [options]   (scripts/evaluate.sh --help lists the options)
#   --local   first start a node of this checkout on 127.0.0.1:${EVAL_PORT:-18800} (dev mode, espeak-ng), evaluate
#             it, and stop it afterwards; otherwise --url names the service (default http://127.0.0.1:8000).
# Exit status: 0 done, 1 the gate found a regression, 2 bad arguments or the run failed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

require_java_and_maven
ensure_packages pocketsphinx_continuous:pocketsphinx pocketsphinx_continuous:pocketsphinx-en-us
build_jar

if [ "${1:-}" != "--local" ]; then
  exec java -cp target/ervc.jar com.ervc.eval.EvalMain "$@"
fi
shift
ensure_packages espeak-ng:espeak-ng curl:curl
port=${EVAL_PORT:-18800}
log=$(mktemp -t ervc-eval-node.XXXXXX.log)
# shellcheck disable=SC2086
HTTP_PORT=$port HTTP_HOST=127.0.0.1 CLUSTER_NAME="eval-$$" java $HAZELCAST_JVM_FLAGS -Dhazelcast.logging.type=slf4j \
  -jar target/ervc.jar >"$log" 2>&1 &
node=$!
trap 'kill "$node" 2>/dev/null; wait "$node" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  if curl -sf "http://127.0.0.1:$port/ready" >/dev/null; then
    break
  fi
  kill -0 "$node" 2>/dev/null || { echo "the node did not start; its log: $log" >&2; exit 2; }
  sleep 1
done
curl -sf "http://127.0.0.1:$port/ready" >/dev/null || { echo "the node was not ready in 120 s; its log: $log" >&2; exit 2; }
java -cp target/ervc.jar com.ervc.eval.EvalMain --url "http://127.0.0.1:$port" "$@"
