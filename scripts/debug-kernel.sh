#!/bin/sh
# debug-kernel.sh: build Debian's linux-source-6.1 as a debug kernel (KASAN,
# lockdep, kmemleak, DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS, UBSAN, SLUB_DEBUG,
# fault injection)
# with everything the test harness needs built in, then build if_tuntap.ko
# against it.  The release check (scripts/check-debug) boots it.
#
# Leaves, under $TT_DEBUG_DIR (default build/debug-kernel):
#   linux-source-6.1/           the configured, built tree
#   bzImage                     the kernel image
#   if_tuntap.ko                the module built against that tree
#   kver                        the kernel's release string (6.1.N-ttdebug)
#   modroot/lib/modules/KVER/   modules.builtin and friends, so that the
#                               guest's modprobe finds the built-in drivers
# A second run reuses the tree: make only rebuilds what changed, and the
# configuration is rewritten only when this script's fragment changes.
#
# TT_DEBUG_RT=1 builds the PREEMPT_RT variant instead, from
# linux-source-6.12 (RT is in mainline since 6.12) into
# build/rt-debug-kernel: the same harness options, lockdep,
# DEBUG_ATOMIC_SLEEP and DEBUG_PREEMPT, but no KASAN, kmemleak, UBSAN or
# coverage, so that it runs the suite at near Debian's speed.  Debian's own
# -rt kernels check none of that: this one is what says whether a lock is
# taken where RT may not sleep (docs/kernels.md, "PREEMPT_RT").
#
# TT_DEBUG_SERIES=7.3 (any series of scripts/matrix) builds that series'
# linux-source-SERIES instead, into build/debug-kernel-SERIES (build/
# rt-debug-kernel-SERIES with TT_DEBUG_RT=1).  A series the host runs
# (6.1, 6.12) is built here with the host's gcc-12; any other is built
# where scripts/matrix's line of it builds: in that release's root
# (build/roots/RELEASE, TT_ROOTS; roots-lib.sh), in a chroot, with the
# release's compiler (7.x's headers want gcc-14) and the source package
# from the root's own apt configuration.  The debug folder is then bound
# into the root at its own path, so that the tree has one name in and out
# of the chroot, and the kernel's modules.builtin and the like also go into
# the root's /usr/lib/modules/KVER, where the guest that boots with that
# root as its userland (scripts/check-debug) and DKMS look for them.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/roots-lib.sh
rt=${TT_DEBUG_RT:-0}
series=$(debug_series)
dir=$(debug_dir "$root")
jobs=${TT_JOBS:-$(nproc)}
mkdir -p "$dir"
dir=$(realpath "$dir")
src=$dir/linux-source-$series

# Where to build: the host, or the root of the series' line in the matrix.
line=$(roots_matrix_line scripts/matrix "$series")
if [ -z "$line" ]; then
	echo "debug-kernel: scripts/matrix has no line for $series" >&2
	exit 1
