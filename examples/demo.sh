#!/bin/sh
# The demonstration, run inside the guest by scripts/demo: two network
# namespaces joined by two tun units and a userspace forwarder, a ping
# across, transient units vanishing when their file closes, tuntapctl, and
# the example VPN (examples/vpn.c) carrying ping and iperf3 over UDP
# between two namespaces.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
PATH=$root/build/tools:$root/build/examples:$root/build/tests:$PATH
say() { printf '\n### %s\n' "$*"; }

insmod "$root/build/$(uname -r)/if_tuntap.ko"
ip netns add left
ip netns add right

say "tunfwd opens /dev/tun twice: two new transient units"
tunfwd -t /dev/tun /dev/tun > /tmp/names &
fwd=$!
while [ ! -s /tmp/names ]; do sleep 0.1; done
read -r a b < /tmp/names
echo "units: $a $b"
ls -l "/dev/$a" "/dev/$b"

say "$a goes to namespace left, $b to right"
ip link set "$a" netns left
ip link set "$b" netns right
ip -n left addr add 10.0.0.1 peer 10.0.0.2 dev "$a"
ip -n right addr add 10.0.0.2 peer 10.0.0.1 dev "$b"
ip -n left link set "$a" up
ip -n right link set "$b" up
ip -n left addr show dev "$a"
ip -n right addr show dev "$b"

say "ping from left to right, through the forwarder"
ip netns exec left ping -c 5 -i 0.2 10.0.0.2
ip -n left -s link show dev "$a"

say "the forwarder exits: its transient units vanish from both namespaces"
kill "$fwd"
wait "$fwd" || true
ip -n left link show dev "$a" 2>&1 || true
ip -n right link show dev "$b" 2>&1 || true
for n in "$a" "$b"; do
	echo "/dev/$n stays (a prepared node): units behind it:" \
		"$(cat "/sys/class/if_tuntap/$n/exists" 2>/dev/null || echo 0)"
done

say "a transient unit held open by tt-hold, then closed"
mkfifo /tmp/hold
tt-hold /dev/tun transient < /tmp/hold > /tmp/held &
exec 3> /tmp/hold
while [ ! -s /tmp/held ]; do sleep 0.1; done
t=$(cat /tmp/held)
ip link show dev "$t"
exec 3>&-
wait
ip link show dev "$t" 2>&1 || echo "$t is gone"

say "open by name, as on FreeBSD: /dev/tun7 stands before its unit"
ls -l /dev/tun7
rm -f /tmp/held
tt-hold /dev/tun7 transient < /tmp/hold > /tmp/held &
exec 3> /tmp/hold
while [ ! -s /tmp/held ]; do sleep 0.1; done
ip link show dev "$(cat /tmp/held)"
exec 3>&-
wait

say "tuntapctl: create, list, show, destroy; run a command on a transient unit"
t=$(tuntapctl create tun)
echo "tuntapctl create tun: $t"
tuntapctl create tap5
tuntapctl list
tuntapctl show tap5
tuntapctl destroy tap5
tuntapctl destroy "$t"
tuntapctl run -- sh -c 'echo "the command has $TUNTAP_IFNAME on fd $TUNTAP_FD"; tuntapctl list'
tuntapctl list

say "the example VPN: namespaces left and right joined by a veth pair"
ip link add veth-l netns left type veth peer name veth-r netns right
ip -n left addr add 192.168.50.1/24 dev veth-l
ip -n right addr add 192.168.50.2/24 dev veth-r
ip -n left link set veth-l up
ip -n right link set veth-r up
echo "vpn in each namespace: a transient tun, IFHEAD, packets in UDP datagrams"
ip netns exec left vpn 4000 192.168.50.2 4001 > /tmp/vpn-left 2> /tmp/vpn-left.err &
vl=$!
ip netns exec right vpn 4001 192.168.50.1 4000 > /tmp/vpn-right 2> /tmp/vpn-right.err &
vr=$!
while [ ! -s /tmp/vpn-left ] || [ ! -s /tmp/vpn-right ]; do sleep 0.1; done
l=$(cat /tmp/vpn-left) r=$(cat /tmp/vpn-right)
ip -n left addr add 10.1.0.1 peer 10.1.0.2 dev "$l"
ip -n right addr add 10.1.0.2 peer 10.1.0.1 dev "$r"
ip -n left link set "$l" mtu 1400 up
ip -n right link set "$r" mtu 1400 up
ip -n left route show
ip netns exec left ping -c 5 -i 0.2 10.1.0.2
ip netns exec right iperf3 -s -1 -D -B 10.1.0.2
sleep 0.5
ip netns exec left iperf3 -c 10.1.0.2 -t 3
kill "$vl" "$vr"
wait "$vl" "$vr" || true
cat /tmp/vpn-left.err /tmp/vpn-right.err
echo "after the VPNs exit:"
ip -n left link show dev "$l" 2>&1 || true

ip netns del left
ip netns del right
rmmod if_tuntap
say "demo done"
