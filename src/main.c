// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Module setup: the three drivers, their character devices and their
 * rtnetlink kinds, and FreeBSD's sysctls as module parameters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/device.h>
#include <linux/mm.h>

#include "tuntap.h"
#include "compat.h"

int tuntap_debug;
module_param_named(debug, tuntap_debug, int, 0644);
MODULE_PARM_DESC(debug, "log unit events when nonzero (TUNSDEBUG)");

bool tun_devfs_cloning = true;
module_param(tun_devfs_cloning, bool, 0644);
MODULE_PARM_DESC(tun_devfs_cloning, "opening /dev/tun or a missing /dev/tunN creates a unit");

bool tap_devfs_cloning = true;
module_param(tap_devfs_cloning, bool, 0644);
MODULE_PARM_DESC(tap_devfs_cloning, "opening /dev/tap, /dev/vmnet or a missing unit node creates a unit");

bool tap_user_open;
module_param(tap_user_open, bool, 0644);
MODULE_PARM_DESC(tap_user_open, "tap and vmnet nodes may be opened without CAP_NET_ADMIN");

bool tap_up_on_open;
module_param(tap_up_on_open, bool, 0644);
MODULE_PARM_DESC(tap_up_on_open, "opening a tap or vmnet unit brings its interface up");

/*
 * Every per-unit allocation is charged to the creator's memory cgroup;
 * this bounds what memory limits cannot: interfaces, and /sys entries.
 */
unsigned int user_max_units = 128;
module_param(user_max_units, uint, 0644);
MODULE_PARM_DESC(user_max_units, "most units a host user without CAP_NET_ADMIN may hold, in all its user namespaces together");

/*
 * FreeBSD's devfs creates /dev/tunN on any open by name; devtmpfs has no
 * such hook, so the nodes programs open by name are made at load.  Names
 * programs are configured with are low numbers, and their loops over
 * names stop at the first node that opens: 16 serves both while fewer
 * than 16 units of a kind exist (docs/api.md, "Why 16").
 */
static unsigned int prepared_nodes = 16;
module_param(prepared_nodes, uint, 0444);
MODULE_PARM_DESC(prepared_nodes, "nodes /dev/tunN, /dev/tapN, /dev/vmnetN made at load for N below this, each creating unit N when opened (at most 32768)");

struct class tuntap_class = {
	.name = "if_tuntap",
};

/*
 * Which numbered nodes have a unit, for tools that list units: a prepared
 * node stands whether or not its unit does.  A host unit moved to another
 * namespace counts, as the presence of its node always told.
 */
static ssize_t exists_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct tuntap_driver *drv = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n",
			  !!xa_load(&drv->units, MINOR(dev->devt)));
}
static DEVICE_ATTR_RO(exists);

static ssize_t prepared_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	struct tuntap_driver *drv = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", MINOR(dev->devt) < drv->nr_prepared);
}
static DEVICE_ATTR_RO(prepared);

static struct attribute *tuntap_node_attrs[] = {
	&dev_attr_exists.attr,
	&dev_attr_prepared.attr,
	NULL,
};

static const struct attribute_group tuntap_node_group = {
	.attrs = tuntap_node_attrs,
};

const struct attribute_group *tuntap_node_groups[] = {
	&tuntap_node_group,
	NULL,
};

#define TUNTAP_DRIVER(_kind, _name, _l2, _type, _setup) {			\
	.name = _name,							\
	.kind = _kind,							\
	.l2 = _l2,							\
	.ift_type = _type,						\
	.link_ops = {							\
		.kind = "bsd" _name,					\
		.priv_size = sizeof(struct tuntap_unit),		\
		.setup = _setup,					\
		.newlink = tuntap_rtnl_newlink,				\
		.validate = _l2 ? tuntap_validate : NULL,		\
		.dellink = tuntap_dellink,				\
	},								\
}

struct tuntap_driver tuntap_drivers[TUNTAP_NR_DRIVERS] = {
	[TUNTAP_TUN] = TUNTAP_DRIVER(TUNTAP_TUN, "tun", false, IFT_PPP,
				     tuntap_setup_tun),
	[TUNTAP_TAP] = TUNTAP_DRIVER(TUNTAP_TAP, "tap", true, IFT_ETHER,
				     tuntap_setup_tap),
	[TUNTAP_VMNET] = TUNTAP_DRIVER(TUNTAP_VMNET, "vmnet", true, IFT_ETHER,
				       tuntap_setup_vmnet),
};