fi
release=${line%% *} suites=${line#* }
r=
if [ "$release" != host ]; then
	roots_open "$root" "$release" "$suites"
	roots_bind "$r" "$dir"
fi
tarball=$r/usr/src/linux-source-$series.tar.xz
# A command with the host's tools, or the root's (same paths: roots_bind).
here() {
	if [ -n "$r" ]; then
		in_root "$r" "$@"
	else
		"$@"
	fi
}
# make in the kernel tree, at the priority of the machine's other work.
kmake() {
	here nice -n "${TT_NICE:-10}" make -s -C "$src" "$@"
}

# What building a kernel needs, installed only when missing (in the root:
# its own packages, never an upgrade of what its other users rely on).
need=
for p in linux-source-$series bc bison flex libelf-dev libssl-dev dwarves rsync \
	cpio xz-utils make gcc kmod; do
	here dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q 'install ok installed' || need="$need $p"
done
if [ -n "$need" ]; then
	echo "debug-kernel: installing$need${r:+ into $r}"
	if [ -n "$r" ]; then
		# shellcheck disable=SC2086
		roots_install "$r" "$roots/$release.apt.log" --no-upgrade $need
	else
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		# shellcheck disable=SC2086
		apt-get install -y -qq $need
	fi
fi

# Extract once; a stamp records which source package the tree came from.
srcver=$(here dpkg-query -W -f='${Version}' "linux-source-$series")
if [ ! -f "$src/.tt-extracted" ] || [ "$(cat "$src/.tt-extracted")" != "$srcver" ]; then
	echo "debug-kernel: extracting linux-source-$series $srcver"
	rm -rf "$src"
	tar -xJf "$tarball" -C "$dir"
	echo "$srcver" > "$src/.tt-extracted"
fi

# The configuration: defconfig + kvm_guest.config + this fragment.  Debug
# options first, then what the harness and the suite use, built in so the
# guest needs no module but ours.
frag=$dir/tt-debug.config
cat > "$frag.new" <<'EOF'
CONFIG_LOCALVERSION="-ttdebug"
CONFIG_LOCALVERSION_AUTO=n
# --- memory and locking debugging
CONFIG_KASAN=y
CONFIG_KASAN_GENERIC=y
CONFIG_KASAN_INLINE=y
CONFIG_KASAN_VMALLOC=y
CONFIG_PROVE_LOCKING=y
CONFIG_DEBUG_LOCKDEP=n
CONFIG_PROVE_RCU=y
CONFIG_DEBUG_ATOMIC_SLEEP=y
CONFIG_DEBUG_KMEMLEAK=y
CONFIG_DEBUG_KMEMLEAK_MEM_POOL_SIZE=40000
CONFIG_DEBUG_KMEMLEAK_DEFAULT_OFF=n
CONFIG_DEBUG_KMEMLEAK_AUTO_SCAN=n
CONFIG_DEBUG_OBJECTS=y
CONFIG_DEBUG_OBJECTS_FREE=y
CONFIG_DEBUG_OBJECTS_TIMERS=y
CONFIG_DEBUG_OBJECTS_WORK=y
CONFIG_DEBUG_OBJECTS_RCU_HEAD=y
CONFIG_DEBUG_OBJECTS_PERCPU_COUNTER=y
CONFIG_DEBUG_OBJECTS_ENABLE_DEFAULT=1
CONFIG_UBSAN=y
CONFIG_UBSAN_TRAP=n
CONFIG_UBSAN_BOUNDS=y
CONFIG_UBSAN_SHIFT=y
CONFIG_UBSAN_DIV_ZERO=y
CONFIG_UBSAN_BOOL=y
CONFIG_UBSAN_ENUM=y
CONFIG_UBSAN_SANITIZE_ALL=y
CONFIG_SLUB_DEBUG=y
CONFIG_DEBUG_LIST=y
CONFIG_DEBUG_NOTIFIERS=y
CONFIG_REF_TRACKER=y
CONFIG_NET_DEV_REFCNT_TRACKER=y
CONFIG_NET_NS_REFCNT_TRACKER=y
CONFIG_DEBUG_NET=y
CONFIG_DETECT_HUNG_TASK=y
CONFIG_DEFAULT_HUNG_TASK_TIMEOUT=600
CONFIG_SOFTLOCKUP_DETECTOR=y
CONFIG_DEBUG_FS=y
CONFIG_KALLSYMS=y
CONFIG_KALLSYMS_ALL=y
CONFIG_STACKTRACE=y
CONFIG_MAGIC_SYSRQ=y
# --- coverage, for the fuzzer and the coverage report: KCOV and gcov
# only where asked (our module's Kbuild), so the rest runs at full speed
CONFIG_KCOV=y
CONFIG_KCOV_INSTRUMENT_ALL=n
CONFIG_GCOV_KERNEL=y
CONFIG_GCOV_PROFILE_ALL=n
# --- fault injection: /proc/thread-self/fail-nth fails a task's Nth
# allocation, so that the tests reach the out-of-memory paths
CONFIG_FAULT_INJECTION=y
CONFIG_FAILSLAB=y
CONFIG_FAIL_PAGE_ALLOC=y
CONFIG_FAULT_INJECTION_DEBUG_FS=y
# --- modules: ours is insmod'ed, unsigned
CONFIG_MODULES=y
CONFIG_MODULE_UNLOAD=y
CONFIG_MODULE_FORCE_UNLOAD=n
CONFIG_MODULE_SIG=n
CONFIG_MODULE_SIG_FORCE=n
CONFIG_MODULE_COMPRESS_NONE=y
CONFIG_SYSTEM_TRUSTED_KEYS=""
CONFIG_DEBUG_INFO_BTF=n
CONFIG_WERROR=n
# --- the harness: boot from an initramfs, host root over virtio-9p
CONFIG_BLK_DEV_INITRD=y
CONFIG_DEVTMPFS=y
CONFIG_DEVTMPFS_MOUNT=y
CONFIG_TMPFS=y
CONFIG_TMPFS_POSIX_ACL=y
CONFIG_OVERLAY_FS=y
CONFIG_VIRTIO=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_CONSOLE=y
CONFIG_NET_9P=y
CONFIG_NET_9P_VIRTIO=y
CONFIG_9P_FS=y
CONFIG_9P_FS_POSIX_ACL=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_UNIX98_PTYS=y
CONFIG_CGROUPS=y
# security.sh: a unit's memory is charged to its creator's cgroup
CONFIG_MEMCG=y
# --- the suite: namespaces, IPv4/IPv6, veth, Linux tun, bridge, packet, VRF
CONFIG_NAMESPACES=y
CONFIG_NET_NS=y
CONFIG_USER_NS=y
CONFIG_PID_NS=y
CONFIG_UTS_NS=y
CONFIG_IPC_NS=y
CONFIG_NET=y
CONFIG_INET=y
CONFIG_IPV6=y
CONFIG_UNIX=y
CONFIG_PACKET=y
CONFIG_NETDEVICES=y
CONFIG_NET_CORE=y
CONFIG_TUN=y
CONFIG_VETH=y
CONFIG_BRIDGE=y
CONFIG_DUMMY=y
CONFIG_MACVLAN=y
CONFIG_VLAN_8021Q=y
# freebsd-fibs.sh: FreeBSD's FIBs are VRFs, with IPv6's own tables
CONFIG_NET_L3_MASTER_DEV=y
CONFIG_NET_VRF=y
CONFIG_IPV6_MULTIPLE_TABLES=y
CONFIG_NETFILTER=n
CONFIG_BPF_SYSCALL=y
# --- hardware the guest does not have (QEMU gives it virtio and a serial
# port): left out, it halves the build, which KASAN and UBSAN make slow
CONFIG_DRM=n
CONFIG_AGP=n
CONFIG_SOUND=n
CONFIG_USB_SUPPORT=n
CONFIG_WIRELESS=n
CONFIG_WLAN=n
CONFIG_RFKILL=n
CONFIG_ETHERNET=n
CONFIG_NFS_FS=n
CONFIG_NFSD=n
CONFIG_MD=n
CONFIG_INPUT_JOYSTICK=n
CONFIG_INPUT_TABLET=n
CONFIG_INPUT_TOUCHSCREEN=n
CONFIG_PCCARD=n
CONFIG_HAMRADIO=n
CONFIG_MACINTOSH_DRIVERS=n
CONFIG_FIREWIRE=n
CONFIG_EDAC=n
EOF
# The RT variant: its options replace the same ones above.
if [ "$rt" = 1 ]; then
	cat > "$dir/tt-rt.config.in" <<'EOF'
CONFIG_LOCALVERSION="-ttrt"
# --- PREEMPT_RT, and the checks that matter there: a sleeping lock (every
# spinlock_t on RT) taken where the task may not sleep, per-CPU data used
# where the task may migrate, lock order
CONFIG_EXPERT=y
CONFIG_PREEMPT_RT=y
CONFIG_DEBUG_PREEMPT=y
CONFIG_PROVE_LOCKING=y
CONFIG_DEBUG_ATOMIC_SLEEP=y
CONFIG_DEBUG_IRQFLAGS=y
# --- left out for speed: the generic debug kernel has them
CONFIG_KASAN=n
CONFIG_KASAN_GENERIC=n
CONFIG_KASAN_INLINE=n
CONFIG_KASAN_VMALLOC=n
CONFIG_DEBUG_KMEMLEAK=n
CONFIG_DEBUG_KMEMLEAK_DEFAULT_OFF=n
CONFIG_DEBUG_KMEMLEAK_AUTO_SCAN=n
CONFIG_UBSAN=n
CONFIG_UBSAN_TRAP=n
CONFIG_UBSAN_BOUNDS=n
CONFIG_UBSAN_SHIFT=n
CONFIG_UBSAN_DIV_ZERO=n
CONFIG_UBSAN_BOOL=n
CONFIG_UBSAN_ENUM=n
CONFIG_UBSAN_SANITIZE_ALL=n
CONFIG_KCOV=n
CONFIG_KCOV_INSTRUMENT_ALL=n
CONFIG_GCOV_KERNEL=n
CONFIG_GCOV_PROFILE_ALL=n
EOF
	awk -F= 'NR == FNR { if (/^CONFIG_/) k[$1] = 1; next }
		!($1 in k)' "$dir/tt-rt.config.in" "$frag.new" > "$frag.tmp"
	cat "$dir/tt-rt.config.in" >> "$frag.tmp"
	mv "$frag.tmp" "$frag.new"
	rm -f "$dir/tt-rt.config.in"
fi
# Options this tree's Kconfig does not define are left out, and said so.
# 7.3 has none of UBSAN_SANITIZE_ALL (UBSAN instruments everything it may
# once it is on), MODULE_COMPRESS_NONE (compression became one bool,
# MODULE_COMPRESS, off unless asked) and HAMRADIO (amateur radio left the
# tree); what they did is 7.3's default.
find "$src" -name 'Kconfig*' -exec sed -n \
	's/^\(menu\)\{0,1\}config[[:space:]]\{1,\}\([A-Za-z0-9_]\{1,\}\).*/\2/p' {} + \
	> "$dir/kconfig-symbols"
awk 'NR == FNR { def["CONFIG_" $1] = 1; next }
	/^CONFIG_/ { split($0, kv, "="); if (!(kv[1] in def)) {
		print "debug-kernel: " kv[1] " is not in this tree: left out" > "/dev/stderr"
		next } }
	{ print }' "$dir/kconfig-symbols" "$frag.new" > "$frag.tmp"
mv "$frag.tmp" "$frag.new"
sum() { md5sum "$1" | cut -d' ' -f1; }
if [ ! -f "$src/.config" ] || [ ! -f "$frag" ] || [ "$(sum "$frag")" != "$(sum "$frag.new")" ]; then
	echo "debug-kernel: configuring${r:+ in $r}"
	mv "$frag.new" "$frag"
	kmake defconfig
	kmake kvm_guest.config
	here sh -c 'cd "$1" && scripts/kconfig/merge_config.sh -m .config "$2"' \
		sh "$src" "$frag" > /dev/null
	kmake olddefconfig
	# Report options of the fragment that Kconfig would not take.
	grep -E '^CONFIG_[A-Z0-9_]+=' "$frag" | while IFS='=' read -r k v; do
		got=$(grep -E "^$k=|^# $k is not set" "$src/.config" || true)
		case "$v" in
		n) case "$got" in ""|"# $k is not set") continue ;; esac ;;
		*) [ "$got" = "$k=$v" ] && continue ;;
		esac
		echo "debug-kernel: note: $k=$v not applied (${got:-absent})"
	done
