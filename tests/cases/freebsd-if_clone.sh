#!/bin/sh
# FreeBSD's tests/sys/net/if_clone_test.sh, translated to Linux: its tun,
# tap and vmnet cases (nine; the file's other drivers are not ours).  Each
# races interface creation, configuration and destruction for TESTLEN
# seconds.  "ifconfig X create" is "ip link add X type bsdKIND", "ifconfig
# X destroy" is "ip link del X"; "ifconfig X up ADDR/MASK [DST]" is an
# address (with its peer) and "ip link set X up"; "ifconfig X inet6
# ifdisabled" is the interface's disable_ipv6 sysctl.
#
# FreeBSD's cases pass when the kernel survives and cleanup destroys the
# unit; so do these (the suite fails on any oops or WARN in the guest's
# log), and they also check that the races ran (creation and destruction
# each won at least once) and that nothing of the unit, interface or
# node, is left.
# FreeBSD skips tap_ipv6_up_stress ("quickly panics" there); it runs here.
. "$(dirname "$0")/../lib.sh"
TESTLEN=10

# get_iface: the first of KIND0..KIND8 that can be created.
get_iface() {
	n=0
	while ! ip link add "$1$n" type "bsd$1" 2> /dev/null; do
		[ "$n" -ge 8 ] && die "could not create a $1 unit"
		n=$((n + 1))
	done
	echo "$1$n"
}

# A random delay of up to 10 ms (FreeBSD's randsleep helper).
randsleep() {
	r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	sleep "$(printf '0.%06d' $((r % 10000)))"
}

# No interface or unit of that name is left, nor its node (a prepared
# node stays, saying no unit has its number).
gone() {
	ip link del "$1" 2> /dev/null || true
	! link_exists "$1" && unit_node_gone "$1"
}

# if_clone_test.sh's do_stress: one loop creates the unit, another
# destroys it, for TESTLEN seconds.
stress() { # KIND
	iface=$(get_iface "$1")
	dir=$(mktemp -d)
	trap 'kill $c $d 2>/dev/null || true; rm -rf "$dir"; gone "$iface" || true' EXIT
	(
		set +x
		while [ ! -e "$dir/stop" ]; do
			ip link add "$iface" type "bsd$1" 2> /dev/null &&
				printf . >> "$dir/created"
		done
	) &
	c=$!
	(
		set +x
		while [ ! -e "$dir/stop" ]; do
			ip link del "$iface" 2> /dev/null &&
				printf . >> "$dir/destroyed"
		done
	) &
	d=$!
	sleep "$TESTLEN"
	# FreeBSD kills the loops; here they end their round first, so that
	# a slow guest counts every round it began.
	touch "$dir/stop"
	wait "$c" "$d" || true
	created=$(cat "$dir/created" 2> /dev/null | wc -c)
	destroyed=$(cat "$dir/destroyed" 2> /dev/null | wc -c)
	echo "# created $iface $created times, destroyed it $destroyed times"
	[ "$created" -ge 1 ] && [ "$destroyed" -ge 1 ]
	gone "$iface"
}

# if_clone_test.sh's do_up_stress KIND IPV6 P2P: each round, unless IPV6 is
# 6, IPv6 is disabled on the unit; then one job configures and ups it
# 5 ms later while another destroys it after a random 0-10 ms, and the
# unit is made again.
up_stress() { # KIND IPV6 P2P
	iface=$(get_iface "$1")
	dir=$(mktemp -d)
	trap 'kill $loop 2>/dev/null || true; rm -rf "$dir"; gone "$iface" || true' EXIT
	if [ "$3" = p2p ]; then
		peer="peer 192.0.2.3"
	else
		peer=
	fi
	(
		set +x
		while [ ! -e "$dir/stop" ]; do
			[ "$2" = 6 ] ||
				echo 1 2> /dev/null \
					> "/proc/sys/net/ipv6/conf/$iface/disable_ipv6"
			{
				sleep 0.005 &&
				# shellcheck disable=SC2086
				ip addr add 192.0.2.2/24 $peer dev "$iface" \
					2> /dev/null &&
				ip link set "$iface" up 2> /dev/null &&
				printf . >> "$dir/up"
			} &
			{
				randsleep && ip link del "$iface" 2> /dev/null &&
				printf . >> "$dir/destroyed"
			} &
			wait
			ip link add "$iface" type "bsd$1" 2> /dev/null
		done
	) &
	loop=$!
	sleep "$TESTLEN"
	touch "$dir/stop"
	wait "$loop" || true
	up=$(cat "$dir/up" 2> /dev/null | wc -c)
	destroyed=$(cat "$dir/destroyed" 2> /dev/null | wc -c)
	echo "# upped $iface $up times, destroyed it $destroyed times"
	# Which side wins a round is chance (on a slow guest, a few rounds
	# only): the rounds must have run, whoever won.
	[ $((up + destroyed)) -ge 1 ]
	gone "$iface"
}

# Each case translates the if_clone_test.sh case named after it.
tun_create_races_destroy() { stress tun; }		# tun_stress
tun_up_races_destroy() { up_stress tun "" p2p; }		# tun_up_stress
tun_up_with_ipv6_races_destroy() { up_stress tun 6 p2p; }	# tun_ipv6_up_stress
tap_create_races_destroy() { stress tap; }		# tap_stress
tap_up_races_destroy() { up_stress tap "" ""; }		# tap_up_stress
tap_up_with_ipv6_races_destroy() { up_stress tap 6 ""; }	# tap_ipv6_up_stress
vmnet_create_races_destroy() { stress vmnet; }		# vmnet_stress
vmnet_up_races_destroy() { up_stress vmnet "" ""; }	# vmnet_up_stress
vmnet_up_with_ipv6_races_destroy() { up_stress vmnet 6 ""; } # vmnet_ipv6_up_stress

for kind in tun tap vmnet; do
	for t in create_races_destroy up_races_destroy \
		up_with_ipv6_races_destroy; do
		tt_case "${kind}_$t" "${kind}_$t"
	done
done
