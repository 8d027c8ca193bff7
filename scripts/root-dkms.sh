#!/bin/sh
# root-dkms.sh ROOTDIR install KVER | remove KVER | clean: the module through
# the project's Debian packages and the root's own apt and DKMS, in a
# chroot, for the "func" suite (tests/run-guest.sh).
#
# A user installs the packages with "apt install ./*.deb", and their DKMS
# builds the module with the release's dkms and compiler; that is what
# this does, at the machine's speed rather than under TCG, in the root the
# guest then boots, where modprobe must find the module and packages.sh
# checks what the packages put in place.  The packages are the tree's own
# (build/deb, scripts/deb.sh), the same for every root.
#
# Two guests may share a root, so the packages go in with the first
# kernel's install and out with the last kernel's remove, which then checks
# that "apt purge" left nothing behind: it prints "ok" or "not ok
# apt_purge_in_root_removes_every_file" for scripts/check to count.  clean
# takes everything of ours out (packages, DKMS builds, /usr/src), so that a
# run starts from a root without it; distro-kernel.sh cleans before it
# prepares a root's kernel.
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
pkgs="if-tuntap-dkms if-tuntap-tools if-tuntap-dev"
# The kernels whose guests use the installed packages, one a line, and
# the root's files before the install.
users=$r/var/lib/.if_tuntap-users
before=$r/var/lib/.if_tuntap-files-before

installed() {
	in_root "$r" dpkg-query -W -f='${Status}\n' if-tuntap-dkms 2> /dev/null |
		grep -q 'install ok installed'
}

# The root's files and links, but for what apt, dpkg, DKMS's signing key,
# depmod and logs keep whatever is installed, and our own bookkeeping.
files() {
	(cd "$r" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev \
		-o -path ./tmp -o -path ./srv -o -path ./var/tmp -o -path ./run \
		-o -path ./var/cache -o -path ./var/log -o -path ./var/lib/apt \
		-o -path ./var/lib/dpkg \) -prune -o ! -type d -print) |
		sed 's|^\.||' | grep -v -e '^/var/lib/dkms/mok\.' \
		-e '^/usr/lib/modules/[^/]*/modules\.' -e '^/var/lib/\.if_tuntap-' |
		LC_ALL=C sort
}

# The packages out; with "check", every file they listed and every file
# their scripts and DKMS made gone, against the list taken before.
purge() {
	for p in $pkgs; do
		in_root "$r" dpkg-query -L "$p" 2> /dev/null || true
	done | LC_ALL=C sort -u > "$r/tmp/if_tuntap-listed"
	in_root "$r" apt-get purge -y $pkgs
	[ "${1:-}" = check ] || return 0
	left=$(while read -r f; do
		[ -d "$r$f" ] && continue
		if [ -e "$r$f" ] || [ -L "$r$f" ]; then
			echo "$f"
		fi
	done < "$r/tmp/if_tuntap-listed"
	files | LC_ALL=C comm -13 "$before" -)
	if [ -n "$left" ]; then
		echo "not ok apt_purge_in_root_removes_every_file: left behind:"
		echo "$left" | sort -u | sed 's/^/#   /'
		return 1
	fi
	echo "ok apt_purge_in_root_removes_every_file" \
		"($(grep -c . "$r/tmp/if_tuntap-listed") listed paths)"
}

case "$what" in
install)
	[ -n "$kver" ] || exit 2
	ver=$(in_root "$r" make -s -C /srv/if_tuntap version)
	debs=$root/build/deb
	if ! ls "$debs/if-tuntap-dkms_${ver}_all.deb" > /dev/null 2>&1; then
		"$root/scripts/deb.sh"
	fi
	if ! installed; then
		files > "$before"
		: > "$users"
		rm -rf "$r/tmp/if_tuntap-debs"
		mkdir -p "$r/tmp/if_tuntap-debs"
		cp "$debs/if-tuntap-dkms_${ver}_all.deb" \
			"$debs/if-tuntap-tools_${ver}_amd64.deb" \
			"$debs/if-tuntap-dev_${ver}_all.deb" "$r/tmp/if_tuntap-debs/"
		# The postinst builds for the kernels it finds with headers;
		# the one asked for is installed below in any case.
		in_root "$r" sh -c 'apt-get install -y --no-install-recommends \
			/tmp/if_tuntap-debs/*.deb'
		rm -rf "$r/tmp/if_tuntap-debs"
	fi
	if ! in_root "$r" dkms status -m if_tuntap -v "$ver" -k "$kver" |
		grep -q installed; then
		in_root "$r" dkms install -m if_tuntap -v "$ver" -k "$kver"
	fi
	grep -qx "$kver" "$users" || echo "$kver" >> "$users"
	;;
remove)
	[ -n "$kver" ] || exit 2
	installed || exit 0
	ver=$(in_root "$r" make -s -C /srv/if_tuntap version)
	if in_root "$r" dkms status -m if_tuntap -v "$ver" -k "$kver" |
		grep -q installed; then
		in_root "$r" dkms remove -m if_tuntap -v "$ver" -k "$kver"
	fi
	grep -vx "$kver" "$users" > "$users.new" || true
	mv "$users.new" "$users"
	[ ! -s "$users" ] || exit 0
	rc=0
	purge check || rc=1
	rm -f "$users" "$before"
	exit $rc
	;;
clean)
	if installed; then
		purge
	fi
	if in_root "$r" sh -c 'command -v dkms' > /dev/null; then
		vs=$(in_root "$r" dkms status -m if_tuntap |
			sed -n 's/^if_tuntap[,/][[:space:]]*\([^,:]*\).*/\1/p' | sort -u)
	else
		vs=
	fi
	for v in $vs; do
		in_root "$r" dkms remove -m if_tuntap -v "$v" --all
	done
	rm -rf "$r"/usr/src/if_tuntap-* "$users" "$before"
	;;
*)
	echo "usage: root-dkms.sh ROOTDIR install KVER | remove KVER | clean" >&2
	exit 2
	;;
esac
