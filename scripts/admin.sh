#!/usr/bin/env bash
# A terminal client of the admin API (/admin/v1/…): lists the cluster's nodes, provider instances and the audit
# log, drains or undrains a node, evicts cache entries and runs TTS evaluations. docs/admin-console.md describes the
# API.
set -euo pipefail

usage() {
  cat <<'EOF_USAGE'
Usage: scripts/admin.sh [options] COMMAND [ARGUMENTS]

Talks to the admin API of one node (its gateway port, or its monitoring port); that node answers for the whole
cluster. Prints the JSON answer on stdout.

Commands:
  nodes              every node of the cluster: name, roles, host, version, uptime, CPU, heap, draining, work left
  providers          every provider instance: load, capacity, TTFA, error rate, circuit, router score
  sessions           every WebSocket session of every gateway (no text)
  cache              the sentence cache's figures (backend, entries, bytes, hits, misses, evictions, hit ratio)
  audit              the last admin actions served by this node (who, what, target, outcome, when)
  drain NODE_ID      the node stops taking new work; running work finishes (asks for confirmation)
  undrain NODE_ID    a drained node takes new work again (asks for confirmation)
  evict KEY          removes the cache entry under KEY (64 hex digits), or every entry with KEY 'all', on every
                     cache node (asks for confirmation)
  evict-provider PROVIDER
                     removes every cache entry of PROVIDER's audio, e.g. piper (asks for confirmation)
  evict-voice PROVIDER VOICE
                     removes every cache entry in VOICE of PROVIDER, e.g. espeak en-gb (asks for confirmation)
  evaluate NODE_ID [OPTIONS_JSON]
                     starts a TTS evaluation on NODE_ID, the node --url names (asks for confirmation); OPTIONS_JSON
                     e.g. '{"providers":["espeak"],"emotions":["neutral"],"limit":5}' (docs/evaluation.md)
  evaluations        the evaluations kept on the --url node: state, progress, report
  evaluation ID      one evaluation: progress, log tail, and its report.json once done
  evaluation-report ID
                     its report.html (self-contained; its audio players need the clips, which are not served)
  evaluation-cancel ID
                     stops a running evaluation (asks for confirmation)

Options:
  --url URL          the node to talk to (default: $ADMIN_URL or http://127.0.0.1:8000)
  --yes              do not ask for confirmation (scripts); the request still names the target to confirm it
  -h, --help         show this help

Environment:
  ADMIN_TOKEN        the admin credential, or an API token with the admin role (required), sent as
                     Authorization: Bearer; kept off the command line
  CURL               curl binary (default: curl)
Exit status: 0 on success, 1 when the API refuses or fails (its error is printed), 2 on a usage error.
EOF_USAGE
}

fail_usage() {
  echo "admin: error: $*" >&2
  usage >&2
  exit 2
}

url=${ADMIN_URL:-http://127.0.0.1:8000}
yes=false
command=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --url) [ $# -ge 2 ] || fail_usage "--url needs a URL"; url=${2%/}; shift 2 ;;
    --yes) yes=true; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) fail_usage "unknown option: $1" ;;
    *)
      if [ -z "$command" ]; then command=$1; else args+=("$1"); fi
      shift ;;
  esac
