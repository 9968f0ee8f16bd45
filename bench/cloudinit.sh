#!/usr/bin/env bash
# Boot time spent configuring from a NoCloud seed: osmanager-configure beside cloud-init's stages,
# in the same VM image, with the same seed, on the same machine (issue 23's benchmark row).
#
# One Debian 12 image as ApplianceVmIT builds it (mmdebstrap, the .deb installed with dpkg in a
# chroot), plus Debian's own cloud-init package; one seed ISO made by cloud-localds as a new user
# makes it (host name, root's password in plain text, an SSH key, network-config v2 with the static
# address QEMU's user network needs, matched by MAC). Two first boots, each from a fresh copy of
# the disk, under QEMU (TCG, user network with restrict=on: nothing leaves this machine):
#   cloud-init   cloud-init active; OS Manager leaves the seed to it (its configure still runs: the floppy)
#   osmanager    cloud-init=disabled on the kernel command line; OS Manager applies the seed
# A unit of the image prints the figures to the serial console once the boot has finished
# (systemd's start and exit times of each unit, `cloud-init analyze show`), and powers off.
# Not a test: prints, asserts nothing. Needs root; ~3 min to build the image (the base tarball is
# kept in OSM_VM_CACHE, default target/bench/vm-cache), ~2-4 min per boot on 2 cores.
#   sudo bench/cloudinit.sh
#   sudo BENCH_REPORT_ONLY=1 bench/cloudinit.sh    # the table again, from the last run's consoles
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
need_root bench/cloudinit.sh "mmdebstrap, chroot, mkfs.ext4 -d"
need_tools mmdebstrap qemu-system-x86_64 cloud-localds mkfs.ext4 unshare ssh-keygen openssl
header "bench/cloudinit.sh: configuring from a NoCloud seed, osmanager-configure beside cloud-init"
[ -f "target/osmanager_${VERSION}_all.deb" ] || mvn -B -q -o package -DskipTests
DEB=$(readlink -f "target/osmanager_${VERSION}_all.deb")

# ApplianceImage.PACKAGES, plus cloud-init (and the tools its NoCloud source runs: blkid, mount)
PACKAGES=systemd-sysv,udev,openssh-server,openjdk-17-jre-headless,iproute2,ifupdown,linux-image-amd64,initramfs-tools,kmod,procps,cloud-init
CACHE=$(realpath -m "${OSM_VM_CACHE:-target/bench/vm-cache}")
WORK=$(realpath -m target/bench/cloudinit)
MAC=52:54:00:b1:0c:17
QEMU_PIDS=()
cleanup() {
  local p
  for p in "${QEMU_PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$WORK/rootfs" "$WORK"/disk*.img   # the consoles, the reports and the seed stay
}
# A report line from a console: the getty's prompt may share a line with it, so it is found where it starts.
report() {
  grep -a -o 'BENCH-[A-Z]* .*' "$WORK/$1.console" | tr -d '\r' | sed 's/^BENCH-[A-Z]* //' > "$WORK/$1.report" || true
  grep -q '^finished ' "$WORK/$1.report" || { echo "boot $1 printed no figures; console: $WORK/$1.console" >&2; exit 1; }
}
if [ -z "${BENCH_REPORT_ONLY:-}" ]; then
trap cleanup EXIT
trap 'exit 1' INT TERM
rm -rf "$WORK"
mkdir -p "$CACHE" "$WORK/seed"

base=$CACHE/debian-bookworm-cloud-init-$(echo "$PACKAGES" | sha256sum | cut -c1-12).tar
if [ ! -f "$base" ]; then
  echo "mmdebstrap (once; kept in $base) ..." >&2
  mmdebstrap --mode=root --variant=minbase --format=tar --include="$PACKAGES" bookworm "$base.partial" >&2
  mv "$base.partial" "$base"
fi

