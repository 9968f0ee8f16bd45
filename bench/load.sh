#!/usr/bin/env bash
# Benchmark (not a test): `osmanager run` (agent + pages + terminal), started by the installed
# launcher bin/osmanager with its own JVM flags, through the load of issue 11: a crawl of a
# 10 000-file page folder, then wrk with 2000 connections. Prints RSS (and its anonymous part) and
# threads idle, after each phase and up to two minutes after the load; how long until the page
# answered again; whether the agent stayed registered; the request counts. Loopback only.
# Needs: wrk (apt-get install -y wrk), curl, java 17.
#
#   bench/load.sh                          # 10 000 files, wrk -c2000 for 15 s
#   FILES=40000 FLOOD=30s bench/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."

FILES=${FILES:-10000}
CONNECTIONS=${CONNECTIONS:-2000}
CRAWL=${CRAWL:-10s}
FLOOD=${FLOOD:-15s}
JAR=target/osmanager.jar
KEY=015e33a8-787d-457e-b84d-c2a101a816e0
COOKIE=5c1d0a4e8b7f6a3d2c1b0a9f8e7d6c5b4a392817

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
[ -f "$JAR" ] || mvn -B -q -o package -DskipTests

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# RSS and its anonymous part (heap, code, metaspace, C heap, stacks: what the process could give
# back; the rest is file pages, which the kernel takes back under memory pressure), one read
rss_mib() { awk '/^Rss:/ {r = $2} /^Anonymous:/ {a = $2} END {printf "%.1f %.1f", r / 1024, a / 1024}' "/proc/$1/smaps_rollup"; }
threads() { awk '/Threads/ {print $2}' "/proc/$1/status"; }
registered() { curl -fsS -m 5 "http://127.0.0.1:$web/status.json?cookie=$COOKIE" 2>/dev/null \
  | grep -q '"registered" *: *true' && echo yes || echo NO; }

# the installed layout: the launcher as 'osmanager install' writes it, the jar beside it
mkdir -p "$work/bin"
cp src/main/resources/cloud/luoyun/osmanager/install/osmanager.sh "$work/bin/osmanager"
cp "$JAR" "$work/bin/osmanager.jar"
chmod +x "$work/bin/osmanager"

home=$work/home
mkdir -p "$home/conf" "$home/build" "$home/custom/scripts" "$home/custom/www/nocookie/f"
printf 'Version: 1.0\nOwnCloud: 4.0.7\n' > "$home/build/VERSION"
printf '#!/bin/sh\nexit 0\n' > "$home/custom/scripts/status"
chmod +x "$home/custom/scripts/status"
echo '<h1>$application</h1><p>$hostname $curtime</p>' > "$home/custom/www/nocookie/index.html"
for ((i = 0; i < FILES; i++)); do
  echo "<p>page $i of \$hostname at \$curtime</p>" > "$home/custom/www/nocookie/f/p$i.html"
done
cat > "$work/crawl.lua" <<LUA
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/f/p" .. (counter % $FILES) .. ".html")
end
LUA

echo "42 $KEY" > "$work/instances"
clc=$(free_port)
java -jar "$JAR" controller --bind 127.0.0.1 --port "$clc" --instances "$work/instances" > "$work/controller.log" 2>&1 &
pids+=($!)
printf 'CLC_IP=127.0.0.1\nCLC_PORT=%s\nTAG=42\nKEY=%s\nJSON={"cookie": "%s"}\n' "$clc" "$KEY" "$COOKIE" \
  > "$home/conf/luoyun.conf"
sleep 1

web=$(free_port)
term=$(free_port)
"$work/bin/osmanager" run --home "$home" --web-port "$web" --webssh-port "$term" > "$work/run.log" 2>&1 &
daemon=$!
pids+=($daemon)
for _ in $(seq 1 100); do grep -q "application status 2000" "$work/run.log" && break; sleep 0.1; done
grep -q "application status 2000" "$work/run.log" || { echo "the daemon did not register:" >&2; cat "$work/run.log" >&2; exit 1; }
sleep 5
echo "osmanager run via bin/osmanager: $(tr '\0' ' ' < "/proc/$daemon/cmdline" | grep -o -- '-X[^ ]*' | tr '\n' ' ')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs; $FILES files, wrk -c$CONNECTIONS"
printf '%-34s %8s %8s %8s %s\n' "" "RSS MiB" "anon" "threads" "registered"
row() {
  local rss
  read -r -a rss <<< "$(rss_mib "$daemon")"
  printf '%-34s %8s %8s %8s %s\n' "$1" "${rss[0]}" "${rss[1]}" "$(threads "$daemon")" "$(registered)"
}
row "idle"

crawl=$(wrk -t1 -c4 -d"$CRAWL" -s "$work/crawl.lua" "http://127.0.0.1:$web/" | awk '/requests in/ {print $1}')
row "after the crawl ($crawl requests)"

wrk -t2 -c"$CONNECTIONS" -d"$FLOOD" --timeout 10s "http://127.0.0.1:$web/" > "$work/flood.txt" 2>&1 || true
flood_end=$(date +%s%N)
for _ in $(seq 1 600); do
  curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$web/" 2>/dev/null && break
  sleep 0.05
done
back_ms=$(( ($(date +%s%N) - flood_end) / 1000000 ))
row "right after wrk -c$CONNECTIONS"
sleep 10
row "10 s later"
sleep 50
row "60 s later"
sleep 60
row "120 s later" # Jetty retires the burst's idle pool threads by then

echo "page answering again ${back_ms} ms after the flood ended"
echo "flood: $(awk '/requests in/ {print $1, "requests"} /Requests\/sec/ {print $2, "req/s"} /Socket errors/ {print}' \
  "$work/flood.txt" | tr '\n' ' ')"
echo "controller saw: $(grep -c 'registered tag=42' "$work/controller.log") registration(s), $(grep -c 'disconnected tag=42' \
  "$work/controller.log") disconnection(s)"
grep -E "OutOfMemory|fatal:" "$work/run.log" | head -3 || true
"$work/bin/osmanager" status --home "$home" | head -3
