// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * The character device: opening a node binds the file to a unit (creating
 * one for cloning nodes and missing units), read() takes one packet from
 * the unit's queue, write() injects one, and the last close undoes the
 * open as FreeBSD does, destroying transient units.
 */
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/security.h>

#include "tuntap.h"
#include "compat.h"

/*
 * Pin the unit for a read, write or request, any of which may sleep.
 * The file is unbound only in ndo_uninit, part-way through unregistering,
 * so a call may still get in once destruction has started: it holds a
 * device reference that unregistration waits for, and requests that
 * change the interface check again under RTNL (tuntap_rtnl_lock_live()).
 */
struct tuntap_unit *tuntap_get(struct tuntap_file *tf)
{
	struct tuntap_unit *u;

	rcu_read_lock();
	u = rcu_dereference(tf->unit);
	if (u)
		dev_hold(u->dev);
	rcu_read_unlock();
	return u;
}

void tuntap_put(struct tuntap_unit *u)
{
	dev_put(u->dev);
}

/* Unbind the unit's file, if any, and wake whoever waits on it. */
void tuntap_detach(struct tuntap_unit *u)
{
	struct tuntap_file *tf = rtnl_dereference(u->tfile);

	if (!tf)
		return;
	RCU_INIT_POINTER(u->tfile, NULL);
	RCU_INIT_POINTER(tf->unit, NULL);
	wake_up_interruptible_all(&tf->wq);
	kill_fasync(&tf->fasync, SIGIO, POLL_HUP);
}

static bool tuntap_may_admin(struct net *net)
{
	return ns_capable(net->user_ns, CAP_NET_ADMIN);
}

/* FreeBSD's rules for who may create by opening (tunclone()). */
static int tuntap_may_clone(const struct tuntap_driver *drv, struct net *net)
{
	bool cloning = drv->l2 ? READ_ONCE(tap_devfs_cloning) :
				 READ_ONCE(tun_devfs_cloning);

	if (!cloning)
		return -ENOENT;	/* FreeBSD: the node does not exist */
	if (drv->l2 && READ_ONCE(tap_user_open))
		return 0;
	return tuntap_may_admin(net) ? 0 : -EPERM;
}

static int tuntap_may_open(const struct tuntap_unit *u)
{
	if (u->drv->l2 && READ_ONCE(tap_user_open))
		return 0;
	return tuntap_may_admin(dev_net(u->dev)) ? 0 : -EPERM;
}

static int tuntap_attach(struct tuntap_unit *u, struct tuntap_file *tf)
{
	struct net_device *dev = u->dev;
	struct pid *old;
	int err;

	ASSERT_RTNL();
	if (test_bit(TUNTAP_F_DYING, &u->flags) || rtnl_dereference(u->tfile))
		return -EBUSY;
	err = security_tun_dev_open(u->security);
	if (err)
		return err;

	spin_lock(&u->lock);
	old = u->owner;
	u->owner = get_pid(task_tgid(current));
	if (u->drv->l2)
		ether_addr_copy(u->remote_mac, dev->dev_addr);
	spin_unlock(&u->lock);
	put_pid(old);

	rcu_assign_pointer(tf->unit, u);
	rcu_assign_pointer(u->tfile, tf);
	if (u->drv->l2 && READ_ONCE(tap_up_on_open) && !(dev->flags & IFF_UP))
		dev_change_flags(dev, dev->flags | IFF_UP, NULL);
	netif_carrier_on(dev);
	tuntap_dbg(u, "open by pid %d\n", task_tgid_vnr(current));
	return 0;
}

/*
 * Attach to unit @minor of the opener's namespace, creating it when
 * missing; a unit that lives in another namespace is none of the
 * opener's, whatever its privileges there (ENXIO).  Numbered nodes create
 * only host units; in a user namespace's network namespace the cloning
 * node makes contained ones.
 */
