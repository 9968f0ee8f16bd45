#!/usr/bin/env bash
# Benchmark (not a test): disk. What the .deb installs (its files, and the class-data archive its
# postinst makes), what the tarball installs with its own runtime (and its archive), and the Java
# runtime the .deb pulls in from the distribution (openjdk-17-jre-headless's Installed-Size, when
# dpkg knows it); beside what the original needed on top of the image: the C agent and shellinabox
# (Python was already there). Prints its table rows (bench/all.sh collects them).
#   bench/disk.sh
source "$(dirname "$0")/lib.sh"
build
trees
header "disk"
kib() { du -sk "$1" | cut -f1; }
# What an install puts there: the other benchmarks run the daemon in these trees, and what it writes
# at run time (log/: the page server's access log reaches 3 MB after wrk; state/) is not installed.
installed() { echo $(( $(kib "$1") - $(kib "$1/log") - $(kib "$1/state") )); }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k * 1024 / 1e6 }'; }
deb=$(installed "$TREES/deb/LuoYun")
tar=$(installed "$TREES/tar/LuoYun")
runtime=$(kib "$TREES/tar/LuoYun/runtime")
jsa_deb=$(du -k "$TREES/deb/LuoYun/bin/osmanager.jsa" | cut -f1)
pkg=$(dpkg-deb -f "target/osmanager_${VERSION}_all.deb" Installed-Size)
jre=$(dpkg-query -W -f='${Installed-Size}' openjdk-17-jre-headless 2>/dev/null || echo "")
sib=$(dpkg-query -W -f='${Installed-Size}' shellinabox 2>/dev/null || echo "")
# the original C agent: a ~60 KB binary and its scripts; shellinabox's package beside it
orig="shellinabox package ${sib:-?} KiB ($(mb "${sib:-0}")) + the C agent (< 0.1 MB); Python: already in the image"
awk_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f×", a / b }'; }
echo "| disk: the .deb installed (Installed-Size $pkg KiB, + the archive postinst makes, $(mb "$jsa_deb")) | $(mb "$deb") | — | $orig | $( [ -n "$sib" ] && awk_ratio "$deb" "$sib") shellinabox | — | — |"
echo "| disk: the tarball installed, with its runtime ($(mb "$runtime")) and archive | — | $(mb "$tar") | the .deb + Debian's runtime: $(mb $((deb + ${jre:-0}))) | $( [ -n "$jre" ] && awk_ratio "$tar" $((deb + jre))) the .deb's whole | ≤ 70 / ≤ 55 MB | $(awk -v t="$tar" 'BEGIN { m = t * 1024 / 1e6; printf "must: %s, aim: %s", m <= 70 ? "yes" : "**NO**", m <= 55 ? "yes" : "no" }') |"
if [ -n "$jre" ]; then
  echo "| disk: the Java runtime the .deb pulls in (openjdk-17-jre-headless, Installed-Size) | $(mb "$jre") | — | the tarball's own runtime $(mb "$runtime") | $(awk_ratio "$jre" "$runtime") the tarball's | — | — |"
else
  echo "| disk: the Java runtime the .deb pulls in | openjdk-17-jre-headless not installed here: not measured | — | the tarball's own runtime $(mb "$runtime") | — | — | — |"
fi
