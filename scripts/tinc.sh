#!/bin/sh
# tinc.sh: a real FreeBSD program for the suite (tests/cases/tinc.sh).
# Fetches the upstream source of Debian's tinc package (1.0, whose tun/tap
# code for the BSDs is its own file, src/bsd/device.c) through apt's
# deb-src, into build/tinc/, and builds tincd as for FreeBSD: configured
# for a FreeBSD host (so the BSD device file is the one compiled and its
# FreeBSD defaults apply), with the compiler and libraries of this machine,
# against our <net/if_tun.h> and <net/if_tap.h>.  No file of tinc's is
# changed; the script checks that the device file is the tarball's and that
# it, not the Linux one, went into tincd.  Nothing of tinc's is committed:
# build/ is ignored, and the tarball stays there as the cache (a second run
# neither fetches nor builds).
#
# apt runs with a configuration of its own (a deb-src line, its own lists
# and cache under build/tinc/apt/), never the host's; the mirror is the
# first one in the host's own Debian sources (or, in a release's root, that
# root's).  TT_TINC_SUITE names the suite (default: the sources' first,
# e.g. bookworm).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/tinc
bin=$out/tincd
[ -x "$bin" ] && [ "$bin" -nt "$0" ] && exit 0
mkdir -p "$out"
cd "$out"

# The upstream tarball: apt-get source fetches the .dsc, the .orig.tar.*
# and Debian's own changes; only the first two are needed (a mirror that
# lacks the Debian part makes apt-get fail after the tarball has come).
orig=$(ls tinc_*.orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -n 1 || true)
if [ -z "$orig" ]; then
	# The host's deb822 sources; in a release's root (scripts/build.sh
	# run by distro-kernel.sh) the one-line ones apt uses there.
	mirror= suite=
	srcs=/etc/apt/sources.list.d/debian.sources
	if [ -f "$srcs" ]; then
		mirror=$(awk '$1 == "URIs:" { print $2; exit }' "$srcs")
		suite=$(awk '$1 == "Suites:" { print $2; exit }' "$srcs")
	fi
	for srcs in /etc/if_tuntap-apt/sources.list /etc/apt/sources.list; do
		[ -z "$mirror" ] && [ -f "$srcs" ] || continue
		mirror=$(awk '$1 == "deb" && $2 !~ /^\[/ { print $2; exit }' "$srcs")
		suite=$(awk '$1 == "deb" && $2 !~ /^\[/ { print $3; exit }' "$srcs")
	done
	suite=${TT_TINC_SUITE:-$suite}
	if [ -z "$mirror" ] || [ -z "$suite" ]; then
		echo "tinc.sh: no Debian mirror in the apt sources" >&2
		exit 1
	fi
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	mkdir -p apt/lists/partial apt/cache/archives/partial apt/parts
	echo "deb-src [signed-by=$keyring] $mirror $suite main" > apt/sources.list
	set -- -o Dir::Etc::sourcelist="$out/apt/sources.list" \
		-o Dir::Etc::sourceparts="$out/apt/parts" \
		-o Dir::State::Lists="$out/apt/lists" \
		-o Dir::Cache="$out/apt/cache" \
		-o APT::Sandbox::User=root -q
	apt-get "$@" update
	apt-get "$@" source --download-only tinc || true
	orig=$(ls tinc_*.orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -n 1 || true)
	dsc=$(ls tinc_*.dsc 2>/dev/null | head -n 1 || true)
	if [ -z "$orig" ] || [ -z "$dsc" ]; then
		echo "tinc.sh: apt-get source did not bring tinc's tarball" >&2
		exit 1
	fi
	# The tarball against the checksum the signed .dsc gives for it.
	want=$(awk -v f="$orig" '/^Checksums-Sha256:/ { on = 1; next }
		/^[^ ]/ { on = 0 } on && $3 == f { print $1 }' "$dsc")
	got=$(sha256sum "$orig" | cut -d' ' -f1)
	if [ -z "$want" ] || [ "$want" != "$got" ]; then
		echo "tinc.sh: $orig does not match $dsc" >&2
		rm -f "$orig"
		exit 1
	fi
	rm -rf apt
fi

ver=${orig#tinc_}
ver=${ver%%.orig.tar.*}
rm -rf "tinc-$ver"
tar xf "$orig"
cd "tinc-$ver"
# Configured for FreeBSD: HAVE_FREEBSD (the BSD device file's FreeBSD
# defaults: IFHEAD tun) and the automake condition that compiles
# src/bsd/device.c; gcc and glibc are this machine's.  LZO is left out
# (compression is not what is tested; one library fewer to install).
./configure -q --build=x86_64-pc-linux-gnu --host=x86_64-unknown-freebsd \
	CC="${CC:-gcc}" CPPFLAGS="-I$root/include" --disable-lzo > ../configure.log
grep -q '^#define HAVE_FREEBSD 1' config.h
grep -q '^#define HAVE_NET_IF_TUN_H 1' config.h
grep -q '^#define HAVE_NET_IF_TAP_H 1' config.h
make -s -j"$(nproc)" -C src tincd > ../make.log 2>&1 || {
	tail -n 30 ../make.log >&2
	exit 1
}
[ -f src/bsd/device.o ] && [ ! -f src/linux/device.o ]
# The device file compiled is the one in the tarball, byte for byte.
tar xOf "../$orig" "tinc-$ver/src/bsd/device.c" | cmp - src/bsd/device.c
cp src/tincd "$bin"
echo "tinc.sh: $bin (tinc $ver, src/bsd/device.c unchanged)"
