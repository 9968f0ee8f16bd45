#!/usr/bin/env bash
# Benchmark (not a test): `bin/osmanager run` from the installed trees (the .deb's, the tarball's):
# RSS and threads settled, CPU and wake-ups over 60 idle seconds, RSS with one terminal session
# open and after a page-load burst (wrk -t2 -c32 on the templated page), how much of each RSS is
# anonymous memory (RssAnon: the process's own, not mapped files' pages), the terminal's echo
# latency and bulk output on that session; beside shellinaboxd + python3 -m http.server measured in
# the same run, and nginx serving the same bytes. A real sshd with a throw-away user (as root).
# Prints its table rows (bench/all.sh collects them).
#   bench/daemon.sh [-Dbench.idle=60] [-Dbench.settle=10] [-Dbench.duration=10s] [-Dbench.keys=400]
source "$(dirname "$0")/lib.sh"
need_root bench/daemon.sh "a throw-away user for sshd"
need_tools wrk nginx shellinaboxd /usr/bin/python3 /usr/sbin/sshd
build
trees
header "daemon"
java "$@" -cp "$BENCH_CP" cloud.luoyun.osmanager.bench.DaemonBench deb="$TREES/deb" tar="$TREES/tar"
