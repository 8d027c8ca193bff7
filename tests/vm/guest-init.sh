#!/bin/sh
# PID 1 in the test VM, run from the host's root filesystem (read-only over
# 9p).  Gives the guest writable scratch space, mounts the run's output
# folder (rw 9p, tag "out") at /mnt, runs /mnt/job.sh there, saves the
# kernel log and powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LC_ALL=C.UTF-8
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
for d in /tmp /run /var/tmp /dev/shm /root; do
	mount -t tmpfs -o mode=1777 tmpfs "$d"
done
# A checkout in a directory just covered by tmpfs (a clone in /tmp, as CI
# may make) comes back at its own path through its read-only share.
for arg in $(cat /proc/cmdline); do
	case "$arg" in tt.repo=*) repo=${arg#tt.repo=} ;; esac
done
if [ -n "${repo:-}" ] && [ ! -d "$repo/tests" ]; then
	mkdir -p "$repo"
	mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 repo "$repo"
fi
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out /mnt
hostname tt-guest
ip link set lo up
echo "guest: $(uname -r) up in $(cut -d' ' -f1 /proc/uptime)s"
cd /mnt
sh /mnt/job.sh > /mnt/job.out 2>&1
echo $? > /mnt/job.rc
cat /mnt/job.out
dmesg > /mnt/dmesg.txt
sync
echo o > /proc/sysrq-trigger
while :; do sleep 1; done
