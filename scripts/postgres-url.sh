#!/usr/bin/env bash
# Sourced by backup.sh and restore.sh: splits a DATABASE_URL so that its password never reaches a command line
# (where `ps` would show it), and decodes URL escapes.

# %XX escapes of a URL part, decoded (as redis-cli, libpq and the service's clients do).
percent_decode() {
  case "$1" in
    *%*) printf '%b' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/%\([0-9A-Fa-f][0-9A-Fa-f]\)/\\x\1/g')" ;;
    *) printf '%s' "$1" ;;
  esac
}

# postgres_url URL: sets PG_CONNINFO (the URL without its password, for pg_dump/pg_restore/psql --dbname),
# PG_PASSWORD (decoded, for PGPASSWORD; empty when the URL has none) and PG_SHOWN (the URL with *** as password).
# Returns 1 when URL is not a postgresql:// or postgres:// URL.
postgres_url() {
  local url=$1 scheme rest authority path userinfo
  case "$url" in
    postgresql://*|postgres://*) ;;
    *) return 1 ;;
  esac
  scheme=${url%%://*}
  rest=${url#*://}
  authority=${rest%%/*}
  path=${rest#"$authority"}
  PG_PASSWORD=""
  PG_CONNINFO=$url
  PG_SHOWN=$url
  if [ "$authority" != "${authority%@*}" ]; then
    userinfo=${authority%@*}
    authority=${authority##*@}
    if [ "$userinfo" != "${userinfo%%:*}" ]; then
      PG_PASSWORD=$(percent_decode "${userinfo#*:}")
      PG_CONNINFO="$scheme://${userinfo%%:*}@$authority$path"
      PG_SHOWN="$scheme://${userinfo%%:*}:***@$authority$path"
    fi
  fi
  export PG_CONNINFO PG_PASSWORD PG_SHOWN
}

# The tables of the voice-profile store (src/main/resources/db/migrations), which backups dump and restore.
# shellcheck disable=SC2034  # used by the scripts that source this file
PROFILE_TABLES=(schema_migrations voice_profiles voice_profile_clips)
