#!/usr/bin/env bash
# Time to first audio through the cloud providers, against their fake servers: the provider itself (first chunk,
# whole sentence) vs the service over WebSocket, interleaved in one run. Usage: scripts/bench-cloud.sh [rounds, default 30]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

require_java_and_maven
mvn -B -q -DskipTests package test-compile
# The benchmark's test helpers need test-scoped libraries (e.g. the web client) next to the jar.
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
# shellcheck disable=SC2086
exec java $HAZELCAST_JVM_FLAGS -Dhazelcast.logging.type=slf4j -Dlogback.configurationFile=src/test/resources/logback-quiet.xml \
  -cp "target/test-classes:target/ervc.jar:$(cat target/test-classpath.txt)" com.ervc.bench.CloudTtfaBenchmark "${1:-30}"
