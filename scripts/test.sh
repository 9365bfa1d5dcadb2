#!/usr/bin/env bash
# Runs the whole test suite: the browser client's JavaScript unit tests (node --test), then Maven (unit,
# integration over real WebSocket, Redis, multi-JVM cluster).
# Installs what the tests need first: nodejs, espeak-ng, pocketsphinx with its US English model (the evaluation
# tests), redis-server, chromium + chromium-driver, ffmpeg (the OpenAI API's compressed formats), promtool (unpacked
# from Debian's prometheus), the pinned `openai` npm SDK and the deployment validators (nginx, docker-compose,
# yamllint, shellcheck, kubectl, pinned npm validators).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

require_java_and_maven
ensure_packages node:nodejs espeak-ng:espeak-ng pocketsphinx_continuous:pocketsphinx \
  pocketsphinx_continuous:pocketsphinx-en-us redis-server:redis-server chromium:chromium \
  chromedriver:chromium-driver ffmpeg:ffmpeg /usr/lib/postgresql/15/bin/initdb:postgresql
ensure_promtool
ensure_deploy_validators
# The official openai SDK, pinned by its lock file, for OpenAiSpeechIT.
if [ ! -d src/test/openai-sdk/node_modules ] || [ src/test/openai-sdk/package-lock.json -nt src/test/openai-sdk/node_modules ]; then
  (cd src/test/openai-sdk && npm ci --no-audit --no-fund --loglevel=error)
fi

# No npm packages: Node's own test runner (Node 18, Debian 12's nodejs, or newer). First, so a failure stops the run.
node --test src/test/js/*.test.js

mvn -B verify "$@"
