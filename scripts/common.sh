#!/usr/bin/env bash
# Shared by run.sh and test.sh: installs missing Debian packages (when root) and checks the JDK and Maven.
set -euo pipefail

# The JDK flags Hazelcast needs (also in the jar manifest and the surefire/failsafe argLine).
HAZELCAST_JVM_FLAGS="--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
--add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED \
--add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED \
--add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"
export HAZELCAST_JVM_FLAGS

# The heap and GC settings of scripts/run.sh (and both servers of bench-load.sh) when JAVA_OPTS is not set: a
# bounded heap instead of the JVM's default of a quarter of the machine's memory (docs/performance.md#jvm-settings).
ERVC_DEFAULT_JAVA_OPTS="-Xms96m -Xmx320m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError"
export ERVC_DEFAULT_JAVA_OPTS

# ensure_packages CMD:PACKAGE ... — installs PACKAGE with apt-get when CMD is not on PATH.
ensure_packages() {
  local missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "missing packages: ${missing[*]} (install them with apt-get as root)" >&2; return 1; }
    sudo="sudo"
  fi
  echo "installing: ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

require_java_and_maven() {
  ensure_packages java:openjdk-17-jdk-headless mvn:maven
  local version
  version=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  if [ "${version:-0}" -lt 17 ]; then
    echo "Java 17 or newer is required (found ${version:-none})" >&2
    exit 1
  fi
}

# build_jar: builds target/ervc.jar when it is missing or older than the sources.
build_jar() {
  local jar=target/ervc.jar
  if [ ! -f "$jar" ] || [ -n "$(find src pom.xml webroot cluster-config -newer "$jar" -print -quit)" ]; then
    echo "building $jar"
    mvn -B -q -DskipTests package
  fi
}

# exec_test_benchmark CLASS ARGS...: builds the jar and the test classes, then replaces the shell with the JVM
# running a benchmark main class from src/test (they use test helpers, the test provider and test-scoped libraries
# such as the web client, so they run with the test classpath next to the jar).
exec_test_benchmark() {
  local class=$1
  shift
  mvn -B -q -DskipTests package test-compile
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
  # shellcheck disable=SC2086
  exec java $HAZELCAST_JVM_FLAGS -Dhazelcast.logging.type=slf4j \
    -Dlogback.configurationFile=src/test/resources/logback-quiet.xml \
    -cp "target/test-classes:target/ervc.jar:$(cat target/test-classpath.txt)" "$class" "$@"
}

# ensure_promtool: unpacks Debian's prometheus package (without installing or starting the server) into
# .tools/prometheus and exports PROMTOOL. Debian's build has no Kubernetes service discovery (docs/operations.md).
ensure_promtool() {
  local dir=.tools/prometheus
  if [ ! -x "$dir/usr/bin/promtool" ]; then
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1) || { apt-get update -q && (cd "$tmp" && apt-get download prometheus); }
    mkdir -p "$dir"
    dpkg-deb -x "$tmp"/prometheus_*.deb "$dir"
    rm -rf "$tmp"
  fi
  PROMTOOL="$PWD/$dir/usr/bin/promtool"
  export PROMTOOL
}

# ensure_deploy_validators: the offline validators for deploy/ and k8s/ (Debian tools plus pinned npm packages
# from deploy/validate/package-lock.json).
ensure_deploy_validators() {
  ensure_packages nginx:nginx-light docker-compose:docker-compose yamllint:yamllint shellcheck:shellcheck \
    openssl:openssl node:nodejs npm:npm kubectl:kubectl
  if [ ! -d deploy/validate/node_modules ] || [ deploy/validate/package-lock.json -nt deploy/validate/node_modules ]; then
    (cd deploy/validate && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
