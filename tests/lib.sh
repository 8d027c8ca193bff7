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

# unit_add KIND [NETNS]: FreeBSD's "ifconfig KIND create" (KIND tun, tap
# or vmnet): a new unit of the lowest free number, made by rtnetlink in
# NETNS (default: this namespace), its name printed.
unit_add() {
	set -- "$1" ${2:+ip netns exec "$2"}
	kind=$1
	shift
	before=$("$@" ip -o link show type "bsd$kind" | unit_names)
	"$@" ip link add type "bsd$kind" || return 1
	"$@" ip -o link show type "bsd$kind" | unit_names |
		grep -vxF -e "${before:-}"
}

unit_names() {
	awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'
}

# fwd_start TUNFWD-ARGS...: tunfwd in the background, its two units'
# names in FWD_A and FWD_B; fwd_stop ends it.
fwd_start() {
	rm -f /tmp/fwd.names /tmp/fwd.err
	tunfwd "$@" > /tmp/fwd.names 2> /tmp/fwd.err &
	FWD_PID=$!
	for _ in $(seq 50); do [ -s /tmp/fwd.names ] && break; sleep 0.1; done
	read -r FWD_A FWD_B < /tmp/fwd.names
	[ -n "$FWD_B" ] || die "tunfwd $* did not start: $(cat /tmp/fwd.err)"
}

fwd_stop() {
	kill "$FWD_PID" 2>/dev/null || true
	wait "$FWD_PID" 2>/dev/null || true
}

# iperf_over_fwd NODE HDRLEN NET: iperf3 TCP for 4 s between namespaces
# ttipl and ttipr whose only link is two units of NODE joined by tunfwd
# (-v HDRLEN), the way a VPN carries traffic: NET.1 and NET.2, point to
# point for tun, a /24 for the Ethernet kinds.  Prints the rate and
# tunfwd's report ("# " lines).
iperf_over_fwd() {
	ip netns add ttipl
	ip netns add ttipr
	fwd_start -t -v "$2" "$1" "$1"
	ip link set "$FWD_A" netns ttipl
	ip link set "$FWD_B" netns ttipr
	if [ "$1" = /dev/tun ]; then
		ip -n ttipl addr add "$3.1" peer "$3.2" dev "$FWD_A"
		ip -n ttipr addr add "$3.2" peer "$3.1" dev "$FWD_B"
	else
		ip -n ttipl addr add "$3.1/24" dev "$FWD_A"
		ip -n ttipr addr add "$3.2/24" dev "$FWD_B"
	fi
	ip -n ttipl link set "$FWD_A" up
	ip -n ttipr link set "$FWD_B" up
	ip netns exec ttipr iperf3 -s -1 -D -B "$3.2"
	sleep 0.5
	ip netns exec ttipl iperf3 -c "$3.2" -t 4 -J > "/tmp/iperf.$2.json"
	fwd_stop
	ip netns del ttipl
	ip netns del ttipr
	python3 - "$2" "$(basename "$1")" <<'PY'
import json, sys
r = json.load(open("/tmp/iperf.%s.json" % sys.argv[1]))
assert "error" not in r, r.get("error")
bps = r["end"]["sum_received"]["bits_per_second"]
assert bps > 0
print("# iperf3 over %s, virtio-net header %s: %.1f Mbit/s" % (sys.argv[2], sys.argv[1], bps / 1e6))
PY
	sed 's/^/# /' /tmp/fwd.err
}

iperf_fwd_cleanup() {
	fwd_stop
	ip netns del ttipl 2> /dev/null || true
	ip netns del ttipr 2> /dev/null || true
}

# The guest's root is the host's, read-only.  overlays_up SCRATCH DIR...
# gives each DIR a writable overlay whose upper layer is in SCRATCH (a
# tmpfs), in the initial mount namespace, so that the kernel's own
# modprobe sees what is installed there too; overlays_down undoes it;
# overlay_files lists the regular files and symlinks written since
# (whiteouts, character devices, are files removed).  OVERLAY_SCRATCH and
# OVERLAID say where.
overlays_up() {
	OVERLAY_SCRATCH=$1
	shift
	OVERLAID="$*"
	for d in $OVERLAID; do
		k=$(echo "$d" | tr / _)
		mkdir -p "$OVERLAY_SCRATCH/ov/$k/upper" "$OVERLAY_SCRATCH/ov/$k/work"
		mount -t overlay overlay -o \
			"lowerdir=$d,upperdir=$OVERLAY_SCRATCH/ov/$k/upper,workdir=$OVERLAY_SCRATCH/ov/$k/work" \
			"$d" || return 1
	done
	# dkms uses <(...), which needs /dev/fd; the guest's devtmpfs lacks it.
	[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
}

overlays_down() {
	for d in $OVERLAID; do
		umount -l "$d" 2> /dev/null
	done
}

overlay_files() {
	for d in $OVERLAID; do
		k=$(echo "$d" | tr / _)
		(cd "$OVERLAY_SCRATCH/ov/$k/upper" && find . ! -type d ! -type c |
			sed "s|^\.|$d|")
	done | sort
}
