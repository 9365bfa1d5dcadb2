#!/usr/bin/env bash
# Backs up what a node needs besides its image: configuration files, voice profiles (the directory when it exists,
# a pg_dump of their tables when DATABASE_URL is set) and a Redis snapshot (when REDIS_URL is set), into BACKUP_DIR/ervc-backup-<UTC timestamp>.tar.gz with a
# MANIFEST.sha256 inside and a .sha256 file next to it; then deletes backups older than RETENTION_DAYS.
# scripts/restore.sh verifies and restores such a backup. docs/deployment.md describes the procedure.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/backup.sh [options]

Backs up, into BACKUP_DIR/ervc-backup-<UTC timestamp>.tar.gz (or a directory with --format dir):
  config/          the node configuration file(s) given with --config
  cluster-config/  the Hazelcast configuration directory
  voices/          the embedded voice-profile store (VOICE_CLONING_DIR), when it exists
  postgres/voice_profiles.dump
                   the voice-profile tables (schema_migrations, voice_profiles, voice_profile_clips) of the
                   PostgreSQL store, dumped with `pg_dump --format=custom`, only when DATABASE_URL is set
  redis/dump.rdb   a Redis snapshot taken with `redis-cli --rdb`, only when REDIS_URL is set (or the file
                   given with --redis-rdb)
  backup-info.txt  what was backed up, from where, when
  MANIFEST.sha256  sha256 of every file above (`sha256sum -c` format)
A tar.gz gets a companion <name>.tar.gz.sha256. Then every ervc-backup-* in BACKUP_DIR older than
RETENTION_DAYS days (by modification time) is deleted. Any failure stops the script with a non-zero exit
code and an error line, and leaves no partial backup behind.

Options:
  --config FILE           node configuration JSON (the file given to the node with --config); repeatable
  --cluster-config DIR    Hazelcast configuration directory (default: $CLUSTER_CONFIG_DIR or ./cluster-config)
  --voices DIR            voice profiles directory (default: $VOICE_CLONING_DIR or ./data/voice_profiles)
  --backup-dir DIR        where backups go (default: $BACKUP_DIR or ./backups)
  --retention-days N      delete backups older than N days; 0 keeps all (default: $RETENTION_DAYS or 30)
  --format tar|dir        one .tar.gz file (default) or a plain directory
  --redis-rdb FILE        include this RDB file as the Redis snapshot instead of running redis-cli, for a Redis
                          this host cannot reach, e.g. with docker-compose:
                            docker-compose -f deploy/docker-compose.yml --env-file deploy/.env \
                              exec -T redis redis-cli --rdb - >/tmp/ervc-redis.rdb
  --no-redis              no Redis snapshot, even when REDIS_URL is set
  --no-database           no pg_dump, even when DATABASE_URL is set
  -h, --help              show this help

Environment:
  REDIS_URL               redis://[user:password@]host:port[/db], rediss://… or unix:///path/to/socket;
                          the snapshot covers the whole server (every database). The password goes to
                          redis-cli through REDISCLI_AUTH (never on its command line) and is shown as ***
  REDIS_CLI               redis-cli binary (default: redis-cli)
  DATABASE_URL            postgresql://user:password@host:port/database of the voice-profile store (as the
                          nodes use it); the password goes to pg_dump through PGPASSWORD and is shown as ***
  PG_DUMP                 pg_dump binary (default: pg_dump; Debian package postgresql-client)
  BACKUP_DIR, RETENTION_DAYS, VOICE_CLONING_DIR, CLUSTER_CONFIG_DIR  defaults of the options above

Backups contain secrets when the configuration does (API keys, tokens): they are created with mode 0600/0700.
EOF
}

die() {
  echo "backup: error: $*" >&2
  exit 1
}

note() {
  echo "backup: $*"
}

# shellcheck source=scripts/postgres-url.sh
source "$(dirname -- "$0")/postgres-url.sh"

# Redis URL without its password, for messages.
redact_url() {
  printf '%s' "$1" | sed -E 's#^([a-z]+://)([^:@/]*):[^@/]*@#\1\2:***@#; t; s#^([a-z]+://)[^@/]+@#\1***@#'
}

