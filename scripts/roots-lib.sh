# shellcheck shell=sh
# roots-lib.sh: sourced by newer-kernels.sh, distro-kernel.sh and check.  A "root"
# is a debootstrapped Debian release in build/roots/RELEASE: it builds the
# module with that release's own compiler (in a chroot) and, shared over
# 9p, is the whole userland of the guest that boots that release's kernel.
#
# Nothing of the host's apt is touched: every package comes from the host's
# own mirror (read from its apt sources, never named here) through an apt
# configuration that lives inside the root and is read only through
# APT_CONFIG.

# Packages every root gets at debootstrap time: what a module build needs
# beside the headers.  The headers depend on the gcc-N their kernel was
# built with, but that gcc runs the unprefixed "as" of binutils.
ROOT_BASE_PKGS=make,libc6-dev,libelf-dev,bc,flex,bison,kmod,pahole,ca-certificates,binutils

# What the suite runs in a guest whose userland is the root, as a user of
# that release has it: the network tools, dkms and its compiler, udev for
# the rule, systemd for the boot's module loading (systemd-modules-load;
# bookworm's udev does not pull it in, later releases' does), man for the
# pages, gcc-multilib for the 32-bit test program,
# xz and zstd for Debian's compressed modules, OpenSSL's and zlib's headers
# for tinc (scripts/tinc.sh); and sparse, which checks the module's build
# there (C=1) as on the host.
# shellcheck disable=SC2034 # used by the scripts that source this file
ROOT_GUEST_PKGS="iproute2 iputils-ping iperf3 tcpdump ethtool procps psmisc
python3 dkms udev systemd man-db groff-base gcc make gcc-multilib xz-utils zstd
libssl-dev zlib1g-dev sparse"

# For the full suite only (tests/cases/packages.sh): what builds the Debian
# packages in the root (scripts/deb.sh through build.sh), with that
# release's debhelper, dh-dkms and lintian.
# shellcheck disable=SC2034 # used by the scripts that source this file
ROOT_DEB_PKGS="build-essential debhelper dh-dkms dpkg-dev lintian"

# roots_host_uri NAME: the URI of the host's apt sources whose path ends
# in /NAME (debian, debian-security), deb822 or one-line style.
roots_host_uri() {
	_u=
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		_u=$(sed -n "s/^URIs:[[:space:]]*\([^[:space:]]*\/$1\)\/*\$/\1/p" \
			/etc/apt/sources.list.d/debian.sources | head -n 1)
	fi
	if [ -z "$_u" ] && [ -f /etc/apt/sources.list ]; then
		_u=$(sed -n "s/^deb[[:space:]]\{1,\}\([^[:space:]]*\/$1\)\/*[[:space:]].*/\1/p" \
			/etc/apt/sources.list | head -n 1)
	fi
	echo "$_u"
}

# The host's Debian archive, or $TT_MIRROR.
roots_mirror() {
	m=${TT_MIRROR:-$(roots_host_uri debian)}
	if [ -z "$m" ]; then
		echo "roots: no Debian mirror in the host's apt sources; set TT_MIRROR" >&2
		return 1
	fi
	echo "$m"
}

# The host's security archive, for a root whose suites name
# RELEASE-security (bookworm's kernels are updated there): the host's own,
# or $TT_SECURITY_MIRROR, or the Debian mirror's sibling, as Debian lays
# them out.
roots_security_mirror() {
	m=${TT_SECURITY_MIRROR:-$(roots_host_uri debian-security)}
	if [ -z "$m" ]; then
		m=$(roots_mirror) || return 1
		m=$m-security
	fi
	echo "$m"
}

roots_need_debootstrap() {
	command -v debootstrap > /dev/null && return 0
	echo "roots: installing debootstrap" >&2
	DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends --no-upgrade debootstrap
}

