#!/bin/sh
# FreeBSD's tests/sys/netinet/fibs_test.sh, translated to Linux: its cases
# built on tap(4) units (twelve: the eleven of today's file and the tap
# form of arpresolve_checks_interface_fib; the others use epair), with
# FreeBSD's assertions.
#
# FreeBSD's FIBs are separate routing tables that an interface joins
# ("ifconfig tapN ... fib N") and a process routes through ("setfib N
# cmd").  Linux's closest equivalent is a VRF: a device bound to a routing
# table (here fibN, table 1000+N), which an interface joins as a slave
# ("ip link set tapN master fibN"), and through which a socket bound to it
# (SO_BINDTODEVICE, as "ip vrf exec" does) routes.  FIB 0 is the default:
# no VRF, Linux's local and main tables.  An address on a VRF slave puts
# its routes in the VRF's table only, which is FreeBSD's
# net.add_addr_allfibs=0 that these cases require.
#
# Linux, not the driver, differs in three ways the assertions follow
# (each case says where):
# - a local address's host route is "local ADDR dev tapN" in the table,
#   where FreeBSD's is "ADDR UHS lo0";
# - giving an interface an address does not bring it up (README,
#   Differences from FreeBSD), so setup_tap also sets the tap up;
# - IPv6 routes of an address come once duplicate address detection is
#   done: addresses are added "nodad", which FreeBSD's udp_dontroute6 case
#   asks for too ("no_dad"), so that the routes are there at once, as the
#   others expect.
. "$(dirname "$0")/../lib.sh"
IFACES=/tmp/fibs-ifaces

# FreeBSD's configured "fibs" list: FIB0 and FIB1.
FIB0=1
FIB1=2

fibs_init() {
	modprobe vrf
	for f in "$FIB0" "$FIB1"; do
		ip link add "fib$f" type vrf table $((1000 + f))
		ip link set "fib$f" up
	done
	: > "$IFACES"
	trap cleanup_ifaces EXIT
}

cleanup_ifaces() {
	# A name may be listed twice (a unit destroyed by the case, its
	# number taken again): every step may fail, none may stop the rest.
	if [ -f "$IFACES" ]; then
		while read -r i; do
			ip link del "$i" 2> /dev/null || true
		done < "$IFACES"
	fi
	rm -f "$IFACES"
	ip link del "fib$FIB0" 2> /dev/null || true
	ip link del "fib$FIB1" 2> /dev/null || true
}

# setup_tap FIB inet|inet6 ADDR MASK: a new tap in FIB, up, with ADDR/MASK
# (FreeBSD's get_tap and setup_iface); its name in TAP.
setup_tap() {
	TAP=$(unit_add tap)
	echo "$TAP" >> "$IFACES"
	[ "$1" = 0 ] || ip link set "$TAP" master "fib$1"
	ip link set "$TAP" up
	if [ "$2" = inet6 ]; then
		ip -6 addr add "$3/$4" dev "$TAP" nodad
	else
		ip addr add "$3/$4" dev "$TAP"
	fi
}

# taps_in_fibs inet|inet6 ADDR0 ADDR1 MASK: a tap in FIB0 with ADDR0/MASK
# (tap0) and one in FIB1 with ADDR1/MASK (tap1); fam is ip's -4 or -6.
taps_in_fibs() {
	setup_tap "$FIB0" "$1" "$2" "$4"
	tap0=$TAP
	setup_tap "$FIB1" "$1" "$3" "$4"
	tap1=$TAP
	fam=-4
	if [ "$1" = inet6 ]; then fam=-6; fi
}

# "setfib FIB netstat -rn -f inet|inet6": FIB's routes.
fib_routes() { # FIB inet|inet6
	fam=-4
	[ "$2" = inet6 ] && fam=-6
	if [ "$1" = 0 ]; then
		ip "$fam" route show table local
		ip "$fam" route show table main
	else
		ip "$fam" route show table $((1000 + $1))
	fi
}

