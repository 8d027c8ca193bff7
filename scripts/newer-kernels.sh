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
# amd64 headers to build against.
targets="trixie:trixie,trixie-backports:7.3 sid:sid:7.2"

# Only what the headers do not pull in themselves: each linux-headers
# package depends on the gcc-N-for-host its kernel was built with, but
# that gcc runs the unprefixed "as", which only binutils provides.
base_pkgs=make,libc6-dev,libelf-dev,bc,flex,bison,kmod,pahole,ca-certificates
build_pkgs="$(echo "$base_pkgs" | tr , ' ') binutils"

if [ "$(id -u)" != 0 ]; then
	echo "newer-kernels: must run as root (debootstrap, chroot)" >&2
	exit 1
fi

# The host's Debian archive, never a name written here.
mirror=${TT_MIRROR:-}
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list.d/debian.sources ]; then
	mirror=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)\/*$/\1/p' \
		/etc/apt/sources.list.d/debian.sources | head -n 1)
fi
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
	mirror=$(sed -n 's/^deb[[:space:]]\{1,\}\([^[:space:]]*\/debian\)\/*[[:space:]].*/\1/p' \
		/etc/apt/sources.list | head -n 1)
fi
if [ -z "$mirror" ]; then
	echo "newer-kernels: no Debian mirror in the host's apt sources;" \
		"set TT_MIRROR" >&2
	exit 1
fi

if ! command -v debootstrap > /dev/null; then
	echo "newer-kernels: installing debootstrap"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends --no-upgrade debootstrap
fi

mkdir -p "$roots" "$out"
roots=$(realpath "$roots")

# objtool reads /proc; only what this run mounted is unmounted again.
mounted=
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	for m in $mounted; do
		umount "$m" || true
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The apt configuration lives in the chroot's /etc/if_tuntap-apt, read only
# through APT_CONFIG, so the chroot's own sources stay as debootstrap left
# them.  Snapshot mirrors serve Release files past their Valid-Until date,
# and a chroot has no /dev/pts for dpkg's terminal log.
write_apt_conf() { # CHROOT MIRROR SUITES
	mkdir -p "$1/etc/if_tuntap-apt"
	: > "$1/etc/if_tuntap-apt/sources.list"
	for s in $(echo "$3" | tr , ' '); do
		echo "deb $2 $s main" >> "$1/etc/if_tuntap-apt/sources.list"
	done
	cat > "$1/etc/if_tuntap-apt/apt.conf" <<-EOF
	Dir::Etc::SourceList "/etc/if_tuntap-apt/sources.list";
	Dir::Etc::SourceParts "/etc/if_tuntap-apt/none.d";
	Acquire::Check-Valid-Until "false";
	APT::Install-Recommends "false";
	Dpkg::Use-Pty "false";
	EOF
	mkdir -p "$1/etc/if_tuntap-apt/none.d"
}

in_root() { # CHROOT COMMAND...
	r=$1
	shift
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive \
		APT_CONFIG=/etc/if_tuntap-apt/apt.conf chroot "$r" "$@"
}

status=0
summary=
for t in $targets; do
	release=${t%%:*}
	series=${t##*:}
	suites=${t#*:}
	suites=${suites%:*}
	r=$roots/$release
	# A root without the mark is a debootstrap that did not finish.
	if [ ! -f "$r/.if_tuntap-root" ]; then
		echo "== $release: debootstrap into $r"
		if grep -q " $r/proc " /proc/mounts; then
			umount "$r/proc"
		fi
		rm -rf "$r"
		if ! nice -n 10 debootstrap --variant=minbase \
			--include="$base_pkgs" "$release" "$r" "$mirror" \
			> "$roots/$release.debootstrap.log" 2>&1; then
			echo "newer-kernels: debootstrap $release failed," \
				"see $roots/$release.debootstrap.log" >&2
			summary="$summary
$release $series: FAILED (debootstrap)"
			status=1
			continue
		fi
		touch "$r/.if_tuntap-root"
	fi
	if ! grep -q " $r/proc " /proc/mounts; then
		mount -t proc proc "$r/proc"
		mounted="$mounted $r/proc"
	fi
	write_apt_conf "$r" "$mirror" "$suites"

	echo "== $release: newest linux-headers-$series amd64"
	in_root "$r" apt-get update -qq > "$roots/$release.apt.log" 2>&1 || true
	re=$(echo "$series" | sed 's/\./\\./g')
	pkg=$(in_root "$r" apt-cache pkgnames "linux-headers-$series" |
		grep -E "^linux-headers-${re}[.-][^[:space:]]*-amd64\$" |
		grep -vE -- '-(cloud|rt)-amd64$' | sort -V | tail -n 1)
	if [ -z "$pkg" ]; then
		echo "newer-kernels: $release has no linux-headers-$series" \
			"(see $roots/$release.apt.log)" >&2
		summary="$summary
$release $series: FAILED (no headers)"
		status=1
		continue
	fi
	kver=${pkg#linux-headers-}
	# shellcheck disable=SC2086 # a list of names
	if ! in_root "$r" apt-get install -y -qq "$pkg" $build_pkgs \
		>> "$roots/$release.apt.log" 2>&1; then
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
