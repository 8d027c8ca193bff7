// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Requests on the character device (SPEC section 2), FreeBSD's numbers in
 * Linux's encoding.  FIONBIO and FIOASYNC never get here: the VFS handles
 * them and calls tuntap_fasync().
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/sockios.h>
#include <linux/termios.h>
#include <linux/uaccess.h>
#include <linux/virtio_net.h>

#include "tuntap.h"
#include "compat.h"

/*
 * Take RTNL for a request that changes the interface.  The caller pinned
 * the net_device, not the unit's life: a destroy may have run while we
 * waited for the lock, and an unregistered device must not be opened,
 * resized or renotified.  Returns 0 with RTNL held, or -ENXIO without it.
 */
static int tuntap_rtnl_lock_live(struct tuntap_unit *u)
{
	rtnl_lock();
	if (u->dev->reg_state != NETREG_REGISTERED ||
	    test_bit(TUNTAP_F_DYING, &u->flags)) {
		rtnl_unlock();
		return -ENXIO;
	}
	return 0;
}

/*
 * Requests that change a unit for others need CAP_NET_ADMIN where it
 * lives, held by whoever opened the file: a tap_user_open file is no
 * licence to reconfigure an admin's interface.
 */
static bool tuntap_file_admin(struct file *file, struct tuntap_unit *u)
{
	return file_ns_capable(file, dev_net(u->dev)->user_ns, CAP_NET_ADMIN);
}

/* Set @set and clear @clear in unit flags as one step. */
static void tuntap_mode(struct tuntap_unit *u, int set, int clear)
{
	spin_lock(&u->lock);
	if (clear >= 0)
		clear_bit(clear, &u->flags);
	if (set >= 0)
		set_bit(set, &u->flags);
	spin_unlock(&u->lock);
}

/*
 * TUNSLMODE reports the route's next hop, and the core drops a packet's
 * route before the driver sees it unless told to keep it.  Keeping it
 * costs every packet a reference, so a unit asks only once LMODE is on.
 * Like the core's other users (classifiers that read the route), it never
 * takes the request back: it cannot know whether one of them also asked.
 */
static int tuntap_keep_route(struct tuntap_unit *u)
{
	int err;

	err = tuntap_rtnl_lock_live(u);
	if (err)
		return err;
	netif_keep_dst(u->dev);
	rtnl_unlock();
	return 0;
}

static int tuntap_set_info(struct file *file, struct tuntap_unit *u,
			   const struct tuninfo *ti)
{
	struct net_device *dev = u->dev;
	int err = 0;

	if (ti->type != u->drv->ift_type)
		return -EPROTOTYPE;
	err = tuntap_rtnl_lock_live(u);
	if (err)
		return err;
	/*
	 * FreeBSD changes the MTU through SIOCSIFMTU, privilege check and
	 * all: a tap opened by an unprivileged user (tap_user_open) may read
	 * the MTU but not change it.
	 */
	if (ti->mtu != dev->mtu)
		err = tuntap_file_admin(file, u) ? dev_set_mtu(dev, ti->mtu) :
						   -EPERM;
	if (!err)
		WRITE_ONCE(u->baudrate, ti->baudrate);
	rtnl_unlock();
	return err;
}

static void tuntap_get_info(struct tuntap_unit *u, struct tuninfo *ti)
{
	memset(ti, 0, sizeof(*ti));
	ti->mtu = min_t(unsigned int, READ_ONCE(u->dev->mtu), USHRT_MAX);
	ti->type = u->drv->ift_type;
	ti->baudrate = READ_ONCE(u->baudrate);
}

/*
 * TUNSIFMODE: switch between point-to-point and broadcast while down.  As
 * on FreeBSD, an interface that is up refuses any value, valid or not.
 * Multicast goes through the stack like any user's flag change; the
 * link type is the driver's own to set (the stack keeps it as it is on
 * every flag change), announced as a state change.
 */
static int tuntap_set_ifmode(struct tuntap_unit *u, int mode)
{
	const unsigned int type = IFF_POINTOPOINT | IFF_BROADCAST;
	struct net_device *dev = u->dev;
	unsigned int flags;
	int err = 0;

	err = tuntap_rtnl_lock_live(u);
	if (err)
		return err;
	if (dev->flags & IFF_UP) {
		err = -EBUSY;
	} else if ((mode & ~IFF_MULTICAST) != IFF_POINTOPOINT &&
		   (mode & ~IFF_MULTICAST) != IFF_BROADCAST) {
		err = -EINVAL;
	} else {
		flags = (dev->flags & ~IFF_MULTICAST) | (mode & IFF_MULTICAST);
		err = dev_change_flags(dev, flags, NULL);
		if (!err && (dev->flags & type) != (mode & type)) {
			WRITE_ONCE(dev->flags, (dev->flags & ~type) |
					       (mode & type));
			netdev_state_change(dev);
		}
	}
	rtnl_unlock();
	return err;
}

