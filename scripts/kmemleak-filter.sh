#!/bin/sh
# kmemleak-filter.sh REPORT: sets aside, into REPORT.core, the one leak
# kmemleak reports that is the kernel's own and that the debug check
# provokes on purpose; what is left in REPORT is ours to explain.
#
# The leak: when kset_register() fails inside 6.1's __class_register(),
# the core frees the class's private part but not the name it has just
# given it (kobject_set_name()), so a module load that fails there (the
# fault case load_without_memory_fails_cleanly) leaves that string behind.
# A report is set aside only if its stack has kobject_set_name called
# straight from __class_register; a class our module forgot to unregister
# would also leave its private part, reported from __class_register alone.
set -eu
report=$1
[ -s "$report" ] || exit 0
awk -v core="$report.core" -v kept="$report.kept" '
	function flush() {
		if (block != "")
			printf "%s", block > (known ? core : kept)
		block = ""; known = 0; prev = ""
	}
	/^unreferenced object/ { flush() }
	{
		block = block $0 "\n"
		if (prev ~ /\] kobject_set_name\+/ && $0 ~ /\] __class_register\+/)
			known = 1
		prev = $0
	}
	END { flush() }
' "$report"
if [ -e "$report.kept" ]; then
	mv "$report.kept" "$report"
else
	: > "$report"
fi
