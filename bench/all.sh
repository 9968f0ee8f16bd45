#!/usr/bin/env bash
# All the benchmarks (not tests), one after the other, and one table of their figures beside the
# anchors measured in the same run: bench/startup.sh, bench/configure.sh, bench/daemon.sh,
# bench/disk.sh, bench/files.sh. As root (network namespace, throw-away sshd user); needs wrk, nginx,
# shellinabox, python3, openssh-server, chromium, iproute2 (a missing one is named, and its part left out).
# Each part's own output (every run, every figure) goes to target/bench-results/PART.log; the table to
# stdout and target/bench-results/table.md. About 10 minutes.
#   bench/all.sh
#   BENCH_VM=1 bench/all.sh    # and bench/cloudinit.sh (two VM boots under QEMU, ~10 minutes more)
#   OSMANAGER_JAVA_OPTS=-Xmn4m bench/all.sh    # try a flag: the launcher adds it after its own
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/bench-results
out=target/bench-results/table.md
{
  echo "# OS Manager benchmarks — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $(uname -r), $(java -version 2>&1 | head -1)"
  echo
  echo "| figure | .deb (Debian's Java) | tarball (its runtime) | beside it, same run | ratio | must / aim | holds |"
  echo "|---|---|---|---|---|---|---|"
} > "$out"
failed=()
parts=(startup configure daemon disk files)
[ -n "${BENCH_VM:-}" ] && parts+=(cloudinit)
for part in "${parts[@]}"; do
  echo "bench/$part.sh ... (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  if bench/$part.sh > "target/bench-results/$part.log" 2>&1; then
    grep '^| ' "target/bench-results/$part.log" >> "$out"
  else
    failed+=("$part")
    echo "| $part | failed: $(grep -v '^\(run \|#\)' "target/bench-results/$part.log" | tail -1) (target/bench-results/$part.log) | | | | | |" >> "$out"
  fi
done
{
  echo
  echo "Load while each part ran (the machine is shared):"
  for part in "${parts[@]}"; do sed 's/\x1b\[[0-9;]*m//g' "target/bench-results/$part.log" 2>/dev/null; done | grep '^# ' \
    | sed 's/^# /- /'
} >> "$out"
cat "$out"
[ ${#failed[@]} = 0 ]
