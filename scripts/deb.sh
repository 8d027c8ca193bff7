#!/bin/sh
# deb.sh: the Debian packages (if-tuntap-dkms, if-tuntap-tools,
# if-tuntap-dev) into build/deb/, and lintian's verdict on them.  Run by
# "make deb".  dpkg-buildpackage works on a copy of the tree in
# build/deb/if-tuntap-VERSION/, so the tree itself gets no build products,
# and the copy's debian/changelog is written here from TUNTAP_VERSION in
# src/tuntap.h, the version's only home.  Exits non-zero if the build
# fails or lintian reports an error or a warning.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=$(make -s --no-print-directory version)
out=$root/build/deb
copy=$out/if-tuntap-$version
rm -rf "$out"
mkdir -p "$copy"
# The files git tracks, as a fresh clone has them; a tree without git
# (an unpacked archive) is copied whole but for its build products.
if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	git ls-files -z | tar --null -T - -cf - | tar -C "$copy" -xf -
else
	tar --exclude=./build --exclude=./.git -cf - . | tar -C "$copy" -xf -
fi

# One entry: this version, dated by the commit it was built from (so two
# builds of one commit are the same), signed by the Maintainer.
maint=$(sed -n 's/^Maintainer: //p' debian/control)
date=$(git log -1 --format=%cD 2> /dev/null || date -R)
commit=$(git rev-parse --short HEAD 2> /dev/null || echo "an unpacked tree")
cat > "$copy/debian/changelog" <<CL
if-tuntap ($version) unstable; urgency=medium

  * Built from the if_tuntap tree ($commit); the changes are in its
    history.

 -- $maint  $date
CL

cd "$copy"
dpkg-buildpackage -us -uc -b
cd "$out"
changes=$(ls ./*.changes)
echo "deb: lintian $changes"
lintian --fail-on error,warning --info "$changes"
ls -1 "$out"/*.deb