static int tuntap_open_unit(struct tuntap_driver *drv, struct net *net,
			    unsigned int minor, struct tuntap_file *tf)
{
	struct tuntap_unit *u = NULL;
	int err;

	ASSERT_RTNL();
	if (minor != TUNTAP_CLONE_MINOR)
		u = xa_load(&drv->units, minor);
	if (u) {
		err = dev_net(u->dev) == net ? tuntap_may_open(u) : -ENXIO;
	} else if (minor != TUNTAP_CLONE_MINOR && !tuntap_host_net(net)) {
		err = -ENXIO;
	} else {
		err = tuntap_may_clone(drv, net);
		if (!err)
			err = tuntap_create(drv, net,
					    minor == TUNTAP_CLONE_MINOR ? -1 : minor,
					    &u);
		tf->created = !err;
	}
	return err ?: tuntap_attach(u, tf);
}

static int tuntap_open(struct inode *inode, struct file *file)
{
	struct tuntap_driver *drv = container_of(inode->i_cdev,
						 struct tuntap_driver, cdev);
	struct tuntap_file *tf;
	int err;

	/* Lives as long as the file: the opener's memory cgroup pays. */
	tf = kzalloc(sizeof(*tf), GFP_KERNEL_ACCOUNT);
	if (!tf)
		return -ENOMEM;
	init_waitqueue_head(&tf->wq);

	rtnl_lock();
	err = tuntap_open_unit(drv, current->nsproxy->net_ns, iminor(inode),
			       tf);
	rtnl_unlock();
	if (err) {
		kfree(tf);
		return err;
	}
	file->private_data = tf;
	return stream_open(inode, file);
}

/*
 * The last close: FreeBSD's tunclose(), then transient destruction.
 * True when the unit's IPv4 addresses are to go, which takes a request
 * made without RTNL (tuntap_purge_addresses()).
 */
static bool tuntap_close_unit(struct tuntap_unit *u)
{
	struct net_device *dev = u->dev;
	bool keep = u->drv->kind == TUNTAP_VMNET ||
		    (u->drv->l2 && test_bit(TUNTAP_F_LINK0, &u->flags));
	struct pid *owner;

	ASSERT_RTNL();
	spin_lock(&u->lock);
	owner = u->owner;
	u->owner = NULL;
	spin_unlock(&u->lock);
	/* Any process holding the file may close it: no log flood. */
	if (owner != task_tgid(current) && net_ratelimit())
		netdev_info(dev, "closed by pid %d, not by its owner\n",
			    task_tgid_vnr(current));
	put_pid(owner);

	tuntap_detach(u);
	tuntap_dbg(u, "closed\n");
	/*
	 * Unregistering takes the interface down and drops its addresses
	 * itself; doing it twice would cost a second RCU grace period.
	 */
	if (test_bit(TUNTAP_F_TRANSIENT, &u->flags)) {
		tuntap_destroy(u, NULL);
		return false;
	}
	/*
	 * The header first: with it off the stack stops handing vmnet
	 * offloaded frames, which a next opener without one could not read.
	 */
	tuntap_set_vnet_hdr(u, 0, TUNTAP_OFFLOAD_ALL);
	tuntap_purge_ring(u);
	if (!keep)
		dev_close(dev);
	/*
	 * vmnet keeps its link up: Linux stops transmitting on a link that
	 * is down, and vmnet must keep queueing frames for the next open.
	 */
	if (u->drv->kind != TUNTAP_VMNET)
		netif_carrier_off(dev);
	return !keep;
}

static int tuntap_release(struct inode *inode, struct file *file)
{
	struct tuntap_file *tf = file->private_data;
	struct tuntap_unit *u;
	bool purge = false;

	rtnl_lock();
	u = rtnl_dereference(tf->unit);
	if (u) {
		purge = tuntap_close_unit(u);
		if (purge)
			dev_hold(u->dev);
	}
	rtnl_unlock();
	if (purge) {
		tuntap_purge_addresses(u);
		dev_put(u->dev);
	}
	/* The transmit path may still be looking at tf under RCU. */
	kfree_rcu(tf, rcu);
	return 0;
}

