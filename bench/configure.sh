#!/usr/bin/env bash
# Wall time of whole `osmanager configure` runs with the vector floppy, inside a throw-away network
# namespace (as root), against a temp --root tree: the first run of a new instance (host keys made)
# and a re-run (a reboot: everything unchanged), with plain flags and with small-VM flags + AppCDS.
# Prints medians in ms and the ratio to a JVM that only prints its version. Usage: bench/configure.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10}
JAR=target/osmanager.jar
VEC=${OSM_SHARED:-../shared}/vectors/floppy-luoyun.img
[ -f "$JAR" ] || mvn -B -q -o package -DskipTests
WORK=$(mktemp -d /tmp/osmc-bench.XXXXXX)
NS=osmc$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
cleanup() { ip netns del "$NS" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add ens3 type veth peer name far0
ip -n "$NS" link set ens3 address 92:fd:3c:00:00:07
ip -n "$NS" link set far0 up

fresh_tree() {
  rm -rf "$WORK/img" "$WORK/home"
  mkdir -p "$WORK/img/etc/ssh" "$WORK/img/etc/network" "$WORK/img/root" "$WORK/home"
  printf 'root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n' > "$WORK/img/etc/shadow"
  chmod 640 "$WORK/img/etc/shadow"
  echo 'nameserver 192.0.2.53' > "$WORK/img/etc/resolv.conf"
  : > "$WORK/img/etc/network/interfaces"
  ip -n "$NS" addr flush dev ens3
}

ms() { # runs "$@" once, prints wall ms
  local t0 t1
  t0=$(date +%s%N); "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }; t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

SMALL=(-XX:+UseSerialGC -Xmx32m -Xss256k -XX:TieredStopAtLevel=1)
CDS=$WORK/osm.jsa
CONF=(configure --home "$WORK/home" --root "$WORK/img" --source "$VEC")
# AppCDS archive made by one training run (JDK 17: -XX:ArchiveClassesAtExit)
fresh_tree
ip netns exec "$NS" java "${SMALL[@]}" -XX:ArchiveClassesAtExit="$CDS" -jar "$JAR" "${CONF[@]}" >/dev/null 2>&1

bench() { # label, java flags...
  local label=$1; shift
  local firsts=() reruns=()
  for _ in $(seq "$N"); do
    fresh_tree
    firsts+=("$(ms ip netns exec "$NS" java "$@" -jar "$JAR" "${CONF[@]}")")
    reruns+=("$(ms ip netns exec "$NS" java "$@" -jar "$JAR" "${CONF[@]}")")
  done
  printf '%-26s first run %5s ms   re-run %5s ms   (re-run inside the JVM: %s ms)\n' "$label" \
    "$(printf '%s\n' "${firsts[@]}" | median)" "$(printf '%s\n' "${reruns[@]}" | median)" \
    "$(grep -o 'run took [0-9]*' "$WORK/home/log/configure.log" | tail -1 | grep -o '[0-9]*$')"
}

base=()
for _ in $(seq "$N"); do base+=("$(ms java "${SMALL[@]}" -version)"); done
BASE=$(printf '%s\n' "${base[@]}" | median)
printf '%-26s %5s ms\n' "java -version (baseline)" "$BASE"
bench "plain java -jar"
bench "small-VM flags" "${SMALL[@]}"
bench "small-VM flags + AppCDS" "${SMALL[@]}" -XX:SharedArchiveFile="$CDS"
# ssh-keygen -A alone (the first run's largest part: an RSA key)
fresh_tree
kg=()
for _ in $(seq "$N"); do rm -f "$WORK"/img/etc/ssh/ssh_host_*; kg+=("$(ms ssh-keygen -A -f "$WORK/img")"); done
printf '%-26s %5s ms\n' "ssh-keygen -A alone" "$(printf '%s\n' "${kg[@]}" | median)"