# The apt configuration lives in the root's /etc/if_tuntap-apt, so the
# root's own sources stay as debootstrap left them.  Snapshot mirrors serve
# Release files past their Valid-Until date, and a chroot has no /dev/pts
# for dpkg's terminal log.
roots_write_apt_conf() { # ROOT MIRROR SUITES
	mkdir -p "$1/etc/if_tuntap-apt/none.d"
	: > "$1/etc/if_tuntap-apt/sources.list"
	for s in $(echo "$3" | tr , ' '); do
		case "$s" in
		*-security)
			_sec=$(roots_security_mirror) || return 1
			echo "deb $_sec $s main"
			;;
		*) echo "deb $2 $s main" ;;
		esac >> "$1/etc/if_tuntap-apt/sources.list"
	done
	cat > "$1/etc/if_tuntap-apt/apt.conf" <<-EOF
	Dir::Etc::SourceList "/etc/if_tuntap-apt/sources.list";
	Dir::Etc::SourceParts "/etc/if_tuntap-apt/none.d";
	Acquire::Check-Valid-Until "false";
	APT::Install-Recommends "false";
	Dpkg::Use-Pty "false";
	EOF
}

in_root() { # ROOT COMMAND...
	_r=$1
	shift
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive \
		APT_CONFIG=/etc/if_tuntap-apt/apt.conf chroot "$_r" "$@"
}

# objtool and some maintainer scripts read /proc; only what this process
# mounted is unmounted again (call roots_umount from an EXIT trap).
ROOTS_MOUNTED=
roots_mount_proc() { # ROOT
	grep -q " $1/proc " /proc/mounts && return 0
	mount -t proc proc "$1/proc"
	ROOTS_MOUNTED="$ROOTS_MOUNTED $1/proc"
}

roots_umount() {
	for _m in $ROOTS_MOUNTED; do
		umount "$_m" || true
	done
	ROOTS_MOUNTED=
}

# roots_remove_module TREE ROOTDIR KVER OUT: after a func guest, KVER's
# DKMS build out of the root and, with the root's last kernel, the
# packages purged (root-dkms.sh remove, log in OUT/remove.log); the
# verdict lines go to OUT/host.out, counted with the guest's.
roots_remove_module() {
	: > "$4/host.out"
	if ! "$1/scripts/root-dkms.sh" "$2" remove "$3" > "$4/remove.log" 2>&1; then
		echo "== $3: DKMS remove or purge in $2 failed ($4/remove.log)"
		grep -q '^not ok ' "$4/remove.log" ||
			echo "not ok root_packages_removed ($4/remove.log)" > "$4/host.out"
	fi
	grep -E '^(ok|not ok|#) ' "$4/remove.log" >> "$4/host.out" || true
}

# roots_open TREE RELEASE SUITES: sets roots (TT_ROOTS, or TREE's
# build/roots) and r (RELEASE's root in it), unmounts on exit what this
# process mounts, and makes the root ready (roots_ensure).
roots_open() {
	roots=${TT_ROOTS:-$1/build/roots}
	mkdir -p "$roots"
	roots=$(realpath "$roots")
	# shellcheck disable=SC2034 # the caller's
	r=$roots/$2
	trap roots_umount EXIT
	trap 'exit 130' INT TERM
	roots_ensure "$roots" "$2" "$3"
}

# roots_ensure ROOTS RELEASE SUITES: debootstrap RELEASE into ROOTS/RELEASE
# unless a finished one is there (marked .if_tuntap-root), mount its /proc,
# write its apt configuration and refresh its package lists.
roots_ensure() {
	_r=$1/$2
	_mirror=$(roots_mirror) || return 1
	if [ ! -f "$_r/.if_tuntap-root" ]; then
		echo "== $2: debootstrap into $_r" >&2
		roots_need_debootstrap || return 1
		if grep -q " $_r/proc " /proc/mounts; then
			umount "$_r/proc"
		fi
		rm -rf "$_r"
		if ! nice -n 10 debootstrap --variant=minbase \
			--include="$ROOT_BASE_PKGS" "$2" "$_r" "$_mirror" \
			> "$1/$2.debootstrap.log" 2>&1; then
			echo "roots: debootstrap $2 failed, see $1/$2.debootstrap.log" >&2
			return 1
		fi
		touch "$_r/.if_tuntap-root"
	fi
	roots_mount_proc "$_r"
	roots_write_apt_conf "$_r" "$_mirror" "$3" || return 1
	in_root "$_r" apt-get update -qq > "$1/$2.apt.log" 2>&1 || true
}

