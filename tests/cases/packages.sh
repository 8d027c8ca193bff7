#!/bin/sh
# The Debian packages, as a user meets them: "apt install ./*.deb" of the
# packages scripts/build.sh made (build/deb/, from "make deb") builds the
# module through DKMS for the running kernel and loads it, the tools and
# the headers work, the module comes back with no modprobe at boot, and
# "apt purge" removes every file the packages and their scripts put in
# place.
#
# The guest has no network and its root is the host's, read-only: /usr,
# /etc, /var and /boot get a writable overlay (upper layer in tmpfs) for the
# length of this file, in the initial mount namespace, so that apt, dpkg,
# DKMS and the kernel's modprobe all see the packages.  Only what the
# host's own Debian 12 already has is needed (dkms, its compiler, the
# kernel headers); apt takes the .debs from the 9p-shared tree.
#
# The boot: the guest's PID 1 is tests/vm/guest-init.sh, not systemd, and
# its root goes when it powers off, so no second boot of an installed
# root is tried.  What a boot does for the module is systemd's
# systemd-modules-load.service (or the kmod init script) reading
# /usr/lib/modules-load.d/: this file unloads the module, checks that
# /dev/tun is gone, runs that same program, systemd-modules-load, and
# opens /dev/tun.
. "$(dirname "$0")/../lib.sh"

# The installed tools, not the tree's build/tools that lib.sh puts first.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
PT=/tmp/packages
KVER=$(uname -r)
DEBS=$TT_ROOT/build/deb
export DEBIAN_FRONTEND=noninteractive

# The overlays, guest-init's scratch /var/tmp again under the new /var,
# and only the running kernel's config in /boot: DKMS's first install
# builds for the running kernel and for the newest one in /boot, on 6.1
# 6.12 too, another ten minutes or more under TCG that test nothing of
# ours.
overlay_up() {
	overlays_up "$PT" /usr /etc /var /boot || return 1
	mount -t tmpfs -o mode=1777 tmpfs /var/tmp
	for c in /boot/config-*; do
		[ "$c" = "/boot/config-$KVER" ] || rm -f "$c"
	done
}

overlay_down() {
	umount -l /var/tmp 2> /dev/null
	overlays_down
}

# "! cmd" does not stop a "set -e" shell; this does.
not() {
	if "$@" > /dev/null 2>&1; then
		die "'$*' succeeded, expected it to fail"
	fi
}

# The module gone, as before a boot: no cloning node either.
unload() {
	if [ -d /sys/module/if_tuntap ]; then
		rmmod if_tuntap
	fi
	[ ! -e /dev/tun ] || die "/dev/tun is still there without the module"
}

# A FreeBSD program, compiled against the installed headers alone: opens
# /dev/tun, names its unit, sets IFHEAD and TRANSIENT, and prints the
# name; the unit goes when it exits.
freebsd_program() {
	cat > "$PT/fbsd.c" <<-'EOF'
	#include <sys/types.h>
	#include <sys/ioctl.h>
	#include <sys/socket.h>
	#include <arpa/inet.h>
	#include <net/if.h>
	#include <net/if_tun.h>
	#include <fcntl.h>
	#include <stdio.h>
	#include <string.h>
	#include <unistd.h>
	int main(void)
	{
		struct ifreq ifr;
		int one = 1, fd = open("/dev/tun", O_RDWR);
		if (fd < 0) { perror("open /dev/tun"); return 1; }
		memset(&ifr, 0, sizeof(ifr));
		if (ioctl(fd, TUNGIFNAME, &ifr) < 0 ||
		    ioctl(fd, TUNSIFHEAD, &one) < 0 ||
		    ioctl(fd, TUNSTRANSIENT, &one) < 0) { perror("ioctl"); return 1; }
		printf("%s\n", ifr.ifr_name);
		return 0;
	}
	EOF
	# As a FreeBSD program builds: the compiler's default C (struct ifreq
	# is a BSD name, hidden by a strict -std=c11).
	cc -Wall -Wextra -Werror -o "$PT/fbsd" "$PT/fbsd.c"
}

