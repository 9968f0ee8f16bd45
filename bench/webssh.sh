#!/usr/bin/env bash
# Web terminal benchmark: keystroke echo latency and bulk output throughput, osmanager's web
# terminal vs Debian's shellinabox, both against the same real sshd (started here, with a
# throw-away user). Needs root, openssh-server, shellinabox. Prints figures and ratios.
#   bench/webssh.sh [-Dbench.keys=400] [-Dbench.bulkBytes=20000000] [-Dbench.javaFlags="..."]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o package -DskipTests
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
exec java "$@" -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  cloud.luoyun.osmanager.webssh.WebSshBench
