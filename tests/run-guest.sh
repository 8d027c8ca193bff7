#!/bin/sh
# run-guest.sh KVER [full|smoke|func]: the suite, inside the guest.  Loads
# the module, runs every C test program and shell case, unloads the module,
# and ends with "N passed, N failed, N skipped".  "smoke" leaves out the
# long cases of tests/long-cases (reported as skipped); every other case
# runs, DKMS install included.  "func" is what CI asks of every kernel at
# least: the module that DKMS installed in the guest's root (scripts/
# root-dkms.sh, from the Debian packages, before the boot) loads by name,
# every C test program but the long cases passes, foundation.sh's cases,
# packages.sh's checks of the installed packages and the fuzz corpus run;
# the other case files are reported as skipped.  Each program and case
# file is timed ("# time").
#
# TT_ONLY and TT_NOT (names of test programs and case files, and
# replay-corpus.sh and park-pages.sh) make this guest run a share of the
# suite, when several guests share it (scripts/check-debug): only the names
# in TT_ONLY if it is set, none of those in TT_NOT.  What is not in the
# share is neither run nor reported here; the module's own checks (loads,
# defaults, unloads clean, pool pages returned) run in every share.
root=$(cd "$(dirname "$0")/.." && pwd)
kver=$1
suite=${2:-full}
export TT_ROOT="$root"
results=/tmp/results
: > "$results"
case "$suite" in
full) TT_SKIP= ;;
smoke | func)
	TT_SKIP=$(sed -n 's/^\([a-z0-9_]\{1,\}\).*/\1/p' "$root/tests/long-cases" |
		tr '\n' ' ')
	;;
*)
	echo "run-guest: unknown suite '$suite' (full, smoke or func)" >&2
	exit 2
	;;
esac
export TT_SKIP
echo "# suite: $suite"

report() {
	echo "$1" | tee -a "$results"
}

mine() { # NAME
	case " ${TT_NOT:-} " in
	*" $1 "*) return 1 ;;
	esac
	case " ${TT_ONLY:-$1} " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# Runs a program or case file and says how long it took: what the CI
# budget (docs/kernels.md) is measured with.
timed() { # NAME COMMAND...
	t0=$(cut -d. -f1 /proc/uptime)
	name=$1
	shift
	"$@" 2>&1 | tee -a "$results"
	echo "# time $name: $(($(cut -d. -f1 /proc/uptime) - t0))s"
}

# func: the module comes from DKMS, as a user's does, and must be the very
# build of this tree (same srcversion) that scripts/build.sh made here.
if [ "$suite" = func ]; then
	ko=$(modinfo -n -k "$kver" if_tuntap 2>/dev/null)
	want=$(modinfo -F srcversion "$root/build/$kver/if_tuntap.ko")
	case "$ko" in
	*/updates/dkms/if_tuntap.ko*)
		if modprobe if_tuntap &&
			[ "$(cat /sys/module/if_tuntap/srcversion)" = "$want" ]; then
			report "ok dkms_installed_module_loads"
		else
			report "not ok dkms_installed_module_loads: $ko"
		fi
		;;
	*) report "not ok dkms_installed_module_loads: modprobe finds '$ko'" ;;
	esac
fi
if [ -d /sys/module/if_tuntap ] || insmod "$root/build/$kver/if_tuntap.ko"; then
	report "ok module_loads"
else
	report "not ok module_loads"
fi
# SPEC §1's defaults, read before any test sets a parameter, and the
# cloning nodes' owner and mode.
params=/sys/module/if_tuntap/parameters
got=$(cd "$params" 2>/dev/null &&
	cat tun_devfs_cloning tap_devfs_cloning tap_user_open tap_up_on_open \
		debug | tr '\n' ' ')
nodes=$(stat -c '%U %a' /dev/tun /dev/tap /dev/vmnet 2>/dev/null | tr '\n' ' ')
if [ "$got" = "Y Y N N 0 " ] && [ "$nodes" = "root 600 root 600 root 600 " ]; then
	report "ok module_defaults_and_cloning_nodes"
else
	report "not ok module_defaults_and_cloning_nodes: parameters '$got', nodes '$nodes'"
fi
for prog in "$root"/build/tests/test_*; do
	mine "${prog##*/}" || continue
	timed "$(basename "$prog")" "$prog"
done
for t in "$root"/tests/cases/*.sh; do
	mine "${t##*/}" || continue
	case "$suite/${t##*/}" in
	func/foundation.sh | func/packages.sh | full/* | smoke/*)
		timed "$(basename "$t")" sh "$t"
		;;
	*) report "skip ${t##*/} # not in the func suite" ;;
	esac
done
# The fuzzer's seed corpus, each input once: no kernel report.
if mine replay-corpus.sh; then
	timed replay-corpus.sh sh "$root/fuzz/replay-corpus.sh"
fi
if ! mine park-pages.sh; then
	:
elif [ "$suite" = func ]; then
	report "skip park-pages.sh # not in the func suite"
else
	timed park-pages.sh sh "$root/tests/park-pages.sh"
fi
# Unloading destroys what is left; nothing may remain afterwards.
rmmod if_tuntap
unloaded=$?
cpu1=/sys/devices/system/cpu/cpu1/online
[ "$(cat "$cpu1" 2>/dev/null)" = 0 ] && echo 1 > "$cpu1"
left=$(for i in /sys/class/net/tun[0-9]* /sys/class/net/tap[0-9]* \
	/sys/class/net/vmnet[0-9]*; do [ -e "$i" ] && echo "$i"; done)
if [ "$unloaded" -eq 0 ] && [ ! -e /sys/module/if_tuntap ] && [ -z "$left" ]; then
	report "ok module_unloads_clean"
else
	report "not ok module_unloads_clean"
fi
# Written packets' pages go back to their page pools, wherever the stack
# freed them, even on a CPU since gone offline (park-pages.sh); a pool
# still waiting for some a minute after rmmod says "stalled pool
# shutdown" (at 60 s, then every minute).
case " $TT_SKIP " in
*" module_unload_returns_every_pool_page "*)
	report "skip module_unload_returns_every_pool_page # long case, left out of this run (TT_SKIP)"
	;;
*)
	sleep 62
	if dmesg | grep -q 'stalled pool shutdown'; then
		report "not ok module_unload_returns_every_pool_page"
	else
		report "ok module_unload_returns_every_pool_page"
	fi
	;;
esac
passed=$(grep -c '^ok ' "$results")
failed=$(grep -c '^not ok ' "$results")
skipped=$(grep -c '^skip ' "$results")
echo "guest $kver: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
