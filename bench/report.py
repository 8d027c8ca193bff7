# SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
"""report.py JOB_OUT KVER COMMAND RESULT_MD [HOST_LOAD]: medians and ratios of a run.
report.py --names: the workloads, by the names bench/run-guest.sh gives them."""
import datetime
import os
import statistics
import sys

LOWER_IS_BETTER = {"mem_bytes_per_unit"}
LABELS = {
    "write64": "write path, 64-byte packets/s",
    "write1400": "write path, 1400-byte packets/s",
    "read": "read path, packets/s",
    "bulk_tun_mbps": "bulk TCP over tun, Mbit/s",
    "bulk_tap_mbps": "bulk TCP over tap, Mbit/s",
    "bulk_tap_vnet_mbps": "bulk TCP over tap + vnet header, Mbit/s",
    "bulk_tun_vnet_mbps": "bulk TCP over tun + vnet header, Mbit/s",
    "rr_tun": "request/response over tun, round trips/s",
    "units_per_s": "units created+destroyed/s (open/close)",
    "iplink_per_s": "units created+destroyed/s (ip link / ip tuntap)",
    "mem_bytes_per_unit": "kernel memory per idle unit, bytes",
}
# Rows of ours against ours: the two runs' names in RESULT lines.
OWN = {
    "vpn_mbps": ("example VPN (examples/vpn.c) over tun, bulk TCP, Mbit/s",
                 "offloads", "plain"),
}

if sys.argv[1:] == ["--names"]:
    print(" ".join(list(LABELS) + list(OWN)))
    sys.exit(0)
job, kver, command, md = sys.argv[1:5]
load = sys.argv[5] if len(sys.argv) > 5 else "not recorded"
raw = {}
for line in open(job):
    parts = line.split()
    if len(parts) == 4 and parts[0] == "RESULT":
        try:
            raw.setdefault(parts[1], {}).setdefault(parts[2], []).append(float(parts[3]))
        except ValueError:
            pass

rows = []
for key, label in LABELS.items():
    if key not in raw:
        continue
    ours = statistics.median(raw[key].get("bsd", [0]))
    linux = statistics.median(raw[key].get("linux", [0]))
    if key in LOWER_IS_BETTER:
        ratio = linux / ours if ours else 0
        note = " (Linux/ours: lower memory is better)"
    else:
        ratio = ours / linux if linux else 0
        note = ""
    rows.append((label + note, ours, linux, ratio, len(raw[key].get("bsd", []))))


def num(v):
    """Small rates keep a decimal, or their ratios could not be checked."""
    return "%.1f" % v if v < 100 else "%.0f" % v


table = []
if rows:
    table = ["| workload | if_tuntap (median) | Linux tun (median) | ratio ours/Linux | runs |",
             "|---|---:|---:|---:|---:|"]
for label, ours, linux, ratio, n in rows:
    table.append("| %s | %s | %s | %.2f | %d |" % (label, num(ours), num(linux), ratio, n))
own = ["| workload (if_tuntap only) | with offloads (median) | without (median) | ratio with/without | runs |",
       "|---|---:|---:|---:|---:|"]
for key, (label, a, b) in OWN.items():
    if key in raw:
        with_, without = (statistics.median(raw[key].get(d, [0])) for d in (a, b))
        own.append("| %s | %s | %s | %.2f | %d |" % (
            label, num(with_), num(without), with_ / without if without else 0,
            len(raw[key].get(a, []))))
if len(own) > 2:
    table += ([""] if table else []) + own
text = "\n".join(table)
print(text)
with open(md, "w") as f:
    f.write("# Benchmark: if_tuntap against Linux tun\n\n")
    # run-vm.sh's default, unless scripts/bench --cpus set another.
    cpus = os.environ.get("TT_CPUS", "2")
    f.write("- kernel: %s (QEMU TCG guest, %s vCPU%s, no slub_debug)\n"
            % (kver, cpus, "" if cpus == "1" else "s"))
    f.write("- date: %s\n" % datetime.date.today().isoformat())
    f.write("- command: `%s`\n" % command)
    f.write("- host load at the end of the run: %s\n" % load)
    f.write("- ratio: ours/Linux, higher is better; for memory the ratio is Linux/ours\n\n")
    f.write(text + "\n\n## Raw numbers\n\n")
    for key in raw:
        for drv, vals in sorted(raw[key].items()):
            f.write("- %s %s: %s\n" % (key, drv, ", ".join(num(v) for v in vals)))
print("written to", md)
