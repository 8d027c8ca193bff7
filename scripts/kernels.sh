#!/bin/sh
# Prints the Debian kernel versions to build and test for: every installed
# amd64 kernel that has both its image and its headers.
for d in /usr/src/linux-headers-*-amd64; do
	[ -d "$d" ] || continue
	v=${d#/usr/src/linux-headers-}
	[ -f "/boot/vmlinuz-$v" ] && echo "$v"
done | sort -V