config_files=()
cluster_config_dir=${CLUSTER_CONFIG_DIR:-./cluster-config}
voices_dir=${VOICE_CLONING_DIR:-./data/voice_profiles}
backup_dir=${BACKUP_DIR:-./backups}
retention_days=${RETENTION_DAYS:-30}
format=tar
use_redis=true
use_database=true
redis_rdb=""

while [ $# -gt 0 ]; do
  case "$1" in
    --config) [ $# -ge 2 ] || die "--config needs a file"; config_files+=("$2"); shift 2 ;;
    --cluster-config) [ $# -ge 2 ] || die "--cluster-config needs a directory"; cluster_config_dir=$2; shift 2 ;;
    --voices) [ $# -ge 2 ] || die "--voices needs a directory"; voices_dir=$2; shift 2 ;;
    --backup-dir) [ $# -ge 2 ] || die "--backup-dir needs a directory"; backup_dir=$2; shift 2 ;;
    --retention-days) [ $# -ge 2 ] || die "--retention-days needs a number"; retention_days=$2; shift 2 ;;
    --format) [ $# -ge 2 ] || die "--format needs tar or dir"; format=$2; shift 2 ;;
    --redis-rdb) [ $# -ge 2 ] || die "--redis-rdb needs a file"; redis_rdb=$2; shift 2 ;;
    --no-redis) use_redis=false; shift ;;
    --no-database) use_database=false; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "backup: error: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

case "$retention_days" in
  ''|*[!0-9]*) die "RETENTION_DAYS / --retention-days must be a whole number of days, got '$retention_days'" ;;
esac
case "$format" in
  tar|dir) ;;
  *) die "--format must be tar or dir, got '$format'" ;;
esac

for tool in tar gzip sha256sum find sed date; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found on PATH"
done
redis_url=${REDIS_URL:-}
redis_cli=${REDIS_CLI:-redis-cli}
if [ "$use_redis" = true ] && [ -n "$redis_rdb" ]; then
  if [ ! -f "$redis_rdb" ] || [ ! -r "$redis_rdb" ]; then
    die "--redis-rdb file not found or not readable: $redis_rdb"
  fi
elif [ "$use_redis" = true ] && [ -n "$redis_url" ]; then
  command -v "$redis_cli" >/dev/null 2>&1 \
    || die "REDIS_URL is set but '$redis_cli' was not found (install redis-tools, or set REDIS_CLI, or pass --no-redis)"
fi

database_url=${DATABASE_URL:-}
pg_dump=${PG_DUMP:-pg_dump}
if [ "$use_database" = true ] && [ -n "$database_url" ]; then
  postgres_url "$database_url" || die "DATABASE_URL must start with postgresql:// or postgres://"
  command -v "$pg_dump" >/dev/null 2>&1 \
    || die "DATABASE_URL is set but '$pg_dump' was not found (install postgresql-client, or set PG_DUMP, or pass --no-database)"
fi

# Check every source before writing anything.
declare -A config_names=()
for file in "${config_files[@]}"; do
  if [ ! -f "$file" ] || [ ! -r "$file" ]; then
    die "configuration file not found or not readable: $file"
  fi
  name=$(basename -- "$file")
  [ -z "${config_names[$name]:-}" ] || die "two configuration files are both named '$name'; back them up separately"
  config_names[$name]=1
done
[ -d "$cluster_config_dir" ] \
  || die "cluster configuration directory not found: $cluster_config_dir (run from the project root or pass --cluster-config DIR)"

umask 077
mkdir -p -- "$backup_dir" || die "cannot create backup directory: $backup_dir"
backup_dir=$(cd -- "$backup_dir" && pwd)

stamp=$(date -u +%Y%m%dT%H%M%SZ)
name="ervc-backup-$stamp"
n=1
while [ -e "$backup_dir/$name" ] || [ -e "$backup_dir/$name.tar.gz" ]; do
  n=$((n + 1))
  name="ervc-backup-$stamp-$n"
done

work="$backup_dir/.$name.partial"
final_archive=""
result=""
cleanup() {
  status=$?
  rm -rf -- "$work"
  if [ "$status" -ne 0 ]; then
    if [ -n "$result" ]; then
      echo "backup: FAILED after $result was written (it is complete and kept) (exit $status)" >&2
    else
      [ -z "$final_archive" ] || rm -f -- "$final_archive" "$final_archive.sha256" "$final_archive.partial"
      echo "backup: FAILED, no backup written (exit $status)" >&2
    fi
  fi
}
trap cleanup EXIT
mkdir -p -- "$work/$name"
stage="$work/$name"