/* @size: a struct ifreq's, which a 32-bit caller's is shorter. */
static int tuntap_get_name(struct tuntap_unit *u, void __user *argp,
			   size_t size)
{
	struct ifreq ifr;
	int err;

	memset(&ifr, 0, sizeof(ifr));
	err = tuntap_rtnl_lock_live(u);
	if (err)
		return err;
	strscpy(ifr.ifr_name, u->dev->name, IFNAMSIZ);
	rtnl_unlock();
	return copy_to_user(argp, &ifr, size) ? -EFAULT : 0;
}

static void tuntap_set_owner(struct tuntap_unit *u)
{
	struct pid *old;

	spin_lock(&u->lock);
	old = u->owner;
	u->owner = get_pid(task_tgid(current));
	spin_unlock(&u->lock);
	put_pid(old);
}

/* Requests only tun has; -ENOIOCTLCMD for anything else. */
static long tuntap_tun_ioctl(struct tuntap_unit *u, unsigned int cmd,
			     int __user *argp)
{
	int val;

	switch (cmd) {
	case TUNSLMODE:
	case TUNSIFHEAD:
	case TUNSIFMODE:
		if (get_user(val, argp))
			return -EFAULT;
		break;
	}
	switch (cmd) {
	case TUNSLMODE:
		if (!val) {
			tuntap_mode(u, -1, TUNTAP_F_LMODE);
			return 0;
		}
		tuntap_mode(u, TUNTAP_F_LMODE, TUNTAP_F_IFHEAD);
		return tuntap_keep_route(u);
	case TUNSIFHEAD:
		if (val)
			tuntap_mode(u, TUNTAP_F_IFHEAD, TUNTAP_F_LMODE);
		else
			tuntap_mode(u, -1, TUNTAP_F_IFHEAD);
		return 0;
	case TUNGIFHEAD:
		return put_user(test_bit(TUNTAP_F_IFHEAD, &u->flags), argp);
	case TUNSIFMODE:
		return tuntap_set_ifmode(u, val);
	case TUNSIFPID:
		tuntap_set_owner(u);
		return 0;
	}
	return -ENOIOCTLCMD;
}

/*
 * VMIO_SIOCSIFFLAGS: VMware's way to set flags; IFF_UP always.  What
 * FreeBSD cannot change this way includes, within the mask, promiscuous
 * and all-multicast mode: they stay as they were (as ip link set them),
 * so a user opening with tap_user_open cannot sniff through it either.
 */
static int tuntap_vmio_flags(struct file *file, struct tuntap_unit *u,
			     unsigned int flags)
{
	const unsigned int mask = 0x0fff, keep = IFF_PROMISC | IFF_ALLMULTI;
	struct net_device *dev = u->dev;
	int err;

	if (!tuntap_file_admin(file, u))
		return -EPERM;
	err = tuntap_rtnl_lock_live(u);
	if (err)
		return err;
	/* dev_change_flags() compares these two with gflags, the user's. */
	flags = (flags & mask & ~keep) | (dev->gflags & keep) |
		(dev->flags & ~mask) | IFF_UP;
	err = dev_change_flags(dev, flags, NULL);
	rtnl_unlock();
	return err;
}

/* Requests only tap and vmnet have; -ENOIOCTLCMD for anything else. */
static long tuntap_tap_ioctl(struct file *file, struct tuntap_unit *u,
			     unsigned int cmd, unsigned long arg)
{
	void __user *argp = (void __user *)arg;
	u8 mac[ETH_ALEN];

	switch (cmd) {
	case VMIO_SIOCSIFFLAGS:
		return tuntap_vmio_flags(file, u, arg);
	case SIOCGIFADDR:	/* the remote side's MAC */
		spin_lock(&u->lock);
		ether_addr_copy(mac, u->remote_mac);
		spin_unlock(&u->lock);
		return copy_to_user(argp, mac, ETH_ALEN) ? -EFAULT : 0;
	case SIOCSIFADDR:
		if (copy_from_user(mac, argp, ETH_ALEN))
			return -EFAULT;
		spin_lock(&u->lock);
		ether_addr_copy(u->remote_mac, mac);
		spin_unlock(&u->lock);
		return 0;
	}
	return -ENOIOCTLCMD;
}

#ifdef CONFIG_COMPAT
/* TUNGIFNAME (and TAPGIFNAME) as a 32-bit caller numbers it. */
#define TUNTAP_GIFNAME32 _IOR('t', 93, struct compat_ifreq)
#endif

/*
 * The virtio-net header's length (@hdr_len, or -1 to keep it) and the
 * offloads its reader accepts (@offload, or -1); each offload needs
 * partial checksums, which the reader must be able to finish.
 */
