// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Module setup: the three drivers, their character devices and their
 * rtnetlink kinds, and FreeBSD's sysctls as module parameters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/device.h>

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

struct class tuntap_class = {
	.name = "if_tuntap",
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
	if (drv->link_ops.list.next)
		rtnl_link_unregister(&drv->link_ops);
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
	return 0;
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

	for (i = 0; i < TUNTAP_NR_DRIVERS; i++)
		xa_init_flags(&tuntap_drivers[i].units, XA_FLAGS_ALLOC);
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
