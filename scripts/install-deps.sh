#!/bin/sh
# Installs what building and testing if_tuntap needs on Debian 12, as root.
# Idempotent: packages already present are left alone, so a second run is quick.
# debhelper, dh-dkms, dpkg-dev and lintian build and check the Debian
# packages ("make deb", scripts/deb.sh), which the guest installs.
# Newer releases' kernels, compilers and userlands go into their own roots
# (scripts/distro-kernel.sh), never onto this machine: debootstrap makes them.
set -eu

pkgs="build-essential kmod qemu-system-x86 busybox-static cpio
linux-image-amd64 linux-headers-amd64
linux-image-6.12-amd64 linux-headers-6.12-amd64
iproute2 iputils-ping iperf3 tcpdump ethtool procps psmisc
sparse python3 man-db groff-base dkms udev linux-perf gcc-multilib
debootstrap libssl-dev zlib1g-dev
debhelper dh-dkms dpkg-dev lintian"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing (run as root)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
