# Sourced by tests/cases/offload.sh, userland.sh and bench/run-guest.sh: the
# example VPN (examples/vpn.c, the program VPN names) between two namespaces.
#
# vpn_pair FLAGS_A FLAGS_B: namespaces ttvpa and ttvpb joined by a veth
# pair, the example VPN in each (with FLAGS), their units VPN_A and VPN_B
# up with 10.94.0.1/2 and fd94::1/2, MTU 1400.
vpn_pair() {
	ip netns add ttvpa
	ip netns add ttvpb
	ip link add ttvpa0 netns ttvpa type veth peer name ttvpb0 netns ttvpb
	ip -n ttvpa addr add 172.31.0.1/24 dev ttvpa0
	ip -n ttvpb addr add 172.31.0.2/24 dev ttvpb0
	ip -n ttvpa link set ttvpa0 up
	ip -n ttvpb link set ttvpb0 up
	# shellcheck disable=SC2086 # the flags are words
	ip netns exec ttvpa "$VPN" $1 5000 172.31.0.2 5001 > /tmp/vpa 2> /tmp/vpa.err &
	VPN_PA=$!
	# shellcheck disable=SC2086
	ip netns exec ttvpb "$VPN" $2 5001 172.31.0.1 5000 > /tmp/vpb 2> /tmp/vpb.err &
	VPN_PB=$!
	for _ in $(seq 50); do [ -s /tmp/vpa ] && [ -s /tmp/vpb ] && break; sleep 0.1; done
	VPN_A=$(cat /tmp/vpa) VPN_B=$(cat /tmp/vpb)
	[ -n "$VPN_A" ]
	[ -n "$VPN_B" ]
	ip -n ttvpa addr add 10.94.0.1 peer 10.94.0.2 dev "$VPN_A"
	ip -n ttvpb addr add 10.94.0.2 peer 10.94.0.1 dev "$VPN_B"
	ip -n ttvpa addr add fd94::1/64 dev "$VPN_A" nodad
	ip -n ttvpb addr add fd94::2/64 dev "$VPN_B" nodad
	ip -n ttvpa link set "$VPN_A" mtu 1400 up
	ip -n ttvpb link set "$VPN_B" mtu 1400 up
}

# Stops the two programs; their reports are in /tmp/vpa.err, /tmp/vpb.err.
vpn_pair_kill() {
	kill "$VPN_PA" "$VPN_PB" 2> /dev/null || true
	wait "$VPN_PA" "$VPN_PB" 2> /dev/null || true
}

# Stops the programs and removes the namespaces.
vpn_pair_stop() {
	vpn_pair_kill
	ip netns del ttvpa 2> /dev/null || true
	ip netns del ttvpb 2> /dev/null || true
}

# vpn_iperf ADDRESS [IPERF_FLAGS]: iperf3 TCP for 3 s from ttvpa to the
# server at ADDRESS in ttvpb; prints the rate.
vpn_iperf() {
	ip netns exec ttvpb iperf3 -s -1 -D -B "$1"
	sleep 0.5
	# shellcheck disable=SC2086
	ip netns exec ttvpa iperf3 -c "$1" -t 3 -J ${2:-} > /tmp/vpn-iperf.json
	python3 - "$1" "${2:-}" <<'PY'
import json, sys
r = json.load(open("/tmp/vpn-iperf.json"))
assert "error" not in r, r.get("error")
bps = r["end"]["sum_received"]["bits_per_second"]
assert bps > 0
print("# iperf3 %s to %s across the example VPN: %.1f Mbit/s" % (sys.argv[2] or "-c", sys.argv[1], bps / 1e6))
PY
}

# The kernel's count of packets with a bad IP, TCP or UDP checksum that
# reached namespace $1: what the example got wrong when it is not 0.
vpn_csum_errors() {
	ip netns exec "$1" nstat -az IpExtInCsumErrors TcpInCsumErrors UdpInCsumErrors |
		awk '/CsumErrors/ { n += $2 } END { print n + 0 }'
}
