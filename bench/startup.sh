#!/usr/bin/env bash
# Benchmark (not a test): cold starts of the installed launcher, `bin/osmanager agent` to
# registered at a development controller on loopback, median of RUNS (default 11), for the .deb's
# and the tarball's installed trees, beside a JVM hello world with the launcher's flags and the
# original C agent's 52 ms. Prints its table row (bench/all.sh collects it).
#   bench/startup.sh [RUNS]
#   OSMANAGER_JAVA_OPTS=-Xint bench/startup.sh     # try a flag: the launcher adds it after its own
source "$(dirname "$0")/lib.sh"
build
trees
header "start-up"
java -cp "$BENCH_CP" cloud.luoyun.osmanager.bench.StartupBench "${1:-11}" deb="$TREES/deb" tar="$TREES/tar"
