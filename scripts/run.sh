#!/usr/bin/env bash
# Runs one node with embedded defaults: espeak-ng voice, in-process cache, single-node cluster on loopback,
# HTTP on http://127.0.0.1:8000. Extra arguments go to the node (e.g. --config FILE, --roles ..., --debug).
# JAVA_OPTS replaces the default heap and GC settings (ERVC_DEFAULT_JAVA_OPTS in common.sh, docs/performance.md).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

require_java_and_maven
ensure_packages espeak-ng:espeak-ng

build_jar
# exec so SIGTERM reaches the JVM, whose shutdown hook drains streams and leaves the cluster.
# shellcheck disable=SC2086
exec java $HAZELCAST_JVM_FLAGS ${JAVA_OPTS:-$ERVC_DEFAULT_JAVA_OPTS} -Dhazelcast.logging.type=slf4j -jar target/ervc.jar "$@"