# A SERIES of scripts/matrix is a kernel series, with a flavour after a
# dash when it is not the generic one: 7.3 (7.3.4+deb13-amd64), 6.12-rt
# (6.12.118+deb12-rt-amd64).  series_base and series_flavour split it.
series_base() {
	echo "${1%%-*}"
}

series_flavour() {
	case "$1" in
	*-*) echo "${1#*-}" ;;
	esac
}

# series_kver_re SERIES: an extended regular expression that matches the
# releases of SERIES' kernels (KVER, e.g. 7.3.4+deb13-rt-amd64) and no
# other flavour's: the generic flavour is plain "-amd64".
series_kver_re() {
	_re=$(series_base "$1" | sed 's/\./\\./g')
	_fl=$(series_flavour "$1")
	if [ -n "$_fl" ]; then
		echo "^${_re}[.-][^[:space:]]*-${_fl}-amd64\$"
	else
		echo "^${_re}[.-][^[:space:]]*[0-9]-amd64\$"
	fi
}

# roots_newest_kver ROOT SERIES: the newest amd64 kernel of SERIES, in its
# flavour (e.g. 7.3.4+deb13-amd64 for 7.3, 7.3.4+deb13-rt-amd64 for
# 7.3-rt), that the root's suites offer.
roots_newest_kver() {
	in_root "$1" apt-cache pkgnames "linux-headers-$(series_base "$2")" |
		sed 's/^linux-headers-//' | grep -E "$(series_kver_re "$2")" |
		sort -V | tail -n 1
}

# roots_install ROOT LOG PACKAGE...: install into the root, quietly.
roots_install() {
	_r=$1 _log=$2
	shift 2
	in_root "$_r" apt-get install -y -qq "$@" >> "$_log" 2>&1
}

# roots_matrix_line MATRIX SERIES: "ROOT SUITES" of the first line of
# SERIES in MATRIX (scripts/matrix), "host -" when the machine itself runs
# that series, or nothing.  The debug kernels (scripts/debug-kernel.sh) are
# built where that line's kernel is: on the host with its gcc, or in that
# root with the release's own compiler.
roots_matrix_line() {
	awk -v s="$2" '!/^#/ && NF >= 4 && $3 == s { print $1, $2; exit }' "$1"
}

# roots_bind ROOT DIR: DIR visible at the same path inside ROOT, so that a
# tree built in the chroot and one seen from the host name the same files
# (the debug kernel's build symlink, DKMS, the module's M=).  Unmounted by
# roots_umount, like /proc, when this process mounted it.
roots_bind() {
	grep -q " $1$2 " /proc/mounts && return 0
	mkdir -p "$1$2"
	mount --bind "$2" "$1$2"
	ROOTS_MOUNTED="$1$2 $ROOTS_MOUNTED"
}

# debug_series and debug_dir ROOTDIR: which kernel series scripts/
# debug-kernel.sh builds and where (TT_DEBUG_RT, TT_DEBUG_SERIES,
# TT_DEBUG_DIR), for it and for scripts/check-debug, which boots it: 6.1 in
# build/debug-kernel, 6.12 in build/rt-debug-kernel for RT, and any other
# series in the same folder with -SERIES after it.
debug_series() {
	if [ "${TT_DEBUG_RT:-0}" = 1 ]; then
		echo "${TT_DEBUG_SERIES:-6.12}"
	else
		echo "${TT_DEBUG_SERIES:-6.1}"
	fi
}

debug_dir() {
	if [ "${TT_DEBUG_RT:-0}" = 1 ]; then
		_d=rt-debug-kernel _s=6.12
	else
		_d=debug-kernel _s=6.1
	fi
	[ "$(debug_series)" = "$_s" ] || _d=$_d-$(debug_series)
	echo "${TT_DEBUG_DIR:-$1/build/$_d}"
}
