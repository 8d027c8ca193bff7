#!/bin/sh
# Userland and packaging, as a user meets them: make, make install (DKMS
# build against the guest's kernel headers included), tuntapctl's every
# command and exit status, the man pages, the example VPN between two
# namespaces, make uninstall.
#
# The directories make install writes to get a writable overlay for the
# length of this file (lib.sh's overlays_up).
. "$(dirname "$0")/../lib.sh"
. "$TT_ROOT/tests/vpn-pair.sh"

UT=/tmp/userland
SRC=$UT/src
KVER=$(uname -r)
PATH=/usr/local/sbin:/usr/local/bin:$PATH

# Expect "tuntapctl ARGS" to exit with STATUS and say MESSAGE on stderr.
expect_status() {
	want=$1 msg=$2
	shift 2
	set +e
	out=$("$@" 2>&1)
	rc=$?
	set -e
	[ "$rc" -eq "$want" ] || die "'$*' exited $rc, expected $want: $out"
	case "$out" in
	*"$msg"*) ;;
	*) die "'$*' said '$out', expected '$msg'" ;;
	esac
}

# "! cmd" does not stop a "set -e" shell; this does.
not() {
	if "$@" > /dev/null 2>&1; then
		die "'$*' succeeded, expected it to fail"
	fi
}

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# "make module", "make tools" and "make examples" run on the host in every
# scripts/build.sh (a compiler under TCG takes minutes); the guest gets a
# copy of the tree with those builds, which make must find up to date.
make_tree_is_built_and_versions_agree() {
	rm -rf "$SRC"
	mkdir -p "$SRC"
	tar -C "$TT_ROOT" --exclude=./build --exclude=./.git --exclude=./bench/results \
		-cf - . | tar -C "$SRC" -xf -
	tar -C "$TT_ROOT" -cf - build/tools build/examples | tar -C "$SRC" -xf -
	cd "$SRC"
	make tools examples > "$UT/make.log" 2>&1
	not grep -q "cc " "$UT/make.log"
	[ -x build/tools/tuntapctl ]
	[ -x build/tools/tunfwd ]
	[ -x build/examples/vpn ]
	version=$(make -s version)
	[ -n "$version" ]
	[ "$(modinfo -F version "$TT_ROOT/build/$KVER/if_tuntap.ko")" = "$version" ]
	[ "$(build/tools/tuntapctl version | head -n 1)" = "tuntapctl $version" ]
}

make_install_puts_everything_in_place() {
	cd "$SRC"
	version=$(make -s version)
	start=$(date +%s)
	make install > "$UT/install.log" 2>&1 || { cat "$UT/install.log"; exit 1; }
	echo "# make install (DKMS build for $KVER included): $(($(date +%s) - start))s"
	for f in sbin/tuntapctl sbin/tunfwd include/net/if_tun.h \
		include/net/if_tap.h share/man/man4/tun.4 share/man/man4/tap.4 \
		share/man/man4/vmnet.4 share/man/man8/tuntapctl.8; do
		[ -f "/usr/local/$f" ] || die "/usr/local/$f missing"
	done
	[ -x /usr/local/sbin/tuntapctl ]
	[ -f /etc/udev/rules.d/70-if_tuntap.rules ]
	grep -q "^PACKAGE_VERSION=\"$version\"" "/usr/src/if_tuntap-$version/dkms.conf"
	[ -f "/usr/src/if_tuntap-$version/src/main.c" ]
	dkms status -m if_tuntap -v "$version" -k "$KVER" | grep -q installed
	ko=$(modinfo -n -k "$KVER" if_tuntap)
	case "$ko" in
	*/updates/dkms/if_tuntap.ko*) ;;
	*) die "modprobe would load $ko, not the DKMS module" ;;
	esac
	[ "$(modinfo -F version "$ko")" = "$version" ]
	# Same source, same srcversion as the module the suite loaded.
	[ "$(modinfo -F srcversion "$ko")" = "$(cat /sys/module/if_tuntap/srcversion)" ]
	# A FreeBSD program compiles against the installed headers alone.
	cat > "$UT/fbsd.c" <<-'EOF'
	#include <sys/types.h>
	#include <sys/ioctl.h>
	#include <net/if.h>
	#include <net/if_tun.h>
	#include <net/if_tap.h>
	int main(void) { struct tuninfo ti; (void)ti; return TUNSTRANSIENT == 0 || TAPSVNETHDR == 0; }
	EOF
	cc -Wall -Werror -o "$UT/fbsd" "$UT/fbsd.c"
	"$UT/fbsd"
}