/* Units first: their nodes and files need the class and the major. */
static void tuntap_driver_exit(struct tuntap_driver *drv)
{
	unsigned int i;

	if (drv->link_ops.list.next)
		rtnl_link_unregister(&drv->link_ops);
	for (i = 0; drv->prepared && i < drv->nr_prepared; i++)
		if (drv->prepared[i])
			device_unregister(drv->prepared[i]);
	kvfree(drv->prepared);
	drv->prepared = NULL;
	if (drv->clone_node)
		device_unregister(drv->clone_node);
	drv->clone_node = NULL;
	if (drv->cdev.count)
		cdev_del(&drv->cdev);
	if (drv->devt)
		unregister_chrdev_region(drv->devt, TUNTAP_NR_MINORS);
	drv->devt = 0;
	xa_destroy(&drv->units);
}

/*
 * A unit may already exist when its node appears here: rtnetlink can make
 * one as soon as the link kind is registered.  The node finds it by its
 * minor, as it will any unit made later.
 */
static int tuntap_prepare_nodes(struct tuntap_driver *drv)
{
	struct device *node;
	unsigned int i;

	if (!drv->nr_prepared)
		return 0;
	drv->prepared = kvcalloc(drv->nr_prepared, sizeof(*drv->prepared),
				 GFP_KERNEL);
	if (!drv->prepared)
		return -ENOMEM;
	for (i = 0; i < drv->nr_prepared; i++) {
		node = device_create_with_groups(&tuntap_class, NULL,
						 MKDEV(MAJOR(drv->devt), i),
						 drv, tuntap_node_groups,
						 "%s%u", drv->name, i);
		if (IS_ERR(node))
			return PTR_ERR(node);
		drv->prepared[i] = node;
	}
	return 0;
}

/*
 * The link kind is registered before the node appears, so that every unit,
 * however it is made, is one rtnetlink knows how to delete.
 */
static int tuntap_driver_init(struct tuntap_driver *drv)
{
	struct device *node;
	int err;

	err = rtnl_link_register(&drv->link_ops);
	if (err)
		return err;
	err = alloc_chrdev_region(&drv->devt, 0, TUNTAP_NR_MINORS, drv->name);
	if (err)
		return err;
	cdev_init(&drv->cdev, &tuntap_fops);
	drv->cdev.owner = THIS_MODULE;
	err = cdev_add(&drv->cdev, drv->devt, TUNTAP_NR_MINORS);
	if (err) {
		drv->cdev.count = 0;
		return err;
	}
	node = device_create(&tuntap_class, NULL,
			     MKDEV(MAJOR(drv->devt), TUNTAP_CLONE_MINOR),
			     drv, "%s", drv->name);
	if (IS_ERR(node))
		return PTR_ERR(node);
	drv->clone_node = node;
	return tuntap_prepare_nodes(drv);
}

static void tuntap_exit_drivers(void)
{
	int i;

	for (i = TUNTAP_NR_DRIVERS - 1; i >= 0; i--)
		tuntap_driver_exit(&tuntap_drivers[i]);
}

static int __init tuntap_init(void)
{
	int err, i;

	prepared_nodes = min(prepared_nodes, TUNTAP_MAXUNIT + 1U);
	for (i = 0; i < TUNTAP_NR_DRIVERS; i++) {
		xa_init_flags(&tuntap_drivers[i].units, XA_FLAGS_ALLOC);
		tuntap_drivers[i].nr_prepared = prepared_nodes;
	}
	err = tuntap_pool_init();
	if (err)
		return err;
	err = class_register(&tuntap_class);
	if (err)
		goto out_pool;
	err = tuntap_clone_init();
	if (err)
		goto out_class;
	for (i = 0; i < TUNTAP_NR_DRIVERS; i++) {
		err = tuntap_driver_init(&tuntap_drivers[i]);
		if (err)
			goto out_drivers;
	}
	pr_info("FreeBSD tun/tap/vmnet, version " TUNTAP_VERSION "\n");
	return 0;

out_drivers:
	tuntap_exit_drivers();
	tuntap_clone_exit();
out_class:
	class_unregister(&tuntap_class);
out_pool:
	tuntap_pool_exit();
	return err;
}

static void __exit tuntap_exit(void)
{
	tuntap_exit_drivers();
	tuntap_clone_exit();
	class_unregister(&tuntap_class);
	tuntap_pool_exit();
}

module_init(tuntap_init);
module_exit(tuntap_exit);

MODULE_LICENSE("Dual BSD/GPL");
MODULE_DESCRIPTION("FreeBSD-compatible tun, tap and vmnet interfaces");
MODULE_VERSION(TUNTAP_VERSION);
MODULE_ALIAS_RTNL_LINK("bsdtun");
MODULE_ALIAS_RTNL_LINK("bsdtap");
MODULE_ALIAS_RTNL_LINK("bsdvmnet");
