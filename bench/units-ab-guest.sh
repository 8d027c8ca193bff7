#!/bin/sh
# units-ab-guest.sh A.ko B.ko [ROUNDS]: inside a guest, the unit rates of
# two builds of the module, alternating in the same guest (a loaded host
# moves separate guests' numbers more than the difference), with Linux's
# tun after each round.  Prints "RESULT workload build value": cloning
# open and transient close as scripts/bench's units_per_s, and ip link
# add/del of tun9 and tun900 (50 each) as its iplink_per_s.  Used for
# bench/results/2026-12-06-6.1.0-57-amd64-1cpu-open-by-name-ab.md, in a
# job.sh for tests/vm/run-vm.sh run with TT_CPUS=1 TT_SLUB_DEBUG=
# TT_CMDLINE=tsc=reliable.
root=$(cd "$(dirname "$0")/.." && pwd)
B=$root/build/bench/bench
a=$1 b=$2 rounds=${3:-4}
modprobe tun
iplink() {
	n=50 i=0
	start=$(date +%s.%N)
	while [ $i -lt $n ]; do
		ip link add "$1" type bsdtun && ip link del "$1"
		i=$((i + 1))
	done
	python3 -c "print('%.2f' % ($n / ($(date +%s.%N) - $start)))"
}
r=0
while [ "$r" -lt "$rounds" ]; do
	for ko in "$a" "$b"; do
		insmod "$ko"
		echo "RESULT units_per_s $ko $($B units bsd 300)"
		echo "RESULT iplink_tun9_per_s $ko $(iplink tun9)"
		echo "RESULT iplink_tun900_per_s $ko $(iplink tun900)"
		rmmod if_tuntap
	done
	echo "RESULT units_per_s linux $($B units linux 300)"
	r=$((r + 1))
done
