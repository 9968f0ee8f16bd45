#!/usr/bin/env bash
# Files panel benchmark (issue 24 §9): a 200 MB upload and download through the terminal page in
# headless Chromium (the real UI), beside scp and sftp to the same sshd (started here, with a
# throw-away user) in the same run; the daemon (the .deb tree's launcher, as an instance starts
# it) RSS with a session open, during and after; keystroke echo before and during an upload; CPU
# seconds per 100 MB of each side. Needs root, openssh-server, chromium. Prints a table beside the
# issue's targets.
#   bench/files.sh [-Dbench.mb=200]
source "$(dirname "$0")/lib.sh"
need_root bench/files.sh "a throw-away user for sshd"
need_tools /usr/sbin/sshd chromium
build
trees
header "files"
exec java "$@" -cp "$BENCH_CP" cloud.luoyun.osmanager.webssh.FilesBench deb="$TREES/deb"