# With the module unloaded, tuntapctl says so (status 3); create then has
# the kernel load the installed DKMS module by its link kind.
no_module_then_create_autoloads_dkms_module() {
	rmmod if_tuntap
	expect_status 3 "module is not loaded" tuntapctl list
	expect_status 3 "module is not loaded" tuntapctl show tun0
	expect_status 3 "module is not loaded" tuntapctl destroy tun0
	expect_status 3 "module is not loaded" tuntapctl run -- true
	name=$(tuntapctl create tun)
	[ "$name" = tun0 ]
	[ -d /sys/module/if_tuntap ]
	[ "$(cat /sys/module/if_tuntap/version)" = "$(cd "$SRC" && make -s version)" ]
	modinfo -F srcversion "$TT_ROOT/build/$KVER/if_tuntap.ko" |
		grep -qx "$(cat /sys/module/if_tuntap/srcversion)"
	tuntapctl destroy tun0
	not link_exists tun0
}

ethtool_reports_driver_version_and_drop_causes() {
	version=$(cd "$SRC" && make -s version)
	name=$(tuntapctl create tap)
	ethtool -i "$name" > "$UT/drvinfo"
	grep -qx "driver: if_tuntap" "$UT/drvinfo"
	grep -qx "version: $version" "$UT/drvinfo"
	grep -qx "bus-info: tap" "$UT/drvinfo"
	ethtool -S "$name" > "$UT/stats"
	for c in tx_dropped_noreader tx_dropped_full tx_errors_framing \
		tx_dropped_purged tx_dropped_nomem rx_dropped_filtered \
		rx_errors_nomem rx_errors_vnet_header; do
		grep -q "^ *$c: 0$" "$UT/stats" || die "ethtool -S: no $c"
	done
	# Sent while nobody has the unit open: counted as no reader.
	ip addr add 10.98.0.1/24 dev "$name"
	ip link set "$name" up
	ping -c 2 -i 0.2 -W 1 10.98.0.2 > /dev/null 2>&1 || true
	ethtool -S "$name" | awk '/tx_dropped_noreader:/ { exit !($2 >= 1) }'
	tuntapctl destroy "$name"
}

tuntapctl_create_show_list_destroy() {
	a=$(tuntapctl create tun)
	b=$(tuntapctl create tap)
	c=$(tuntapctl create vmnet7)
	echo "$a $b $c" | grep -Eq '^tun[0-9]+ tap[0-9]+ vmnet7$'
	link_exists "$a"
	link_exists "$b"
	link_exists vmnet7
	[ -c "/dev/$a" ]
	[ -c /dev/vmnet7 ]
	expect_status 6 "vmnet7: unit taken" tuntapctl create vmnet7
	tuntapctl show vmnet7 > "$UT/show"
	grep -q "^driver: *vmnet$" "$UT/show"
	grep -q "^open: *no$" "$UT/show"
	grep -q "^transient: *no$" "$UT/show"
	grep -q "^link0: *no$" "$UT/show"
	grep -q "^address: *..:..:..:..:..:..$" "$UT/show"
	# Renamed: found by its interface name and by its unit name.
	ip link set "$a" name utun
	tuntapctl show utun | grep -q "^unit: *$a "
	tuntapctl show "$a" | grep -q "^name: *utun$"
	# One unit in a named namespace, one in a namespace with no name.
	ip netns add ulist
	ip link set "$b" netns ulist
	unshare -n sleep 60 &
	holder=$!
	sleep 0.3
	nsenter -t "$holder" -n tuntapctl create tun9 | grep -qx tun9
	tuntapctl list > "$UT/list"
	cat "$UT/list"
	head -n 1 "$UT/list" | grep -q "^NAME *UNIT *DRIVER *OPEN *PID *TRANSIENT *NAMESPACE$"
	grep -Eq "^utun +$a +tun +no +- +no +init$" "$UT/list"
	grep -Eq "^$b +$b +tap +no +- +no +ulist$" "$UT/list"
	grep -Eq "^vmnet7 +vmnet7 +vmnet +no +- +no +init$" "$UT/list"
	grep -Eq "^\? +tun9 +tun +\? +\? +\? +\?$" "$UT/list"
	# A node with no unit behind it is no unit.
	[ "$(grep -c '^?' "$UT/list")" = 1 ]
	kill "$holder"
	wait "$holder" || true
	expect_status 5 "no such unit in this network namespace" tuntapctl destroy "$b"
	ip netns exec ulist tuntapctl destroy "$b"
	ip netns del ulist
	tuntapctl destroy utun
	tuntapctl destroy vmnet7
	not link_exists utun
	not link_exists vmnet7
	unit_node_gone "$a"
	unit_node_gone vmnet7
	expect_status 5 "tun999: no such unit" tuntapctl destroy tun999
	expect_status 5 "lo: not an if_tuntap unit" tuntapctl show lo
	expect_status 5 "lo: not an if_tuntap unit" tuntapctl destroy lo
	for _ in $(seq 50); do unit_node_gone tun9 && break; sleep 0.1; done
	unit_node_gone tun9
}

