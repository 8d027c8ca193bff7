#!/bin/sh
# The demonstration, run inside the guest by scripts/demo: two network
# namespaces joined by two tun units and a userspace forwarder, a ping
# across, then transient units vanishing when their file closes.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
PATH=$root/build/tools:$root/build/tests:$PATH
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
ls "/dev/$a" "/dev/$b" 2>&1 || true

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

ip netns del left
ip netns del right
rmmod if_tuntap
say "demo done"
