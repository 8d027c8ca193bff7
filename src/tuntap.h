/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * if_tuntap: FreeBSD's tun(4), tap(4) and vmnet for Linux.
 *
 * A unit is a net_device whose private area is struct tuntap_unit.  An open
 * character device file is a struct tuntap_file bound to at most one unit.
 * Packets the stack sends out of a unit wait in the unit's ring until the
 * file reads them; packets the file writes go straight into the stack.
 *
 * Locking, in one place:
 *  - RTNL serialises every change of a unit's life: creation, destruction,
 *    binding and unbinding a file, the driver's unit table, and namespace
 *    moves.  Opens and last closes take it; the datapath never does.
 *  - tuntap_unit.tfile and tuntap_file.unit are RCU pointers written under
 *    RTNL.  The datapath reads them under RCU; a read, write or request,
 *    any of which may sleep, pins the net_device with a reference
 *    (tuntap_get()), which unregistration waits for after it has woken
 *    the sleepers.
 *  - The ring has its own producer and consumer locks, so a reader and the
 *    stack's transmit path never wait for each other.
 *  - tuntap_unit.lock protects the few fields that ioctls change together
 *    (mode bits that exclude each other, owner pid, remote MAC).
 *  - The read ring's resize (txqueuelen) takes both ring locks with BH
 *    off, never IRQs, and frees what no longer fits after unlocking:
 *    freeing a written packet returns pages to a page pool, which wants
 *    BH enabled again.
 *  - PREEMPT_RT: every lock here is a spinlock_t (a sleeping lock on RT)
 *    or RTNL, taken where a task may sleep or with BH off, which RT makes
 *    preemptible; none is taken with preemption or interrupts disabled
 *    by the module.  The per-CPU page pools rely on BH off pinning the
 *    task to its CPU and excluding the CPU's other BH users (pool.c).
 *
 * Namespaces and who may reach what:
 *  - A unit made in a network namespace of the initial user namespace is
 *    numbered in its driver's global table and reached through the node
 *    of its number in /dev.  One made in a namespace of any other user
 *    namespace (any user may own one) is "contained": its number is only
 *    its name, unique in its own namespace; it has no node and takes no
 *    number from the host.
 *  - Nodes /dev/<driver>N for N below prepared_nodes are the driver's,
 *    made at load and kept until unload, so that opening one by name
 *    creates unit N as FreeBSD's devfs does.  A host unit numbered
 *    higher has a node of its own, made and removed with it.  A node is
 *    only a minor: an open finds the unit in the global table, and the
 *    namespace rules are checked there (tuntap_open_unit()).
 *  - An open attaches only to a unit in the opener's network namespace.
 *  - Units made by callers without CAP_NET_ADMIN in the initial user
 *    namespace are charged to a host user (tuntap_charge()) and bounded.
 */
#ifndef TUNTAP_H
#define TUNTAP_H

#include <linux/cdev.h>
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/ptr_ring.h>
#include <linux/u64_stats_sync.h>
#include <linux/xarray.h>
#include <net/rtnetlink.h>

#include "../include/net/if_tap.h"

#define TUNTAP_VERSION		"1.0"
#define TUNTAP_MAXUNIT		32767		/* FreeBSD's IF_MAXUNIT */
/* Minors of a driver's major: unit N is N, the cloning node follows. */
#define TUNTAP_CLONE_MINOR	(TUNTAP_MAXUNIT + 1)
#define TUNTAP_NR_MINORS	(TUNTAP_CLONE_MINOR + 1)
#define TUNTAP_TXQLEN		500
/*
 * The read ring's longest length, whatever txqueuelen says: its packets
 * belong to no socket once queued, so nothing else would bound them.
 * A qdisc attached to the unit may still queue up to txqueuelen.
 */
#define TUNTAP_RING_MAX		1024

/*
 * Every unit takes packets in pieces: read() copies them out piece by piece
 * anyway, and without these the stack would first copy each segment of a
 * TCP send into one linear buffer.
 */
#define TUNTAP_SG_FEATURES	(NETIF_F_SG | NETIF_F_FRAGLIST)

/* What a tap with a virtio-net header offers the stack besides. */
#ifdef TUNTAP_HAVE_VNET_USO
#define TUNTAP_OFFLOAD_USO	NETIF_F_GSO_UDP_L4
#else
#define TUNTAP_OFFLOAD_USO	0
#endif
#define TUNTAP_OFFLOADS	(NETIF_F_HW_CSUM | NETIF_F_TSO | NETIF_F_TSO6 |	\
			 NETIF_F_TSO_ECN | TUNTAP_OFFLOAD_USO)
