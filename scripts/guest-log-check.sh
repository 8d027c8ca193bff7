#!/bin/sh
# guest-log-check.sh LOG...: fails, quoting the lines, if a guest's kernel
# log shows an oops, WARN, BUG, lockdep, KASAN, UBSAN, kmemleak, debugobjects
# or slub_debug report, or a device that would not die.
pattern='Oops|BUG:|WARNING:|kernel BUG|Call Trace|general protection|Kernel panic|KASAN|UBSAN|possible recursive locking|possible circular locking|inconsistent lock state|suspicious RCU usage|INFO: task .* blocked|unreferenced object|Redzone|Poison overwritten|Object padding|slab corruption|list_del corruption|list_add corruption|refcount_t:|unregister_netdevice: waiting'
# The debug kernel's checkers (most of their reports also say BUG: or
# WARNING:): debugobjects, netdev reference tracking, lockdep's own notes,
# a checker that switched itself off, a page pool whose pages did not
# all come back after rmmod (a written packet leaked or was never freed),
# and a newer kernel's one-line note that the module used an interface it
# deprecates.
pattern="$pattern|ODEBUG:|ref_tracker:|leaked reference|INFO: trying to register non-static key|turning off the locking correctness validator|Kernel memory leak detector disabled|kmemleak: .*(pool empty|Cannot allocate a kmemleak_object)|stalled pool shutdown|enqueued on deprecated workqueue"
# Some stack dumps are no report: the core's own, after an allocation that
# failed (the page allocator's and vmalloc's notice) or a sysctl directory
# it could not allocate.  The fault cases of the debug check make those
# fail on purpose.  Their lines, through the end of the dump (80 at most),
# are left out.  (kmemleak's "Cannot allocate a scan area" is no report
# either: it then scans the whole object, and finds no fewer leaks.)
for f in "$@"; do
	[ -e "$f" ] || continue
	awk -v name="$f" '
		/sysctl could not get directory:|: (vmalloc error|page allocation failure): / {
			skip = 1; n = 0
		}
		# A fault case failing the allocation of a netdev reference
		# tracker (6.12 debug kernels) makes the tracker say it is
		# unreliable from then on: a notice of that failure, no report.
		/ref_tracker: memory allocation failure, unreliable refcount tracker/ { next }
		!skip { printf "%s:%d:%s\n", name, FNR, $0 }
		skip && (/<\/TASK>/ || ++n > 80) { skip = 0 }
	' "$f" || exit 2
done > "${TMPDIR:-/tmp}/guest-log-check.$$"
if grep -E "$pattern" "${TMPDIR:-/tmp}/guest-log-check.$$"; then
	rm -f "${TMPDIR:-/tmp}/guest-log-check.$$"
	echo "guest-log-check: kernel reports above in $*" >&2
	exit 1
fi
rm -f "${TMPDIR:-/tmp}/guest-log-check.$$"
exit 0
