#!/bin/sh
# Inside the guest: every workload (or those named in ONLY, separated by
# commas), alternating if_tuntap ("bsd") and Linux's tun ("linux"), REPS
# times.  Prints "RESULT workload driver value".
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
reps=${1:-5}
secs=${2:-3}
only=${3:-}
B=$root/build/bench/bench
insmod "$root/build/$(uname -r)/if_tuntap.ko"
modprobe tun

result() { echo "RESULT $1 $2 $3"; }

# Whether workload $1 is to run.
want() {
	case ",${only:-$1}," in *",$1,"*) return 0 ;; esac
	return 1
}

. "$root/bench/pair.sh"
. "$root/tests/vpn-pair.sh"
VPN=$root/build/examples/vpn

# The example VPN over if_tuntap, with its offloads (-o) or without: a
# row of ours against ours, since the example speaks FreeBSD's API.
vpn_rate() {
	vpn_pair "$1" "$1" > /dev/null
	iperf ttvpa ttvpb 10.94.0.2
	vpn_pair_stop
}

rr() {
	ip netns exec br $B rr-server 10.98.0.2 7777 &
	srv=$!
	sleep 0.2
	ip netns exec bl $B rr 10.98.0.2 7777 "$secs"
	kill "$srv"
}

iplink_rate() {
	n=50
	start=$(date +%s.%N)
	i=0
	while [ $i -lt $n ]; do
		if [ "$1" = bsd ]; then
			ip link add tun900 type bsdtun && ip link del tun900
		else
			ip tuntap add dev ltun900 mode tun && ip tuntap del dev ltun900 mode tun
		fi
		i=$((i + 1))
	done
	# A handful a second: whole numbers would round the ratio by 15 %.
	python3 -c "print('%.2f' % ($n / ($(date +%s.%N) - $start)))"
}

# Memory first, while nothing else runs: after the traffic workloads the
# kernel is still giving back buffers (sockets, deferred frees, page
# pools), and what it gives back during the count reads as a smaller unit.
# Each count lets deferred frees land first and reads the kernel's own
# allocations (bench.c, mem_used_kb()); it is still taken three times,
# alternating, for a median.
for r in 1 2 3; do
	for d in bsd linux; do
		want mem_bytes_per_unit &&
			result mem_bytes_per_unit $d "$($B mem $d 1000)"
	done
done
r=0
while [ "$r" -lt "$reps" ]; do
	for d in bsd linux; do
		want write64 && result write64 $d "$($B write $d 64 "$secs")"
		want write1400 && result write1400 $d "$($B write $d 1400 "$secs")"
		want read && result read $d "$($B read $d "$secs")"
		want bulk_tun_mbps &&
			result bulk_tun_mbps $d "$(with_pair $d tun 0 iperf)"
		want bulk_tap_mbps &&
			result bulk_tap_mbps $d "$(with_pair $d tap 0 iperf)"
		want bulk_tap_vnet_mbps &&
			result bulk_tap_vnet_mbps $d "$(with_pair $d tap 10 iperf)"
		want bulk_tun_vnet_mbps &&
			result bulk_tun_vnet_mbps $d "$(with_pair $d tun 10 iperf)"
		want rr_tun && result rr_tun $d "$(with_pair $d tun 0 rr)"
		want units_per_s && result units_per_s $d "$($B units $d 300)"
		want iplink_per_s && result iplink_per_s $d "$(iplink_rate $d)"
	done
	if want vpn_mbps; then
		result vpn_mbps offloads "$(vpn_rate -o)"
		result vpn_mbps plain "$(vpn_rate "")"
	fi
	r=$((r + 1))
done
rmmod if_tuntap