else
	rm -f "$frag.new"
fi

echo "debug-kernel: building bzImage with -j$jobs${r:+ in $r} (long: ~20 min on 2 cores)"
start=$(date +%s)
kmake -j"$jobs" bzImage modules
echo "debug-kernel: kernel built in $(($(date +%s) - start))s"
cp "$src/arch/x86/boot/bzImage" "$dir/bzImage"
kmake kernelrelease > "$dir/kver"
kver=$(cat "$dir/kver")
# Everything the harness and the suite need is built in; modprobe still
# wants modules.builtin to say so (the guest bind-mounts this over
# /lib/modules).
rm -rf "$dir/modroot"
kmake INSTALL_MOD_PATH="$dir/modroot" modules_install > /dev/null
# ... and builds against the tree (the userland case's DKMS install).
ln -sfn "$src" "$dir/modroot/lib/modules/$kver/build"
# A root's guest takes its modules from the root itself, and its DKMS
# looks there for the tree.
if [ -n "$r" ]; then
	rm -rf "${r:?}/usr/lib/modules/$kver"
	cp -a "$dir/modroot/lib/modules/$kver" "$r/usr/lib/modules/$kver"
	in_root "$r" depmod -a "$kver"
fi

# The module, out of tree, against the debug tree (like scripts/build.sh).
mod=$dir/module
mkdir -p "$mod/src" "$mod/include"
cp -u src/*.c src/*.h src/Kbuild "$mod/src/"
cp -ru include/net "$mod/include/"
# shellcheck disable=SC2086
kmake -j"$jobs" M="$mod/src" ${TT_KBUILD_FLAGS:-} modules
cp "$mod/src/if_tuntap.ko" "$dir/if_tuntap.ko"
echo "debug-kernel: $dir/bzImage ($kver${r:+, built in $r}), $dir/if_tuntap.ko"
