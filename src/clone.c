// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Cloning and lifetime: unit numbers, creating a unit (by a cloning open,
 * by opening a missing unit node, or by rtnetlink), destroying it, and what
 * happens to units when their network namespace goes away.
 */
#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>

#include "tuntap.h"

/*
 * "tun7" -> 7.  Like FreeBSD, the name must be the driver's name and a
 * decimal unit number without leading zeros.
 */
static int tuntap_parse_unit(const struct tuntap_driver *drv, const char *name)
{
	size_t len = strlen(drv->name);
	unsigned int unit;

	if (strncmp(name, drv->name, len))
		return -EINVAL;
	name += len;
	if (!isdigit(name[0]) || (name[0] == '0' && name[1]))
		return -EINVAL;
	if (kstrtouint(name, 10, &unit) || unit > TUNTAP_MAXUNIT)
		return -EINVAL;
	return unit;
}

/*
 * Automatic numbering: the lowest free unit whose name no other interface
 * of the namespace (a Linux tun0, say) already has.  The slot is taken
 * here, so unit_init finds it ours.
 */
static int tuntap_pick_unit(struct tuntap_unit *u, struct net *net)
{
	struct tuntap_driver *drv = (struct tuntap_driver *)u->drv;
	struct xa_limit range = XA_LIMIT(0, TUNTAP_MAXUNIT);
	char name[IFNAMSIZ];
	u32 unit;
	int err;

	ASSERT_RTNL();
	for (;;) {
		err = xa_alloc(&drv->units, &unit, u, range, GFP_KERNEL);
		if (err)
			return err == -EBUSY ? -ENOSPC : err;
		snprintf(name, sizeof(name), "%s%u", drv->name, unit);
		if (!__dev_get_by_name(net, name))
			break;
		xa_erase(&drv->units, unit);
		range.min = unit + 1;
	}
	strscpy(u->dev->name, name, IFNAMSIZ);
	return 0;
}

static void tuntap_unpick_unit(struct tuntap_unit *u)
{
	struct tuntap_driver *drv = (struct tuntap_driver *)u->drv;
	int unit = tuntap_parse_unit(drv, u->dev->name);

	if (unit >= 0)
		xa_cmpxchg(&drv->units, unit, u, NULL, 0);
}

/* ndo_init: the name is final here; claim its unit number and node. */
int tuntap_unit_init(struct tuntap_unit *u)
{
	struct tuntap_driver *drv = (struct tuntap_driver *)u->drv;
	struct net_device *dev = u->dev;
	int unit, err;

	unit = tuntap_parse_unit(drv, dev->name);
	if (unit < 0)
		return unit;
	if (xa_load(&drv->units, unit) != u) {
		err = xa_insert(&drv->units, unit, u, GFP_KERNEL);
		if (err)
			return err == -EBUSY ? -EEXIST : err;
	}
	u->unit = unit;
	u->home = dev_net(dev);

	err = -ENOMEM;
	u->stats = netdev_alloc_pcpu_stats(struct tuntap_pcpu_stats);
	if (!u->stats)
		goto err_unit;
	if (ptr_ring_init(&u->ring, max_t(unsigned int, dev->tx_queue_len, 1),
			  GFP_KERNEL))
		goto err_stats;
	u->node = device_create(&tuntap_class, NULL,
				MKDEV(MAJOR(drv->devt), unit), u, "%s%d",
				drv->name, unit);
	if (IS_ERR(u->node)) {
		err = PTR_ERR(u->node);
		u->node = NULL;
		goto err_ring;
	}
	return 0;

err_ring:
	ptr_ring_cleanup(&u->ring, NULL);
err_stats:
	free_percpu(u->stats);
	u->stats = NULL;
err_unit:
	xa_cmpxchg(&drv->units, unit, u, NULL, 0);
	return err;
}

/*
 * The nodes go first, while the interface still stands: a sleeper that
 * wakes ENXIO finds them gone, and no open can find the unit any more.
 */
static void tuntap_remove_nodes(struct tuntap_unit *u)
{
	set_bit(TUNTAP_F_DYING, &u->flags);
	if (u->alias)
		device_unregister(u->alias);
	u->alias = NULL;
	if (u->node)
		device_unregister(u->node);
	u->node = NULL;
}

/*
 * ndo_uninit, under RTNL on every path to destruction (ip link del, last
 * close of a transient unit, namespace exit, rmmod) and when registering
 * fails: the unit's file is cut loose.  The nodes are normally gone
 * already (tuntap_destroy()).
 */
void tuntap_unit_uninit(struct tuntap_unit *u)
{
	struct tuntap_driver *drv = (struct tuntap_driver *)u->drv;

	tuntap_remove_nodes(u);
	tuntap_detach(u);
	xa_cmpxchg(&drv->units, u->unit, u, NULL, 0);
}

/*
 * Every destruction starts here, under RTNL, so that the nodes go before
 * the interface: the RCU callbacks their removal queues then ride the
 * grace periods unregistering waits for anyway, instead of stretching the
 * core's final rcu_barrier().  @head batches as for
 * unregister_netdevice_queue(); NULL destroys at once.
 */
void tuntap_destroy(struct tuntap_unit *u, struct list_head *head)
{
	ASSERT_RTNL();
	if (u->dev->reg_state != NETREG_REGISTERED)
		return;
	tuntap_remove_nodes(u);
	unregister_netdevice_queue(u->dev, head);
}

/* rtnetlink's "ip link del", and each unit of a module being removed. */
void tuntap_dellink(struct net_device *dev, struct list_head *head)
{
	tuntap_destroy(netdev_priv(dev), head);
}

