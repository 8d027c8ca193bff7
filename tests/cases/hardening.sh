#!/bin/sh
# Fuzzing and stress (issue 5), each bounded in time: TT_FUZZ_SECONDS
# (default 60) and TT_STRESS_SECONDS (default 120).  After the stress run
# the module must unload: no file, no unit and no reference left.
. "$(dirname "$0")/../lib.sh"

module=$TT_ROOT/build/$(uname -r)/if_tuntap.ko

fuzz_random_requests_and_writes() {
	tt-fuzz
}

stress_then_rmmod_leaves_nothing() {
	tt-stress
	[ "$(cat /sys/module/if_tuntap/refcnt)" = 0 ]
	[ -z "$(unit_nodes)" ]
	rmmod if_tuntap
	[ ! -e /sys/module/if_tuntap ]
	[ ! -e /dev/tun ] && [ ! -e /dev/tap ] && [ ! -e /dev/vmnet ]
	[ ! -e /dev/tun0 ] && [ ! -e /dev/tap0 ] && [ ! -e /dev/vmnet0 ]
	insmod "$module"
	[ -c /dev/tun ]
}

tt_case fuzz_random_requests_and_writes fuzz_random_requests_and_writes
tt_case stress_then_rmmod_leaves_nothing stress_then_rmmod_leaves_nothing
