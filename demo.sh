#!/usr/bin/env bash
# Builds target/osmanager.jar (tests skipped; ./test.sh runs them) and starts the demo:
# a development controller and the instance agent on loopback, against a temporary home.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q package -DskipTests
exec java -jar target/osmanager.jar demo "$@"
