#!/bin/sh
# tun with offloads: iperf3 between two namespaces whose only link is two
# tun units joined by tunfwd, the way an L3 VPN carries traffic; once
# packet by packet, once with virtio-net headers, which carry whole TCP
# segments across the forwarder.  Then the example VPN (examples/vpn.c)
# with its offloads (-o): TCP split into packets on one side of the UDP
# link and joined into segments on the other.
. "$(dirname "$0")/../lib.sh"
. "$TT_ROOT/tests/vpn-pair.sh"

VPN=$TT_ROOT/build/examples/vpn

iperf3_over_tun_without_and_with_vnet_header() {
	trap iperf_fwd_cleanup EXIT
	iperf_over_fwd /dev/tun 0 10.93.0 | tee /tmp/tiperf.plain
	grep -q ' 0 segmentation offloaded' /tmp/tiperf.plain
	grep -q 'Mbit/s' /tmp/tiperf.plain
	iperf_over_fwd /dev/tun 10 10.93.0 | tee /tmp/tiperf.vnet
	! grep -q ' 0 segmentation offloaded' /tmp/tiperf.vnet
	grep -q 'Mbit/s' /tmp/tiperf.vnet
}

tt_case iperf3_over_tun_without_and_with_vnet_header iperf3_over_tun_without_and_with_vnet_header

# The counts of a stopped vpn's report: split, joined.
vpn_counts() {
	sed -n 's/.* \([0-9]*\) packets split .*, \([0-9]*\) joined .*/\1 \2/p' "$1"
}

# Both sides with -o: each reads whole TCP segments (IPv4 and IPv6) from
# its unit and sends them as packets; the other joins them again.  The
# counts prove both paths ran, the transfers that they are right (TCP
# would stall on a bad checksum, sequence number or length).
example_vpn_with_offloads_splits_and_joins_tcp() {
	trap vpn_pair_stop EXIT
	vpn_pair -o -o
	vpn_iperf 10.94.0.2
	vpn_iperf fd94::2
	vpn_iperf 10.94.0.2 -R
	ip netns exec ttvpa ping -c 3 -i 0.2 -W 2 -s 3000 10.94.0.2 > /dev/null
	[ "$(vpn_csum_errors ttvpa)" = 0 ]
	[ "$(vpn_csum_errors ttvpb)" = 0 ]
	vpn_pair_stop
	# shellcheck disable=SC2046 # two numbers each
	set -- $(vpn_counts /tmp/vpa.err) $(vpn_counts /tmp/vpb.err)
	echo "# a split $1 and joined $2 packets, b split $3 and joined $4"
	[ "$1" -gt 100 ] && [ "$2" -gt 100 ] && [ "$3" -gt 100 ] && [ "$4" -gt 100 ]
}

# What crosses the UDP link is packets either way: an -o side talks to a
# plain one, both directions.
example_vpn_with_offloads_talks_to_a_plain_peer() {
	trap vpn_pair_stop EXIT
	vpn_pair -o ""
	vpn_iperf 10.94.0.2
	vpn_iperf 10.94.0.2 -R
	vpn_iperf fd94::2 -R
	[ "$(vpn_csum_errors ttvpa)" = 0 ]
	[ "$(vpn_csum_errors ttvpb)" = 0 ]
	vpn_pair_stop
	# shellcheck disable=SC2046
	set -- $(vpn_counts /tmp/vpa.err)
	[ "$1" -gt 100 ] && [ "$2" -gt 100 ]
}

tt_case example_vpn_with_offloads_splits_and_joins_tcp example_vpn_with_offloads_splits_and_joins_tcp
tt_case example_vpn_with_offloads_talks_to_a_plain_peer example_vpn_with_offloads_talks_to_a_plain_peer