tuntapctl_run_gives_command_a_transient_unit() {
	# The command owns the unit, with the file on TUNTAP_FD.
	tuntapctl run -- sh -c 'd=/sys/class/net/$TUNTAP_IFNAME/tuntap
		echo $TUNTAP_IFNAME $$ $(cat $d/owner $d/open $d/transient)
		[ "$(readlink /proc/self/fd/$TUNTAP_FD)" = /dev/tun ]' \
		> "$UT/run"
	read -r name pid owner open transient < "$UT/run"
	echo "$name" | grep -Eq '^tun[0-9]+$'
	[ "$owner" = "$pid" ]
	[ "$open" = 1 ]
	[ "$transient" = 1 ]
	not link_exists "$name"
	unit_node_gone "$name"
	# --transient is the default spelled out; --tap and --vmnet.
	tuntapctl run --transient --tap -- sh -c 'echo $TUNTAP_IFNAME' > "$UT/run"
	grep -Eq '^tap[0-9]+$' "$UT/run"
	not link_exists "$(cat "$UT/run")"
	tuntapctl run --vmnet sh -c 'echo $TUNTAP_IFNAME' > "$UT/run"
	grep -Eq '^vmnet[0-9]+$' "$UT/run"
	not link_exists "$(cat "$UT/run")"
	# The descriptor carries packets: a ping out of the unit is read back.
	tuntapctl run -- sh -c '
		ip addr add 10.97.0.1 peer 10.97.0.2 dev $TUNTAP_IFNAME
		ip link set $TUNTAP_IFNAME up
		ping -c 1 -W 1 10.97.0.2 > /dev/null
		python3 -c "import os; print(len(os.read(int(os.environ[\"TUNTAP_FD\"]), 4096)))"
	' > "$UT/run" || true
	[ "$(cat "$UT/run")" = 84 ]
	# --keep: the unit outlives the command.
	name=$(tuntapctl run --keep -- sh -c 'echo $TUNTAP_IFNAME')
	link_exists "$name"
	[ "$(cat "/sys/class/net/$name/tuntap/open")" = 0 ]
	[ "$(cat "/sys/class/net/$name/tuntap/transient")" = 0 ]
	# --unit: an existing unit; taken while another process has it open.
	tuntapctl run --keep --unit "$name" -- sleep 30 &
	holder=$!
	for _ in $(seq 50); do
		[ "$(cat "/sys/class/net/$name/tuntap/open")" = 1 ] && break
		sleep 0.1
	done
	[ "$(cat "/sys/class/net/$name/tuntap/owner")" = "$holder" ]
	expect_status 6 "$name: unit taken" tuntapctl run --unit "$name" -- true
	kill "$holder"
	wait "$holder" || true
	tuntapctl run --unit "$name" -- true
	not link_exists "$name"
	expect_status 5 "tun4242: no such unit" tuntapctl run --unit tun4242 -- true
	# The command's own status comes back; one that cannot run: 127.
	set +e
	tuntapctl run -- sh -c 'exit 42'
	rc=$?
	set -e
	[ "$rc" -eq 42 ]
	expect_status 127 "No such file or directory" tuntapctl run -- /nonexistent/cmd
}

