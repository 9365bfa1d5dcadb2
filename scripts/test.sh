#!/usr/bin/env bash
# Runs the whole test suite (unit, integration over real WebSocket, Redis, multi-JVM cluster).
# Installs what the tests need first: espeak-ng, redis-server, chromium + chromium-driver, promtool (unpacked
# from Debian's prometheus) and the deployment validators (nginx, docker-compose, yamllint, shellcheck, kubectl,
# pinned npm validators).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

require_java_and_maven
ensure_packages espeak-ng:espeak-ng redis-server:redis-server chromium:chromium chromedriver:chromium-driver
ensure_promtool
ensure_deploy_validators

mvn -B verify "$@"