/* What TUNSOFFLOAD may ask for; all of it until the reader says less. */
#define TUNTAP_OFFLOAD_ALL	(TUN_OFFLOAD_CSUM | TUN_OFFLOAD_TSO4 |	\
				 TUN_OFFLOAD_TSO6 | TUN_OFFLOAD_TSO_ECN |	\
				 TUN_OFFLOAD_USO4 | TUN_OFFLOAD_USO6)

enum tuntap_kind {
	TUNTAP_TUN,
	TUNTAP_TAP,
	TUNTAP_VMNET,
	TUNTAP_NR_DRIVERS,
};

/* One per kind of unit: its names, its node major and its unit table. */
struct tuntap_driver {
	const char *name;		/* interface and node prefix */
	enum tuntap_kind kind;
	bool l2;			/* Ethernet (tap, vmnet) */
	unsigned char ift_type;		/* FreeBSD's if_type for TUNGIFINFO */
	struct rtnl_link_ops link_ops;
	struct xarray units;		/* unit number -> tuntap_unit; RTNL */
	dev_t devt;			/* minor N is unit N */
	struct cdev cdev;
	struct device *clone_node;	/* /dev/tun, /dev/tap, /dev/vmnet */
	/*
	 * /dev/<name>N for N below nr_prepared, made at load; nr_prepared
	 * is set before any unit can be made and never changes after.
	 */
	struct device **prepared;
	unsigned int nr_prepared;
};

/* Bits of tuntap_unit.flags. */
enum {
	TUNTAP_F_IFHEAD,	/* tun: 4-byte family before each packet */
	TUNTAP_F_LMODE,		/* tun: destination sockaddr before reads */
	TUNTAP_F_TRANSIENT,	/* destroy on last close */
	TUNTAP_F_DYING,		/* destruction started; opens get EBUSY */
	TUNTAP_F_LINK0,		/* tap: close keeps it up (FreeBSD's link0) */
	TUNTAP_F_CONTAINED,	/* made in a user namespace's network
				 * namespace: no global number, no node
				 */
};

/* Why a packet was dropped; each cause is counted apart. */
enum tuntap_drop {
	TUNTAP_DROP_TX_NOREADER,	/* sent while no file was open */
	TUNTAP_DROP_TX_FULL,		/* read queue full */
	TUNTAP_DROP_TX_FRAMING,		/* no way to frame it: on tun, not
					 * IPv4 (without IFHEAD) or neither
					 * IPv4 nor IPv6 (with it); on tap,
					 * no virtio-net header describes it
					 */
	TUNTAP_DROP_TX_PURGED,		/* queued, then discarded by close */
	TUNTAP_DROP_TX_NOMEM,		/* a sender's zerocopy pages could not
					 * be copied before queueing
					 */
	TUNTAP_DROP_RX_FILTERED,	/* tap: runt, or unicast for others */
	TUNTAP_DROP_RX_NOMEM,		/* write could not allocate */
	TUNTAP_DROP_RX_BADHDR,		/* a virtio-net header that does not
					 * fit its packet
					 */
	TUNTAP_NR_DROPS,
};

/* Directions as the interface sees them. */
enum tuntap_dir {
	TUNTAP_RX,	/* written by the process, into the stack */
	TUNTAP_TX,	/* read by the process, out of the stack */
};

struct tuntap_pcpu_stats {
	struct {
		u64_stats_t packets;
		u64_stats_t bytes;
	} dir[2];			/* by enum tuntap_dir */
	struct u64_stats_sync syncp;
};

struct tuntap_file;

/* What read() prepends to a tun packet. */
enum tuntap_header {
	TUNTAP_HDR_NONE,
	TUNTAP_HDR_FAMILY,		/* TUNSIFHEAD */
	TUNTAP_HDR_SOCKADDR,		/* TUNSLMODE */
};

/*
 * Carried by a queued sk_buff from transmit to read().  As on FreeBSD,
 * a tun packet is framed by the modes in force when it was queued, not
 * when it is read.
 */
struct tuntap_skb_cb {
	__be32 nexthop;			/* TUNSLMODE's destination */
	u8 header;			/* enum tuntap_header */
};

#define TUNTAP_SKB_CB(skb)	((struct tuntap_skb_cb *)(skb)->cb)