# fibs_test.sh:arpresolve_checks_interface_fib (FreeBSD PR kern/167947),
# in its tap form (FreeBSD 10 to 12; later ones use an epair): two taps
# joined by a crossover cable (socat /dev/tapA /dev/tapB there, tunfwd
# here), in two FIBs, on one subnet with masks /24 and /25; an ICMP echo
# request from a spoofed address and MAC goes out of the first (nping
# there, tt-spoofping here) to the second's address, and the second's FIB
# must then hold an ARP entry for the spoofed address, made when the
# reply was routed ("setfib FIB1 arp ADDR" matching "expires").  Linux
# keeps neighbour entries per interface, not per table: the entry is
# looked for on the second tap, whatever its state (nobody answers for
# the spoofed address, there as here).
arpresolve_uses_the_receiving_taps_vrf() {
	fibs_init
	setup_tap "$FIB0" inet 192.0.2.2 24
	tap0=$TAP
	setup_tap "$FIB1" inet 192.0.2.3 25
	tap1=$TAP
	tunfwd "/dev/$tap0" "/dev/$tap1" > /tmp/fibs-fwd &
	fwd=$!
	trap 'kill $fwd 2>/dev/null || true; cleanup_ifaces' EXIT
	for _ in $(seq 50); do [ -s /tmp/fibs-fwd ] && break; sleep 0.1; done
	[ -s /tmp/fibs-fwd ]
	tt-spoofping "$tap0" "$(cat "/sys/class/net/$tap1/address")" \
		00:00:5e:00:53:00 192.0.2.4 192.0.2.3
	for _ in $(seq 50); do
		ip neigh show 192.0.2.4 dev "$tap1" | grep -q . && break
		sleep 0.1
	done
	ip neigh show 192.0.2.4 dev "$tap1" | grep '^192\.0\.2\.4 '
	if ip neigh show 192.0.2.4 dev "$tap0" | grep -q .; then
		die "the entry is on the sending tap"
	fi
}

# fibs_test.sh:loopback_and_network_routes_on_nondefault_fib and its
# _inet6 twin: the host route of a tap's address and the route to its
# subnet are in the tap's FIB, and not in FIB 0.  (Linux: the host route
# names the tap, not lo0.)
routes_stay_in_fib() { # inet|inet6 ADDR SUBNET MASK
	fibs_init
	setup_tap "$FIB0" "$1" "$2" "$4"
	fib_routes "$FIB0" "$1" | grep -q "^local $2 dev $TAP " ||
		die "host route did not appear in the correct FIB"
	if fib_routes 0 "$1" | grep -q "^local $2 "; then
		die "host route appeared in the wrong FIB"
	fi
	fib_routes "$FIB0" "$1" | grep -q "^$3/$4 dev $TAP " ||
		die "network route did not appear in the correct FIB"
	if fib_routes 0 "$1" | grep -q "^$3/$4 dev $TAP "; then
		die "network route appeared in the wrong FIB"
	fi
}
tap_address_routes_stay_in_its_vrf() {
	routes_stay_in_fib inet 192.0.2.2 192.0.2.0 24
}
tap_ipv6_address_routes_stay_in_its_vrf() {
	routes_stay_in_fib inet6 2001:db8::2 2001:db8:: 64
}

# fibs_test.sh:default_route_with_multiple_fibs_on_same_subnet and _inet6:
# two taps on one subnet, in two FIBs, each FIB gets a default route
# through the same gateway, by its own tap.
default_route_per_fib() { # inet|inet6 ADDR0 ADDR1 GATEWAY MASK
	fibs_init
	taps_in_fibs "$1" "$2" "$3" "$5"
	ip "$fam" route add default via "$4" vrf "fib$FIB0"
	ip "$fam" route add default via "$4" vrf "fib$FIB1"
	fib_routes "$FIB0" "$1" | grep -q "^default via $4 dev $tap0 "
	fib_routes "$FIB1" "$1" | grep -q "^default via $4 dev $tap1 "
}
taps_on_one_subnet_get_a_default_route_in_each_vrf() {
	default_route_per_fib inet 192.0.2.2 192.0.2.3 192.0.2.1 24
}
taps_on_one_ipv6_subnet_get_a_default_route_in_each_vrf() {
	default_route_per_fib inet6 2001:db8::2 2001:db8::3 2001:db8::1 64
}

