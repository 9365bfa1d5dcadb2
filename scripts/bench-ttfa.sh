#!/usr/bin/env bash
# Time-to-first-audio benchmark: espeak-ng directly vs the service over WebSocket (cache miss and hit),
# interleaved in one run. Usage: scripts/bench-ttfa.sh [rounds, default 60]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

require_java_and_maven
ensure_packages espeak-ng:espeak-ng
mvn -B -q -DskipTests package test-compile
# The benchmark's test helpers need test-scoped libraries (e.g. the web client) next to the jar.
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
# shellcheck disable=SC2086
exec java $HAZELCAST_JVM_FLAGS -Dhazelcast.logging.type=slf4j -Dlogback.configurationFile=src/test/resources/logback-quiet.xml \
  -cp "target/test-classes:target/ervc.jar:$(cat target/test-classpath.txt)" com.ervc.bench.TtfaBenchmark "${1:-60}"
