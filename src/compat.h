/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * The few kernel interfaces that differ between the kernels we build for
 * (Debian's 6.1 and 6.12, and 7.x from trixie-backports and sid), each
 * wrapped once here so the rest of the module reads as plain current kernel
 * code.  The TUNTAP_HAVE_* switches come from feature tests in Kbuild.
 */
#ifndef TUNTAP_COMPAT_H
#define TUNTAP_COMPAT_H

#include <linux/fs.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/rtnetlink.h>
#ifdef TUNTAP_HAVE_PAGE_POOL_HELPERS
#include <net/page_pool/helpers.h>
#else
#include <net/page_pool.h>
#endif

#include "tuntap.h"

/* 6.1's page pools hand out fragments only when asked to; 6.12's always. */
#ifdef PP_FLAG_PAGE_FRAG
#define TUNTAP_PP_FLAGS	PP_FLAG_PAGE_FRAG
#else
#define TUNTAP_PP_FLAGS	0
#endif

/* A device that only carries a NAPI context; 6.12 allocates it whole. */
static inline struct net_device *tuntap_alloc_dummy_netdev(void)
{
#ifdef TUNTAP_HAVE_ALLOC_NETDEV_DUMMY
	return alloc_netdev_dummy(0);
#else
	struct net_device *dev = kzalloc(sizeof(*dev), GFP_KERNEL);

	if (dev)
		init_dummy_netdev(dev);
	return dev;
#endif
}

static inline void tuntap_free_dummy_netdev(struct net_device *dev)
{
#ifdef TUNTAP_HAVE_ALLOC_NETDEV_DUMMY
	free_netdev(dev);
#else
	kfree(dev);
#endif
}

static inline void tuntap_set_lltx(struct net_device *dev)
{
#ifdef TUNTAP_HAVE_DEV_LLTX
	dev->lltx = true;
#else
	dev->features |= NETIF_F_LLTX;
#endif
}

/* f_getown() is not exported; FIOGETOWN needs the same answer. */
static inline pid_t tuntap_getown(struct file *file)
{
#ifdef TUNTAP_HAVE_FILE_F_OWNER
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

/*
 * Since 6.15 rtnetlink packs newlink's namespaces and attributes into one
 * struct.  tuntap_newlink() keeps the older form, which every kernel we
 * build for can be adapted to, and the ops tables name this one instead.
 */
#ifdef TUNTAP_HAVE_NEWLINK_PARAMS
static inline int tuntap_rtnl_newlink(struct net_device *dev,
				      struct rtnl_newlink_params *params,
				      struct netlink_ext_ack *extack)
{
	return tuntap_newlink(params->src_net, dev, params->tb, params->data,
			      extack);
}
#else
#define tuntap_rtnl_newlink tuntap_newlink
#endif

/*
 * Unbound work: system_dfl_wq replaces system_unbound_wq, which newer
 * kernels warn about in their log each time work is queued there; older
 * kernels have only system_unbound_wq.
 */
#ifdef TUNTAP_HAVE_SYSTEM_DFL_WQ
#define tuntap_unbound_wq system_dfl_wq
#else
#define tuntap_unbound_wq system_unbound_wq
#endif

#endif /* TUNTAP_COMPAT_H */