tuntapctl_usage_and_permission_statuses() {
	expect_status 2 "usage:" tuntapctl
	expect_status 2 "unknown command 'frobnicate'" tuntapctl frobnicate
	expect_status 2 "usage:" tuntapctl create
	expect_status 2 "usage:" tuntapctl create ppp0
	expect_status 2 "usage:" tuntapctl create tun01
	expect_status 2 "usage:" tuntapctl create tun32768
	expect_status 2 "usage:" tuntapctl run
	expect_status 2 "usage:" tuntapctl run --unit foo -- true
	expect_status 2 "usage:" tuntapctl show
	tuntapctl --help 2>&1 | grep -q "usage:"
	name=$(tuntapctl create tun)
	expect_status 4 "CAP_NET_ADMIN is needed" as_nobody tuntapctl create tun
	expect_status 4 "CAP_NET_ADMIN is needed" as_nobody tuntapctl destroy "$name"
	expect_status 4 "CAP_NET_ADMIN is needed" as_nobody tuntapctl run -- true
	as_nobody tuntapctl list | grep -q "^$name "
	as_nobody tuntapctl show "$name" | grep -q "^driver: *tun$"
	tuntapctl destroy "$name"
}

man_pages_render_without_warnings() {
	cd /usr/local/share/man
	for page in man4/tun.4 man4/tap.4 man4/vmnet.4 man8/tuntapctl.8; do
		warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 > /dev/null)
		[ -z "$warnings" ] || die "$page: $warnings"
		warnings=$(groff -ww -man -z "$page" 2>&1)
		[ -z "$warnings" ] || die "$page: $warnings"
	done
	# Found by name, as a user would ask for them.
	[ "$(readlink -f "$(man -w 4 tun)")" = /usr/local/share/man/man4/tun.4 ]
	[ "$(readlink -f "$(man -w 8 tuntapctl)")" = /usr/local/share/man/man8/tuntapctl.8 ]
	MANWIDTH=80 man 4 tun 2> /dev/null | grep -q TUNSTRANSIENT
	MANWIDTH=80 man 4 vmnet 2> /dev/null | grep -q TAPSVNETHDR
	MANWIDTH=80 man 8 tuntapctl 2> /dev/null > "$UT/man8"
	grep -q "EXIT STATUS" "$UT/man8"
	grep -q "TUNTAP_FD" "$UT/man8"
}

# Whether "udevadm test" gave NODE MODE, OWNER and GROUP (its output in
# LOG).  Up to systemd 255 (Debian 12) it applies the rules to the node;
# since 256 (Debian 13 and later) it changes nothing and reports what udevd
# would set, with the rule line that set each value: then the report must
# show them, and RULE must be the file whose line set the mode.  The
# report's words: "RULE:9 MODE 0600" and "Device node owner:" (257),
# "RULE:9 MODE=\"0600\": Set mode: 0600" and "Device node owner user:"
# (262).
udev_gave() { # NODE MODE OWNER GROUP LOG RULE
	[ "$(stat -c %a:%U:%G "$1")" = "$2:$3:$4" ] && return 0
	grep -Eq "$6:[0-9]+ MODE(=\"0$2\": Set mode:)? 0$2\$" "$5" || return 1
	awk -v m="0$2" -v o="$3" -v g="$4" '
		last ~ /^Device node owner( user)?:$/ && $1 == o { fo = 1 }
		last ~ /^Device node (owner )?group:$/ && $1 == g { fg = 1 }
		last == "Device node permission:" && $1 == m { fm = 1 }
		{ last = $0; sub(/^[ \t]+/, "", last) }
		END { exit !(fo && fg && fm) }' "$5"
}

# The rule gives unit nodes their mode (udevadm test applies it or reports
# it, here without a udev daemon); an administrator's edit takes effect and
# survives reinstalling.
udev_rule_sets_node_mode_and_survives_edits() {
	rule=/etc/udev/rules.d/70-if_tuntap.rules
	name=$(tuntapctl create tun)
	chmod 0666 "/dev/$name"
	udevadm test --action=add "/sys/class/if_tuntap/$name" > "$UT/udev" 2>&1 || true
	grep -q "Reading rules file: $rule" "$UT/udev"
	udev_gave "/dev/$name" 600 root root "$UT/udev" "$rule" ||
		{ tail -n 20 "$UT/udev"; die "rule not applied to /dev/$name"; }
	echo 'SUBSYSTEM=="if_tuntap", KERNEL=="tun*", GROUP="disk", MODE="0660"' >> "$rule"
	udevadm test --action=add "/sys/class/if_tuntap/$name" > "$UT/udev" 2>&1 || true
	udev_gave "/dev/$name" 660 root disk "$UT/udev" "$rule" ||
		{ tail -n 20 "$UT/udev"; die "edited rule not applied"; }
	(cd "$SRC" && make install DKMS=no) > "$UT/reinstall" 2>&1
	grep -q "keeping your edited $rule" "$UT/reinstall"
	grep -q 'GROUP="disk"' "$rule"
	tuntapctl destroy "$name"
	# A prepared node outlives its unit, its mode with it: undo ours.
	chown root:root "/dev/$name" 2> /dev/null || true
	chmod 0600 "/dev/$name" 2> /dev/null || true
}