static struct sk_buff *tuntap_dequeue(struct tuntap_unit *u,
				      struct tuntap_file *tf, bool nonblock,
				      int *err)
{
	DEFINE_WAIT(wait);
	struct sk_buff *skb;

	skb = ptr_ring_consume(&u->ring);
	if (skb || nonblock) {
		*err = -EAGAIN;
		return skb;
	}
	for (;;) {
		prepare_to_wait_exclusive(&tf->wq, &wait, TASK_INTERRUPTIBLE);
		skb = ptr_ring_consume(&u->ring);
		if (skb)
			break;
		if (!rcu_access_pointer(tf->unit)) {
			*err = -ENXIO;
			break;
		}
		if (signal_pending(current)) {
			*err = -ERESTARTSYS;
			break;
		}
		schedule();
	}
	finish_wait(&tf->wq, &wait);
	/*
	 * The exclusive wakeup of a packet queued after we saw the signal
	 * may have picked us: pass it on, or another reader sleeps beside it.
	 */
	if (!skb && *err == -ERESTARTSYS && !ptr_ring_empty(&u->ring))
		wake_up_interruptible_poll(&tf->wq, EPOLLIN | EPOLLRDNORM);
	return skb;
}

static ssize_t tuntap_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct tuntap_file *tf = file->private_data;
	bool nonblock = (file->f_flags & O_NONBLOCK) ||
			(iocb->ki_flags & IOCB_NOWAIT);
	struct tuntap_unit *u;
	struct sk_buff *skb;
	ssize_t ret;
	int err;

	u = tuntap_get(tf);
	if (!u)
		return -ENXIO;
	do {
		skb = tuntap_dequeue(u, tf, nonblock, &err);
		if (!skb) {
			ret = err;
			break;
		}
		ret = tuntap_put_user(u, skb, to);
		if (ret < 0)
			kfree_skb(skb);
		else
			consume_skb(skb);
		/* A packet no header can describe is dropped; take the next. */
	} while (ret == -EINVAL);
	tuntap_put(u);
	return ret;
}

static ssize_t tuntap_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct tuntap_file *tf = iocb->ki_filp->private_data;
	struct tuntap_unit *u;
	ssize_t ret;

	u = tuntap_get(tf);
	if (!u)
		return -ENXIO;
	ret = tuntap_get_user(u, from);
	tuntap_put(u);
	return ret;
}

static __poll_t tuntap_poll(struct file *file, poll_table *wait)
{
	struct tuntap_file *tf = file->private_data;
	struct tuntap_unit *u;
	__poll_t mask;

	poll_wait(file, &tf->wq, wait);
	rcu_read_lock();
	u = rcu_dereference(tf->unit);
	if (!u)
		mask = EPOLLERR | EPOLLHUP;
	else if (!ptr_ring_empty(&u->ring))
		mask = EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM;
	else
		mask = EPOLLOUT | EPOLLWRNORM;
	rcu_read_unlock();
	return mask;
}

/*
 * FIOASYNC names nobody: as on FreeBSD, SIGIO goes to the owner that
 * FIOSETOWN or TIOCSPGRP set, and to no one before (Linux's tun makes the
 * caller the owner, and SIGIO's default action would end a FreeBSD
 * program that never expected one).
 */
static int tuntap_fasync(int fd, struct file *file, int on)
{
	struct tuntap_file *tf = file->private_data;
	int err;

	err = fasync_helper(fd, file, on, &tf->fasync);
	return err < 0 ? err : 0;
}

const struct file_operations tuntap_fops = {
	.owner = THIS_MODULE,
	.open = tuntap_open,
	.release = tuntap_release,
	.read_iter = tuntap_read_iter,
	.write_iter = tuntap_write_iter,
	.poll = tuntap_poll,
	.unlocked_ioctl = tuntap_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl = tuntap_compat_ioctl,
#endif
	.fasync = tuntap_fasync,
};
