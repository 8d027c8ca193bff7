/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * The few kernel interfaces that differ between the kernels we build for
 * (Debian's 6.1 and 6.12), each wrapped once here so the rest of the module
 * reads as plain current kernel code.
 */
#ifndef TUNTAP_COMPAT_H
#define TUNTAP_COMPAT_H

#include <linux/version.h>
#include <linux/fs.h>
#include <linux/netdevice.h>

static inline void tuntap_set_lltx(struct net_device *dev)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	dev->lltx = true;
#else
	dev->features |= NETIF_F_LLTX;
#endif
}

/* f_getown() is not exported; FIOGETOWN needs the same answer. */
static inline pid_t tuntap_getown(struct file *file)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	struct fown_struct *fown = file_f_owner(file);
#else
	struct fown_struct *fown = &file->f_owner;
#endif
	unsigned long irqflags;
	pid_t pid = 0;

	if (!fown)
		return 0;
	read_lock_irqsave(&fown->lock, irqflags);
	rcu_read_lock();
	if (pid_task(fown->pid, fown->pid_type)) {
		pid = pid_vnr(fown->pid);
		if (fown->pid_type == PIDTYPE_PGID)
			pid = -pid;
	}
	rcu_read_unlock();
	read_unlock_irqrestore(&fown->lock, irqflags);
	return pid;
}

#endif /* TUNTAP_COMPAT_H */
