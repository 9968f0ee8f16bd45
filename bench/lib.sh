# Sourced by the bench scripts (not run alone): builds what is missing and lays out the two
# installed trees every benchmark runs from, as an instance has them:
#   $TREES/deb   what the .deb installs: 'osmanager install --root' from the jar (the .deb's files are
#                made the same way), on Debian's Java found on PATH
#   $TREES/tar   what the tarball installs: its own bin/osmanager install --root, with its runtime
# Each gets the class-data archive its postinst or 'install' makes on a live system: install
# skips it in an image tree (the image's Java may not be this one), so archive() runs here the
# command Installer.archiveClasses runs, with the Java the tree's launcher picks. The benchmarks
# check that the processes they measure really map it. What differs from an installed instance:
# the tree's path prefix, no systemd around the process (no MemoryMax/CPUQuota), a warm page
# cache, and these 2 shared cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

JAR=target/osmanager.jar
VERSION=$(grep -m1 -o '<version>[^<]*</version>' pom.xml | sed 's/<[^>]*>//g')
TREES=${TREES:-target/bench}
VECTORS=src/test/vectors
export BENCH_CP="target/test-classes:$JAR"

need_root() {
  [ "$(id -u)" = 0 ] || { echo "$1 needs root ($2)" >&2; exit 2; }
}

need_tools() {
  local t missing=()
  for t in "$@"; do command -v "$t" >/dev/null || missing+=("$t"); done
  [ ${#missing[@]} = 0 ] || { echo "missing: ${missing[*]} (see README, Benchmarks)" >&2; exit 2; }
}

# The jar, the .deb, the tarball and the test classes (the Java parts of the benchmarks): built
# anew when a source is newer than the tarball, so a benchmark never measures an older build.
build() {
  local tarball="target/osmanager-$VERSION.tar.gz"
  if [ ! -f "$tarball" ] || [ "$JAR" -nt "$tarball" ] || [ -n "$(find src pom.xml -newer "$tarball" -print -quit)" ]; then
    mvn -B -q -o package -DskipTests
  fi
  mvn -B -q -o test-compile -Dexec.skip=true
}

# The java a tree's launcher starts: its runtime/ when it has one, else the one on PATH.
tree_java() {
  if [ -x "$1/LuoYun/runtime/bin/java" ]; then echo "$1/LuoYun/runtime/bin/java"; else readlink -f "$(command -v java)"; fi
}

archive() {
  local bin=$1/LuoYun/bin
  "$(tree_java "$1")" -Xshare:dump -XX:+UseSerialGC -XX:SharedClassListFile="$bin/osmanager.classlist" \
    -XX:SharedArchiveFile="$bin/osmanager.jsa" -cp "$(readlink -f "$bin/osmanager.jar")" > "$1/archive.log" 2>&1
}

# Lays out both trees anew when the packages are newer than them (or TREES_FRESH=1).
trees() {
  local stamp=$TREES/.made
  if [ -f "$stamp" ] && [ "$stamp" -nt "target/osmanager-$VERSION.tar.gz" ] && [ -z "${TREES_FRESH:-}" ]; then
    return
  fi
  rm -rf "$TREES"
  mkdir -p "$TREES/deb" "$TREES/tar" "$TREES/tarball"
  env -u JAVA_HOME java -jar "$JAR" install --root "$TREES/deb" --no-enable > "$TREES/deb/install.log"
  tar -xzf "target/osmanager-$VERSION.tar.gz" -C "$TREES/tarball"
  env -u JAVA_HOME "$TREES/tarball/osmanager-$VERSION/bin/osmanager" install --root "$TREES/tar" --no-enable \
    > "$TREES/tar/install.log"
  archive "$TREES/deb"
  archive "$TREES/tar"
  touch "$stamp"
}

# The header every part prints: what ran, on what, how busy the machine was.
header() {
  echo "# $1 — $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml || echo '+changes'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ -n "${OSMANAGER_JAVA_OPTS:-}" ]; then echo "# OSMANAGER_JAVA_OPTS=$OSMANAGER_JAVA_OPTS (added after the launcher's flags)"; fi
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