static int tuntap_set_offload(struct tuntap_unit *u, int hdr_len, int offload)
{
	int err;

	if (offload != -1 &&
	    ((offload & ~TUNTAP_OFFLOAD_ALL) ||
	     (offload && !(offload & TUN_OFFLOAD_CSUM))))
		return -EINVAL;
	err = tuntap_rtnl_lock_live(u);
	if (err)
		return err;
	tuntap_set_vnet_hdr(u, hdr_len == -1 ? u->vnet_hdr_len : hdr_len,
			    offload == -1 ? u->offload : offload);
	rtnl_unlock();
	return 0;
}

/* Requests every driver has. */
static long tuntap_common_ioctl(struct file *file, struct tuntap_unit *u,
				unsigned int cmd, unsigned long arg)
{
	void __user *argp = (void __user *)arg;
	struct tuntap_file *tf;
	int __user *ip = argp;
	struct tuninfo ti;
	int val;

	switch (cmd) {
	case TUNSIFINFO:
		if (copy_from_user(&ti, argp, sizeof(ti)))
			return -EFAULT;
		return tuntap_set_info(file, u, &ti);
	case TUNGIFINFO:
		tuntap_get_info(u, &ti);
		return copy_to_user(argp, &ti, sizeof(ti)) ? -EFAULT : 0;
	case TUNSDEBUG:
		/* The level is the module's, for every namespace. */
		if (!file_ns_capable(file, &init_user_ns, CAP_NET_ADMIN))
			return -EPERM;
		if (get_user(val, ip))
			return -EFAULT;
		WRITE_ONCE(tuntap_debug, val);
		return 0;
	case TUNGDEBUG:
		return put_user(READ_ONCE(tuntap_debug), ip);
	case TUNGIFNAME:
		return tuntap_get_name(u, argp, sizeof(struct ifreq));
#ifdef CONFIG_COMPAT
	case TUNTAP_GIFNAME32:
		if (!in_compat_syscall())
			return -ENOTTY;
		return tuntap_get_name(u, argp, sizeof(struct compat_ifreq));
#endif
	case TUNSTRANSIENT:
		/* Whoever made the unit decides; for others it is an admin's. */
		tf = file->private_data;
		if (!tf->created && !tuntap_file_admin(file, u))
			return -EPERM;
		if (get_user(val, ip))
			return -EFAULT;
		if (val)
			set_bit(TUNTAP_F_TRANSIENT, &u->flags);
		else
			clear_bit(TUNTAP_F_TRANSIENT, &u->flags);
		return 0;
	case TUNGTRANSIENT:
		return put_user(test_bit(TUNTAP_F_TRANSIENT, &u->flags), ip);
	case TUNSVNETHDR:
		if (get_user(val, ip))
			return -EFAULT;
		if (val != 0 && val != sizeof(struct virtio_net_hdr) &&
		    val != sizeof(struct virtio_net_hdr_mrg_rxbuf))
			return -EINVAL;
		return tuntap_set_offload(u, val, -1);
	case TUNGVNETHDR:
		return put_user(READ_ONCE(u->vnet_hdr_len), ip);
	case TUNSOFFLOAD:
		if (get_user(val, ip))
			return -EFAULT;
		return tuntap_set_offload(u, -1, val);
	case TUNGOFFLOAD:
		return put_user(READ_ONCE(u->offload), ip);
	case FIONREAD:
		return put_user(tuntap_peek_len(u), ip);
	case FIOSETOWN:
		if (get_user(val, ip))
			return -EFAULT;
		return f_setown(file, val, 1);
	case TIOCSPGRP:
		if (get_user(val, ip))
			return -EFAULT;
		return f_setown(file, -val, 1);
	case FIOGETOWN:
		return put_user(tuntap_getown(file), ip);
	case TIOCGPGRP:
		return put_user(-tuntap_getown(file), ip);
	}
	return -ENOTTY;
}

long tuntap_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct tuntap_file *tf = file->private_data;
	struct tuntap_unit *u;
	long ret = -ENOIOCTLCMD;

	u = tuntap_get(tf);
	if (!u)
		return -ENXIO;
	if (tuntap_is_tun(u))
		ret = tuntap_tun_ioctl(u, cmd, (int __user *)arg);
	else
		ret = tuntap_tap_ioctl(file, u, cmd, arg);
	if (ret == -ENOIOCTLCMD)
		ret = tuntap_common_ioctl(file, u, cmd, arg);
	tuntap_put(u);
	return ret;
}

#ifdef CONFIG_COMPAT
/*
 * 32-bit callers: every request's argument is a pointer but
 * VMIO_SIOCSIFFLAGS's, a value; only TUNGIFNAME's layout differs.
 */
long tuntap_compat_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	if (cmd != VMIO_SIOCSIFFLAGS)
		arg = (unsigned long)compat_ptr(arg);
	return tuntap_ioctl(file, cmd, arg);
}
#endif
