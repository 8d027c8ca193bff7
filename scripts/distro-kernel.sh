#!/bin/sh
# distro-kernel.sh RELEASE SUITES SERIES: make build/roots/RELEASE ready to
# boot the newest amd64 kernel of SERIES that SUITES offer, as that
# release's users run it.  SERIES may name a flavour (7.3-rt: the
# PREEMPT_RT kernel, 7.3.4+deb13-rt-amd64); without one it is the generic
# -amd64 kernel.
#
#   - the root (debootstrap, once), with the kernel's headers and the
#     guest's userland (roots-lib.sh: iproute2, iperf3, tcpdump, dkms, ...);
#   - the kernel itself, unpacked into the root from Debian's packages
#     (linux-binary, linux-modules, linux-base) and indexed by depmod: the
#     guest boots ROOT/usr/lib/modules/KVER/vmlinuz and loads its modules
#     from the root;
#   - a copy of this tree in ROOT/srv/if_tuntap, built there by
#     scripts/build.sh in a chroot, so the module (W=1, and sparse's C=1
#     where the root has sparse) and every test program come from the
#     release's own compiler.
#
# Prints KVER on stdout, all else on stderr.  Exits non-zero when anything fails or the
# module's W=1 build warns (the log is ROOT/srv/if_tuntap/build/KVER.log).
# TT_ROOTS moves build/roots.  A second run reuses all of it: apt installs
# only what is missing or newer, and make rebuilds only what changed.
#
# TT_KVER=KVER names a kernel already in the root (a debug kernel that
# scripts/debug-kernel.sh built there, its tree behind
# /usr/lib/modules/KVER/build): no Debian kernel or headers are installed,
# the rest is the same.
set -eu
# Everything but the answer goes to stderr, so that a caller can take KVER
# from stdout whatever apt or debootstrap print.
exec 3>&1 1>&2
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/roots-lib.sh
release=$1 suites=$2 series=$3

if [ "$(id -u)" != 0 ]; then
	echo "distro-kernel: must run as root (debootstrap, chroot)" >&2
	exit 1
fi
roots_open "$root" "$release" "$suites"
# What an earlier "func" run's DKMS left (root-dkms.sh), out before apt
# installs headers whose hook would build it for them.
sh scripts/root-dkms.sh "$r" clean
kver=${TT_KVER:-$(roots_newest_kver "$r" "$series")}
if [ -z "$kver" ]; then
	echo "distro-kernel: $release offers no kernel of $series" \
		"(see $roots/$release.apt.log)" >&2
	exit 1
fi
log=$roots/$release.apt.log
# The Debian packages are built (and installed by the suite) only for the
# full suite, which TT_SUITE names (scripts/check sets it).
pkgs=$ROOT_GUEST_PKGS
if [ "${TT_SUITE:-full}" = full ]; then
	pkgs="$pkgs $ROOT_DEB_PKGS"
fi
[ -n "${TT_KVER:-}" ] || pkgs="linux-headers-$kver $pkgs"
# shellcheck disable=SC2086 # lists of names
if ! roots_install "$r" "$log" $pkgs; then
	echo "distro-kernel: apt-get install in $release failed, see $log" >&2
	exit 1
fi

