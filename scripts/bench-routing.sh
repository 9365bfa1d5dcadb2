#!/usr/bin/env bash
# Router benchmark: one sentence straight to one provider instance vs through the pipeline's router and streaming
# transport, on a three-node loopback cluster (pipeline + two provider nodes running the test "tone" provider),
# latency (p50/p99, per request and per chunk) and throughput side by side in one run.
# Usage: scripts/bench-routing.sh [rounds, default 300] [concurrency, default 8] [instances per provider node, default 2]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

require_java_and_maven
mvn -B -q -DskipTests package test-compile
# The benchmark uses the test tone provider and test helpers: the test classes and test-scoped libraries.
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
# shellcheck disable=SC2086
exec java $HAZELCAST_JVM_FLAGS -Dhazelcast.logging.type=slf4j -Dlogback.configurationFile=src/test/resources/logback-quiet.xml \
  -cp "target/test-classes:target/ervc.jar:$(cat target/test-classpath.txt)" com.ervc.bench.RoutingBenchmark \
  "${1:-300}" "${2:-8}" "${3:-2}"
