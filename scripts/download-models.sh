#!/usr/bin/env bash
# Fetches the documented neural voice set into TTS_CACHE_DIR (default models/tts): Piper en_US lessac low, medium
# and high, and Kokoro v1.0. The list, with pinned SHA-256 digests, is src/main/resources/onnx/models.tsv.
#
# Usage: scripts/download-models.sh [VOICE ...]     (no argument: every voice of the list)
# Environment:
#   TTS_CACHE_DIR     destination (default models/tts)
#   MODELS_BASE_URL   fetch every file from BASE/<file name> instead of its listed URL (a mirror)
#   MODELS_MANIFEST   another list in the same format
#   ALLOW_UNPINNED=1  accept files whose digest is not pinned ("-"), printing the digest to pin
# Downloads resume (curl -C -) from FILE.part; a file is moved into place only after its digest matched.
# Exit codes: 0 done, 2 usage, 3 unreachable (offline), 4 download failed, 5 checksum mismatch or unpinned.
set -euo pipefail
cd "$(dirname "$0")/.."

manifest=${MODELS_MANIFEST:-src/main/resources/onnx/models.tsv}
dest=${TTS_CACHE_DIR:-models/tts}
[ -f "$manifest" ] || { echo "no model list at $manifest" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl is required (apt-get install curl)" >&2; exit 2; }
command -v sha256sum >/dev/null || { echo "sha256sum is required (coreutils)" >&2; exit 2; }

wanted=("$@")
known=$(grep -v '^#' "$manifest" | cut -f1 | sort -u)
for w in "${wanted[@]}"; do
  grep -qx -- "$w" <<<"$known" || { echo "unknown voice '$w'; the list has: $(tr '\n' ' ' <<<"$known")" >&2; exit 2; }
done

fetched=0
while IFS=$'\t' read -r voice folder file sha url; do
  case "$voice" in ''|'#'*) continue ;; esac
  if [ ${#wanted[@]} -gt 0 ] && ! printf '%s\n' "${wanted[@]}" | grep -qx -- "$voice"; then
    continue
  fi
  target="$dest/$folder/$file"
  mkdir -p "$dest/$folder"
  if [ -f "$target" ] && { [ "$sha" = "-" ] || [ "$(sha256sum "$target" | cut -d' ' -f1)" = "$sha" ]; }; then
    echo "ok       $target (already there)"
    continue
  fi
  source_url=$url
  [ -n "${MODELS_BASE_URL:-}" ] && source_url="${MODELS_BASE_URL%/}/$file"
  echo "fetching $file from $source_url"
  set +e
  curl -fL --connect-timeout 10 --retry 2 --progress-bar -C - -o "$target.part" "$source_url"
  status=$?
  set -e
  if [ $status -eq 6 ] || [ $status -eq 7 ] || [ $status -eq 28 ]; then
    echo "cannot reach $source_url (curl exit $status): offline? Set MODELS_BASE_URL to a reachable mirror." >&2
    exit 3
  elif [ $status -ne 0 ]; then
    echo "download of $source_url failed (curl exit $status); run again to resume from $target.part" >&2
    exit 4
  fi
  actual=$(sha256sum "$target.part" | cut -d' ' -f1)
  if [ "$sha" = "-" ]; then
    if [ "${ALLOW_UNPINNED:-0}" != "1" ]; then
      rm -f "$target.part"
      echo "$file has no pinned SHA-256 in $manifest (it hashed to $actual); pin it there or set ALLOW_UNPINNED=1" >&2
      exit 5
    fi
    echo "warning: $file is not pinned; its SHA-256 is $actual" >&2
  elif [ "$actual" != "$sha" ]; then
    rm -f "$target.part"
    echo "checksum mismatch for $file: expected $sha, got $actual; the partial file was removed" >&2
    exit 5
  fi
  mv "$target.part" "$target"
  fetched=$((fetched + 1))
  echo "ok       $target"
done < "$manifest"
echo "done: $fetched file(s) fetched into $dest"
