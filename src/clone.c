// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Cloning and lifetime: unit numbers, creating a unit (by a cloning open,
 * by opening a missing unit node, or by rtnetlink), destroying it, and what
 * happens to units when their network namespace goes away.
 */
#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/cred.h>
#include <linux/module.h>
#include <linux/security.h>
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

/* Every unit, of every driver and namespace; RTNL. */
static LIST_HEAD(tuntap_units);

/* Units held per charged host user (kuid -> count as a value entry); RTNL. */
static DEFINE_XARRAY(tuntap_users);

/*
 * Whether units made in @net are the host's: numbered in the global table,
 * with a node in /dev.  Any user may own a user namespace, and with it
 * network namespaces where it holds CAP_NET_ADMIN; what it makes there
 * must not take numbers or /dev names from anyone else.
 */
bool tuntap_host_net(const struct net *net)
{
	return net->user_ns == &init_user_ns;
}

/*
 * Automatic numbering.  A host unit takes the lowest free number whose
 * name no other interface of the namespace (a Linux tun0, say) already
 * has, and holds the slot from here so that unit_init finds it ours; a
 * contained unit takes the lowest name free in its own namespace.
 */
static int tuntap_pick_unit(struct tuntap_unit *u, struct net *net)
{
	struct tuntap_driver *drv = (struct tuntap_driver *)u->drv;
	struct xa_limit range = XA_LIMIT(0, TUNTAP_MAXUNIT);
	char name[IFNAMSIZ];
	u32 unit;
	int err;

	ASSERT_RTNL();
	if (!tuntap_host_net(net)) {
		snprintf(name, sizeof(name), "%s%%d", drv->name);
		err = dev_alloc_name(u->dev, name);
		return err < 0 ? err : 0;
	}
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

/*
 * Units made by a caller without CAP_NET_ADMIN in the initial user
 * namespace (an admin of its own user namespace, or a tap_user_open
 * opener) count against a host user: the owner of the outermost user
 * namespace the caller is in, whose every nested namespace it can make
 * at will, or the caller's own uid on the host.
 */
static int tuntap_charge(struct tuntap_unit *u)
{
	const struct user_namespace *ns = current_user_ns();
	unsigned long held;
	kuid_t uid;
	int err;

	if (ns_capable_noaudit(&init_user_ns, CAP_NET_ADMIN))
		return 0;
	if (ns == &init_user_ns) {
		uid = current_euid();
	} else {
		while (ns->parent != &init_user_ns)
			ns = ns->parent;
		uid = ns->owner;
	}
	held = xa_to_value(xa_load(&tuntap_users, __kuid_val(uid)));
	if (held >= READ_ONCE(user_max_units))
		return -ENOSPC;
	err = xa_err(xa_store(&tuntap_users, __kuid_val(uid),
			      xa_mk_value(held + 1), GFP_KERNEL_ACCOUNT));
	if (err)
		return err;
	u->charged = true;
	u->charged_to = uid;
	return 0;
}

static void tuntap_uncharge(struct tuntap_unit *u)
{
	unsigned long idx = __kuid_val(u->charged_to);
	unsigned long held;

	if (!u->charged)
		return;
	u->charged = false;
	held = xa_to_value(xa_load(&tuntap_users, idx));
	if (held > 1)	/* replaces an entry: allocates nothing */
		xa_store(&tuntap_users, idx, xa_mk_value(held - 1), GFP_KERNEL);
	else
		xa_erase(&tuntap_users, idx);
}

/*
 * ndo_init: the name is final here; claim its unit number and, above the
 * prepared nodes, a node of its own.
 */
int tuntap_unit_init(struct tuntap_unit *u)
{
	struct tuntap_driver *drv = (struct tuntap_driver *)u->drv;
	struct net_device *dev = u->dev;
	bool host = tuntap_host_net(dev_net(dev));
	int unit, err;

	unit = tuntap_parse_unit(drv, dev->name);
	if (unit < 0)
		return unit;
	err = security_tun_dev_create();
	if (err)
		return err;
	if (!host) {
		set_bit(TUNTAP_F_CONTAINED, &u->flags);
	} else if (xa_load(&drv->units, unit) != u) {
		err = xa_insert(&drv->units, unit, u, GFP_KERNEL);
		if (err)
			return err == -EBUSY ? -EEXIST : err;
	}
	u->unit = unit;
	u->home = dev_net(dev);

	err = tuntap_charge(u);
	if (err)
		goto err_unit;
	err = security_tun_dev_alloc_security(&u->security);
	if (err)
		goto err_charge;
	/* Charged to the creator's memory cgroup, as the net_device is. */
	err = -ENOMEM;
	u->stats = __netdev_alloc_pcpu_stats(struct tuntap_pcpu_stats,
					     GFP_KERNEL_ACCOUNT);
	if (!u->stats)
		goto err_security;
	if (ptr_ring_init(&u->ring, tuntap_ring_len(dev), GFP_KERNEL_ACCOUNT))
		goto err_stats;
	/* Below nr_prepared the driver's node stands already. */
	if (host && unit >= drv->nr_prepared) {
		u->node = device_create_with_groups(&tuntap_class, NULL,
						    MKDEV(MAJOR(drv->devt), unit),
						    drv, tuntap_node_groups,
						    "%s%d", drv->name, unit);
		if (IS_ERR(u->node)) {
			err = PTR_ERR(u->node);
			u->node = NULL;
			goto err_ring;
		}
	}
	list_add(&u->link, &tuntap_units);
	return 0;

err_ring:
	ptr_ring_cleanup(&u->ring, NULL);
err_stats:
	free_percpu(u->stats);
	u->stats = NULL;
err_security:
	security_tun_dev_free_security(u->security);
	u->security = NULL;
err_charge:
	tuntap_uncharge(u);
err_unit:
	if (host)
		xa_cmpxchg(&drv->units, unit, u, NULL, 0);
	return err;
}

/*
 * The unit's own node goes first, while the interface still stands: a
 * sleeper that wakes ENXIO finds it gone.  A prepared node stays for the
 * next unit of its number.
 */
static void tuntap_remove_nodes(struct tuntap_unit *u)
{
	set_bit(TUNTAP_F_DYING, &u->flags);
	if (u->node)
		device_unregister(u->node);
	u->node = NULL;
}

/*
 * ndo_uninit, under RTNL on every path to destruction (ip link del, last
 * close of a transient unit, namespace exit, rmmod) and when registering
 * fails: the unit's file is cut loose.  The node is normally gone
 * already (tuntap_destroy()).
 */
void tuntap_unit_uninit(struct tuntap_unit *u)
{
	struct tuntap_driver *drv = (struct tuntap_driver *)u->drv;

	tuntap_remove_nodes(u);
	tuntap_detach(u);
	if (!test_bit(TUNTAP_F_CONTAINED, &u->flags))
		xa_cmpxchg(&drv->units, u->unit, u, NULL, 0);
	list_del(&u->link);
	tuntap_uncharge(u);
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
	char pattern[IFNAMSIZ];
	int err;

	/*
	 * "tun%d" is numbered here, not by the core: the core's lowest free
	 * name in this namespace may be a number a unit elsewhere holds.
	 */
	snprintf(pattern, sizeof(pattern), "%s%%d", u->drv->name);
	if (!tb[IFLA_IFNAME] || !strcmp(dev->name, pattern)) {
		err = tuntap_pick_unit(u, dev_net(dev));
		if (err)
			return err;
	}
	err = register_netdevice(dev);
	if (err)
		tuntap_unpick_unit(u);
	return err;
}

/* A tap or vmnet made with an address gets a usable unicast one. */
int tuntap_validate(struct nlattr *tb[], struct nlattr *data[],
		    struct netlink_ext_ack *extack)
{
	if (!tb[IFLA_ADDRESS])
		return 0;
	if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
				    "an Ethernet address is 6 bytes");
		return -EINVAL;
	}
	if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
				    "not a unicast Ethernet address");
		return -EADDRNOTAVAIL;
	}
	return 0;
}

/*
 * A dying namespace: units born in it die (wherever they are now), and
 * units visiting it go home, unless home is dying too.  pre_exit runs before
 * the core's own device cleanup, which would otherwise delete visitors.
 */
static void __net_exit tuntap_net_pre_exit(struct net *net)
{
	struct tuntap_unit *u;
	LIST_HEAD(kill);

	rtnl_lock();
	list_for_each_entry(u, &tuntap_units, link) {
		bool here = dev_net(u->dev) == net;

		if (u->home == net || (here && !check_net(u->home)))
			tuntap_destroy(u, &kill);
		else if (here &&
			 dev_change_net_namespace(u->dev, u->home, "dev%d"))
			tuntap_destroy(u, &kill);
	}
	unregister_netdevice_many(&kill);
	rtnl_unlock();
}

static struct pernet_operations tuntap_net_ops = {
	.pre_exit = tuntap_net_pre_exit,
};

static int tuntap_netdev_event(struct notifier_block *nb,
			       unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct tuntap_unit *u = tuntap_unit_of(dev);

	if (u && event == NETDEV_CHANGE_TX_QUEUE_LEN)
		return notifier_from_errno(tuntap_resize_ring(u));
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