# The example VPN as built by make (tests/vpn-pair.sh): ping and TCP
# across, and its units gone with it.
vpn_example_between_two_namespaces() {
	trap vpn_pair_stop EXIT
	VPN=$SRC/build/examples/vpn
	vpn_pair "" ""
	ip netns exec ttvpa ping -c 5 -i 0.2 -W 2 10.94.0.2 > "$UT/ping"
	ip netns exec ttvpa ping -6 -c 2 -i 0.2 -W 2 fd94::2 > /dev/null
	awk -F/ '/^rtt/ { printf "# ping across the example VPN: %s ms average\n", $5 }' "$UT/ping"
	vpn_iperf 10.94.0.2
	# The tunnel really is the path: packets counted on both units.
	ip -n ttvpa -s link show dev "$VPN_A" | awk '/TX:/ { getline; exit !($2 >= 100) }'
	vpn_pair_kill
	grep -q "packets sent to the peer" /tmp/vpa.err
	not ns_link_exists ttvpa "$VPN_A"
	not ns_link_exists ttvpb "$VPN_B"
}

make_uninstall_removes_everything() {
	cd "$SRC"
	version=$(make -s version)
	before=$(overlay_files | wc -l)
	make uninstall > "$UT/uninstall.log" 2>&1 || { cat "$UT/uninstall.log"; exit 1; }
	[ ! -e "/usr/src/if_tuntap-$version" ]
	not sh -c 'dkms status -m if_tuntap | grep -q .'
	not modinfo -k "$KVER" if_tuntap
	[ ! -e /etc/udev/rules.d/70-if_tuntap.rules ]
	[ ! -e /usr/local/sbin/tuntapctl ]
	[ ! -e /usr/local/include/net/if_tun.h ]
	[ ! -e /usr/local/share/man/man8/tuntapctl.8 ]
	# What is left: DKMS's signing key and depmod's rebuilt indexes.
	# (Matched literally: a release such as 6.12.117+deb12-amd64 is no regex.)
	overlay_files | while read -r f; do
		case "$f" in
		/var/lib/dkms/mok.key | /var/lib/dkms/mok.pub) ;;
		"/usr/lib/modules/$KVER/modules."*) ;;
		*) echo "$f" ;;
		esac
	done > "$UT/left"
	[ ! -s "$UT/left" ] || { cat "$UT/left"; die "make uninstall left files behind"; }
	echo "# make install wrote $before files; make uninstall left none of ours"
}

mkdir -p "$UT"
if overlays_up "$UT" /usr/local /usr/src /etc /var/lib/dkms /usr/lib/modules; then
	tt_case make_tree_is_built_and_versions_agree make_tree_is_built_and_versions_agree
	tt_case make_install_puts_everything_in_place make_install_puts_everything_in_place
	tt_case no_module_then_create_autoloads_dkms_module no_module_then_create_autoloads_dkms_module
	# From here on, the module the kernel loaded from the DKMS install.
	if [ ! -d /sys/module/if_tuntap ]; then
		insmod "$TT_ROOT/build/$KVER/if_tuntap.ko"
	fi
	tt_case ethtool_reports_driver_version_and_drop_causes ethtool_reports_driver_version_and_drop_causes
	tt_case tuntapctl_create_show_list_destroy tuntapctl_create_show_list_destroy
	tt_case tuntapctl_run_gives_command_a_transient_unit tuntapctl_run_gives_command_a_transient_unit
	tt_case tuntapctl_usage_and_permission_statuses tuntapctl_usage_and_permission_statuses
	tt_case man_pages_render_without_warnings man_pages_render_without_warnings
	tt_case udev_rule_sets_node_mode_and_survives_edits udev_rule_sets_node_mode_and_survives_edits
	tt_case vpn_example_between_two_namespaces vpn_example_between_two_namespaces
	tt_case make_uninstall_removes_everything make_uninstall_removes_everything
else
	echo "not ok userland_overlays # could not make the root writable"
fi
overlays_down
