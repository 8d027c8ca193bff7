# Sourced by bench/run-guest.sh and bench/profile.sh, with B (the bench
# program) and secs set.
# Two namespaces joined by two units of DRIVER (KIND, VNET) and the
# forwarder; runs "$@" with them up.
with_pair() {
	d=$1 kind=$2 vnet=$3
	shift 3
	ip netns add bl
	ip netns add br
	$B fwd "$d" "$kind" "$vnet" > /tmp/pair &
	fwd=$!
	while [ ! -s /tmp/pair ]; do sleep 0.05; done
	read -r a b < /tmp/pair
	ip link set "$a" netns bl
	ip link set "$b" netns br
	if [ "$kind" = tun ]; then
		ip -n bl addr add 10.98.0.1 peer 10.98.0.2 dev "$a"
		ip -n br addr add 10.98.0.2 peer 10.98.0.1 dev "$b"
	else
		ip -n bl addr add 10.98.0.1/24 dev "$a"
		ip -n br addr add 10.98.0.2/24 dev "$b"
	fi
	ip -n bl link set "$a" up
	ip -n br link set "$b" up
	"$@"
	kill "$fwd"
	wait "$fwd" 2>/dev/null
	rm -f /tmp/pair
	ip netns del bl
	ip netns del br
}

# iperf [CLIENT_NS SERVER_NS ADDRESS]: Mbit/s of iperf3 TCP for $secs
# seconds (default: the pair's namespaces and address).
iperf() {
	ip netns exec "${2:-br}" iperf3 -s -1 -D -B "${3:-10.98.0.2}"
	sleep 0.3
	ip netns exec "${1:-bl}" iperf3 -c "${3:-10.98.0.2}" -t "$secs" -J |
		python3 -c 'import json,sys; print("%.0f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))'
}
