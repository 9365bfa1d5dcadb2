#!/usr/bin/env bash
# Mints an HS256 token for this service (for operators and scripts):
#   JWT_SECRET=... scripts/make-token.sh SUBJECT [websocket|api] [TTL_SECONDS] [ROLES]
# e.g. scripts/make-token.sh alice websocket 900      scripts/make-token.sh ops api 300 admin
# JWT_ISSUER / JWT_AUDIENCE are added when set, exactly as the service checks them.
set -euo pipefail

usage() {
  sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}
[ "${1:-}" = "--help" ] && usage 0
[ $# -ge 1 ] || usage 2
subject=$1
type=${2:-websocket}
ttl=${3:-900}
roles=${4:-}
: "${JWT_SECRET:?set JWT_SECRET (the same value the nodes use, at least 32 bytes)}"
case "$type" in websocket|api) ;; *) echo "type must be websocket or api" >&2; exit 2 ;; esac
case "$ttl" in ''|*[!0-9]*) echo "TTL_SECONDS must be a number" >&2; exit 2 ;; esac
if [ "$(printf '%s' "$JWT_SECRET" | wc -c)" -lt 32 ]; then
  echo "JWT_SECRET must be at least 32 bytes" >&2
  exit 2
fi

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
json_string() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

now=$(date +%s)
roles_json="[]"
if [ -n "$roles" ]; then
  roles_json="[$(printf '%s\n' "$roles" | tr ',' '\n' | while read -r role; do json_string "$role"; printf ','; done | sed 's/,$//')]"
fi
claims="{\"sub\":$(json_string "$subject"),\"service\":\"voice-chat\",\"type\":\"$type\",\"roles\":$roles_json,\"iat\":$now,\"exp\":$((now + ttl))"
[ -n "${JWT_ISSUER:-}" ] && claims="$claims,\"iss\":$(json_string "$JWT_ISSUER")"
[ -n "${JWT_AUDIENCE:-}" ] && claims="$claims,\"aud\":$(json_string "$JWT_AUDIENCE")"
claims="$claims}"

header=$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | b64url)
payload=$(printf '%s' "$claims" | b64url)
signature=$(printf '%s' "$header.$payload" | openssl dgst -sha256 -hmac "$JWT_SECRET" -binary | b64url)
printf '%s.%s.%s\n' "$header" "$payload" "$signature"
