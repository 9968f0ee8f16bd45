#!/usr/bin/env bash
# Benchmark tool (not a test): where `bin/osmanager run`'s memory goes, settled, with one terminal
# session logged in, and after wrk -t2 -c32 on the page, for both installed trees: RSS and threads
# by name, RSS by mapping, jcmd's heap info (and NMT's summary diff when the flags enable it).
# A real sshd with a throw-away user (as root). Prints a report, no table row.
#   bench/memory.sh [-Dprobe.gc=true] [-Dprobe.shell=true] [-Dprobe.noWrk=true]
#   OSMANAGER_JAVA_OPTS=-XX:NativeMemoryTracking=summary bench/memory.sh
source "$(dirname "$0")/lib.sh"
need_root bench/memory.sh "a throw-away user for sshd"
need_tools wrk /usr/sbin/sshd
build
trees
header "memory"
mkdir -p target/bench-results
jcmd=$(dirname "$(readlink -f "$(command -v java)")")/jcmd
java "$@" -Dprobe.jcmd="$jcmd" -cp "$BENCH_CP" cloud.luoyun.osmanager.bench.MemProbe deb="$TREES/deb" tar="$TREES/tar"