echo "image ..." >&2
root=$WORK/rootfs
mkdir -p "$root"
tar --numeric-owner --xattrs --xattrs-include='*' -xf "$base" -C "$root"
echo '/dev/vda / ext4 rw 0 1' > "$root/etc/fstab"
echo 'LANG=C.UTF-8' > "$root/etc/default/locale"
cp "$DEB" "$root/tmp/osmanager.deb"
unshare --fork --pid --mount-proc="$root/proc" chroot "$root" dpkg -i /tmp/osmanager.deb > "$WORK/dpkg.log" 2>&1
rm "$root/tmp/osmanager.deb"
# The figures, printed on the console once the boot has finished (Type=simple: the unit itself does
# not hold the boot up), then power off.
cat > "$root/usr/local/sbin/bench-report" <<'EOF'
#!/bin/sh
systemctl is-system-running --wait > /dev/null 2>&1
{
  for u in osmanager-configure cloud-init-local cloud-init cloud-config cloud-final; do
    echo "unit $u $(systemctl show -p ActiveState --value $u.service)" \
      "$(systemctl show -p ExecMainStartTimestampMonotonic --value $u.service)" \
      "$(systemctl show -p ExecMainExitTimestampMonotonic --value $u.service)"
  done
  echo "finished $(systemctl show -p FinishTimestampMonotonic --value)"
  echo "hostname $(hostname)"
  echo "address $(ip -4 -o addr show scope global | awk '{print $4}' | tr '\n' ' ')"
  journalctl -b -u osmanager-configure.service -o cat --no-pager | sed 's/^/configure| /'
  cloud-init analyze show 2>/dev/null | sed 's/^/analyze| /'
} 2>&1 | sed 's/^/BENCH-LINE /' > /dev/ttyS0
systemctl poweroff
EOF
chmod 755 "$root/usr/local/sbin/bench-report"
cat > "$root/etc/systemd/system/bench-report.service" <<'EOF'
[Unit]
Description=bench/cloudinit.sh: print the boot's figures on the console, then power off
After=multi-user.target
[Service]
Type=simple
ExecStart=/usr/local/sbin/bench-report
[Install]
WantedBy=multi-user.target
EOF
ln -s /etc/systemd/system/bench-report.service "$root/etc/systemd/system/multi-user.target.wants/bench-report.service"
cp "$root"/boot/vmlinuz-* "$WORK/vmlinuz"
cp "$root"/boot/initrd.img-* "$WORK/initrd.img"
mkfs.ext4 -q -F -d "$root" "$WORK/disk.img" 3G
rm -rf "$root"

# The seed, as a new user makes it (the files ApplianceVmIT's Instance.writeNoCloudSeed writes, but for the
# default route: Debian 12's cloud-init (22.4) refuses version 2's `routes: - to: default` ("Address default
# is not a valid ip address") and fails its init-local stage; gateway4, which both read, is used instead).
ssh-keygen -q -t ed25519 -N '' -C bench -f "$WORK/seed/key"
password=Bench-$(openssl rand -hex 6)
cat > "$WORK/seed/user-data" <<EOF
#cloud-config
hostname: appliance-nocloud
password: "$password"
chpasswd:
  expire: false
ssh_authorized_keys:
  - $(cat "$WORK/seed/key.pub")
EOF
echo "instance-id: iid-bench-1" > "$WORK/seed/meta-data"
cat > "$WORK/seed/network-config" <<EOF
version: 2
ethernets:
  nic0:
    match:
      macaddress: "$MAC"
    addresses: [10.0.2.15/24]
    gateway4: 10.0.2.2
    nameservers:
      addresses: [10.0.2.3]
EOF
cloud-localds -N "$WORK/seed/network-config" "$WORK/seed.iso" "$WORK/seed/user-data" "$WORK/seed/meta-data"

