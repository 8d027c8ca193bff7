#!/bin/sh
# make-corpus.sh [TEXT DIR]: fuzz/seeds.txt (readable) -> fuzz/corpus/NAME
# (the 4-byte operations of fuzz/fuzz.h that tt-fuzzer reads); with
# arguments, TEXT's programs into DIR (fuzz/known.txt -> fuzz/known).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
text=${1:-$here/seeds.txt}
dir=${2:-$here/corpus}
rm -rf "$dir"
mkdir -p "$dir"
# Operation names in enum op_code's order.
ops="open close dup read write forward ioctl poll async create delete rename
updown mtu txqlen netns addr send sleep fail side user"
code() {
	i=0
	for o in $ops; do
		[ "$o" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo "make-corpus: no operation $1" >&2
	exit 1
}
oct() { printf '\\%03o' "$1"; }
grep -v '^#' "$text" | while read -r name prog; do
	[ -n "$name" ] || continue
	bytes=
	for step in $prog; do
		IFS=/ read -r op slot a b <<STEP
$step
STEP
		who=${slot%+}
		[ "$who" != "$slot" ] && who=$((who + 128))
		bytes="$bytes$(oct "$(code "$op")")$(oct "$who")$(oct "$a")$(oct "$b")"
	done
	# shellcheck disable=SC2059
	printf "$bytes" > "$dir/$name"
done
ls "$dir" | wc -l
