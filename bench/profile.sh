#!/bin/sh
# Inside the guest: profile one workload on each driver with perf (cpu-clock
# sampling over both vCPUs) and print where the time goes, by symbol.
#   profile.sh WORKLOAD SECS   WORKLOAD: write64 write1400 read units
#                              bulk_tun bulk_tun_vnet bulk_tap_vnet (iperf3
#                              through the forwarder, bench/pair.sh)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
work=$1
secs=${2:-5}
B=$root/build/bench/bench
insmod "$root/build/$(uname -r)/if_tuntap.ko"
modprobe tun
echo 0 > /proc/sys/kernel/kptr_restrict
echo -1 > /proc/sys/kernel/perf_event_paranoid

for d in bsd linux; do
	case "$work" in
	write64) set -- write "$d" 64 "$secs" ;;
	write1400) set -- write "$d" 1400 "$secs" ;;
	read) set -- read "$d" "$secs" ;;
	units) set -- units "$d" 200 ;;
	bulk_tun) set -- with_pair "$d" tun 0 iperf ;;
	bulk_tun_vnet) set -- with_pair "$d" tun 10 iperf ;;
	bulk_tap_vnet) set -- with_pair "$d" tap 10 iperf ;;
	*) echo "profile.sh: unknown workload $work" >&2; exit 2 ;;
	esac
	echo "== $work on $d"
	case "$1" in
	with_pair)	# the pair's whole run: set-up, forwarder, iperf3
		perf record -q -a -e cpu-clock -F 2000 -o "/tmp/perf-$d.data" \
			-- env B="$B" secs="$secs" sh -c \
			". '$root/bench/pair.sh'; $*" | sed 's/^/result: Mbit\/s /'
		;;
	*)
		perf record -q -a -e cpu-clock -F 2000 -o "/tmp/perf-$d.data" -- \
			"$B" "$@" | sed 's/^/result: /'
		;;
	esac
	perf report -q -i "/tmp/perf-$d.data" --stdio --no-children \
		--sort dso,sym --percent-limit 0.5 2>/dev/null | head -n 40
done
rmmod if_tuntap
