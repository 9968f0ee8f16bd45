#!/usr/bin/env bash
# Benchmark (not a test): `osmanager web` against `python3 -m http.server` (the seed's pyweb was a
# Python SimpleHTTPServer), both serving the same ~4 KB page, measured with wrk; prints both
# request rates and their ratio. Needs: wrk (apt-get install -y wrk), python3, java 17.
#
#   bench/web.sh                      # build the jar if missing, 10 s per server
#   DURATION=30s JAVA_OPTS="" bench/web.sh   # longer run, JVM defaults instead of small-VM flags
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
# the JIT needs a while to compile the hot paths (longer with C2 than with C1 alone)
WARMUP=${WARMUP:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
# the flags a small VM runs the daemon with (DESIGN.md)
JAVA_OPTS=${JAVA_OPTS--XX:+UseSerialGC -Xmx32m -Xss256k -XX:TieredStopAtLevel=1}
JAR=target/osmanager.jar

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

# the same ~4 KB page for both: an appliance page with the five placeholders
home=$work/home
mkdir -p "$home/conf" "$home/build" "$home/custom/www/nocookie" "$home/custom/www/withcookie"
printf 'Version: 1.0\nOwnCloud: 4.0.7\n' > "$home/build/VERSION"
cat > "$home/conf/luoyun.conf" <<'CONF'
TAG=7
KEY=015e33a8-787d-457e-b84d-c2a101a816e0
JSON={"cookie": "5c1d0a4e8b7f6a3d2c1b0a9f8e7d6c5b4a392817", "domain": {"name": "owncloud.example.com"}}
CONF
page=$home/custom/www/nocookie/index.html
{
  echo '<!DOCTYPE html><html><head><meta charset="utf-8"><title>$application on $hostname</title></head><body>'
  echo '<h1>Welcome to $application</h1><p>Version $version1, $application $version2, time $curtime.</p>'
  for i in $(seq 1 55); do
    echo "<p>Paragraph $i of filler text so the page weighs about four kilobytes.</p>"
  done
  echo '<p><a href="http://$hostname">Open</a></p></body></html>'
} > "$page"
cp "$page" "$home/custom/www/withcookie/index.html"
pydir=$work/py
mkdir -p "$pydir"
cp "$page" "$pydir/index.html"
echo "page: $(wc -c < "$page") bytes; wrk -t$THREADS -c$CONNECTIONS -d$DURATION after $WARMUP warm-up; JAVA_OPTS=$JAVA_OPTS"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

wait_for() {
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "server at $1 did not come up" >&2
  exit 1
}

measure() { # url -> requests per second (after a short warm-up)
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$1" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$1" | awk '/^Requests\/sec:/ {print $2}'
}

jport=$(free_port)
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$JAR" web --home "$home" --bind 127.0.0.1 --port "$jport" >"$work/java.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$jport/index.html"
java_rps=$(measure "http://127.0.0.1:$jport/index.html")
java_rss=$(awk '/VmRSS/ {print $2}' "/proc/${pids[0]}/status")
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true

pport=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$pydir" "$pport" >"$work/py.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$pport/index.html"
py_rps=$(measure "http://127.0.0.1:$pport/index.html")

echo "osmanager web:      $java_rps req/s (RSS after the run: $((java_rss / 1024)) MiB)"
echo "python http.server: $py_rps req/s"
awk -v j="$java_rps" -v p="$py_rps" 'BEGIN { printf "ratio:              %.1fx\n", j / p }'
