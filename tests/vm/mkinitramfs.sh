#!/bin/sh
# mkinitramfs.sh KVER OUT [MODROOT]: a tiny initramfs (static busybox and
# the modules 9p needs) that mounts the guest's root filesystem (the host's,
# or a release's root: run-vm.sh's TT_GUEST_ROOT) read-only over virtio-9p
# and hands over to the command named on the kernel command line.  The
# modules come from MODROOT/lib/modules/KVER (default: the host's).
set -eu
kver=$1 out=$2 modroot=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/bin" "$tmp/lib/modules" "$tmp/proc" "$tmp/sys" "$tmp/dev" \
	"$tmp/newroot"
cp /bin/busybox "$tmp/bin/busybox"
for applet in sh mount insmod switch_root mkdir cat echo poweroff sleep; do
	ln -s busybox "$tmp/bin/$applet"
done

# Modules in dependency order, each once, uncompressed for busybox insmod.
if [ -d "$modroot/lib/modules/$kver/kernel" ]; then
	modprobe ${modroot:+-d "$modroot"} -S "$kver" --show-depends \
		-a virtio_pci 9pnet_virtio 9p |
		awk '$1 == "insmod" && !seen[$2]++ { print $2 }' > "$tmp/order"
else
	: > "$tmp/order"
fi
: > "$tmp/lib/modules/list"
while read -r ko; do
	name=$(basename "$ko")
	case "$name" in
	*.xz) xz -dc "$ko" > "$tmp/lib/modules/${name%.xz}"; name=${name%.xz} ;;
	*.zst) zstd -dqc "$ko" > "$tmp/lib/modules/${name%.zst}"; name=${name%.zst} ;;
	*) cp "$ko" "$tmp/lib/modules/$name" ;;
	esac
	echo "$name" >> "$tmp/lib/modules/list"
done < "$tmp/order"

cat > "$tmp/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
while read -r m; do insmod "/lib/modules/$m"; done < /lib/modules/list
if ! mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose \
		hostroot /newroot; then
	echo "initramfs: cannot mount the host root"
	poweroff -f
fi
set -- $(cat /proc/cmdline)
for arg; do
	case "$arg" in tt.init=*) init=${arg#tt.init=} ;; esac
done
exec switch_root /newroot /bin/sh "$init"
INIT
chmod +x "$tmp/init"
# Written aside and renamed: guests booting at once (scripts/check-debug's)
# may each make it, and none may boot a half-written one.
(cd "$tmp" && find . -path ./order -prune -o -print | cpio -o -H newc --quiet) |
	gzip -1 > "$out.$$"
mv -f "$out.$$" "$out"