# What the packages of VERSION installed, the module loaded: the tools,
# the headers, the pages, the rule and the boot file in place; a FreeBSD
# program compiled against the installed headers opens /dev/tun (its
# transient unit gone with it); tuntapctl and tunfwd from /usr/sbin work.
installed_files_work() {
	[ "$(command -v tuntapctl)" = /usr/sbin/tuntapctl ]
	[ "$(tuntapctl version | head -n 1)" = "tuntapctl $1" ]
	for f in /usr/include/net/if_tun.h /usr/include/net/if_tap.h \
		/usr/share/man/man4/tun.4.gz /usr/share/man/man8/tunfwd.8.gz \
		/usr/lib/udev/rules.d/70-if_tuntap.rules; do
		[ -f "$f" ] || die "$f is not installed"
	done
	grep -qx if_tuntap /usr/lib/modules-load.d/if_tuntap.conf
	freebsd_program
	name=$("$PT/fbsd")
	case "$name" in tun[0-9]*) ;; *) die "fbsd printed '$name'" ;; esac
	not link_exists "$name"
	name=$(tuntapctl create tap)
	tuntapctl show "$name" > /dev/null
	tuntapctl destroy "$name"
	not link_exists "$name"
	pair=$(timeout 20 tunfwd -t -s 1 /dev/tun /dev/tun 2> "$PT/tunfwd.err")
	case "$pair" in "tun"[0-9]*" tun"[0-9]*) ;; *) die "tunfwd printed '$pair'" ;; esac
	grep -q "frames" "$PT/tunfwd.err"
}

apt_install_builds_loads_and_runs() {
	unload
	before=$(overlay_files | wc -l)
	start=$(date +%s)
	apt-get install -y --no-install-recommends "$DEBS"/if-tuntap-dkms_*_all.deb \
		"$DEBS"/if-tuntap-tools_*_amd64.deb "$DEBS"/if-tuntap-dev_*_all.deb \
		> "$PT/install.log" 2>&1 || { tail -n 40 "$PT/install.log"; exit 1; }
	echo "# apt install (DKMS build included): $(($(date +%s) - start))s"
	version=$(dpkg-query -W -f='${Version}' if-tuntap-dkms)
	[ "$version" = "$(sed -n 's/^#define[[:space:]]*TUNTAP_VERSION[[:space:]]*"\(.*\)"/\1/p' "$TT_ROOT/src/tuntap.h")" ]
	for p in if-tuntap-dkms if-tuntap-tools if-tuntap-dev; do
		dpkg-query -W -f='${Status}' "$p" | grep -q 'install ok installed'
	done
	dkms status -m if_tuntap -v "$version" -k "$KVER" | grep -q installed
	ko=$(modinfo -n -k "$KVER" if_tuntap)
	case "$ko" in
	*/updates/dkms/if_tuntap.ko*) ;;
	*) die "modprobe would load $ko, not the DKMS module" ;;
	esac
	# Loaded by the postinst, from what DKMS built: the suite's source.
	[ -d /sys/module/if_tuntap ] || die "the postinst did not load the module"
	[ "$(cat /sys/module/if_tuntap/version)" = "$version" ]
	[ "$(modinfo -F srcversion "$TT_ROOT/build/$KVER/if_tuntap.ko")" = \
		"$(cat /sys/module/if_tuntap/srcversion)" ]
	[ "$(man -w 8 tunfwd)" = /usr/share/man/man8/tunfwd.8.gz ]
	[ "$(man -w 4 tun)" = /usr/share/man/man4/tun.4.gz ]
	MANWIDTH=80 man 4 vmnet 2> /dev/null | grep -q TAPSVNETHDR
	installed_files_work "$version"
	echo "# the packages wrote $(($(overlay_files | wc -l) - before)) files"
}