# The image is not installed through apt: linux-image-KVER pulls in an
# initramfs generator and runs it, and the guest boots our own initramfs.
# Unpacking the three packages puts vmlinuz and the modules in place.
# Kernels before 7.x (bookworm's) have no linux-binary split: their
# linux-image-KVER holds /boot/vmlinuz-KVER and the modules itself (and
# 6.12's headers depend on it, so apt may have installed it already).
if [ -z "${TT_KVER:-}" ] && { [ ! -f "$r/usr/lib/modules/$kver/vmlinuz" ] &&
	[ ! -f "$r/boot/vmlinuz-$kver" ] ||
	[ ! -d "$r/usr/lib/modules/$kver/kernel" ]; }; then
	echo "== $kver: kernel image and modules into $r"
	debs="linux-binary-$kver linux-modules-$kver linux-base-$kver"
	in_root "$r" apt-cache show "linux-binary-$kver" > /dev/null 2>&1 ||
		debs=linux-image-$kver
	cache=/var/cache/if_tuntap-kernel
	rm -rf "${r:?}$cache"
	mkdir -p "$r$cache"
	if ! in_root "$r" sh -c "cd $cache && apt-get download -q $debs" \
		>> "$log" 2>&1; then
		echo "distro-kernel: downloading $kver failed, see $log" >&2
		exit 1
	fi
	# An older package's /lib/modules goes through the root's /lib
	# symlink (merged /usr), which a plain extraction would replace.
	for deb in "$r$cache"/*.deb; do
		dpkg-deb --fsys-tarfile "$deb" |
			tar -C "$r" --keep-directory-symlink -xf -
	done
	rm -rf "${r:?}$cache"
fi
in_root "$r" depmod -a "$kver"

# A fresh copy of the tree (but its earlier build), then the build.
tree=$r/srv/if_tuntap
mkdir -p "$tree"
find "$tree" -mindepth 1 -maxdepth 1 ! -name build -exec rm -rf {} +
tar -C "$root" --exclude=./build --exclude=./.git -cf - . | tar -C "$tree" -xf -
seed=${TT_SEEDS:-$root/../shared/seeds}/000_8af2270b7b997bef.txt
rm -rf "$r/srv/if_tuntap-seeds"
if [ -f "$seed" ]; then
	mkdir -p "$r/srv/if_tuntap-seeds"
	cp "$seed" "$r/srv/if_tuntap-seeds/"
fi
mkdir -p "$tree/build"
blog=$tree/build/$kver.log
# The headers: Debian's package, or a debug kernel's whole tree (where its
# build link leads).
hdr=$r/usr/src/linux-headers-$kver
if [ -n "${TT_KVER:-}" ]; then
	hdr=$r$(in_root "$r" readlink -f "/usr/lib/modules/$kver/build")
fi
cc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' \
	"$hdr/.config")
# sparse (C=1) too, where the root has it (ROOT_GUEST_PKGS installs it).
# Since 6.13 kbuild runs it only when scripts/checker-valid.sh finds it
# new enough for the kernel's headers (they use __typeof_unqual__), and
# Debian's header packages lack that script, so kbuild always refuses.
# We ask the root's sparse the same question ourselves and, when it
# understands, overrule kbuild (KBUILD_CHECKSRC on the command line);
# trixie's 0.6.4 does not, and its 7.x builds get W=1 only.  A debug
# kernel's whole tree has the script, and we ask all the same, so that its
# build says the same as Debian's kernel's rather than make's own notice.
flags=W=1
# Debian's KVER headers hold a Makefile that includes the common one; a
# whole tree's (which includes others, but names the checker itself) is
# the top one.
top=$hdr/Makefile
if ! grep -qs checker-valid "$top"; then
	top=$r$(sed -n 's/^include[[:space:]]\{1,\}\(.*\)$/\1/p' "$top" | head -n 1)
fi
if in_root "$r" sh -c 'command -v sparse' > /dev/null; then
	flags="W=1 C=1"
	if grep -qs checker-valid "$top"; then
		echo 'int f(const int *p) { __typeof_unqual__(*p) v = *p; return v; }' \
			> "$r/tmp/tt-sparse-probe.c"
		if in_root "$r" sparse /tmp/tt-sparse-probe.c 2>&1 | grep -q error; then
			flags=W=1
			echo "== $kver: $(in_root "$r" sparse --version) is too old" \
				"for these headers: no sparse"
		else
			flags="W=1 C=1 KBUILD_CHECKSRC=1"
		fi
		rm -f "$r/tmp/tt-sparse-probe.c"
	fi
fi
echo "== $kver ($release, $cc): scripts/build.sh in the root, $flags"
# The module is rebuilt whole, so that its warnings are all in the log.
rm -rf "${tree:?}/build/$kver"
if ! nice -n 10 env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
	LC_ALL=C.UTF-8 TT_KERNELS="$kver" TT_KBUILD_FLAGS="$flags" \
	TT_SUITE="${TT_SUITE:-full}" TT_SEEDS=/srv/if_tuntap-seeds \
	chroot "$r" sh /srv/if_tuntap/scripts/build.sh > "$blog" 2>&1; then
	cat "$blog"
	echo "distro-kernel: the build in $release failed ($blog)" >&2
	exit 1
fi
if grep -E 'warning:' "$blog"; then
	echo "distro-kernel: the build in $release warned ($blog)" >&2
	exit 1
fi
echo "$kver" >&3
