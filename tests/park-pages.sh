#!/bin/sh
# park-pages.sh: leave written packets' pool pages waiting in CPU 1's
# deferred-free list, then take CPU 1 offline.  run-guest.sh calls it just
# before the final rmmod, whose pool check then fails if the module let
# those pages stay behind (issue 18 §7).
#
# TCP gives a packet it has read back to the CPU that built it
# (skb_attempt_defer_free()), and that CPU frees it the next time it runs
# the network receive softirq.  So: a forwarder on CPU 1 writes a TCP
# stream into a unit, the forwarder stops, and the reader on CPU 0 reads:
# fewer than 32 packets, so no interrupt hurries CPU 1.  Then CPU 1 goes
# offline, where nothing will ever run that softirq.
. "$(dirname "$0")/lib.sh"

cpu1=/sys/devices/system/cpu/cpu1/online
bytes=12000

park() {
	trap 'set +e; kill $fwd $srv 2>/dev/null; wait; ip netns del pkl; ip netns del pkr' EXIT
	ip netns add pkl
	ip netns add pkr
	taskset -c 1 tunfwd -t /dev/tun /dev/tun > /tmp/park.names &
	fwd=$!
	for _ in $(seq 50); do [ -s /tmp/park.names ] && break; sleep 0.1; done
	read -r a b < /tmp/park.names
	ip link set "$a" netns pkl
	ip link set "$b" netns pkr
	ip -n pkl addr add 10.82.0.1 peer 10.82.0.2 dev "$a"
	ip -n pkr addr add 10.82.0.2 peer 10.82.0.1 dev "$b"
	ip -n pkl link set "$a" up
	ip -n pkr link set "$b" up
	rm -f /tmp/park.listen /tmp/park.go /tmp/park.read
	ip netns exec pkr taskset -c 0 python3 - "$bytes" <<'PY' &
import os, socket, sys, time
want = int(sys.argv[1])
s = socket.socket()
s.bind(("10.82.0.2", 7010))
s.listen(1)
open("/tmp/park.listen", "w").close()
c, _ = s.accept()
while not os.path.exists("/tmp/park.go"):
    time.sleep(0.05)
got = 0
while got < want:
    got += len(c.recv(65536))
open("/tmp/park.read", "w").write(str(got))
PY
	srv=$!
	for _ in $(seq 100); do [ -e /tmp/park.listen ] && break; sleep 0.1; done
	ip netns exec pkl python3 - "$bytes" <<'PY'
import socket, sys
c = socket.create_connection(("10.82.0.2", 7010), timeout=10)
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for _ in range(int(sys.argv[1]) // 1000):
    c.send(b"p" * 1000)
PY
	# Everything queued at the reader, then nothing more written on CPU 1.
	for _ in $(seq 50); do
		ip netns exec pkr ss -tnH sport = :7010 |
			awk -v n="$bytes" '$2 == n { f = 1 } END { exit !f }' &&
			break
		sleep 0.1
	done
	kill "$fwd"
	wait "$fwd" || true
	touch /tmp/park.go
	for _ in $(seq 50); do [ -s /tmp/park.read ] && break; sleep 0.1; done
	[ "$(cat /tmp/park.read)" = "$bytes" ]
	echo 0 > "$cpu1"
}

if [ -w "$cpu1" ]; then
	tt_case pages_parked_on_a_cpu_gone_offline park
else
	tt_skip pages_parked_on_a_cpu_gone_offline "CPU 1 cannot go offline"
fi
