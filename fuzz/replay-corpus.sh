#!/bin/sh
# The fuzzer's seed corpus (fuzz/corpus, docs/fuzzing.md), each input run
# once by tt-fuzzer on this kernel: no kernel report during any of them,
# and no unit left behind.  Seconds on a stock kernel; the coverage-guided
# run itself is scripts/fuzz, on the debug kernel.
TT_ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
. "$TT_ROOT/tests/lib.sh"

fuzz_corpus_replays_without_report() {
	sysctls="net.ipv4.ip_forward net.ipv6.conf.all.forwarding net.ipv4.conf.all.rp_filter net.ipv4.conf.default.rp_filter"
	saved=$(for s in $sysctls; do echo "$s=$(sysctl -n "$s")"; done)
	sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	# Where the kernel injects faults, the inputs' fail operations meet
	# it as under scripts/fuzz: sleeping allocations count, and no stack
	# trace per injected failure (the log check would call it a report).
	knobs=
	for k in failslab/ignore-gfp-wait=N failslab/verbose=0 \
		fail_page_alloc/ignore-gfp-wait=N fail_page_alloc/verbose=0 \
		fail_page_alloc/ignore-gfp-highmem=N fail_page_alloc/min-order=0; do
		f=/sys/kernel/debug/${k%%=*}
		[ -w "$f" ] || continue
		knobs="$knobs ${k%%=*}=$(cat "$f")"
		echo "${k#*=}" > "$f"
	done
	start=$(date +%s)
	rc=0
	TT_FUZZ_LOG=/tmp/fuzz-reports.log "$TT_ROOT/build/fuzz/tt-fuzzer" \
		--replay "$TT_ROOT"/fuzz/corpus/* || rc=$?
	for k in $knobs; do
		echo "${k#*=}" > "/sys/kernel/debug/${k%%=*}"
	done
	# shellcheck disable=SC2086
	sysctl -qw $saved
	cat /tmp/fuzz-reports.log 2>/dev/null || true
	[ "$rc" -eq 0 ]
	echo "# fuzz corpus: $(ls "$TT_ROOT"/fuzz/corpus | wc -l) inputs in $(($(date +%s) - start)) s"
	[ -z "$(ls /sys/class/net | grep -E '^(tun|tap|vmnet)[0-9]+$|^fz[0-9]$')" ]
}

tt_case fuzz_corpus_replays_without_report fuzz_corpus_replays_without_report
