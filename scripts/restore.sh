#!/usr/bin/env bash
# Verifies and restores a backup made by scripts/backup.sh. docs/deployment.md describes the procedure.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/restore.sh [options] BACKUP

BACKUP is an ervc-backup-*.tar.gz or an ervc-backup-* directory written by scripts/backup.sh.

First every file is checked against MANIFEST.sha256 (and a tar.gz against its companion .sha256 when present);
a mismatch, a missing file or a file the manifest does not list stops the restore before anything is written.
Then, below RESTORE_DIR:
  config/*          the node configuration file(s)     -> RESTORE_DIR/config/
  cluster-config/   the Hazelcast configuration         -> RESTORE_DIR/cluster-config/
  voices/           the voice profiles, when backed up  -> RESTORE_DIR/data/voice_profiles/ (or --voices-target DIR)
  redis/dump.rdb    the Redis snapshot, when backed up  -> --redis-target DIR/dump.rdb, else RESTORE_DIR/redis/dump.rdb
  postgres/voice_profiles.dump
                    the voice-profile tables, when backed up -> the database at DATABASE_URL (pg_restore, in one
                    transaction; only those tables are replaced), else RESTORE_DIR/postgres/voice_profiles.dump
An existing file is never overwritten, and voice-profile tables that exist in the database are never replaced,
without --force (then the whole restore is refused before writing); files that exist only in the target are
left alone. Restore the database while the nodes that use it are stopped.

Options:
  --restore-dir DIR     target directory (default: $RESTORE_DIR or .)
  --voices-target DIR   where the voice profiles go (default: RESTORE_DIR/data/voice_profiles)
  --redis-target DIR    copy dump.rdb into DIR, the `dir` of a Redis server that is STOPPED (or not started
                        yet): `redis-server --dir DIR --dbfilename dump.rdb` loads it when it starts
  --force               overwrite existing files
  --verify-only         check the checksums and exit
  DATABASE_URL          (environment) postgresql://user:password@host:port/database to restore the voice
                        profiles into; the password goes through PGPASSWORD. PG_RESTORE and PSQL name the binaries
                        (default pg_restore and psql; Debian package postgresql-client)
  -h, --help            show this help

Restoring Redis on a real server (it holds the audio cache: skipping it only costs re-synthesis):
  1. Find its data directory, file name and persistence mode:
     redis-cli -u "$REDIS_URL" CONFIG GET dir; ... CONFIG GET dbfilename; ... CONFIG GET appendonly
  2. Stop it WITHOUT saving, or it writes its current data over the file you copy in:
     redis-cli -u "$REDIS_URL" SHUTDOWN NOSAVE   (systemd: systemctl stop redis-server)
  3. scripts/restore.sh --redis-target DIR --force BACKUP, as the redis user or chown redis:redis after;
     rename DIR/dump.rdb if dbfilename differs.
  4. With appendonly yes, Redis loads DIR/appendonlydir and IGNORES dump.rdb; with no AOF yet it starts EMPTY
     and writes an empty one. So: move appendonlydir away, start once with --appendonly no (it loads the dump),
     run CONFIG SET appendonly yes (writes a new AOF from the loaded data; wait for INFO persistence to show
     aof_rewrite_in_progress:0), then restart it with its normal configuration.
  5. Check: redis-cli -u "$REDIS_URL" DBSIZE. Keys whose TTL ran out since the backup are dropped on loading.
docs/deployment.md has the same for docker-compose and Kubernetes.
EOF
}

# shellcheck source=scripts/postgres-url.sh
source "$(dirname -- "$0")/postgres-url.sh"

die() {
  echo "restore: error: $*" >&2
  exit 1
}

note() {
  echo "restore: $*"
}

restore_dir=${RESTORE_DIR:-.}
voices_target=""
redis_target=""
force=false
verify_only=false
backup=""

while [ $# -gt 0 ]; do
  case "$1" in
    --restore-dir) [ $# -ge 2 ] || die "--restore-dir needs a directory"; restore_dir=$2; shift 2 ;;
    --voices-target) [ $# -ge 2 ] || die "--voices-target needs a directory"; voices_target=$2; shift 2 ;;
    --redis-target) [ $# -ge 2 ] || die "--redis-target needs a directory"; redis_target=$2; shift 2 ;;
    --force) force=true; shift ;;
    --verify-only) verify_only=true; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "restore: error: unknown option: $1" >&2; usage >&2; exit 2 ;;
    *)
      [ -z "$backup" ] || { echo "restore: error: only one BACKUP, got '$backup' and '$1'" >&2; exit 2; }
      backup=$1; shift ;;
  esac
done
[ -n "$backup" ] || { echo "restore: error: BACKUP missing" >&2; usage >&2; exit 2; }
[ -e "$backup" ] || die "backup not found: $backup"
for tool in tar gzip sha256sum find cmp; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found on PATH"
done

tmp=""
cleanup() {
  [ -z "$tmp" ] || rm -rf -- "$tmp"
}
trap cleanup EXIT

# Locate the backup's root directory (extracting a tar.gz into a private temporary directory).
if [ -d "$backup" ]; then
  root=$(cd -- "$backup" && pwd)
elif [ -f "$backup" ]; then
  if [ -f "$backup.sha256" ]; then
    expected=$(cut -d ' ' -f 1 <"$backup.sha256")
    actual=$(sha256sum <"$backup" | cut -d ' ' -f 1)
    [ "$expected" = "$actual" ] \
      || die "checksum mismatch: $backup does not match $backup.sha256 (expected $expected, got $actual); refusing to restore"
    note "archive checksum OK ($backup.sha256)"
  else
    note "no $backup.sha256 next to the archive; relying on the manifest inside it"
  fi
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/ervc-restore.XXXXXX")
  tar -xzf "$backup" -C "$tmp" --no-same-owner || die "cannot extract $backup (not a tar.gz from backup.sh?)"
  roots=()
  for entry in "$tmp"/*; do
    [ -e "$entry" ] && roots+=("$entry")
  done
  if [ ${#roots[@]} -ne 1 ] || [ ! -d "${roots[0]}" ]; then
    die "$backup must hold exactly one ervc-backup-* directory"
  fi
  root=${roots[0]}
else
  die "backup is neither a file nor a directory: $backup"
fi

# Verify: format, manifest checksums, and that the manifest lists exactly the files present.
[ -f "$root/MANIFEST.sha256" ] || die "no MANIFEST.sha256 in $backup; not a backup from scripts/backup.sh"
if [ ! -f "$root/backup-info.txt" ] || ! grep -qx 'format=ervc-backup/1' "$root/backup-info.txt"; then
  die "$backup is not an ervc-backup/1 backup (backup-info.txt missing or of another format)"
fi
unexpected=$(find "$root" ! -type f ! -type d -printf '%P\n')
[ -z "$unexpected" ] || die "backup contains entries that are not plain files (links, devices): $unexpected"
if ! (cd -- "$root" && sha256sum --check --strict --quiet MANIFEST.sha256) >&2; then
  die "checksum verification FAILED for $backup (files above do not match MANIFEST.sha256); refusing to restore"
fi
listed=$(sed -E 's/^[0-9a-f]{64} [ *]//' "$root/MANIFEST.sha256" | LC_ALL=C sort)
present=$(cd -- "$root" && find . -type f ! -name MANIFEST.sha256 -printf '%P\n' | LC_ALL=C sort)
[ "$listed" = "$present" ] || die "files in $backup differ from MANIFEST.sha256 (added or removed files); refusing to restore:
$(diff <(printf '%s\n' "$listed") <(printf '%s\n' "$present") | grep '^[<>]' || true)"
note "manifest OK: $(printf '%s\n' "$listed" | wc -l) files verified"
if [ "$verify_only" = true ]; then
  note "verify only: nothing restored"
  exit 0
fi

# Plan: source directory in the backup -> target directory.
restore_dir=${restore_dir%/}
[ -n "$restore_dir" ] || restore_dir=/
[ -n "$voices_target" ] || voices_target="$restore_dir/data/voice_profiles"
plan_src=()
plan_dst=()
add() {
  if [ -d "$root/$1" ]; then
    plan_src+=("$1")
    plan_dst+=("$2")
  fi
}
add config "$restore_dir/config"
add cluster-config "$restore_dir/cluster-config"
add voices "$voices_target"
if [ -f "$root/redis/dump.rdb" ]; then
  add redis "${redis_target:-$restore_dir/redis}"
elif [ -n "$redis_target" ]; then
  die "--redis-target given, but $backup holds no Redis snapshot (REDIS_URL was not set when it was made)"
fi
[ -d "$root/voices" ] || note "voice profiles: not in this backup (the directory did not exist when it was made)"
database_url=${DATABASE_URL:-}
dump="$root/postgres/voice_profiles.dump"
restore_database=false
if [ -f "$dump" ] && [ -n "$database_url" ]; then
  postgres_url "$database_url" || die "DATABASE_URL must start with postgresql:// or postgres://"
  pg_restore=${PG_RESTORE:-pg_restore}
  psql=${PSQL:-psql}
  for tool in "$pg_restore" "$psql"; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (install postgresql-client, or set PG_RESTORE/PSQL)"
  done
  names=$(printf "'%s'," "${PROFILE_TABLES[@]}")
  existing=$(PGPASSWORD=$PG_PASSWORD "$psql" --no-psqlrc --tuples-only --no-align --dbname "$PG_CONNINFO" \
      --command "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN (${names%,})" 2>&1) \
    || die "cannot reach the database $PG_SHOWN: $existing"
  if [ "$existing" != 0 ] && [ "$force" != true ]; then
    die "the database $PG_SHOWN already has voice-profile tables; nothing was restored. Pass --force to replace them."
  fi
  restore_database=true
elif [ -f "$dump" ]; then
  add postgres "$restore_dir/postgres"
fi

# Refuse before writing anything when a target file exists (unless --force).
conflicts=()
for i in "${!plan_src[@]}"; do
  while IFS= read -r -d '' rel; do
    target="${plan_dst[$i]}/$rel"
    if [ -e "$target" ] || [ -L "$target" ]; then
      conflicts+=("$target")
    fi
  done < <(cd -- "$root/${plan_src[$i]}" && find . -type f -printf '%P\0')
done
if [ ${#conflicts[@]} -gt 0 ] && [ "$force" != true ]; then
  printf 'restore: exists: %s\n' "${conflicts[@]}" >&2
  die "${#conflicts[@]} file(s) already exist; nothing was restored. Pass --force to overwrite them."
fi

for i in "${!plan_src[@]}"; do
  src="$root/${plan_src[$i]}"
  dst=${plan_dst[$i]}
  while IFS= read -r -d '' rel; do
    mkdir -p -- "$(dirname -- "$dst/$rel")" || die "cannot create $(dirname -- "$dst/$rel")"
    rm -f -- "$dst/$rel"
    cp -p -- "$src/$rel" "$dst/$rel" || die "cannot write $dst/$rel"
    cmp -s -- "$src/$rel" "$dst/$rel" || die "$dst/$rel differs from the backup after copying"
  done < <(cd -- "$src" && find . -type f -printf '%P\0')
  note "restored ${plan_src[$i]}/ -> $dst/"
done

if [ "$restore_database" = true ]; then
  output=$(PGPASSWORD=$PG_PASSWORD "$pg_restore" --clean --if-exists --single-transaction --no-owner \
      --no-privileges --dbname "$PG_CONNINFO" "$dump" 2>&1) || {
    printf '%s\n' "$output" >&2
    die "pg_restore into $PG_SHOWN failed; the transaction was rolled back, the database is as it was"
  }
  note "restored postgres/voice_profiles.dump -> $PG_SHOWN"
elif [ -f "$dump" ]; then
  note "database: DATABASE_URL not set; the dump is in $restore_dir/postgres/voice_profiles.dump (load it with"
  note "  pg_restore --clean --if-exists --single-transaction --no-owner --dbname <url> $restore_dir/postgres/voice_profiles.dump)"
fi

if [ -f "$root/redis/dump.rdb" ]; then
  dump="${redis_target:-$restore_dir/redis}/dump.rdb"
  if [ -n "$redis_target" ]; then
    if [ -e "$redis_target/appendonlydir" ] || [ -e "$redis_target/appendonly.aof" ]; then
      note "WARNING: $redis_target holds an AOF; a server with appendonly yes loads it instead of dump.rdb (see --help)"
    fi
    note "redis: $dump is in place; start Redis with --dir $redis_target --dbfilename dump.rdb (it must not be running now)"
  else
    note "redis: snapshot restored to $dump; to load it into Redis follow 'Restoring Redis' in --help or docs/deployment.md"
  fi
fi
note "done"