# fibs_test.sh:same_ip_multiple_ifaces_fib0 (FreeBSD PR kern/189089): one
# address on two taps of FIB 0 (/24 and /32) can be removed from the
# second, then, with two new taps, from the first, without a panic.  Here
# the removals must also succeed, and the address stays local while a tap
# still has it.
same_address_on_two_taps_can_be_removed_from_either() {
	fibs_init
	setup_tap 0 inet 192.0.2.2 24
	tap0=$TAP
	setup_tap 0 inet 192.0.2.2 32
	tap1=$TAP
	ip addr del 192.0.2.2/32 dev "$tap1"
	fib_routes 0 inet | grep -q '^local 192.0.2.2 '
	setup_tap 0 inet 192.0.2.2 24
	tap0=$TAP
	setup_tap 0 inet 192.0.2.2 32
	tap1=$TAP
	ip addr del 192.0.2.2/24 dev "$tap0"
	fib_routes 0 inet | grep -q '^local 192.0.2.2 '
}

# fibs_test.sh:same_ip_multiple_ifaces (FreeBSD PR kern/189088, marked
# expected to fail there: FreeBSD made a host route for only one FIB):
# one address on two taps in two FIBs; removed from the second tap, its
# host route leaves the second FIB.  Then, with two new taps, it is
# removed from the first of those, and FreeBSD expects no host route for
# it in the first FIB.  On Linux the first half holds.  In the second,
# the first round's tap still holds the address in that FIB, so its host
# route rightly stays: what must go (and goes) is the new tap's.
same_address_in_two_vrfs_removed_from_one_leaves_its_table() {
	fibs_init
	setup_tap "$FIB0" inet 192.0.2.2 24
	first=$TAP
	setup_tap "$FIB1" inet 192.0.2.2 32
	tap1=$TAP
	ip addr del 192.0.2.2/32 dev "$tap1"
	if fib_routes "$FIB1" inet | grep -q '^\(local \)\{0,1\}192\.0\.2\.2 '; then
		die "host route left in FIB $FIB1"
	fi
	setup_tap "$FIB0" inet 192.0.2.2 24
	tap0=$TAP
	setup_tap "$FIB1" inet 192.0.2.2 32
	ip addr del 192.0.2.2/24 dev "$tap0"
	if fib_routes "$FIB0" inet | grep -q "^local 192\.0\.2\.2 dev $tap0 "; then
		die "host route of $tap0 left in FIB $FIB0"
	fi
	fib_routes "$FIB0" inet | grep -q "^local 192\.0\.2\.2 dev $first "
}

# fibs_test.sh:same_ip_multiple_ifaces_inet6: the same IPv6 address on two
# taps in two FIBs (/64 and /128); removing it from the second succeeds and
# leaves no route to it in the second FIB; both taps destroyed, then again
# with new taps, removing it from the first.
same_ipv6_address_in_two_vrfs_removed_from_one_leaves_its_table() {
	fibs_init
	setup_tap "$FIB0" inet6 2001:db8::2 64
	tap0=$TAP
	setup_tap "$FIB1" inet6 2001:db8::2 128
	tap1=$TAP
	ip -6 addr del 2001:db8::2/128 dev "$tap1"
	if fib_routes "$FIB1" inet6 | grep -q '^\(local \)\{0,1\}2001:db8::2 '; then
		die "route to the address left in FIB $FIB1"
	fi
	ip link del "$tap1"
	ip link del "$tap0"
	setup_tap "$FIB0" inet6 2001:db8::2 64
	tap0=$TAP
	setup_tap "$FIB1" inet6 2001:db8::2 128
	ip -6 addr del 2001:db8::2/64 dev "$tap0"
	if fib_routes "$FIB0" inet6 | grep -q '^\(local \)\{0,1\}2001:db8::2 '; then
		die "route to the address left in FIB $FIB0"
	fi
}