struct tuntap_unit {
	struct net_device *dev;
	const struct tuntap_driver *drv;
	struct tuntap_file __rcu *tfile;	/* the open file, if any */
	struct ptr_ring ring;			/* sk_buffs waiting for read() */
	unsigned long flags;			/* TUNTAP_F_* */
	int vnet_hdr_len;			/* 0, 10 or 12; RTNL */
	int offload;		/* TUN_OFFLOAD_* the reader takes; RTNL */
	int unit;
	struct net *home;	/* created here; the unit dies with it */
	struct device *node;	/* /dev/<driver><unit> if its own: a host
				 * unit not below drv->nr_prepared
				 */
	struct list_head link;	/* in the list of all units; RTNL */
	bool charged;		/* counted against charged_to's limit */
	kuid_t charged_to;
	void *security;		/* the LSM's, as for Linux's tun */
	struct tuntap_pcpu_stats __percpu *stats;
	atomic_long_t drops[TUNTAP_NR_DROPS];

	spinlock_t lock;	/* owner, remote_mac, mode bits in flags */
	struct pid *owner;	/* opener, or the last TUNSIFPID caller */
	u32 baudrate;		/* written under RTNL, read with READ_ONCE */
	u8 remote_mac[ETH_ALEN];
};

struct tuntap_file {
	struct tuntap_unit __rcu *unit;	/* NULL once the unit is gone */
	wait_queue_head_t wq;		/* blocked readers and pollers */
	struct fasync_struct *fasync;	/* SIGIO receivers (FIOASYNC) */
	bool created;			/* its open made the unit */
	struct rcu_head rcu;
};

/* main.c */
extern struct tuntap_driver tuntap_drivers[TUNTAP_NR_DRIVERS];
extern int tuntap_debug;
extern bool tun_devfs_cloning, tap_devfs_cloning;
extern bool tap_user_open, tap_up_on_open;
extern unsigned int user_max_units;
extern struct class tuntap_class;
extern const struct attribute_group *tuntap_node_groups[];

#define tuntap_dbg(u, fmt, ...)						\
	do {								\
		if (READ_ONCE(tuntap_debug))				\
			netdev_info((u)->dev, fmt, ##__VA_ARGS__);	\
	} while (0)

/* clone.c: unit numbers, creation, destruction, namespaces */
int tuntap_create(struct tuntap_driver *drv, struct net *net, int unit,
		  struct tuntap_unit **out);
int tuntap_unit_init(struct tuntap_unit *u);
void tuntap_unit_uninit(struct tuntap_unit *u);
void tuntap_destroy(struct tuntap_unit *u, struct list_head *head);
void tuntap_dellink(struct net_device *dev, struct list_head *head);
int tuntap_newlink(struct net *src_net, struct net_device *dev,
		   struct nlattr *tb[], struct nlattr *data[],
		   struct netlink_ext_ack *extack);
int tuntap_validate(struct nlattr *tb[], struct nlattr *data[],
		    struct netlink_ext_ack *extack);
bool tuntap_host_net(const struct net *net);
int tuntap_clone_init(void);
void tuntap_clone_exit(void);

/* netdev.c: the network interface */
void tuntap_setup_tun(struct net_device *dev);
void tuntap_setup_tap(struct net_device *dev);
void tuntap_setup_vmnet(struct net_device *dev);
struct tuntap_unit *tuntap_unit_of(const struct net_device *dev);
void tuntap_count_drop(struct tuntap_unit *u, enum tuntap_drop why);
void tuntap_count(struct tuntap_unit *u, enum tuntap_dir dir, unsigned int len);
unsigned int tuntap_ring_len(const struct net_device *dev);
void tuntap_purge_ring(struct tuntap_unit *u);
int tuntap_resize_ring(struct tuntap_unit *u);
void tuntap_set_vnet_hdr(struct tuntap_unit *u, int len, int offload);

/* cdev.c: the character device */
extern const struct file_operations tuntap_fops;
struct tuntap_unit *tuntap_get(struct tuntap_file *tf);
void tuntap_put(struct tuntap_unit *u);
void tuntap_detach(struct tuntap_unit *u);

/* addr.c: a closed unit's IPv4 addresses */
void tuntap_purge_addresses(struct tuntap_unit *u);

/* pool.c: memory for written packets */
int tuntap_pool_init(void);
void tuntap_pool_exit(void);
struct sk_buff *tuntap_alloc_skb(size_t len);

/* packet.c: framing between user buffers and sk_buffs */
ssize_t tuntap_put_user(struct tuntap_unit *u, struct sk_buff *skb,
			struct iov_iter *to);
ssize_t tuntap_get_user(struct tuntap_unit *u, struct iov_iter *from);
int tuntap_peek_len(struct tuntap_unit *u);

/* ioctl.c */
long tuntap_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
long tuntap_compat_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg);

static inline bool tuntap_is_tun(const struct tuntap_unit *u)
{
	return !u->drv->l2;
}

#endif /* TUNTAP_H */
