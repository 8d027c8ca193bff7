#!/bin/sh
# Creation by name, numbering, a ping through a userspace peer, and
# transient units in and out of their home namespace.
. "$(dirname "$0")/../lib.sh"

iplink_add_and_del() {
	ip link add tun100 type bsdtun
	link_exists tun100 && [ -c /dev/tun100 ]
	ip -d link show dev tun100 | grep -q bsdtun
	ip link del tun100
	! link_exists tun100 && [ ! -e /dev/tun100 ]
}

iplink_taken_unit_is_eexist() {
	ip link add tun101 type bsdtun
	expect_fail "File exists" ip link add tun101 type bsdtun
	ip link del tun101
}

iplink_bad_name_is_einval() {
	for bad in foo0 tun tun01 tun32768 tun99999999999 tun1x tunx tap3; do
		expect_fail "Invalid argument" ip link add "$bad" type bsdtun
	done
	ip link add tun32767 type bsdtun
	ip link del tun32767
}

# The lowest free unit whose name nobody else in the namespace uses.
iplink_auto_numbering_skips_foreign_names() {
	modprobe tun
	ip netns add autonum
	trap 'ip netns del autonum' EXIT
	ip netns exec autonum ip tuntap add dev tun0 mode tun
	ip netns exec autonum ip link add type bsdtun
	ip netns exec autonum ip -d link show dev tun1 | grep -q bsdtun
	ip netns exec autonum ip link add type bsdtun
	ip netns exec autonum ip -d link show dev tun2 | grep -q bsdtun
	ip netns exec autonum ip link del tun1
	ip netns exec autonum ip link add type bsdtun
	ip netns exec autonum ip -d link show dev tun1 | grep -q bsdtun
}

ping_through_tun_to_userspace_peer() {
	ip netns add pingns
	trap 'kill $echo 2>/dev/null; ip netns del pingns' EXIT
	tt-echo /dev/tun 60 > /tmp/echo.name &
	echo=$!
	for _ in $(seq 50); do [ -s /tmp/echo.name ] && break; sleep 0.1; done
	name=$(cat /tmp/echo.name)
	ip link set "$name" netns pingns
	ip netns exec pingns ip addr add 10.9.0.1 peer 10.9.0.2 dev "$name"
	ip netns exec pingns ip link set "$name" up
	ip netns exec pingns ping -c 3 -i 0.2 -W 2 10.9.0.2
	ip netns exec pingns ip -s link show dev "$name" |
		awk '/RX:/ { getline; rx = $2 } /TX:/ { getline; tx = $2 }
		     END { exit !(rx >= 3 && tx >= 3) }'
}

transient_unit_vanishes_in_home_namespace() {
	hold_open /dev/tun transient
	name=$HOLD_NAME
	link_exists "$name"
	hold_release
	! link_exists "$name" && unit_node_gone "$name"
}

transient_unit_vanishes_after_namespace_move() {
	ip netns add away
	trap 'ip netns del away' EXIT
	hold_open /dev/tun transient
	name=$HOLD_NAME
	ip link set "$name" netns away
	ns_link_exists away "$name"
	! link_exists "$name"
	hold_release
	! ns_link_exists away "$name"
	! link_exists "$name"
	unit_node_gone "$name"
}

netns_exit_sends_visitors_home() {
	ip netns add visit
	ip link add tun102 type bsdtun
	ip link set tun102 netns visit
	ns_link_exists visit tun102
	ip netns del visit
	for _ in $(seq 50); do link_exists tun102 && break; sleep 0.1; done
	link_exists tun102
	ip link del tun102
}

netns_exit_destroys_units_born_there() {
	ip netns add birth
	ip netns exec birth ip link add tun103 type bsdtun
	[ -c /dev/tun103 ]
	ip netns del birth
	for _ in $(seq 50); do [ -e /dev/tun103 ] || break; sleep 0.1; done
	[ ! -e /dev/tun103 ]
	! link_exists tun103
}

# FreeBSD's own test program, built from the seed when it is available.
seed_transient_tuntap() {
	ip link add tun104 type bsdtun
	"$TT_BIN/transient_tuntap" /dev/tun104
	! link_exists tun104 && [ ! -e /dev/tun104 ]
	ip netns add one
	trap 'ip netns del one' EXIT
	ip netns exec one ip link add tun105 type bsdtun
	ip netns exec one "$TT_BIN/transient_tuntap" /dev/tun105
	! ns_link_exists one tun105 && [ ! -e /dev/tun105 ]
}

tt_case iplink_add_and_del iplink_add_and_del
tt_case iplink_taken_unit_is_eexist iplink_taken_unit_is_eexist
tt_case iplink_bad_name_is_einval iplink_bad_name_is_einval
tt_case iplink_auto_numbering_skips_foreign_names iplink_auto_numbering_skips_foreign_names
tt_case ping_through_tun_to_userspace_peer ping_through_tun_to_userspace_peer
tt_case transient_unit_vanishes_in_home_namespace transient_unit_vanishes_in_home_namespace
tt_case transient_unit_vanishes_after_namespace_move transient_unit_vanishes_after_namespace_move
tt_case netns_exit_sends_visitors_home netns_exit_sends_visitors_home
tt_case netns_exit_destroys_units_born_there netns_exit_destroys_units_born_there
if [ -x "$TT_BIN/transient_tuntap" ]; then
	tt_case seed_transient_tuntap seed_transient_tuntap
else
	tt_skip seed_transient_tuntap "FreeBSD's seed is not beside the repository"
fi
