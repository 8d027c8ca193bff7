# Shell test helpers, sourced by tests/cases/*.sh inside the guest.
# tt_case NAME FUNCTION: run FUNCTION in a subshell that stops at the first
# failing command, and print "ok NAME" or "not ok NAME" with its output;
# "skip NAME" when NAME is a word of TT_SKIP.
TT_ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TT_BIN=$TT_ROOT/build/tests
PATH=$TT_BIN:$TT_ROOT/build/tools:$PATH

tt_case() {
	name=$1
	shift
	# A long case a shorter run leaves out (tests/long-cases).
	case " $(printf '%s' "${TT_SKIP:-}" | tr '\t\n' '  ') " in
	*" $name "*)
		tt_skip "$name" "long case, left out of this run (TT_SKIP)"
		return 0
		;;
	esac
	log=/tmp/tt-case.log
	(set -ex; "$@") > "$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok $name"
		grep '^# ' "$log" || true	# measurements worth keeping
	else
		echo "not ok $name"
		tail -n 15 "$log" | sed "s/^/#   /"
	fi
}

tt_skip() {
	echo "skip $1 # $2"
}

# Fail the current case with a message.
die() {
	echo "$*" >&2
	exit 1
}

# Expect COMMAND to fail with MESSAGE (strerror text) on its stderr.
expect_fail() {
	want=$1
	shift
	if out=$("$@" 2>&1); then
		die "'$*' succeeded, expected '$want'"
	fi
	case "$out" in
	*"$want"*) ;;
	*) die "'$*' said '$out', expected '$want'" ;;
	esac
}

# Start tt-hold on NODE in the background; sets HOLD_FIFO and HOLD_NAME.
# Closing the unit's file is "hold_release".
hold_open() {
	HOLD_FIFO=$(mktemp -u /tmp/hold.XXXXXX)
	mkfifo "$HOLD_FIFO"
	tt-hold "$@" < "$HOLD_FIFO" > "$HOLD_FIFO.name" &
	HOLD_PID=$!
	exec 7> "$HOLD_FIFO"
	for _ in $(seq $((50 * ${TT_TIME_SCALE:-1}))); do
		[ -s "$HOLD_FIFO.name" ] && break
		sleep 0.1
	done
	HOLD_NAME=$(cat "$HOLD_FIFO.name")
	[ -n "$HOLD_NAME" ] || die "tt-hold $* did not start"
}

hold_release() {
	exec 7>&-
	wait "$HOLD_PID"
	rm -f "$HOLD_FIFO" "$HOLD_FIFO.name"
}

link_exists() {
	ip link show dev "$1" > /dev/null 2>&1
}

ns_link_exists() {
	ip netns exec "$1" ip link show dev "$2" > /dev/null 2>&1
}

# Unit NAME (tun3) no longer stands behind its node: its own node is gone,
# or its prepared node (a number below prepared_nodes) stays and says that
# no unit has its number.
unit_node_gone() {
	prepared=$(cat /sys/module/if_tuntap/parameters/prepared_nodes \
		2> /dev/null || echo 0)
	if [ "$(echo "$1" | tr -d a-z)" -ge "$prepared" ]; then
		[ ! -e "/dev/$1" ]
	else
		[ -c "/dev/$1" ] &&
			[ "$(cat "/sys/class/if_tuntap/$1/exists")" = 0 ]
	fi
}

# Numbered nodes that have a unit behind them, one name a line.
unit_nodes() {
	for n in /sys/class/if_tuntap/*; do
		case ${n##*/} in
		tun[0-9]* | tap[0-9]* | vmnet[0-9]*)
			[ "$(cat "$n/exists" 2> /dev/null || echo 1)" = 1 ] &&
				echo "${n##*/}"
			;;
		esac
	done
	true
}
