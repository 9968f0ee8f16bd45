#!/usr/bin/env bash
# Benchmark (not a test), for choosing the launcher's flags: `bin/osmanager run` (agent, pages,
# terminal; no session) from the .deb's installed tree, once per variant, each a line of
# OSMANAGER_JAVA_OPTS (added after the launcher's own flags; a leading `env:NAME=VALUE` word sets
# an environment variable instead). Prints, per variant, the median over ROUNDS of the settled RSS
# and PSS (smaps_rollup) and threads (start-up time: bench/startup.sh); the variants take turns, so a busy
# moment of the shared machine hits all alike. Loopback only.
#   bench/flags.sh '' '-Xmn4m' 'env:MALLOC_ARENA_MAX=2'
#   ROUNDS=5 SETTLE=10 bench/flags.sh ...
source "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-3}
SETTLE=${SETTLE:-10}
build
trees
header "flags"
home=$(readlink -f "$TREES/deb/LuoYun")
KEY=015e33a8-787d-457e-b84d-c2a101a816e0
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
echo "7 $KEY" > "$work/instances"
clc=$(free_port)
java -jar "$JAR" controller --bind 127.0.0.1 --port "$clc" --instances "$work/instances" > "$work/controller.log" 2>&1 &
pids+=($!)
mkdir -p "$home/conf" "$home/custom/scripts"
printf 'CLC_IP=127.0.0.1\nCLC_PORT=%s\nTAG=7\nKEY=%s\nJSON={"cookie": "5c1d0a4e8b7f6a3d2c1b0a9f8e7d6c5b4a392817"}\n' \
  "$clc" "$KEY" > "$home/conf/luoyun.conf"
printf '#!/bin/sh\nexit 0\n' > "$home/custom/scripts/status"; chmod +x "$home/custom/scripts/status"
sleep 1

one() { # variant -> "rss_kib pss_kib threads ms"
  local envs=() opts=() w
  for w in $1; do case $w in env:*) envs+=("${w#env:}") ;; *) opts+=("$w") ;; esac; done
  : > "$work/run.log"
  local t0; t0=$(date +%s%N)
  env -u JAVA_HOME "${envs[@]}" OSMANAGER_JAVA_OPTS="${opts[*]}" "$home/bin/osmanager" run --home "$home" \
    --web-port "$(free_port)" --webssh-port "$(free_port)" > "$work/run.log" 2>&1 &
  local pid=$! ms=""
  for _ in $(seq 1 600); do
    if grep -q "application status 2000" "$work/run.log"; then ms=$(( ($(date +%s%N) - t0) / 1000000 )); break; fi
    sleep 0.01
  done
  [ -n "$ms" ] || { echo "variant '$1' did not register:" >&2; cat "$work/run.log" >&2; kill "$pid"; exit 1; }
  sleep "$SETTLE"
  echo "$(awk '/VmRSS/ {print $2}' "/proc/$pid/status") $(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup") $(awk '/Threads/ {print $2}' "/proc/$pid/status") $ms"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

declare -A res
for r in $(seq "$ROUNDS"); do
  i=0
  for v in "$@"; do x=$(one "$v"); echo "  [$v] $x" >&2; res[$i]+="$x;"; i=$((i + 1)); done
  echo "round $r done (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
done
printf '%-60s %9s %9s %7s\n' "OSMANAGER_JAVA_OPTS" "RSS MiB" "PSS MiB" "threads"
i=0
for v in "$@"; do
  col() { tr ';' '\n' <<< "${res[$i]}" | grep . | awk -v c="$1" '{print $c}' | median; }
  printf '%-60s %9.1f %9.1f %7s\n' "${v:-(none: the launcher alone)}" "$(awk -v k="$(col 1)" 'BEGIN{print k/1024}')" \
    "$(awk -v k="$(col 2)" 'BEGIN{print k/1024}')" "$(col 3)"
  i=$((i + 1))
done
