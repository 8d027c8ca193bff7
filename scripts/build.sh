#!/bin/sh
# build.sh: the module for every kernel from kernels.sh (build/KVER/), the
# test programs and tools (build/tests/), the Debian packages (build/deb/,
# lintian-clean, for tests/cases/packages.sh) where debhelper is installed,
# tinc's FreeBSD build (scripts/tinc.sh) for tests/cases/tinc.sh, and, when
# FreeBSD's seed is beside the repository, its transient_tuntap test
# compiled against our headers.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc)

# The module through the top-level Makefile's "make module", as a user
# builds it: a copy of src/ and include/ built in build/KVER/.
for kver in $(scripts/kernels.sh); do
	make -s -j"$jobs" module KVER="$kver" KBUILD_FLAGS="${TT_KBUILD_FLAGS:-}"
done

make -s -C tests/c OUT="$root/build/tests"
make -s tools examples
make -s -C bench OUT="$root/build/bench"
# tt-fuzzer: the suite replays its seed corpus (fuzz/replay-corpus.sh).
make -s -C fuzz OUT="$root/build/fuzz"
# The guest has no network: it installs these from the shared tree.  Only
# the full suite installs them (tests/cases/packages.sh is a long case),
# and a release's root has debhelper for it only (distro-kernel.sh); a
# shorter suite's build (TT_SUITE) keeps what a full one's made.  Without
# packages, packages.sh says it skipped.
suite=${TT_SUITE:-full}
if [ "$suite" = full ] && command -v dpkg-buildpackage > /dev/null &&
	command -v dh_dkms > /dev/null; then
	scripts/deb.sh > build/deb.log 2>&1 || { cat build/deb.log; exit 1; }
elif [ "$suite" = full ]; then
	rm -rf build/deb
	echo "build.sh: no dpkg-buildpackage or dh_dkms here: no Debian packages"
fi

# The seed keeps the commit as one line; its diff lines start with " +".
seed=${TT_SEEDS:-$root/../shared/seeds}/000_8af2270b7b997bef.txt
if [ -f "$seed" ]; then
	python3 - "$seed" build/tests/transient_tuntap.c <<'PY'
import sys
text = open(sys.argv[1]).read()
start = text.index("+++ b/tests/sys/net/transient_tuntap.c")
body = text[start:].split("@@", 2)[2]
lines = [l[1:] if l.startswith("+") else l for l in body.split(" +")[1:]]
open(sys.argv[2], "w").write("\n".join(l.rstrip() for l in lines) + "\n")
PY
	cc -Wall -I include -o build/tests/transient_tuntap \
		build/tests/transient_tuntap.c
fi

# A real FreeBSD program, fetched and built here: the guest has no network.
# Without it the rest still builds; tests/cases/tinc.sh then fails.
# The func suite does not run tinc's cases.
if [ "$suite" != func ]; then
	scripts/tinc.sh ||
		echo "build: scripts/tinc.sh failed; tinc's cases will fail" >&2
fi
