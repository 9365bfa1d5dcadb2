#!/usr/bin/env bash
# Runs the whole test suite: the browser client's JavaScript unit tests (node --test), then Maven (unit,
# integration over real WebSocket, Redis, multi-JVM cluster).
# Installs what the tests need first: nodejs, espeak-ng, redis-server, chromium + chromium-driver, promtool (unpacked
# from Debian's prometheus) and the deployment validators (nginx, docker-compose, yamllint, shellcheck, kubectl,
# pinned npm validators).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

require_java_and_maven
ensure_packages node:nodejs espeak-ng:espeak-ng redis-server:redis-server chromium:chromium chromedriver:chromium-driver \
  /usr/lib/postgresql/15/bin/initdb:postgresql
ensure_promtool
ensure_deploy_validators

# No npm packages: Node's own test runner (Node 18, Debian 12's nodejs, or newer). First, so a failure stops the run.
node --test src/test/js/*.test.js

mvn -B verify "$@"
