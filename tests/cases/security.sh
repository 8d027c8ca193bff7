#!/bin/sh
# Security: what a hostile local user may do, tried as one.  On Debian any
# user may become the admin of a new user namespace (unshare -Urn); units
# made there, and opens from there, must reach nothing of the host's.
. "$(dirname "$0")/../lib.sh"

params=/sys/module/if_tuntap/parameters
nobody=65534

# COMMAND as uid ${uid:-65534} in new user and network namespaces, root
# there.
as_userns() {
	setpriv --reuid="${uid:-$nobody}" --regid="${uid:-$nobody}" \
		--clear-groups unshare -Urn sh -c "$1"
}

# COMMAND as uid 65534 holding CAP_NET_ADMIN only, in the host's
# namespaces (docker run --cap-add NET_ADMIN, as far as we are concerned).
as_netadmin() {
	setpriv --reuid=$nobody --regid=$nobody --clear-groups \
		--inh-caps=-all,+net_admin --ambient-caps=-all,+net_admin \
		sh -c "$1"
}

node_count() {
	n=0
	for f in /dev/tun[0-9]* /dev/tap[0-9]* /dev/vmnet[0-9]*; do
		[ -e "$f" ] && n=$((n + 1))
	done
	echo $n
}

# The unit a cloning open makes now, released again.
next_tun() {
	hold_open /dev/tun transient
	echo "$HOLD_NAME"
	hold_release
}

# Review §1: a user's unit, named like a host unit and renamed, is never
# what a host program opening that number gets.
host_open_never_reaches_userns_unit() {
	as_userns "ip link add tun4610 type bsdtun &&
		ip link set tun4610 name eth0 &&
		ip addr add 10.61.0.1 peer 10.61.0.2 dev eth0 &&
		ip link set eth0 up && echo ok > /tmp/userns-up &&
		exec sleep 30" &
	user=$!
	trap 'kill $user 2>/dev/null || true; wait $user || true' EXIT
	for _ in $(seq $((100 * ${TT_TIME_SCALE:-1}))); do
		[ -s /tmp/userns-up ] && break
		sleep 0.1
	done
	[ -s /tmp/userns-up ]	# the user's unit stands
	rm -f /tmp/userns-up
	[ ! -e /dev/tun4610 ]	# nothing of the user's in the host's /dev
	mknod /tmp/tun4610 c "$(stat -c %Hr /dev/tun)" 4610
	hold_open /tmp/tun4610 transient
	rm -f /tmp/tun4610
	[ "$HOLD_NAME" = tun4610 ]	# the host's own unit, not "eth0"
	link_exists tun4610
	hold_release
	! link_exists tun4610
}

# Review §1: a host unit moved to another namespace opens only there.
open_only_in_the_units_namespace() {
	ip netns add ttsec
	trap 'ip netns del ttsec' EXIT
	ip link add tun4600 type bsdtun
	ip link add tun4601 type bsdtun
	ip link set tun4600 netns ttsec
	expect_fail "No such device or address" tt-hold /dev/tun4600 < /dev/null
	hold_open /dev/tun4601
	ip link set tun4601 netns ttsec
	[ "$(ip netns exec ttsec sh -c 'tt-hold /dev/tun4600 < /dev/null')" = tun4600 ]
	# Opened before it moved: the file keeps its unit.
	ns_link_exists ttsec tun4601
	hold_release
	ip -n ttsec link del tun4600
	ip -n ttsec link del tun4601
}

# Review §2: units of a user's namespaces take no host number, put no node
# in /dev, and are bounded for the user as a whole.
userns_units_bounded_and_nodeless() {
	uid=4660	# a user of its own: no other case's units count here
	old=$(cat $params/user_max_units)
	trap 'echo $old > $params/user_max_units' EXIT
	echo 8 > $params/user_max_units
	first=$(next_tun)
	nodes=$(node_count)
	# shellcheck disable=SC2016 # expanded in the namespace's shell
	as_userns 'for i in 1 2 3 4 5 6 7 8; do
			ip link add type bsdtun || exit 1
		done
		ip link add tun100 type bsdtun 2> /tmp/ninth && exit 1
		grep -q "No space left on device" /tmp/ninth || exit 1
		[ "$(ip -o link show type bsdtun | wc -l)" = 8 ] || exit 1
		echo ok > /tmp/userns-held
		exec sleep $((20 * ${TT_TIME_SCALE:-1}))' &
	user=$!
	trap 'kill $user 2>/dev/null || true; echo $old > $params/user_max_units' EXIT
	for _ in $(seq $((100 * ${TT_TIME_SCALE:-1}))); do
		[ -s /tmp/userns-held ] && break
		sleep 0.1
	done
	[ -s /tmp/userns-held ]
	rm -f /tmp/userns-held
	[ "$(node_count)" = "$nodes" ]
	[ "$(next_tun)" = "$first" ]
	# Another user namespace of the same user shares the bound.
	expect_fail "No space left on device" \
		as_userns 'ip link add type bsdtap'
	kill $user
	wait $user || true
	# The namespace is gone and its units with it: the bound is free
	# (once the kernel has cleaned the namespace up, which takes a while).
	freed=no
	for _ in $(seq $((50 * ${TT_TIME_SCALE:-1}))); do
		if as_userns 'ip link add type bsdtap' 2>/dev/null; then
			freed=yes
			break
		fi
		sleep 0.2
	done
	[ $freed = yes ]
}

