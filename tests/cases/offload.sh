#!/bin/sh
# tun with offloads: iperf3 between two namespaces whose only link is two
# tun units joined by tunfwd, the way an L3 VPN carries traffic; once
# packet by packet, once with virtio-net headers, which carry whole TCP
# segments across the forwarder.
. "$(dirname "$0")/../lib.sh"

tun_iperf() { # HDRLEN
	ip netns add tol
	ip netns add tor
	rm -f /tmp/tfwd.names /tmp/tfwd.err
	tunfwd -t -v "$1" /dev/tun /dev/tun > /tmp/tfwd.names 2> /tmp/tfwd.err &
	fwd=$!
	for _ in $(seq 50); do [ -s /tmp/tfwd.names ] && break; sleep 0.1; done
	read -r a b < /tmp/tfwd.names
	[ -n "$b" ] || die "tunfwd did not start: $(cat /tmp/tfwd.err)"
	ip link set "$a" netns tol
	ip link set "$b" netns tor
	ip -n tol addr add 10.93.0.1 peer 10.93.0.2 dev "$a"
	ip -n tor addr add 10.93.0.2 peer 10.93.0.1 dev "$b"
	ip -n tol link set "$a" up
	ip -n tor link set "$b" up
	ip netns exec tor iperf3 -s -1 -D -B 10.93.0.2
	sleep 0.5
	ip netns exec tol iperf3 -c 10.93.0.2 -t 4 -J > "/tmp/tiperf.$1.json"
	kill "$fwd"
	wait "$fwd" || true
	ip netns del tol
	ip netns del tor
	python3 - "$1" <<'PY'
import json, sys
r = json.load(open("/tmp/tiperf.%s.json" % sys.argv[1]))
assert "error" not in r, r.get("error")
bps = r["end"]["sum_received"]["bits_per_second"]
assert bps > 0
print("# iperf3 over tun, virtio-net header %s: %.1f Mbit/s" % (sys.argv[1], bps / 1e6))
PY
	sed 's/^/# /' /tmp/tfwd.err
}

iperf3_over_tun_without_and_with_vnet_header() {
	trap 'kill $fwd 2>/dev/null || true; ip netns del tol 2>/dev/null || true; ip netns del tor 2>/dev/null || true' EXIT
	tun_iperf 0 | tee /tmp/tiperf.plain
	grep -q ' 0 segmentation offloaded' /tmp/tiperf.plain
	grep -q 'Mbit/s' /tmp/tiperf.plain
	tun_iperf 10 | tee /tmp/tiperf.vnet
	! grep -q ' 0 segmentation offloaded' /tmp/tiperf.vnet
	grep -q 'Mbit/s' /tmp/tiperf.vnet
}

tt_case iperf3_over_tun_without_and_with_vnet_header iperf3_over_tun_without_and_with_vnet_header