info="$stage/backup-info.txt"
{
  echo "format=ervc-backup/1"
  echo "name=$name"
  echo "created=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host=$(hostname 2>/dev/null || uname -n)"
} >"$info"

# (a) configuration
if [ ${#config_files[@]} -gt 0 ]; then
  mkdir -p -- "$stage/config"
  for file in "${config_files[@]}"; do
    cp -p -- "$file" "$stage/config/" || die "cannot copy configuration file $file"
    echo "config=$(cd -- "$(dirname -- "$file")" && pwd)/$(basename -- "$file")" >>"$info"
    note "configuration: $file"
  done
else
  echo "config=none" >>"$info"
  note "configuration: no --config file given (only the cluster configuration is backed up)"
fi
cp -RLp -- "$cluster_config_dir" "$stage/cluster-config" \
  || die "cannot copy cluster configuration directory $cluster_config_dir"
echo "cluster_config=$(cd -- "$cluster_config_dir" && pwd)" >>"$info"
note "cluster configuration: $cluster_config_dir"

# (b) voice profiles
if [ -d "$voices_dir" ]; then
  cp -RLp -- "$voices_dir" "$stage/voices" || die "cannot copy voice profiles directory $voices_dir"
  count=$(find "$stage/voices" -type f | wc -l)
  echo "voices=$(cd -- "$voices_dir" && pwd)" >>"$info"
  note "voice profiles: $count file(s) from $voices_dir"
else
  echo "voices=absent" >>"$info"
  note "voice profiles: $voices_dir does not exist, nothing to back up (none made yet, or they are in PostgreSQL)"
fi

# (b2) voice profiles in PostgreSQL: their tables only, so that restoring them leaves the rest of the database alone
if [ "$use_database" = true ] && [ -n "$database_url" ]; then
  mkdir -p -- "$stage/postgres"
  tables=()
  for table in "${PROFILE_TABLES[@]}"; do
    tables+=(--table "public.$table")
  done
  if ! PGPASSWORD=$PG_PASSWORD "$pg_dump" --format=custom --no-owner --no-privileges "${tables[@]}" \
      --file "$stage/postgres/voice_profiles.dump" --dbname "$PG_CONNINFO" >"$work/pg_dump.log" 2>&1; then
    cat "$work/pg_dump.log" >&2
    die "pg_dump of the voice profiles in $PG_SHOWN failed"
  fi
  echo "database=$PG_SHOWN" >>"$info"
  note "database: voice-profile tables of $PG_SHOWN ($(wc -c <"$stage/postgres/voice_profiles.dump") bytes)"
else
  echo "database=none" >>"$info"
  if [ -n "$database_url" ]; then
    note "database: skipped (--no-database)"
  else
    note "database: DATABASE_URL not set, no pg_dump"
  fi
fi

# (c) Redis snapshot
if [ "$use_redis" = true ] && [ -n "$redis_rdb" ]; then
  mkdir -p -- "$stage/redis"
  cp -- "$redis_rdb" "$stage/redis/dump.rdb" || die "cannot copy $redis_rdb"
  [ "$(head -c 5 "$stage/redis/dump.rdb")" = "REDIS" ] || die "--redis-rdb $redis_rdb is not an RDB file"
  echo "redis=file:$(cd -- "$(dirname -- "$redis_rdb")" && pwd)/$(basename -- "$redis_rdb")" >>"$info"
  note "redis: snapshot file $redis_rdb ($(wc -c <"$stage/redis/dump.rdb") bytes)"
elif [ "$use_redis" = true ] && [ -n "$redis_url" ]; then
  shown=$(redact_url "$redis_url")
  mkdir -p -- "$stage/redis"
  rdb="$stage/redis/dump.rdb"
  case "$redis_url" in
    unix://*)
      socket=${redis_url#unix://}
      socket=${socket%%\?*}
      "$redis_cli" -s "$socket" --rdb "$rdb" >"$work/redis-cli.log" 2>&1 || {
        cat "$work/redis-cli.log" >&2
        die "Redis snapshot from $shown failed (redis-cli --rdb)"
      }
      ;;
    redis://*|rediss://*)
      # The credentials go through REDISCLI_AUTH and --user, not the command line: they would show in `ps`,
      # and redis-cli 7.0 sends an empty user name for redis://:PASSWORD@host (AUTH fails).
      scheme=${redis_url%%://*}
      rest=${redis_url#*://}
      authority=${rest%%/*}
      path=${rest#"$authority"}
      args=()
      [ "$scheme" != rediss ] || args+=(--tls)
      password=""
      if [ "$authority" != "${authority%@*}" ]; then
        userinfo=${authority%@*}
        authority=${authority##*@}
        if [ "$userinfo" != "${userinfo%%:*}" ]; then
          user=$(percent_decode "${userinfo%%:*}")
          [ -z "$user" ] || args+=(--user "$user")
          password=$(percent_decode "${userinfo#*:}")
        else
          password=$(percent_decode "$userinfo")
        fi
      fi
      args+=(-u "$scheme://$authority$path" --rdb "$rdb")
      if [ -n "$password" ]; then
        REDISCLI_AUTH=$password "$redis_cli" "${args[@]}" >"$work/redis-cli.log" 2>&1 || redis_failed=true
      else
        "$redis_cli" "${args[@]}" >"$work/redis-cli.log" 2>&1 || redis_failed=true
      fi
      if [ "${redis_failed:-false}" = true ]; then
        cat "$work/redis-cli.log" >&2
        die "Redis snapshot from $shown failed (redis-cli --rdb)"
      fi
      ;;
    *) die "REDIS_URL must start with redis://, rediss:// or unix://, got '$shown'" ;;
  esac
  [ "$(head -c 5 "$rdb" 2>/dev/null)" = "REDIS" ] || die "Redis snapshot from $shown is not an RDB file"
  echo "redis=$shown" >>"$info"
  note "redis: snapshot of $shown ($(wc -c <"$rdb") bytes)"
else
  echo "redis=none" >>"$info"
  if [ -n "$redis_url" ]; then
    note "redis: skipped (--no-redis)"
  else
    note "redis: REDIS_URL not set, no snapshot (the in-process cache is not backed up)"
  fi
fi

# Manifest: every file except the manifest itself, relative paths, sorted.
(
  cd -- "$stage"
  find . -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 -r sha256sum -- >"$work/MANIFEST.sha256"
) || die "cannot write the manifest"
mv -- "$work/MANIFEST.sha256" "$stage/MANIFEST.sha256" || die "cannot write the manifest"
[ -s "$stage/MANIFEST.sha256" ] || die "the manifest is empty"
if grep -q '^[\]' "$stage/MANIFEST.sha256"; then
  die "file names with a backslash or a line break are not supported: $(grep '^[\]' "$stage/MANIFEST.sha256" | head -3)"
fi
files=$(wc -l <"$stage/MANIFEST.sha256")

if [ "$format" = dir ]; then
  mv -- "$stage" "$backup_dir/$name" || die "cannot move the backup to $backup_dir/$name"
else
  final_archive="$backup_dir/$name.tar.gz"
  tar -C "$work" -czf "$final_archive.partial" -- "$name" || die "cannot write $final_archive"
  mv -- "$final_archive.partial" "$final_archive" || die "cannot write $final_archive"
  (cd -- "$backup_dir" && sha256sum -- "$name.tar.gz" >"$name.tar.gz.sha256") || die "cannot write $final_archive.sha256"
fi
if [ "$format" = dir ]; then result="$backup_dir/$name"; else result=$final_archive; fi
note "wrote $result ($files files in the manifest)"

# Retention: only ervc-backup-* entries of BACKUP_DIR, never the one just written.
if [ "$retention_days" -gt 0 ]; then
  minutes=$((retention_days * 24 * 60))
  while IFS= read -r -d '' old; do
    case "$(basename -- "$old")" in
      "$name"|"$name".*) continue ;;
    esac
    rm -rf -- "$old" || die "cannot delete old backup $old"
    note "pruned $(basename -- "$old") (older than $retention_days days)"
  done < <(find "$backup_dir" -mindepth 1 -maxdepth 1 -name 'ervc-backup-*' -mmin +"$minutes" -print0)
fi
note "done: $result"