/* For opens: a new unit in @net, numbered @unit or, if negative, the next. */
int tuntap_create(struct tuntap_driver *drv, struct net *net, int unit,
		  struct tuntap_unit **out)
{
	struct net_device *dev;
	struct tuntap_unit *u;
	int err;

	ASSERT_RTNL();
	dev = alloc_netdev(sizeof(*u), "", NET_NAME_ENUM, drv->link_ops.setup);
	if (!dev)
		return -ENOMEM;
	dev_net_set(dev, net);
	dev->rtnl_link_ops = &drv->link_ops;
	u = netdev_priv(dev);
	if (unit < 0) {
		err = tuntap_pick_unit(u, net);
		if (err)
			goto err_free;
	} else {
		snprintf(dev->name, IFNAMSIZ, "%s%d", drv->name, unit);
	}
	err = register_netdevice(dev);
	if (err) {
		tuntap_unpick_unit(u);
		goto err_free;
	}
	*out = u;
	return 0;

err_free:
	free_netdev(dev);
	return err;
}

/* rtnetlink's "ip link add [NAME] type bsdtun|bsdtap|bsdvmnet". */
int tuntap_newlink(struct net *src_net, struct net_device *dev,
		   struct nlattr *tb[], struct nlattr *data[],
		   struct netlink_ext_ack *extack)
{
	struct tuntap_unit *u = netdev_priv(dev);
	int err;

	if (!tb[IFLA_IFNAME]) {
		err = tuntap_pick_unit(u, dev_net(dev));
		if (err)
			return err;
	}
	err = register_netdevice(dev);
	if (err)
		tuntap_unpick_unit(u);
	return err;
}

/*
 * A dying namespace: units born in it die (wherever they are now), and
 * units visiting it go home, unless home is dying too.  pre_exit runs before
 * the core's own device cleanup, which would otherwise delete visitors.
 */
static void __net_exit tuntap_net_pre_exit(struct net *net)
{
	struct tuntap_unit *u;
	unsigned long idx;
	LIST_HEAD(kill);
	int i;

	rtnl_lock();
	for (i = 0; i < TUNTAP_NR_DRIVERS; i++) {
		xa_for_each(&tuntap_drivers[i].units, idx, u) {
			bool here = dev_net(u->dev) == net;

			if (u->home == net || (here && !check_net(u->home)))
				tuntap_destroy(u, &kill);
			else if (here &&
				 dev_change_net_namespace(u->dev, u->home, "dev%d"))
				tuntap_destroy(u, &kill);
		}
	}
	unregister_netdevice_many(&kill);
	rtnl_unlock();
}

static struct pernet_operations tuntap_net_ops = {
	.pre_exit = tuntap_net_pre_exit,
};

/* True for a name some unit's own node has or may take later. */
static bool tuntap_unit_name(const char *name)
{
	int i;

	for (i = 0; i < TUNTAP_NR_DRIVERS; i++)
		if (tuntap_parse_unit(&tuntap_drivers[i], name) >= 0)
			return true;
	return false;
}

/*
 * As FreeBSD does, a renamed unit also answers to /dev/<new name>.  Best
 * effort: a name another node of ours holds is skipped, and so is a unit's
 * name (tun9), whose node the unit numbered so, here or in another
 * namespace, must be free to make; a unit in a namespace of a user
 * namespace gets none.  devtmpfs never replaces or removes a node that is
 * not ours.
 */
static void tuntap_rename_alias(struct tuntap_unit *u)
{
	struct net_device *dev = u->dev;
	struct device *alias;

	ASSERT_RTNL();
	if (u->alias)
		device_unregister(u->alias);
	u->alias = NULL;
	if (!strcmp(dev->name, dev_name(u->node)) || tuntap_unit_name(dev->name))
		return;
	/*
	 * /dev is the host's: an admin of a user namespace, who may rename
	 * units there, must not take a name such as "sdb" in it.
	 */
	if (dev_net(dev)->user_ns != &init_user_ns)
		return;
	/* Checked first: sysfs complains loudly about duplicate names. */
	alias = class_find_device_by_name(&tuntap_class, dev->name);
	if (alias) {
		put_device(alias);
		return;
	}
	alias = device_create(&tuntap_class, NULL,
			      MKDEV(MAJOR(u->drv->devt),
				    TUNTAP_ALIAS_MINOR(u->unit)),
			      u, "%s", dev->name);
	if (!IS_ERR(alias))
		u->alias = alias;
}

static int tuntap_netdev_event(struct notifier_block *nb,
			       unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct tuntap_unit *u = tuntap_unit_of(dev);

	if (!u)
		return NOTIFY_DONE;
	switch (event) {
	case NETDEV_CHANGE_TX_QUEUE_LEN:
		return notifier_from_errno(tuntap_resize_ring(u));
	case NETDEV_CHANGENAME:
		if (u->node)
			tuntap_rename_alias(u);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block tuntap_notifier = {
	.notifier_call = tuntap_netdev_event,
};

int tuntap_clone_init(void)
{
	int err;

	err = register_pernet_device(&tuntap_net_ops);
	if (err)
		return err;
	err = register_netdevice_notifier(&tuntap_notifier);
	if (err)
		unregister_pernet_device(&tuntap_net_ops);
	return err;
}

void tuntap_clone_exit(void)
{
	unregister_netdevice_notifier(&tuntap_notifier);
	unregister_pernet_device(&tuntap_net_ops);
}
