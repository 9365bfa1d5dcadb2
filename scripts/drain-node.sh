#!/usr/bin/env bash
# Drains one node before it is stopped or updated: POST /admin/v1/drain, then polls GET /admin/v1/drain until
# the node has no request in flight. The node keeps running (and stays in the cluster) until it is stopped.
# docs/http-api.md describes the endpoint, docs/deployment.md the procedure.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/drain-node.sh [options] NODE_URL

Makes the node at NODE_URL (its gateway port, or its monitoring port METRICS_PORT, e.g. http://10.0.0.7:9464)
stop taking new work, then waits until the work it still has is done:
  - its gateway refuses new WebSocket connections and POST /api/v1/tts (503), open sessions refuse new
    `synthesize` messages and close with 1001 once their last reply ended, so clients reconnect elsewhere;
  - its pipeline and provider verticles leave their event-bus addresses and the provider directory, so other
    nodes get the new requests while the streams already running here finish;
  - /ready answers 503 and /health reports "draining": true.
Exits 0 once nothing is in flight, 1 when the timeout passes first (the remaining work is printed), 2 on a
usage error. Stop the node afterwards (SIGTERM), or undo the drain with scripts/admin.sh undrain NODE_ID.

Options:
  --timeout SECONDS    how long to wait for running work to finish (default: $DRAIN_TIMEOUT or 60)
  --interval SECONDS   polling interval (default: 1)
  -h, --help           show this help

Environment:
  ADMIN_TOKEN          the node's admin token (required), sent as Authorization: Bearer; kept off the command line
  CURL                 curl binary (default: curl)
EOF
}

die() {
  echo "drain-node: error: $*" >&2
  exit 1
}

timeout=${DRAIN_TIMEOUT:-60}
interval=1
url=""
while [ $# -gt 0 ]; do
  case "$1" in
    --timeout) [ $# -ge 2 ] || { echo "drain-node: error: --timeout needs seconds" >&2; exit 2; }; timeout=$2; shift 2 ;;
    --interval) [ $# -ge 2 ] || { echo "drain-node: error: --interval needs seconds" >&2; exit 2; }; interval=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "drain-node: error: unknown option: $1" >&2; usage >&2; exit 2 ;;
    *)
      [ -z "$url" ] || { echo "drain-node: error: only one NODE_URL, got '$url' and '$1'" >&2; exit 2; }
      url=${1%/}; shift ;;
  esac
done
[ -n "$url" ] || { echo "drain-node: error: NODE_URL missing" >&2; usage >&2; exit 2; }
case "$timeout$interval" in
  *[!0-9]*) echo "drain-node: error: --timeout and --interval take whole seconds" >&2; exit 2 ;;
esac
[ "$interval" -ge 1 ] || { echo "drain-node: error: --interval must be at least 1" >&2; exit 2; }
[ -n "${ADMIN_TOKEN:-}" ] || die "ADMIN_TOKEN is not set (the node's admin token)"
curl_bin=${CURL:-curl}
command -v "$curl_bin" >/dev/null 2>&1 || die "curl not found: '$curl_bin'"

# Prints the response body, then the status code on its own last line. The token goes through a header file
# descriptor so that it never appears in the process list.
admin() {
  "$curl_bin" -sS --max-time 10 -X "$1" -H @<(printf 'Authorization: Bearer %s\n' "$ADMIN_TOKEN") \
    -w '\n%{http_code}' "$url/admin/v1/drain"
}

status_of() {
  printf '%s\n' "$1" | tail -n 1
}

body_of() {
  printf '%s\n' "$1" | sed '$d'
}

in_flight() {
  printf '%s' "$1" | sed -n 's/.*"inFlight":\([0-9][0-9]*\).*/\1/p'
}

response=$(admin POST) || die "cannot reach $url"
code=$(status_of "$response")
[ "$code" = 202 ] || die "POST $url/admin/v1/drain answered $code: $(body_of "$response")"
echo "drain-node: $url is draining: $(body_of "$response")"

deadline=$((SECONDS + timeout))
while :; do
  response=$(admin GET) || die "cannot reach $url"
  code=$(status_of "$response")
  [ "$code" = 200 ] || die "GET $url/admin/v1/drain answered $code: $(body_of "$response")"
  left=$(in_flight "$(body_of "$response")")
  [ -n "$left" ] || die "unexpected answer: $(body_of "$response")"
  if [ "$left" -eq 0 ]; then
    echo "drain-node: $url has no request in flight; it can be stopped now"
    exit 0
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "drain-node: error: $url still has $left request(s) in flight after ${timeout}s: $(body_of "$response")" >&2
    exit 1
  fi
  sleep "$interval"
done
