#!/bin/sh
# newer-kernels.sh: build if_tuntap.ko with W=1 against Debian kernels newer
# than the host's, each in a chroot of the Debian release that ships it and
# with the compiler its headers were made with.  Nothing is installed on the
# host itself (but debootstrap, when it is missing): each release's packages
# come from the host's own Debian mirror into its chroot, through an apt
# configuration of this script's own.
#
#   scripts/newer-kernels.sh [DIR]
#
# DIR (default build/roots, or $TT_ROOTS) keeps one chroot per release; a
# second run reuses them, refreshes their package lists and installs a newer
# header package when the release has one.  The mirror is the host's (from
# its apt sources), or $TT_MIRROR.  Each kernel's build log and module land
# in build/newer-kernels/KVER/.  Exits non-zero when any build failed or
# warned.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
roots=${1:-${TT_ROOTS:-$root/build/roots}}
out=$root/build/newer-kernels

# RELEASE:SUITES:SERIES, the chroot's release, the suites its apt reads
# (the first is the release itself) and the kernel series whose newest
# amd64 headers to build against: every release of scripts/matrix.
targets=$(awk '!/^#/ && NF == 4 && $1 != "host" { print $1 ":" $2 ":" $3 }' \
	scripts/matrix)

if [ "$(id -u)" != 0 ]; then
	echo "newer-kernels: must run as root (debootstrap, chroot)" >&2
	exit 1
fi
. scripts/roots-lib.sh
mkdir -p "$roots" "$out"
roots=$(realpath "$roots")
trap roots_umount EXIT
trap 'exit 130' INT TERM

status=0
summary=
for t in $targets; do
	release=${t%%:*}
	series=${t##*:}
	suites=${t#*:}
	suites=${suites%:*}
	r=$roots/$release
	if ! roots_ensure "$roots" "$release" "$suites"; then
		summary="$summary
$release $series: FAILED (debootstrap)"
		status=1
		continue
	fi
	echo "== $release: the newest $series kernel"
	kver=$(roots_newest_kver "$r" "$series")
	if [ -z "$kver" ]; then
		echo "newer-kernels: $release has no linux-headers-$series" \
			"(see $roots/$release.apt.log)" >&2
		summary="$summary
$release $series: FAILED (no headers)"
		status=1
		continue
	fi
	pkg=linux-headers-$kver
	if ! roots_install "$r" "$roots/$release.apt.log" "$pkg"; then
		echo "newer-kernels: installing $pkg failed," \
			"see $roots/$release.apt.log" >&2
		summary="$summary
$kver: FAILED (apt-get install $pkg)"
		status=1
		continue
	fi
	# shellcheck disable=SC2016 # dpkg-query's field, not the shell's
	pkgver=$(in_root "$r" dpkg-query -W -f='${Version}' "$pkg")
	cc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' \
		"$r/usr/src/linux-headers-$kver/.config" 2>/dev/null)

	# A fresh copy, as "make module" and DKMS build it.
	b=$r/root/if_tuntap/$kver
	rm -rf "$b"
	mkdir -p "$b" "$out/$kver"
	cp -r src include "$b/"
	echo "== $kver ($pkg $pkgver, $cc): make W=1"
	log=$out/$kver/build.log
	if nice -n 10 env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
		chroot "$r" make -C "/usr/src/linux-headers-$kver" \
		M="/root/if_tuntap/$kver/src" W=1 modules > "$log" 2>&1; then
		cp "$b/src/if_tuntap.ko" "$out/$kver/"
		n=$(grep -c 'warning:' "$log" || true)
		if [ "$n" = 0 ]; then
			result="OK, no warnings"
		else
			result="built with $n warning(s)"
			status=1
		fi
	else
		n=$(grep -c 'error:' "$log" || true)
		result="FAILED, $n error(s)"
		status=1
	fi
	grep -E 'warning:|error:' "$log" || true
	summary="$summary
$kver ($pkg $pkgver, $cc): $result"
done
echo
echo "newer-kernels: results (logs in $out/KVER/build.log)$summary"
exit $status