# Review §2: a unit's read ring is charged to its creator's memory cgroup
# and capped, whatever txqueuelen says: a hundred units asking for the
# most entries every kernel takes (32767) once held 26 MB outside any
# cgroup (and 6.1 takes 512k at creation: 4 MB a unit).
unit_memory_charged_and_ring_capped() {
	cg=/sys/fs/cgroup/ttsec
	echo +memory > /sys/fs/cgroup/cgroup.subtree_control
	mkdir -p $cg
	trap 'rmdir $cg' EXIT
	sync
	avail0=$(awk '/MemAvailable/ { print $2 }' /proc/meminfo)
	cur0=$(cat $cg/memory.current)
	sh -c "echo \$\$ > $cg/cgroup.procs;
		for i in \$(seq 4640 4739); do
			ip link add tun\$i txqueuelen 32767 type bsdtun || exit 1
		done"
	cur1=$(cat $cg/memory.current)
	avail1=$(awk '/MemAvailable/ { print $2 }' /proc/meminfo)
	for i in $(seq 4640 4739); do ip link del "tun$i"; done
	outside=$(( (avail0 - avail1) - (cur1 - cur0) / 1024 ))
	echo "# 100 units: ${outside} kB outside their cgroup, $(( (cur1 - cur0) / 1024 )) kB in it"
	[ "$outside" -lt 16384 ]
	[ "$(( cur1 - cur0 ))" -gt $(( 100 * 1024 * 8 )) ]
}

# Review §3: an interface name is no path in /dev, whoever renames.
rename_creates_nothing_in_dev() {
	ip link add tun4620 type bsdtun
	trap 'ip link del tun4620 2>/dev/null || ip link del sdq 2>/dev/null' EXIT
	as_netadmin "ip link set tun4620 name 'tun7!' &&
		ip link set 'tun7!' name sdq"
	[ ! -e /dev/tun7 ] || [ -c /dev/tun7 ]	# never a directory
	[ ! -e /dev/sdq ]
	as_netadmin "ip link set sdq name vpn0"
	[ ! -e /dev/vpn0 ]
	ip link set vpn0 name tun4620
	[ -c /dev/tun4620 ]
}

# Review §6: a close by a process that is not the owner is logged, but
# not once per close: any process holding the file may close it.
foreign_close_log_rate_limited() {
	ip link add tap4625 type bsdtap
	trap 'ip link del tap4625' EXIT
	before=$(dmesg | grep -c 'tap4625: closed by pid' || true)
	start=$(cut -d. -f1 /proc/uptime)
	for _ in $(seq 200); do
		exec 8<> /dev/tap4625
		sleep 0.01 &	# holds the file last, and is not its opener
		exec 8>&-
		wait $!
	done
	after=$(dmesg | grep -c 'tap4625: closed by pid' || true)
	secs=$(($(cut -d. -f1 /proc/uptime) - start + 1))
	echo "# 200 foreign closes in ${secs}s, $((after - before)) logged"
	# net_ratelimit(): at most a burst of 10 in each 5 s (secs is rounded
	# up); 33f68b5 logged every one.
	[ $((after - before)) -ge 1 ]
	[ $((after - before)) -le $((10 * (secs / 5 + 1))) ]
}

# Review §7: "ip link add name tun%d" takes a number free everywhere, not
# the lowest name free in this namespace.
iplink_pattern_skips_numbers_taken_elsewhere() {
	ip netns add ttpat
	trap 'ip netns del ttpat' EXIT
	name=$(next_tun)
	ip -n ttpat link add "$name" type bsdtun
	ip -o link show type bsdtun | cut -d: -f2 | sort > /tmp/bsdtun.before
	ip link add name 'tun%d' type bsdtun
	ip -o link show type bsdtun | cut -d: -f2 | sort > /tmp/bsdtun.after
	made=$(comm -13 /tmp/bsdtun.before /tmp/bsdtun.after | tr -d ' ')
	[ -n "$made" ] && [ "$made" != "$name" ]
	ip link del "$made"
}

# Review §7: a tap made with an address gets a unicast one, or nothing.
bsdtap_address_is_validated() {
	expect_fail "not a unicast Ethernet address" \
		ip link add tap4630 address 01:00:5e:00:00:01 type bsdtap
	expect_fail "not a unicast Ethernet address" \
		ip link add tap4630 address 00:00:00:00:00:00 type bsdtap
	! link_exists tap4630
	ip link add tap4630 address 02:00:00:46:30:01 type bsdtap
	ip link show tap4630 | grep -q 02:00:00:46:30:01
	ip link del tap4630
}

tt_case host_open_never_reaches_userns_unit host_open_never_reaches_userns_unit
tt_case open_only_in_the_units_namespace open_only_in_the_units_namespace
tt_case userns_units_bounded_and_nodeless userns_units_bounded_and_nodeless
if grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
	tt_case unit_memory_charged_and_ring_capped unit_memory_charged_and_ring_capped
else
	tt_skip unit_memory_charged_and_ring_capped "no memory cgroup controller"
fi
tt_case rename_creates_nothing_in_dev rename_creates_nothing_in_dev
tt_case foreign_close_log_rate_limited foreign_close_log_rate_limited
tt_case iplink_pattern_skips_numbers_taken_elsewhere iplink_pattern_skips_numbers_taken_elsewhere
tt_case bsdtap_address_is_validated bsdtap_address_is_validated
