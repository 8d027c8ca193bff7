#!/bin/sh
# FreeBSD's tests/sys/net/if_tun_test.sh, translated to Linux: every case,
# with FreeBSD's assertions.  A vnet jail is a network namespace, "ifconfig
# tun create" is "ip link add type bsdtun" (unit_add), "jexec J cmd" is
# "ip netns exec J cmd", an epair is a veth pair, and FreeBSD's "nc --tun",
# which copies packets between a tun and a UDP socket, is our example VPN
# (build/examples/vpn) opened on the same node.
. "$(dirname "$0")/../lib.sh"
VPN=$TT_ROOT/build/examples/vpn

# if_tun_test.sh:235704 (FreeBSD PR 235704): a tun made in a jail and
# renamed there can be destroyed by its new name.  FreeBSD's devfs would
# also name a node after it; ours makes none (README, Differences from
# FreeBSD), so the test also checks that no /dev/foo appears and that the
# unit's node no longer leads to it.
tun_renamed_in_netns_is_destroyed_by_new_name() {
	ip netns add one
	trap 'ip netns del one' EXIT
	tun=$(unit_add tun one)
	[ -n "$tun" ] && [ -c "/dev/$tun" ]
	ip netns exec one ip link set "$tun" name foo
	[ ! -e /dev/foo ]
	ip netns exec one ip link del foo
	! ns_link_exists one foo
	unit_node_gone "$tun"
}

# if_tun_test.sh:basic: two tuns made outside, moved into two jails joined
# by an epair, their packets carried over UDP by "nc --tun" (here: the
# example VPN on /dev/tunN, without TUNSTRANSIENT as nc sets none); a ping
# from one jail's tun address to the other's is answered.
tun_carries_ping_between_netns_over_udp() {
	pids= tun_duke= tun_bass=
	# Units made outside go home when their namespace dies: delete them.
	trap 'kill $pids 2>/dev/null || true
		ip netns exec duke ip link del "$tun_duke" || true
		ip netns exec bass ip link del "$tun_bass" || true
		ip netns del duke || true; ip netns del bass || true' EXIT
	ip netns add duke
	ip netns add bass
	ip link add ttduke type veth peer name ttbass
	tun_duke=$(unit_add tun)
	tun_bass=$(unit_add tun)
	ip link set ttduke netns duke
	ip link set "$tun_duke" netns duke
	ip link set ttbass netns bass
	ip link set "$tun_bass" netns bass
	ip netns exec duke ip addr add 10.0.0.1/24 dev ttduke
	ip netns exec duke ip link set ttduke up
	ip netns exec bass ip addr add 10.0.0.2/24 dev ttbass
	ip netns exec bass ip link set ttbass up
	ip netns exec duke "$VPN" -k -d "/dev/$tun_duke" 2600 10.0.0.2 2600 \
		> /tmp/duke.vpn &
	pids="$pids $!"
	ip netns exec bass "$VPN" -k -d "/dev/$tun_bass" 2600 10.0.0.1 2600 \
		> /tmp/bass.vpn &
	pids="$pids $!"
	for _ in $(seq 50); do
		[ -s /tmp/duke.vpn ] && [ -s /tmp/bass.vpn ] && break
		sleep 0.1
	done
	[ "$(cat /tmp/duke.vpn)" = "$tun_duke" ]
	[ "$(cat /tmp/bass.vpn)" = "$tun_bass" ]
	ip netns exec duke ip addr add 10.100.0.1/24 peer 10.100.0.2 \
		dev "$tun_duke"
	ip netns exec duke ip link set "$tun_duke" up
	ip netns exec bass ip addr add 10.100.0.2/24 peer 10.100.0.1 \
		dev "$tun_bass"
	ip netns exec bass ip link set "$tun_bass" up
	ip netns exec bass ping -c 1 -W 5 10.100.0.1
}

# if_tun_test.sh:transient: a tun made in a jail, shown by ifconfig there;
# FreeBSD's transient_tuntap (open the node, TUNSTRANSIENT, close) run in
# the jail; afterwards ifconfig fails with a message.  The seed's program
# when it was built (scripts/build.sh), else tt-hold doing the same steps.
tun_transient_in_netns_goes_on_last_close() {
	ip netns add one
	trap 'ip netns del one' EXIT
	tun=$(unit_add tun one)
	out=$(ip netns exec one ip link show dev "$tun")
	[ -n "$out" ]
	if [ -x "$TT_BIN/transient_tuntap" ]; then
		ip netns exec one "$TT_BIN/transient_tuntap" "/dev/$tun"
	else
		ip netns exec one tt-hold "/dev/$tun" transient < /dev/null
	fi
	if err=$(ip netns exec one ip link show dev "$tun" 2>&1); then
		die "$tun still there after its last close"
	fi
	[ -n "$err" ]
	unit_node_gone "$tun"
}

tt_case tun_renamed_in_netns_is_destroyed_by_new_name \
	tun_renamed_in_netns_is_destroyed_by_new_name
tt_case tun_carries_ping_between_netns_over_udp \
	tun_carries_ping_between_netns_over_udp
tt_case tun_transient_in_netns_goes_on_last_close \
	tun_transient_in_netns_goes_on_last_close
