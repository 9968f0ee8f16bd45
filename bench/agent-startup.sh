#!/usr/bin/env bash
# Benchmark (not a test): ms from `java -jar target/osmanager.jar agent` to registered at a
# development controller on loopback, median of RUNS, plus the agent's RSS once it has reported.
# Three ways: the JVM's default flags; small-VM flags; small-VM flags plus a static AppCDS archive
# built here from the agent's own class list (target/bench/agent.jsa).
# Usage: bench/agent-startup.sh [RUNS]       (needs a built jar: mvn -B -q package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-9}
[ -f target/osmanager.jar ] || mvn -B -q package -DskipTests
mvn -B -q test-compile
small=(-XX:+UseSerialGC -Xmx32m -Xss256k -XX:TieredStopAtLevel=1)
bench() {
  java -cp target/osmanager.jar:target/test-classes cloud.luoyun.osmanager.bench.AgentStartupBench "$runs" "$@"
}
echo "== default JVM flags"
bench
echo "== small-VM flags"
bench "${small[@]}"
echo "== small-VM flags + AppCDS archive"
mkdir -p target/bench
# one run with -XX:DumpLoadedClassList records the classes the agent loads up to registration
java -cp target/osmanager.jar:target/test-classes cloud.luoyun.osmanager.bench.AgentStartupBench 1 \
  -XX:DumpLoadedClassList=target/bench/agent.classlist >/dev/null
java -Xshare:dump -XX:SharedClassListFile=target/bench/agent.classlist \
  -XX:SharedArchiveFile=target/bench/agent.jsa -cp target/osmanager.jar >/dev/null 2>&1
bench "${small[@]}" -XX:SharedArchiveFile=target/bench/agent.jsa
