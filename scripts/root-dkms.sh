#!/bin/sh
# root-dkms.sh ROOTDIR install KVER | remove KVER | clean: the module through
# the root's own DKMS, in a chroot, for the "func" suite (tests/run-guest.sh).
#
# A user's DKMS builds the module when the package is installed, with the
# release's dkms and compiler; that is what this does, at the host's speed
# rather than under TCG, in the root the guest then boots, where modprobe
# must find it.  Several kernels of one root may be installed at once (two
# guests share a root), so install and remove touch only KVER's build;
# clean takes everything of ours out of DKMS and /usr/src, so that a full
# suite (make install, the packages) starts from a root without it.
# distro-kernel.sh cleans before it prepares a root's kernel.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/roots-lib.sh"
r=$1 what=$2
kver=${3:-}
trap roots_umount EXIT
# DKMS builds every kernel's module in one directory per version
# (/var/lib/dkms/if_tuntap/VER/build): two kernels' builds at once in a
# root spoil each other, so one at a time.
exec 9> "$r/var/lib/.if_tuntap-dkms.lock"
flock 9
roots_mount_proc "$r"
tree=/srv/if_tuntap

case "$what" in
install)
	[ -n "$kver" ] || exit 2
	ver=$(in_root "$r" make -s -C "$tree" version)
	if ! in_root "$r" dkms status -m if_tuntap -v "$ver" | grep -q .; then
		in_root "$r" make -s -C "$tree" install-dkms DKMS=no
		in_root "$r" dkms add -m if_tuntap -v "$ver"
	fi
	in_root "$r" dkms build -m if_tuntap -v "$ver" -k "$kver"
	in_root "$r" dkms install -m if_tuntap -v "$ver" -k "$kver" --force
	;;
remove)
	[ -n "$kver" ] || exit 2
	ver=$(in_root "$r" make -s -C "$tree" version)
	if in_root "$r" dkms status -m if_tuntap -v "$ver" -k "$kver" |
		grep -q installed; then
		in_root "$r" dkms remove -m if_tuntap -v "$ver" -k "$kver"
	fi
	;;
clean)
	if in_root "$r" sh -c 'command -v dkms' > /dev/null; then
		vs=$(in_root "$r" dkms status -m if_tuntap |
			sed -n 's/^if_tuntap[,/][[:space:]]*\([^,:]*\).*/\1/p' | sort -u)
	else
		vs=
	fi
	for v in $vs; do
		in_root "$r" dkms remove -m if_tuntap -v "$v" --all
	done
	rm -rf "$r"/usr/src/if_tuntap-*
	;;
*)
	echo "usage: root-dkms.sh ROOTDIR install KVER | remove KVER | clean" >&2
	exit 2
	;;
esac
