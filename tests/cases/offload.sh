#!/bin/sh
# tun with offloads: iperf3 between two namespaces whose only link is two
# tun units joined by tunfwd, the way an L3 VPN carries traffic; once
# packet by packet, once with virtio-net headers, which carry whole TCP
# segments across the forwarder.
. "$(dirname "$0")/../lib.sh"

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