# boot NAME EXTRA-KERNEL-ARGS: a first boot from a fresh copy of the disk; the console in $WORK/NAME.console
boot() {
  local name=$1 extra=$2 start end
  cp --sparse=always "$WORK/disk.img" "$WORK/disk-$name.img"
  echo "boot $name (load $(cut -d' ' -f1-3 /proc/loadavg)) ..." >&2
  start=$(date +%s.%N)
  qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp 2 -m 1024 -nographic -no-reboot \
    -monitor none -serial "file:$WORK/$name.console" \
    -kernel "$WORK/vmlinuz" -initrd "$WORK/initrd.img" -append "console=ttyS0 root=/dev/vda rw $extra" \
    -drive "file=$WORK/disk-$name.img,format=raw,if=virtio" -cdrom "$WORK/seed.iso" \
    -device "virtio-net-pci,netdev=n0,mac=$MAC" -netdev user,id=n0,restrict=on > "$WORK/$name.qemu.log" 2>&1 &
  local pid=$! i
  QEMU_PIDS+=("$pid")
  for ((i = 0; i < 900; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done   # 15 minutes at most
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" || true
  end=$(date +%s.%N)
  rm -f "$WORK/disk-$name.img"
  echo "BENCH-TIME power-on to power-off $(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}')" >> "$WORK/$name.console"
  report "$name"
}
boot cloud-init ""
boot osmanager "cloud-init=disabled"
else
  report cloud-init
  report osmanager
fi

# unit REPORT NAME: "took (start..exit)" in seconds from the kernel's start, or "-" when it did not run
unit() {
  awk -v u="$2" '$1 == "unit" && $2 == u {
    if ($4 == "" || $4 == 0 || $5 == "" || $5 == 0) print "-"; else printf "%.1f s (%.1f..%.1f)\n", ($5-$4)/1e6, $4/1e6, $5/1e6 }' "$1"
}
secs() {
  awk -v u="$2" '$1 == "unit" && $2 == u { if ($4 == "" || $4 == 0 || $5 == "" || $5 == 0) print 0; else printf "%.3f\n", ($5-$4)/1e6 }' "$1"
}
ci=$WORK/cloud-init.report
osm=$WORK/osmanager.report
echo
echo "Seed: cloud-localds ISO on -cdrom (host name, root password in plain text, SSH key, network-config v2 by MAC)."
echo "Times: each unit's ExecMain start..exit, seconds after the kernel started; first boot of a fresh disk copy."
printf '%-34s %-30s %-30s\n' "" "boot 1: cloud-init active" "boot 2: cloud-init=disabled"
for u in cloud-init-local cloud-init cloud-config cloud-final osmanager-configure; do
  printf '%-34s %-30s %-30s\n' "$u.service" "$(unit "$ci" $u)" "$(unit "$osm" $u)"
done
printf '%-34s %-30s %-30s\n' "boot finished (systemd)" "$(awk '$1 == "finished" {printf "%.1f s", $2/1e6}' "$ci")" \
  "$(awk '$1 == "finished" {printf "%.1f s", $2/1e6}' "$osm")"
for k in hostname address; do
  printf '%-34s %-30s %-30s\n' "$k" "$(awk -v k=$k '$1 == k {$1=""; print}' "$ci")" "$(awk -v k=$k '$1 == k {$1=""; print}' "$osm")"
done
printf '%-34s %-30s %-30s\n' "power-on to power-off (s)" "$(awk '/^power-on/ {print $4}' "$ci")" "$(awk '/^power-on/ {print $4}' "$osm")"
echo
echo "cloud-init analyze show (boot 1):"
sed -n 's/^analyze| /  /p' "$ci" | grep -E 'Starting stage|Finished stage|Total Time|Boot Record' || true
echo "osmanager-configure's lines (boot 1, cloud-init active):"
sed -n 's/^configure| /  /p' "$ci"
echo "osmanager-configure's lines (boot 2, cloud-init disabled):"
sed -n 's/^configure| /  /p' "$osm"

ci_total=$(for u in cloud-init-local cloud-init cloud-config cloud-final; do secs "$ci" $u; done | awk '{s += $1} END {printf "%.1f", s}')
osm_took=$(secs "$osm" osmanager-configure | awk '{printf "%.1f", $1}')
holds=$(awk -v a="$osm_took" -v b="$ci_total" 'BEGIN {print (a <= b) ? "yes" : "no"}')
echo
echo "| boot time configuring from a NoCloud seed (TCG VM, first boot) | osmanager-configure $osm_took s | | cloud-init's four stages $ci_total s | $(awk -v a="$osm_took" -v b="$ci_total" 'BEGIN {printf "%.2f×", (b > 0) ? a / b : 0}') | ≤ cloud-init's total | $holds |"
