#!/usr/bin/env bash
# Files panel benchmark (issue 24 §9): a 200 MB upload and download through the terminal page in
# headless Chromium (the real UI), beside scp and sftp to the same sshd (started here, with a
# throw-away user) in the same run; the daemon's RSS with a session open, during and after;
# keystroke echo before and during an upload. Needs root, openssh-server, chromium. Prints a table
# beside the issue's targets.
#   bench/files.sh [-Dbench.mb=200]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o package -DskipTests
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
exec java "$@" -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  cloud.luoyun.osmanager.webssh.FilesBench