# The boot, without its PID 1 (see the top): the module unloaded, then
# the program systemd runs at boot, then an open of /dev/tun.
boot_loads_module_without_modprobe() {
	unload
	[ -x /lib/systemd/systemd-modules-load ] || die "no systemd-modules-load"
	/lib/systemd/systemd-modules-load
	[ -d /sys/module/if_tuntap ] || die "systemd-modules-load did not load if_tuntap"
	[ -c /dev/tun ] && [ -c /dev/tap ] && [ -c /dev/vmnet ]
	case "$(modinfo -n -k "$KVER" if_tuntap)" in
	*/updates/dkms/*) ;;
	*) die "not the DKMS module" ;;
	esac
	name=$("$PT/fbsd")
	case "$name" in tun[0-9]*) ;; *) die "fbsd printed '$name'" ;; esac
}

# Every file of the packages' lists, every file DKMS and the postinst
# made, gone: what stays in the overlays is dpkg's, apt's and man-db's
# bookkeeping, depmod's indexes and DKMS's signing key.
apt_purge_removes_every_file() {
	for p in if-tuntap-dkms if-tuntap-tools if-tuntap-dev; do
		dpkg-query -L "$p"
	done | sort -u > "$PT/listed"
	[ -s "$PT/listed" ]
	apt-get purge -y if-tuntap-dkms if-tuntap-tools if-tuntap-dev \
		> "$PT/purge.log" 2>&1 || { tail -n 40 "$PT/purge.log"; exit 1; }
	for p in if-tuntap-dkms if-tuntap-tools if-tuntap-dev; do
		not sh -c "dpkg-query -W -f='\${Status}' $p | grep -q installed"
	done
	# Directories are shared with other packages (/usr/sbin, and /lib, a
	# link to one): files and links to files only, dangling ones included.
	while read -r f; do
		[ -d "$f" ] && continue
		if [ -e "$f" ] || [ -L "$f" ]; then
			echo "$f"
		fi
	done < "$PT/listed" > "$PT/still"
	[ ! -s "$PT/still" ] || { cat "$PT/still"; die "listed files left behind"; }
	for d in /usr/src/if_tuntap-*; do
		[ ! -e "$d" ] || die "$d left behind"
	done
	not sh -c 'dkms status -m if_tuntap | grep -q .'
	[ ! -e /var/lib/dkms/if_tuntap ]
	for k in /usr/lib/modules/*; do
		not modinfo -k "$(basename "$k")" if_tuntap
	done
	overlay_files | while read -r f; do
		case "$f" in
		/var/lib/dpkg/* | /var/lib/apt/* | /var/cache/* | /var/log/*) ;;
		/var/lib/dkms/mok.key | /var/lib/dkms/mok.pub) ;;
		/usr/lib/modules/*/modules.*) ;;
		*) echo "$f" ;;
		esac
	done > "$PT/left"
	[ ! -s "$PT/left" ] || { cat "$PT/left"; die "apt purge left files behind"; }
	echo "# apt purge removed the $(grep -c . "$PT/listed") listed paths; nothing else of ours left"
}

# On a release's root (the func suite) the packages are in place before
# the boot: scripts/root-dkms.sh installed them with the root's apt and
# DKMS in a chroot, and purges them after the guest, checking what is left
# ("apt_purge_in_root_removes_every_file").  Here, what they installed
# must work.
installed_packages_work() {
	version=$(dpkg-query -W -f='${Version}' if-tuntap-dkms)
	[ "$version" = "$(make -s -C "$TT_ROOT" version)" ]
	for p in if-tuntap-dkms if-tuntap-tools if-tuntap-dev; do
		dpkg-query -W -f='${Status}' "$p" | grep -q 'install ok installed'
	done
	dkms status -m if_tuntap -v "$version" -k "$KVER" | grep -q installed
	case "$(modinfo -n -k "$KVER" if_tuntap)" in
	*/updates/dkms/if_tuntap.ko*) ;;
	*) die "modprobe would not load the DKMS module" ;;
	esac
	[ -d /sys/module/if_tuntap ] || modprobe if_tuntap
	[ "$(cat /sys/module/if_tuntap/version)" = "$version" ]
	installed_files_work "$version"
}

mkdir -p "$PT"
if dpkg-query -W -f='${Status}' if-tuntap-dkms 2> /dev/null |
	grep -q 'install ok installed'; then
	tt_case installed_packages_work installed_packages_work
	if [ -x /lib/systemd/systemd-modules-load ]; then
		tt_case installed_module_loads_at_boot_without_modprobe \
			boot_loads_module_without_modprobe
	else
		tt_skip installed_module_loads_at_boot_without_modprobe \
			"no systemd-modules-load in this root"
	fi
	[ -d /sys/module/if_tuntap ] || modprobe if_tuntap
	exit 0
elif ! ls "$DEBS"/if-tuntap-dkms_*_all.deb > /dev/null 2>&1; then
	# scripts/build.sh makes them where debhelper is (not yet in the
	# newer releases' roots).
	for c in apt_install_builds_loads_and_runs boot_loads_module_without_modprobe \
		apt_purge_removes_every_file; do
		tt_skip "$c" "no packages in $DEBS (scripts/build.sh makes them where debhelper is installed)"
	done
elif overlay_up; then
	tt_case apt_install_builds_loads_and_runs apt_install_builds_loads_and_runs
	tt_case boot_loads_module_without_modprobe boot_loads_module_without_modprobe
	tt_case apt_purge_removes_every_file apt_purge_removes_every_file
else
	echo "not ok packages_overlays # could not make the root writable"
fi
overlay_down
# The suite goes on with the module it loaded at the start.
[ -d /sys/module/if_tuntap ] && rmmod if_tuntap
insmod "$TT_ROOT/build/$KVER/if_tuntap.ko" ||
	echo "not ok packages_restore_module # the suite's module did not load again"
