#!/usr/bin/env python3
# coverage-branches.py RUN_GCOV_DIR TWIN_GCOV_DIR OUT
#
# The branches of the conditions written in src/*.c, apart from those the
# kernel's debug checks add to the same lines (docs/fuzzing.md,
# "Branches").  RUN_GCOV_DIR holds `gcov -b -c` files of the build that
# ran, with its counts; TWIN_GCOV_DIR those of the same sources built
# with fuzz/assertions-off.h, never run: per line, the twin has only our
# own conditions' branches.  On a line where the run's build has more,
# the extra ones are the checks'.  Which of the line's taken branches
# were ours is then unknown: at least as many as exceed the checks'
# number, at most as many as were taken or as the line has of its own.
#
# Prints "B to B2 of C branches (Q% to Q2%), D of the checks' set aside"
# and writes OUT: every line where even the upper bound leaves an own
# branch untaken, with its source.
import os
import sys


def branches(path):
    """{line: (branch count, taken count, source)} of one .gcov file."""
    lines = {}
    cur = None
    with open(path, errors="replace") as f:
        for raw in f:
            if raw.startswith("branch"):
                if cur is None:
                    continue
                n, t, src = lines[cur]
                taken = " taken " in raw and raw.split()[3] != "0"
                lines[cur] = (n + 1, t + taken, src)
                continue
            parts = raw.split(":", 2)
            if len(parts) == 3 and parts[1].strip().isdigit():
                cur = int(parts[1])
                if cur == 0:
                    cur = None
                    continue
                lines.setdefault(cur, (0, 0, parts[2].rstrip("\n")))
    return lines


def span(low, high, fmt="%d"):
    """One figure, or the range where lines mixing both leave it open."""
    if fmt % low == fmt % high:
        return fmt % low
    return (fmt + " to " + fmt) % (low, high)


def main():
    run_dir, twin_dir, out = sys.argv[1:4]
    total = own = taken = most = 0
    per_file = []
    left = []
    for name in sorted(os.listdir(run_dir)):
        if not name.endswith(".c.gcov"):
            continue
        run = branches(os.path.join(run_dir, name))
        twin_path = os.path.join(twin_dir, name)
        twin = branches(twin_path) if os.path.exists(twin_path) else {}
        f_own = f_taken = f_most = f_checks = 0
        for line, (n, t, src) in sorted(run.items()):
            if not n:
                continue
            mine = min(n, twin.get(line, (0, 0, ""))[0])
            checks = n - mine
            got = min(mine, max(0, t - checks))
            f_own += mine
            f_taken += got
            f_most += min(mine, t)
            f_checks += checks
            if min(mine, t) < mine:
                left.append("%s:%d: %d of %d own branches not taken: %s" %
                            (name[:-5], line, mine - min(mine, t), mine,
                             src.strip()))
        per_file.append("  %s: %s of %d own branches (%d of the checks')" %
                        (name[:-5], span(f_taken, f_most), f_own, f_checks))
        total += f_own + f_checks
        own += f_own
        taken += f_taken
        most += f_most
    with open(out, "w") as f:
        f.write("\n".join(left) + "\n")
    pct = span(100.0 * taken / (own or 1), 100.0 * most / (own or 1), "%.1f%%")
    print("%s of %d branches (%s), %d of the checks' set aside" %
          (span(taken, most), own, pct, total - own))
    print("\n".join(per_file))


main()
