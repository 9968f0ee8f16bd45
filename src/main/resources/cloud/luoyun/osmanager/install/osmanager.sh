#!/bin/sh
# bin/osmanager: starts OS Manager's jar, which lies beside this script, with JVM flags chosen
# for small VMs. Takes the jar's arguments: bin/osmanager <command> [options], e.g.
#   bin/osmanager status        bin/osmanager configure --dry-run        bin/osmanager --help
# Written by 'osmanager install' (and the .deb); replaced on upgrade: put local settings in
# the environment instead:
#   OSMANAGER_JAVA       the java binary (else the runtime beside bin/, from the tarball, else
#                        $JAVA_HOME/bin/java, else java on PATH)
#   OSMANAGER_JAVA_OPTS  more JVM flags, added after ours (so they win)
#   MALLOC_ARENA_MAX     glibc's malloc arenas (default here: 2)
set -eu

self=$(readlink -f "$0")
bin=${self%/*}

if [ -n "${OSMANAGER_JAVA:-}" ]; then
  java=$OSMANAGER_JAVA
elif [ -x "$bin/../runtime/bin/java" ]; then
  java=$bin/../runtime/bin/java
elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  java=$JAVA_HOME/bin/java
elif command -v java >/dev/null 2>&1; then
  java=java
else
  echo "osmanager: no Java runtime (17 or newer) found: install openjdk-17-jre-headless or set JAVA_HOME" >&2
  exit 1
fi

if [ ! -e /proc/self/exe ]; then
  # The Java runtime finds its own libraries through /proc (libjli.so: cannot open shared object).
  echo "osmanager: /proc is not mounted (a chroot?): Java needs it; mount -t proc proc /proc first" >&2
  exit 1
fi

# The class-data archive 'osmanager install' made for this Java and this jar: about 300 ms less
# at every start. A stale one (Java upgraded, jar replaced) is ignored without a word.
set -- -jar "$bin/osmanager.jar" "$@"
# shellcheck disable=SC2086 # several flags in one variable
set -- ${OSMANAGER_JAVA_OPTS:-} "$@"
if [ -r "$bin/osmanager.jsa" ]; then
  set -- -XX:SharedArchiveFile="$bin/osmanager.jsa" -Xlog:cds=off "$@"
fi

# Memory the C heap took for a burst (JIT arenas, I/O buffers, the threads of a page-load burst)
# given back to the system: glibc keeps freed memory, and each thread may get its own arena of it.
# Two arenas (the JVM's threads rarely malloc at once), and the JVM trims the C heap once a minute
# (~5 MiB back after a burst of page loads); that switch is in OpenJDK 17.0.12 and 21.0.4 on,
# older ones would refuse to start with it, so it is given only when the runtime's release file
# says its version is one of those.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
case $java in
  */*) home=$(readlink -f "$java" || true) ;;
  *) home=$(readlink -f "$(command -v "$java" || true)" || true) ;;
esac
home=${home%/bin/*}
version=
if [ -r "$home/release" ]; then
  while IFS= read -r line; do
    case $line in JAVA_VERSION=*) version=${line#JAVA_VERSION=}; version=${version#\"}; version=${version%\"} ;; esac
  done < "$home/release"
fi
major=${version%%.*}
case $version in
  "$major".0.*) update=${version#"$major".0.}; update=${update%%[!0-9]*} ;;
  *) update=0 ;;
esac
case $major in # the first update of each version that has the switch
  17) since=12 ;;
  21) since=4 ;;
  ''|*[!0-9]*) since= ;;
  *) if [ "$major" -ge 22 ]; then since=0; else since=; fi ;;
esac
if [ -n "$since" ] && [ "${update:-0}" -ge "$since" ]; then
  set -- -XX:TrimNativeHeapInterval=60000 "$@"
fi

# Small-VM flags: one GC thread and no compaction pauses worth speaking of (SerialGC), a 32 MiB
# heap that starts at 8 MiB (what the JVM picks by itself in a 512 MB VM; on a bigger machine it
# would start at 32 MiB and hold ~5 MiB more RSS idle, bench/flags.sh), a young generation held
# at 2 MiB (else it grows with the heap, which a terminal session takes from 8 to 14 MiB: ~2.5 MiB
# more RSS with a session open; idle, no difference), an old generation that grows only when a
# collection leaves it less than 10 % free (by default, 40 %, it grows early: two minutes after a
# crawl of 10 000 pages and wrk -c2000, 10.4-10.5 MiB more RSS than idle, with this 6.1-7.1 MiB,
# bench/load.sh; the same page rate and RSS otherwise), small thread stacks, the quick C1 compiler
# only, no /tmp/hsperfdata file (/tmp may not be mounted yet at boot), and an exit on
# OutOfMemoryError so the service manager restarts a clean process instead of leaving a half-dead
# one.
#
# And an idle JVM that sleeps: by default its VM thread wakes every second (a safepoint check) and
# its monitor-deflation thread four times a second, in every instance, all day; at most once a
# minute instead, like the status timer (a GC still brings the cleanup along at once; the locks
# an idle process inflated wait a minute longer to be freed). Both are diagnostic flags (OpenJDK 17 to
# 25 know them).
exec "$java" -XX:+UseSerialGC -Xms8m -Xmx32m -Xmn2m -XX:MinHeapFreeRatio=10 -Xss256k -XX:TieredStopAtLevel=1 -XX:-UsePerfData \
  -XX:+ExitOnOutOfMemoryError \
  -XX:+UnlockDiagnosticVMOptions -XX:GuaranteedSafepointInterval=60000 -XX:AsyncDeflationInterval=60000 "$@"
