#!/usr/bin/env bash
# Benchmark (not a test): wall time of `bin/osmanager configure` from the installed trees (the
# .deb's, the tarball's) with the vector floppy, and with a NoCloud ISO made by cloud-localds that
# says the same (password hash, key, the NIC's address, name servers), against a throw-away --root image tree, inside a
# network namespace whose NIC has the config's MAC (as root): the first run of a new instance (new
# host keys: ssh-keygen) and a repeated run (a reboot: everything unchanged), median of N (default
# 7) each. Beside it: a JVM hello world with the launcher's flags, and `ssh-keygen -A` alone (the
# first run's own floor). Prints its table rows (bench/all.sh collects them).
#   bench/configure.sh [N]
source "$(dirname "$0")/lib.sh"
need_root bench/configure.sh "a network namespace"
need_tools ip ssh-keygen cloud-localds
N=${1:-7}
VEC=$(readlink -f "$VECTORS/floppy-luoyun.img")
build
trees
header "configure"

WORK=$(mktemp -d /tmp/osmc-bench.XXXXXX)
NS=osmc$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
cleanup() { ip netns del "$NS" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add ens3 type veth peer name far0
ip -n "$NS" link set ens3 address 92:fd:3c:00:00:07
ip -n "$NS" link set far0 up

# the vector's config as a NoCloud seed, as a user makes one with cloud-localds
HASH=$(grep -o '"passwd_hash": "[^"]*"' "$VECTORS/luoyun.ini" | cut -d'"' -f4)
PUBKEY=$(grep -o '"public_key": "[^"]*"' "$VECTORS/luoyun.ini" | cut -d'"' -f4)
printf '#cloud-config\nuser: root\npassword: %s\nssh_authorized_keys:\n  - %s\n' "'$HASH'" "$PUBKEY" > "$WORK/user-data"
printf '%s\n' 'version: 2' 'ethernets:' '  nic0:' '    match: {macaddress: "92:fd:3c:00:00:07"}' \
  '    addresses: [10.0.0.5/24]' '    gateway4: 10.0.0.1' '    nameservers: {addresses: [8.8.8.8, 114.114.114.114]}' \
  > "$WORK/network-config"
echo 'instance-id: iid-bench' > "$WORK/meta-data"
cloud-localds "$WORK/seed.iso" "$WORK/user-data" "$WORK/meta-data" -N "$WORK/network-config"
ISO="$WORK/seed.iso"

fresh_image() {
  rm -rf "$WORK/img" "$WORK/home"
  mkdir -p "$WORK/img/etc/ssh" "$WORK/img/etc/network" "$WORK/img/root" "$WORK/home"
  printf 'root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n' > "$WORK/img/etc/shadow"
  chmod 640 "$WORK/img/etc/shadow"
  echo 'nameserver 192.0.2.53' > "$WORK/img/etc/resolv.conf"
  : > "$WORK/img/etc/network/interfaces"
  ip -n "$NS" addr flush dev ens3
}

ms() { # runs "$@" once, prints its wall time in ms
  local t0 t1
  t0=$(date +%s%N); "$@" >"$WORK/out.txt" 2>&1 || { echo "failed: $*" >&2; cat "$WORK/out.txt" >&2; exit 1; }
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}

# configure in the namespace, as the service manager starts it (no JAVA_HOME)
configure() { # tree [source]
  ip netns exec "$NS" env -u JAVA_HOME -u OSMANAGER_JAVA "$1/LuoYun/bin/osmanager" configure --home "$WORK/home" \
    --root "$WORK/img" --source "${2:-$VEC}"
}

# the launcher's JVM flags, without the archive: asked of the launcher itself, with echo for java
launcher_flags() {
  OSMANAGER_JAVA=echo "$1/LuoYun/bin/osmanager" --version | sed 's/ -jar .*//' | tr ' ' '\n' \
    | grep -v -e '^-XX:SharedArchiveFile=' -e '^-Xlog:cds' | tr '\n' ' '
}

declare -A first again hello iso
for tree in deb tar; do first[$tree]=""; again[$tree]=""; hello[$tree]=""; iso[$tree]=""; done
java_of() { tree_java "$TREES/$1"; }
for run in $(seq 0 "$N"); do # run 0 warms the page cache; not counted
  for tree in deb tar; do
    fresh_image
    f=$(ms configure "$TREES/$tree")
    a=$(ms configure "$TREES/$tree")
    grep -q ': changed' "$WORK/out.txt" && { echo "the repeated run changed something:" >&2; cat "$WORK/out.txt" >&2; exit 1; }
    fresh_image
    ms configure "$TREES/$tree" "$ISO" >/dev/null
    i=$(ms configure "$TREES/$tree" "$ISO")
    grep -q ': changed' "$WORK/out.txt" && { echo "the repeated NoCloud run changed something:" >&2; cat "$WORK/out.txt" >&2; exit 1; }
    # shellcheck disable=SC2046 # the flags are words
    h=$(ms "$(java_of $tree)" $(launcher_flags "$TREES/$tree") -cp target/test-classes cloud.luoyun.osmanager.bench.Hello)
    if [ "$run" -gt 0 ]; then
      first[$tree]+="$f "; again[$tree]+="$a "; hello[$tree]+="$h "; iso[$tree]+="$i "
      echo "run $run $tree: first $f ms, repeated $a ms, repeated from the NoCloud ISO $i ms, hello world $h ms"
    fi
  done
done
kg=()
for _ in $(seq "$N"); do rm -f "$WORK"/img/etc/ssh/ssh_host_*; kg+=("$(ms ssh-keygen -A -f "$WORK/img")"); done
KG=$(printf '%s\n' "${kg[@]}" | median)

med() { tr ' ' '\n' <<< "$1" | grep . | median; }
fd=$(med "${first[deb]}"); ft=$(med "${first[tar]}")
ad=$(med "${again[deb]}"); at=$(med "${again[tar]}")
hd=$(med "${hello[deb]}"); ht=$(med "${hello[tar]}")
id=$(med "${iso[deb]}"); it=$(med "${iso[tar]}")
verdict() { # must aim values...
  local must=$1 aim=$2 m=yes a=yes v; shift 2
  for v in "$@"; do [ "$v" -le "$must" ] || m=no; [ "$v" -le "$aim" ] || a=no; done
  [ $m = yes ] && echo "must: yes, aim: $a" || echo "must: **NO**, aim: $a"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f×", a / b }'; }
echo "| configure, first run (new instance: host keys), wall (median of $N) | $fd ms | $ft ms | ssh-keygen -A alone $KG ms; JVM hello world deb $hd ms, tar $ht ms | deb $(ratio "$fd" "$KG") ssh-keygen | — | — |"
echo "| configure, repeated run (a reboot), wall (median of $N) | $ad ms | $at ms | JVM hello world deb $hd ms, tar $ht ms | deb $(ratio "$ad" "$hd"), tar $(ratio "$at" "$ht") hello | ≤ 400 / ≤ 250 ms | $(verdict 400 250 "$ad" "$at") |"
rd=$(awk -v a="$id" -v b="$ad" 'BEGIN { printf "%.2f", a / b }'); rt=$(awk -v a="$it" -v b="$at" 'BEGIN { printf "%.2f", a / b }')
rv=$(awk -v a="$rd" -v b="$rt" 'BEGIN { m = (a <= 1.3 && b <= 1.3) ? "yes" : "**NO**"; x = (a <= 1.1 && b <= 1.1) ? "yes" : "no";
  printf "must: %s, aim: %s", m, x }')
echo "| configure, repeated run from a NoCloud ISO (cloud-localds), wall (median of $N) | $id ms | $it ms | the floppy's repeated run above | deb ${rd}×, tar ${rt}× the floppy's | ≤ 1.3× / ≤ 1.1× | $rv |"
