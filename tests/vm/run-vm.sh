#!/bin/sh
# run-vm.sh KVER OUTDIR [TIMEOUT]: boot Debian's kernel KVER under QEMU with
# the host's root shared read-only, run OUTDIR/job.sh inside, and leave
# job.out, job.rc, dmesg.txt and console.log in OUTDIR.  Exits with the
# job's status; 124 if the guest did not finish in time.  TT_KERNEL=PATH
# boots that image instead of /boot/vmlinuz-KVER (KVER is then its release).
# TT_QEMU_CPU is QEMU's -cpu (default max; the debug kernels' runs turn
# 5-level paging off, see scripts/check-debug).
#
# TT_GUEST_ROOT=DIR shares DIR as the guest's root instead of the host's /
# (a release's root from scripts/distro-kernel.sh): the kernel is
# DIR/usr/lib/modules/KVER/vmlinuz (or DIR/boot/vmlinuz-KVER), its modules
# come from DIR, and TT_GUEST_REPO names the tree the guest runs from, a
# path inside DIR (default /srv/if_tuntap).
set -eu
kver=$1 out=$(realpath "$2") limit=${3:-1800}
here=$(dirname "$(realpath "$0")")
cache=${TT_CACHE:-$here/../../build/vm}
mkdir -p "$cache"
groot=${TT_GUEST_ROOT:-}
if [ -n "$groot" ]; then
	groot=$(realpath "$groot")
	repo=${TT_GUEST_REPO:-/srv/if_tuntap}
	repo_share=$groot$repo
	kernel=$groot/usr/lib/modules/$kver/vmlinuz
	[ -f "$kernel" ] || kernel=$groot/boot/vmlinuz-$kver
	# A kernel of the same release in another root has other modules.
	initrd=$cache/initramfs-$kver-$(basename "$groot").gz
else
	repo=$(cd "$here/../.." && pwd)
	repo_share=$repo
	kernel=/boot/vmlinuz-$kver
	initrd=$cache/initramfs-$kver.gz
fi
kernel=${TT_KERNEL:-$kernel}
if [ ! -s "$initrd" ] || [ "$here/mkinitramfs.sh" -nt "$initrd" ]; then
	"$here/mkinitramfs.sh" "$kver" "$initrd" "$groot"
fi
rm -f "$out/job.rc" "$out/job.out" "$out/dmesg.txt"

# Tests run with slub_debug's checks (TT_SLUB_DEBUG= turns them off, for
# benchmarks); a panic ends the VM at once.
cmdline="console=ttyS0 panic=-1 mitigations=off"
slub=${TT_SLUB_DEBUG-FZPU}
[ -n "$slub" ] && cmdline="$cmdline slub_debug=$slub"
cmdline="$cmdline tt.init=$repo/tests/vm/guest-init.sh tt.repo=$repo ${TT_CMDLINE:-}"
# This machine's /dev/kvm opens but does not run guests: TCG unless asked.
accel=${TT_ACCEL:-tcg}
boot() {
	timeout -k 10 "$limit" qemu-system-x86_64 \
		-machine pc,accel=$accel -cpu "${TT_QEMU_CPU:-max}" -smp "${TT_CPUS:-2}" \
		-m "${TT_MEM:-2048}" \
		-nographic -no-reboot \
		-kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
		-virtfs local,path="${groot:-/}",mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs local,path="$out",mount_tag=out,security_model=none,multidevs=remap \
		-virtfs local,path="$repo_share",mount_tag=repo,security_model=none,readonly=on,multidevs=remap \
		< /dev/null > "$out/console.log" 2>&1
}
# Whether a guest's console shows an int3 oops whose RIP is outside our
# module (see below).
stale_int3() {
	grep -q 'Oops: int3' "$1" &&
		! grep -A6 'Oops: int3' "$1" | grep 'RIP: 0010:' | grep -q if_tuntap
}
set +e
boot
status=$?
# Multi-threaded TCG occasionally runs stale code after the kernel patches
# itself (a static key flipped while booting), and the guest dies before
# our module is ever loaded.  That is QEMU's, not ours: boot once more,
# keeping the first console log.  A crash after the job started counts.
if [ ! -f "$out/job.out" ] && [ $status -ne 124 ] && [ $status -ne 137 ]; then
	mv "$out/console.log" "$out/console-boot-failed.log"
	echo "run-vm: guest on $kver died while booting, before the job; booting again" >&2
	boot
	status=$?
fi
# The same QEMU fault can strike later, when a test flips a static key
# (timestamps, for one): an "int3" oops in kernel text that has already
# been patched.  Our module has no static keys and no kprobes, so an int3
# oops outside it is QEMU's too: run the whole job once more, keeping the
# first run's console log and output.  Any other crash counts.
if [ ! -f "$out/job.rc" ] && [ $status -ne 124 ] && [ $status -ne 137 ] &&
	stale_int3 "$out/console.log"; then
	mv "$out/console.log" "$out/console-int3.log"
	[ -f "$out/job.out" ] && mv "$out/job.out" "$out/job-int3.out"
	echo "run-vm: guest on $kver died of an int3 oops in patched kernel text (multi-threaded TCG); running the job again" >&2
	boot
	status=$?
fi
set -e
if [ $status -eq 124 ] || [ $status -eq 137 ]; then
	echo "run-vm: guest on $kver did not finish within ${limit}s" >&2
	exit 124
fi
if [ ! -f "$out/job.rc" ]; then
	echo "run-vm: guest on $kver stopped before its job ended" >&2
	exit 125
fi
exit "$(cat "$out/job.rc")"