# fibs_test.sh:subnet_route_with_multiple_fibs_on_same_subnet and _inet6
# (FreeBSD PR kern/187550): two taps on one subnet in two FIBs; each FIB
# has a route to the other tap's address ("setfib F route get": here
# "ip route get ... vrf"), through its own tap.
subnet_route_in_both_fibs() { # inet|inet6 ADDR0 ADDR1 MASK
	fibs_init
	taps_in_fibs "$1" "$2" "$3" "$4"
	ip "$fam" route get "$3" vrf "fib$FIB0" | grep -q " dev $tap0 "
	ip "$fam" route get "$2" vrf "fib$FIB1" | grep -q " dev $tap1 "
}
taps_on_one_subnet_in_two_vrfs_both_route_it() {
	subnet_route_in_both_fibs inet 192.0.2.2 192.0.2.3 24
}
taps_on_one_ipv6_subnet_in_two_vrfs_both_route_it() {
	subnet_route_in_both_fibs inet6 2001:db8::2 2001:db8::3 64
}

# fibs_test.sh:udp_dontroute and udp_dontroute6 (FreeBSD PR kern/187553):
# two taps on one subnet in two FIBs; a UDP datagram sent with
# SO_DONTROUTE to another address of the subnet, from FIB0, must not fail
# and must leave by FIB0's tap (FreeBSD's udp_dontroute helper, here
# tt-dontroute, reads the tap's node for it); then again with new taps,
# from FIB1, by FIB1's tap.
udp_dontroute_in_fib() { # inet|inet6 ADDR0 ADDR1 MASK TARGET
	fibs_init
	six=
	[ "$1" = inet6 ] && six=-6
	setup_tap "$FIB0" "$1" "$2" "$4"
	target=$TAP
	setup_tap "$FIB1" "$1" "$3" "$4"
	tt-dontroute $six -b "fib$FIB0" "$5" "/dev/$target"
	# And the bug's symptom where it belongs: from FIB 0, which has no
	# route to the subnet, the same send fails (FreeBSD's comment:
	# ENETUNREACH).
	expect_fail "Network is unreachable" \
		tt-dontroute $six "$5" "/dev/$target"
	cleanup_ifaces
	fibs_init
	setup_tap "$FIB0" "$1" "$2" "$4"
	setup_tap "$FIB1" "$1" "$3" "$4"
	target=$TAP
	tt-dontroute $six -b "fib$FIB1" "$5" "/dev/$target"
}
udp_dontroute_in_a_vrf_leaves_by_its_tap() {
	udp_dontroute_in_fib inet 192.0.2.2 192.0.2.3 24 192.0.2.100
}
udp6_dontroute_in_a_vrf_leaves_by_its_tap() {
	udp_dontroute_in_fib inet6 2001:db8::2 2001:db8::3 64 2001:db8::100
}

for t in arpresolve_uses_the_receiving_taps_vrf \
	tap_address_routes_stay_in_its_vrf \
	tap_ipv6_address_routes_stay_in_its_vrf \
	taps_on_one_subnet_get_a_default_route_in_each_vrf \
	taps_on_one_ipv6_subnet_get_a_default_route_in_each_vrf \
	same_address_on_two_taps_can_be_removed_from_either \
	same_address_in_two_vrfs_removed_from_one_leaves_its_table \
	same_ipv6_address_in_two_vrfs_removed_from_one_leaves_its_table \
	taps_on_one_subnet_in_two_vrfs_both_route_it \
	taps_on_one_ipv6_subnet_in_two_vrfs_both_route_it \
	udp_dontroute_in_a_vrf_leaves_by_its_tap \
	udp6_dontroute_in_a_vrf_leaves_by_its_tap; do
	tt_case "$t" "$t"
done
