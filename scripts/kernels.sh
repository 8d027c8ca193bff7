#!/bin/sh
# Prints the Debian kernel versions to build and test for: every installed
# amd64 kernel that has both its image and its headers, or $TT_KERNELS
# (scripts/distro-kernel.sh names the one kernel of a release's root).
if [ -n "${TT_KERNELS:-}" ]; then
	echo "$TT_KERNELS" | tr ' ' '\n'
	exit 0
fi
for d in /usr/src/linux-headers-*-amd64; do
	[ -d "$d" ] || continue
	v=${d#/usr/src/linux-headers-}
	[ -f "/boot/vmlinuz-$v" ] && echo "$v"
done | sort -V