done
[ -n "$command" ] || fail_usage "COMMAND missing"
# expect COUNT NAMES...: the command takes exactly these arguments.
expect() {
  local count=$1
  shift
  [ "${#args[@]}" -eq "$count" ] || fail_usage "$command takes ${*:-no arguments}"
}
case "$command" in
  nodes|providers|sessions|cache|audit|evaluations) expect 0 ;;
  evaluation|evaluation-report|evaluation-cancel)
    expect 1 "an EVALUATION_ID (see: scripts/admin.sh evaluations)"
    case "${args[0]}" in *[!A-Za-z0-9-]*|'') fail_usage "EVALUATION_ID may hold only letters, digits and '-'" ;; esac
    target=${args[0]}; path="/admin/v1/evaluations/${args[0]}/cancel" ;;
  evaluate)
    if [ "${#args[@]}" -lt 1 ] || [ "${#args[@]}" -gt 2 ]; then
      fail_usage "evaluate takes a NODE_ID and an optional OPTIONS_JSON"
    fi
    case "${args[0]}" in *[!A-Za-z0-9._-]*) fail_usage "NODE_ID may hold only letters, digits, '.', '_' and '-'" ;; esac
    target=${args[0]}; path=/admin/v1/evaluations
    options=${args[1]:-"{}"}
    case "$options" in "{"*"}") ;; *) fail_usage "OPTIONS_JSON must be a JSON object" ;; esac
    # The node's id goes first as the confirmation; the object's own fields follow it.
    rest=${options#\{}
    rest=${rest#"${rest%%[![:space:]]*}"}
    [ "$rest" = "}" ] || body="{\"confirm\":\"$target\",$rest" ;;
  drain|undrain)
    expect 1 "a NODE_ID (see: scripts/admin.sh nodes)"
    case "${args[0]}" in *[!A-Za-z0-9._-]*) fail_usage "NODE_ID may hold only letters, digits, '.', '_' and '-'" ;; esac
    target=${args[0]}; path="/admin/v1/nodes/${args[0]}/$command" ;;
  evict)
    expect 1 "a cache KEY (64 hex digits) or 'all'"
    case "${args[0]}" in all) ;; *[!0-9a-f]*|'') fail_usage "KEY is 'all' or 64 hex digits" ;; esac
    target=${args[0]}; path="/admin/v1/cache/${args[0]}/evict" ;;
  evict-provider)
    expect 1 "a PROVIDER"
    case "${args[0]}" in *[!a-z0-9_-]*) fail_usage "PROVIDER may hold only a-z, digits, '_' and '-'" ;; esac
    target=${args[0]}; path="/admin/v1/cache/providers/${args[0]}/evict" ;;
  evict-voice)
    expect 2 "a PROVIDER and a VOICE"
    case "${args[0]}" in *[!a-z0-9_-]*) fail_usage "PROVIDER may hold only a-z, digits, '_' and '-'" ;; esac
    case "${args[1]}" in *[!A-Za-z0-9_+.:-]*) fail_usage "VOICE may hold only letters, digits and '_+.:-'" ;; esac
    target="${args[0]}/${args[1]}"; path="/admin/v1/cache/providers/${args[0]}/voices/${args[1]}/evict" ;;
  *) fail_usage "unknown command: $command" ;;
esac
[ -n "${ADMIN_TOKEN:-}" ] || { echo "admin: error: ADMIN_TOKEN is not set" >&2; exit 1; }
curl_bin=${CURL:-curl}
command -v "$curl_bin" >/dev/null 2>&1 || { echo "admin: error: curl not found: '$curl_bin'" >&2; exit 1; }

# call METHOD PATH [BODY]: prints the body; exits 1 on a status other than 2xx. The token goes through a header
# file descriptor so that it never appears in the process list.
call() {
  local response code
  local body=()
  if [ $# -ge 3 ]; then
    body=(-H 'Content-Type: application/json' --data "$3")
  fi
  # The process substitution must be on curl's own command line: its descriptor lives only for that command.
  response=$("$curl_bin" -sS --max-time 30 -X "$1" -H @<(printf 'Authorization: Bearer %s\n' "$ADMIN_TOKEN") \
    -w '\n%{http_code}' "${body[@]}" "$url$2") || { echo "admin: error: cannot reach $url" >&2; exit 1; }
  code=$(printf '%s\n' "$response" | tail -n 1)
  printf '%s\n' "$response" | sed '$d'
  case "$code" in
    2??) ;;
    *) echo "admin: error: HTTP $code from $1 $2" >&2; exit 1 ;;
  esac
}

case "$command" in
  nodes|providers|sessions|cache|audit|evaluations) call GET "/admin/v1/$command" ;;
  evaluation) call GET "/admin/v1/evaluations/$target" ;;
  evaluation-report) call GET "/admin/v1/evaluations/$target/report.html" ;;
  *)
    if [ "$yes" != true ]; then
      read -r -p "$command $target? Type '$target' again to confirm: " answer
      [ "$answer" = "$target" ] || { echo "admin: not confirmed; nothing done" >&2; exit 1; }
    fi
    call POST "$path" "${body:-"{\"confirm\":\"$target\"}"}" ;;
esac
