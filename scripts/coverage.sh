#!/bin/sh
# coverage.sh: the module's line and branch coverage from the debug
# kernel's gcov, for scripts/fuzz and scripts/check-debug (docs/fuzzing.md).
#
# coverage.sh build SRC MOD DEBUGDIR
#   SRC's module (src/, include/) built with KCOV and gcov (src/Kbuild's
#   TT_COVERAGE) against the debug kernel in DEBUGDIR, in MOD.  The guest's
#   gcov data is named after MOD's path, and gcov reads MOD's .gcno files;
#   counts from two runs add up only if both ran the same build, so a
#   build whose sources have not changed is kept.
#
# coverage.sh report MOD DEBUGDIR OUT GCDA_DIR...
#   The counts of one or more runs of MOD's build (each GCDA_DIR holds the
#   .gcda files a guest copied out), added up: prints
#     N of M lines of src/*.c (P%), B of C branches (Q%)
#   and leaves in OUT: lines.txt (per file), uncovered.txt (every line
#   never run, with its source), gcov.txt (gcov's summary), html/, and
#   own.txt: the branches of the conditions src/ writes, those the
#   kernel's debug checks add set aside (MOD/twin, below), with
#   branches-left.txt (every line with one of them never taken).
set -eu
cmd=${1:-}
[ $# -gt 0 ] && shift

build() {
	src=$1 mod=$2 dir=$3
	root=$(cd "$(dirname "$0")/.." && pwd)
	# The sources and the kernel they are built against.
	sum=$(cat "$src"/src/*.c "$src"/src/*.h "$src/src/Kbuild" \
		"$src"/include/net/*.h "$root/src/Kbuild" \
		"$dir/linux-source-6.1/Module.symvers" | sha256sum | cut -c1-16)
	if [ -f "$mod/src/if_tuntap.ko" ] && [ "$(cat "$mod/sources" 2>/dev/null)" = "$sum" ]; then
		return 0
	fi
	rm -rf "$mod"
	mkdir -p "$mod/src" "$mod/include"
	cp "$src"/src/*.c "$src"/src/*.h "$src/src/Makefile" "$src/src/Kbuild" \
		"$mod/src/"
	# Our TT_COVERAGE stanza, where the tree predates it (33f68b5).
	if ! grep -q TT_COVERAGE "$mod/src/Kbuild"; then
		sed -n '/^ifeq ($(TT_COVERAGE),1)/,/^endif/p' "$root/src/Kbuild" \
			>> "$mod/src/Kbuild"
	fi
	cp -r "$src/include/net" "$mod/include/"
	make -s -C "$dir/linux-source-6.1" M="$mod/src" TT_COVERAGE=1 \
		-j"$(nproc)" modules
	echo "$sum" > "$mod/sources"
}

# MOD's sources built again with fuzz/assertions-off.h, never loaded: on
# each line, the branches of src/'s own conditions alone
# (scripts/coverage-branches.py).  Rebuilt when that header changes.
twin() {
	mod=$1 dir=$2
	header=$(cd "$(dirname "$0")/.." && pwd)/fuzz/assertions-off.h
	sum=$(cat "$mod/sources" "$header" | sha256sum | cut -c1-16)
	[ "$(cat "$mod/twin/sources" 2>/dev/null)" = "$sum" ] && return 0
	rm -rf "$mod/twin"
	mkdir -p "$mod/twin/src"
	cp "$mod"/src/*.c "$mod"/src/*.h "$mod/src/Makefile" "$mod/src/Kbuild" \
		"$mod/twin/src/"
	cp -r "$mod/include" "$mod/twin/"
	make -s -C "$dir/linux-source-6.1" M="$mod/twin/src" TT_COVERAGE=1 \
		UBSAN_SANITIZE=n KCFLAGS="-include $header" -j"$(nproc)" modules
	echo "$sum" > "$mod/twin/sources"
}

report() {
	mod=$1 dir=$2 out=$3
	shift 3
	rm -rf "$out"
	mkdir -p "$out/gcda"
	# One run's counts as they are; several added up by gcov-tool.
	first=$1
	shift
	cp "$first"/*.gcda "$out/gcda/"
	for more; do
		gcov-tool merge -o "$out/gcda" "$out/gcda" "$more" > /dev/null
	done
	cp "$out"/gcda/*.gcda "$mod/src/"
	# gcov runs from the kernel tree, where the headers the .gcno files
	# name are; only our own files count.
	(cd "$dir/linux-source-6.1" &&
		gcov -b -n -o "$mod/src" "$mod"/src/*.c) > "$out/gcov.txt" 2> /dev/null || true
	awk -v dir="$mod/src/" -v lines="$out/lines.txt" '
		/^File / { f = $2; gsub(/\x27/, "", f); ours = f ~ ("^" dir ".*[.]c$") }
		ours && /^Lines executed:/ {
			v = $2; sub(/.*:/, "", v); split(v, p, "%"); n = $4; l = int(p[1] * n / 100 + 0.5)
			L += l; LT += n; name = substr(f, length(dir) + 1)
			line[name] = sprintf("%d of %d lines", l, n)
		}
		ours && /^Taken at least once:/ {
			v = $4; sub(/.*:/, "", v); split(v, p, "%"); n = $6; b = int(p[1] * n / 100 + 0.5)
			B += b; BT += n
			line[name] = line[name] sprintf(", %d of %d branches", b, n)
		}
		END {
			for (n in line) printf "  %s: %s\n", n, line[n] | "sort > " lines
			printf "%d of %d lines of src/*.c (%.1f%%), %d of %d branches (%.1f%%)\n",
				L, LT, 100 * L / (LT ? LT : 1), B, BT, 100 * B / (BT ? BT : 1)
		}' "$out/gcov.txt"
	mkdir -p "$out/files"
	(cd "$out/files" && gcov -b -c -o "$mod/src" "$mod"/src/*.c) > /dev/null 2>&1 || true
	twin "$mod" "$dir" >&2
	mkdir -p "$out/twin"
	(cd "$out/twin" && gcov -b -c -o "$mod/twin/src" "$mod"/twin/src/*.c) > /dev/null 2>&1 || true
	python3 "$(dirname "$0")/coverage-branches.py" "$out/files" "$out/twin" \
		"$out/branches-left.txt" > "$out/own.txt"
	for g in "$out"/files/*.c.gcov; do
		[ -f "$g" ] || continue
		awk -v f="$(basename "$g" .gcov)" -F: \
			'$1 ~ /#####/ { n = $2; gsub(/ /, "", n); print f ":" n ":" substr($0, index($0, $3)) }' "$g"
	done > "$out/uncovered.txt"
	mkdir -p "$out/html"
	(cd "$dir/linux-source-6.1" &&
		gcovr -r "$mod/src" --object-directory "$mod/src" \
			--gcov-ignore-parse-errors \
			--html-details "$out/html/index.html") > "$out/gcovr.log" 2>&1 || true
}

usage() {
	echo "usage: coverage.sh build SRC MOD DEBUGDIR | report MOD DEBUGDIR OUT GCDA_DIR..." >&2
	exit 2
}

case "$cmd" in
build)
	[ $# -eq 3 ] || usage
	build "$@"
	;;
report)
	[ $# -ge 4 ] || usage
	report "$@"
	;;
*) usage ;;
esac
