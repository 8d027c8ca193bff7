#!/bin/sh
# tap with real components: a Linux bridge, and iperf3 across two
# namespaces joined only by tap units and a userspace forwarder.
. "$(dirname "$0")/../lib.sh"

# A host namespace HOST with address ADDR, joined by a forwarder to a new
# port of br0 in namespace sw.  Sets FWD_PID.
bridge_host() {
	fwd_start -t /dev/tap /dev/tap
	ip link set "$FWD_A" netns "$1"
	ip link set "$FWD_B" netns sw
	ip -n "$1" addr add "$2/24" dev "$FWD_A"
	ip -n "$1" link set "$FWD_A" up
	ip -n sw link set "$FWD_B" master br0 up
}

# Hosts h1 and h2 each own a tap; forwarders join each to a tap enslaved to
# br0 in namespace sw.  ARP and ping cross the bridge.
bridge_two_taps_arp_and_ping() {
	trap 'kill $f1 $f2 2>/dev/null; wait; for n in sw h1 h2; do ip netns del $n; done' EXIT
	for n in sw h1 h2; do ip netns add $n; done
	ip -n sw link add br0 type bridge
	ip -n sw link set br0 up
	bridge_host h1 10.80.0.1
	f1=$FWD_PID
	bridge_host h2 10.80.0.2
	f2=$FWD_PID
	ip netns exec h1 ping -c 3 -i 0.2 -W 2 10.80.0.2
	ip -n h1 neigh show 10.80.0.2 | grep -q lladdr
	ip -n sw link show master br0 | grep -c 'master br0' | grep -q 2
}

# iperf3 over two taps joined by tunfwd; once plain, once with
# virtio-net headers (offloads).
iperf3_over_tap_without_and_with_vnet_header() {
	trap iperf_fwd_cleanup EXIT
	iperf_over_fwd /dev/tap 0 10.81.0 | tee /tmp/iperf.plain
	grep -q ' 0 segmentation offloaded' /tmp/iperf.plain
	grep -q 'Mbit/s' /tmp/iperf.plain
	iperf_over_fwd /dev/tap 10 10.81.0 | tee /tmp/iperf.vnet
	# Large segments crossed whole, in both directions of the forwarder.
	! grep -q ' 0 segmentation offloaded' /tmp/iperf.vnet
	grep -q 'Mbit/s' /tmp/iperf.vnet
}

iplink_tap_and_vmnet_kinds() {
	ip link add tap100 type bsdtap
	ip link add vmnet100 type bsdvmnet
	ip -d link show tap100 | grep -q bsdtap
	ip -d link show vmnet100 | grep -q bsdvmnet
	[ -c /dev/tap100 ] && [ -c /dev/vmnet100 ]
	expect_fail "Invalid argument" ip link add tun100 type bsdtap
	expect_fail "File exists" ip link add tap100 type bsdtap
	ip link del tap100
	ip link del vmnet100
	[ ! -e /dev/tap100 ] && [ ! -e /dev/vmnet100 ]
}

tt_case iplink_tap_and_vmnet_kinds iplink_tap_and_vmnet_kinds
tt_case bridge_two_taps_arp_and_ping bridge_two_taps_arp_and_ping
tt_case iperf3_over_tap_without_and_with_vnet_header iperf3_over_tap_without_and_with_vnet_header
