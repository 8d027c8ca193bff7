// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * The network interface side: how the stack sends into a unit (the
 * transmit path that fills the read queue), interface setup for tun and
 * tap, counters and ethtool.
 */
#include <linux/ethtool.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/security.h>
#include <net/dst_metadata.h>
#include <net/route.h>

#include "tuntap.h"
#include "compat.h"

static const struct net_device_ops tuntap_tun_ops;
static const struct net_device_ops tuntap_tap_ops;

struct tuntap_unit *tuntap_unit_of(const struct net_device *dev)
{
	if (dev->netdev_ops != &tuntap_tun_ops &&
	    dev->netdev_ops != &tuntap_tap_ops)
		return NULL;
	return netdev_priv(dev);
}

void tuntap_count_drop(struct tuntap_unit *u, enum tuntap_drop why)
{
	atomic_long_inc(&u->drops[why]);
}

/*
 * get_cpu_ptr() keeps the task on one CPU's counters for a few stores,
 * which no other writer touches meanwhile (u64_stats on a 64-bit kernel
 * is plain stores; on a 32-bit one its seqcount needs that).  No lock is
 * taken inside, so the preemption-off region is as short on PREEMPT_RT.
 */
void tuntap_count(struct tuntap_unit *u, enum tuntap_dir dir, unsigned int len)
{
	struct tuntap_pcpu_stats *s = get_cpu_ptr(u->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->dir[dir].packets);
	u64_stats_add(&s->dir[dir].bytes, len);
	u64_stats_update_end(&s->syncp);
	put_cpu_ptr(u->stats);
}

static void tuntap_free_skb(void *ptr)
{
	kfree_skb(ptr);
}

void tuntap_purge_ring(struct tuntap_unit *u)
{
	struct sk_buff *skb;

	while ((skb = ptr_ring_consume(&u->ring))) {
		tuntap_count_drop(u, TUNTAP_DROP_TX_PURGED);
		kfree_skb(skb);
	}
}

unsigned int tuntap_ring_len(const struct net_device *dev)
{
	return clamp_t(unsigned int, dev->tx_queue_len, 1, TUNTAP_RING_MAX);
}

/*
 * txqueuelen changed, under RTNL.  ptr_ring_resize() would free what no
 * longer fits with hard IRQs off, and a packet's free may return pool
 * pages and enable BH; so the queue is swapped here with BH off, as both
 * ring locks allow (the producer runs in softirq, the consumer in process
 * context), and the overflow, the newest packets, freed afterwards.
 */
int tuntap_resize_ring(struct tuntap_unit *u)
{
	struct ptr_ring *r = &u->ring;
	int size = tuntap_ring_len(u->dev), n = 0;
	struct sk_buff_head overflow;
	struct sk_buff *skb;
	void **queue, **old;

	if (size == r->size)
		return 0;
	queue = kvmalloc_array(size, sizeof(*queue),
			       GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!queue)
		return -ENOMEM;
	__skb_queue_head_init(&overflow);
	spin_lock_bh(&r->consumer_lock);
	spin_lock(&r->producer_lock);
	while ((skb = __ptr_ring_consume(r))) {
		if (n < size)
			queue[n++] = skb;
		else
			__skb_queue_tail(&overflow, skb);
	}
	old = r->queue;
	r->queue = queue;
	__ptr_ring_set_size(r, size);
	r->producer = n < size ? n : 0;	/* full: the slot is taken */
	r->consumer_head = 0;
	r->consumer_tail = 0;
	spin_unlock(&r->producer_lock);
	spin_unlock_bh(&r->consumer_lock);
	kvfree(old);
	while ((skb = __skb_dequeue(&overflow))) {
		tuntap_count_drop(u, TUNTAP_DROP_TX_PURGED);
		kfree_skb(skb);
	}
	return 0;
}

/*
 * How read() will frame @skb, from one look at the modes; negative when it
 * cannot: tun without IFHEAD carries IPv4 only, as on FreeBSD.
 */
static int tuntap_tun_header(struct tuntap_unit *u, struct sk_buff *skb)
{
	unsigned long flags = READ_ONCE(u->flags);

	if (test_bit(TUNTAP_F_IFHEAD, &flags))
		return skb->protocol == htons(ETH_P_IP) ||
		       skb->protocol == htons(ETH_P_IPV6) ?
		       TUNTAP_HDR_FAMILY : -1;
	if (skb->protocol != htons(ETH_P_IP))
		return -1;
	return test_bit(TUNTAP_F_LMODE, &flags) ? TUNTAP_HDR_SOCKADDR :
						  TUNTAP_HDR_NONE;
}

/*
 * TUNSLMODE reports the next hop the route chose, which only the transmit
 * path still knows (the core keeps the route for it while LMODE is on:
 * tuntap_keep_route()); it travels to read() in the control buffer.
 */
static void tuntap_note_nexthop(struct sk_buff *skb)
{
	/* Not a metadata route, which a tunnel's redirect may leave. */
	struct rtable *rt = skb_valid_dst(skb) ? skb_rtable(skb) : NULL;
	__be32 daddr;

	if (skb->protocol != htons(ETH_P_IP) ||
	    !pskb_network_may_pull(skb, sizeof(struct iphdr)))
		return;
	daddr = ip_hdr(skb)->daddr;
	TUNTAP_SKB_CB(skb)->nexthop = rt ? rt_nexthop(rt, daddr) : daddr;
}

static netdev_tx_t tuntap_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct tuntap_unit *u = netdev_priv(dev);
	struct tuntap_file *tf;
	int err = 0;

	/* The core transmits with BH off: that is our RCU read section. */
	tf = rcu_dereference_bh(u->tfile);
	/* vmnet keeps queueing while closed; the others drop. */
	if (!tf && u->drv->kind != TUNTAP_VMNET) {
		tuntap_count_drop(u, TUNTAP_DROP_TX_NOREADER);
		err = -EHOSTDOWN;
		goto drop;
	}
	if (tuntap_is_tun(u)) {
		int header = tuntap_tun_header(u, skb);

		if (header < 0) {
			tuntap_count_drop(u, TUNTAP_DROP_TX_FRAMING);
			err = -EAFNOSUPPORT;
			goto drop;
		}
		TUNTAP_SKB_CB(skb)->header = header;
		TUNTAP_SKB_CB(skb)->nexthop = 0;
		if (header == TUNTAP_HDR_SOCKADDR)
			tuntap_note_nexthop(skb);
	}
	/*
	 * Queued packets must not pin the sender's socket, route (kept for
	 * LMODE) or conntrack, nor keep pages a zerocopy sender expects back.
	 */
	skb_orphan(skb);
	skb_dst_drop(skb);
	nf_reset_ct(skb);
	if (unlikely(skb_orphan_frags_rx(skb, GFP_ATOMIC))) {
		tuntap_count_drop(u, TUNTAP_DROP_TX_NOMEM);
		goto drop;
	}
	if (ptr_ring_produce(&u->ring, skb)) {
		tuntap_count_drop(u, TUNTAP_DROP_TX_FULL);
		goto drop;
	}
	if (tf) {
		/* Wake only when someone sleeps; the barrier pairs with
		 * prepare_to_wait() in the reader.
		 */
		if (wq_has_sleeper(&tf->wq))
			wake_up_interruptible_poll(&tf->wq, EPOLLIN | EPOLLRDNORM);
		kill_fasync(&tf->fasync, SIGIO, POLL_IN);
	}
	return NETDEV_TX_OK;

drop:
	kfree_skb(skb);
	/*
	 * FreeBSD's tun answers the sender.  A negative errno says the packet
	 * was consumed (dev_xmit_complete()); with no qdisc (the default) the
	 * core hands it back up to the sending socket, as it does for stacked
	 * devices' errors.  Behind a qdisc, or when forwarding, it is lost
	 * and the drop is only counted.
	 */
	if (err && tuntap_is_tun(u))
		return (netdev_tx_t)err;
	return NETDEV_TX_OK;
}

static int tuntap_ndo_init(struct net_device *dev)
{
	return tuntap_unit_init(netdev_priv(dev));
}

static void tuntap_ndo_uninit(struct net_device *dev)
{
	tuntap_unit_uninit(netdev_priv(dev));
}

static int tuntap_ndo_open(struct net_device *dev)
{
	netif_tx_start_all_queues(dev);
	return 0;
}

static int tuntap_ndo_stop(struct net_device *dev)
{
	netif_tx_stop_all_queues(dev);
	return 0;
}

static void tuntap_get_stats64(struct net_device *dev,
			       struct rtnl_link_stats64 *st)
{
	struct tuntap_unit *u = netdev_priv(dev);
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct tuntap_pcpu_stats *s = per_cpu_ptr(u->stats, cpu);
		u64 rxp, rxb, txp, txb;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			rxp = u64_stats_read(&s->dir[TUNTAP_RX].packets);
			rxb = u64_stats_read(&s->dir[TUNTAP_RX].bytes);
			txp = u64_stats_read(&s->dir[TUNTAP_TX].packets);
			txb = u64_stats_read(&s->dir[TUNTAP_TX].bytes);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		st->rx_packets += rxp;
		st->rx_bytes += rxb;
		st->tx_packets += txp;
		st->tx_bytes += txb;
	}
	st->tx_dropped = atomic_long_read(&u->drops[TUNTAP_DROP_TX_NOREADER]) +
			 atomic_long_read(&u->drops[TUNTAP_DROP_TX_FULL]) +
			 atomic_long_read(&u->drops[TUNTAP_DROP_TX_PURGED]) +
			 atomic_long_read(&u->drops[TUNTAP_DROP_TX_NOMEM]);
	st->tx_errors = atomic_long_read(&u->drops[TUNTAP_DROP_TX_FRAMING]);
	st->rx_dropped = atomic_long_read(&u->drops[TUNTAP_DROP_RX_FILTERED]);
	st->rx_errors = atomic_long_read(&u->drops[TUNTAP_DROP_RX_NOMEM]) +
			atomic_long_read(&u->drops[TUNTAP_DROP_RX_BADHDR]);
}

/* The offloads a reader's TUNSOFFLOAD bits accept, as features. */
static netdev_features_t tuntap_offload_features(int offload)
{
	netdev_features_t f;

	if (!(offload & TUN_OFFLOAD_CSUM))
		return 0;
	f = NETIF_F_HW_CSUM;
	if (offload & TUN_OFFLOAD_TSO4)
		f |= NETIF_F_TSO;
	if (offload & TUN_OFFLOAD_TSO6)
		f |= NETIF_F_TSO6;
	if ((offload & TUN_OFFLOAD_TSO_ECN) && (f & (NETIF_F_TSO | NETIF_F_TSO6)))
		f |= NETIF_F_TSO_ECN;
	/* One feature for both families, as Linux's tun has it. */
	if ((offload & (TUN_OFFLOAD_USO4 | TUN_OFFLOAD_USO6)) ==
	    (TUN_OFFLOAD_USO4 | TUN_OFFLOAD_USO6))
		f |= TUNTAP_OFFLOAD_USO;
	return f;
}

/*
 * Offloads exist only while the reader takes a virtio-net header, and
 * only those it said it takes.
 */
static netdev_features_t tuntap_fix_features(struct net_device *dev,
					     netdev_features_t features)
{
	struct tuntap_unit *u = netdev_priv(dev);
	netdev_features_t off = 0;

	if (READ_ONCE(u->vnet_hdr_len))
		off = tuntap_offload_features(READ_ONCE(u->offload));
	return features & ~(TUNTAP_OFFLOADS & ~off);
}

void tuntap_set_vnet_hdr(struct tuntap_unit *u, int len, int offload)
{
	ASSERT_RTNL();
	if (u->vnet_hdr_len == len && u->offload == offload)
		return;
	WRITE_ONCE(u->vnet_hdr_len, len);
	WRITE_ONCE(u->offload, offload);
	netdev_update_features(u->dev);
}

static const struct net_device_ops tuntap_tun_ops = {
	.ndo_init = tuntap_ndo_init,
	.ndo_uninit = tuntap_ndo_uninit,
	.ndo_open = tuntap_ndo_open,
	.ndo_stop = tuntap_ndo_stop,
	.ndo_start_xmit = tuntap_xmit,
	.ndo_get_stats64 = tuntap_get_stats64,
	.ndo_fix_features = tuntap_fix_features,
};

static const struct net_device_ops tuntap_tap_ops = {
	.ndo_init = tuntap_ndo_init,
	.ndo_uninit = tuntap_ndo_uninit,
	.ndo_open = tuntap_ndo_open,
	.ndo_stop = tuntap_ndo_stop,
	.ndo_start_xmit = tuntap_xmit,
	.ndo_get_stats64 = tuntap_get_stats64,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
	.ndo_fix_features = tuntap_fix_features,
};

static void tuntap_get_drvinfo(struct net_device *dev,
			       struct ethtool_drvinfo *info)
{
	struct tuntap_unit *u = netdev_priv(dev);

	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->version, TUNTAP_VERSION, sizeof(info->version));
	strscpy(info->bus_info, u->drv->name, sizeof(info->bus_info));
}

/* ethtool -S: every drop cause apart, in enum tuntap_drop order. */
static const char tuntap_drop_names[TUNTAP_NR_DROPS][ETH_GSTRING_LEN] = {
	[TUNTAP_DROP_TX_NOREADER] = "tx_dropped_noreader",
	[TUNTAP_DROP_TX_FULL] = "tx_dropped_full",
	[TUNTAP_DROP_TX_FRAMING] = "tx_errors_framing",
	[TUNTAP_DROP_TX_PURGED] = "tx_dropped_purged",
	[TUNTAP_DROP_TX_NOMEM] = "tx_dropped_nomem",
	[TUNTAP_DROP_RX_FILTERED] = "rx_dropped_filtered",
	[TUNTAP_DROP_RX_NOMEM] = "rx_errors_nomem",
	[TUNTAP_DROP_RX_BADHDR] = "rx_errors_vnet_header",
};

static int tuntap_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? TUNTAP_NR_DROPS : -EOPNOTSUPP;
}

static void tuntap_get_strings(struct net_device *dev, u32 sset, u8 *buf)
{
	if (sset == ETH_SS_STATS)
		memcpy(buf, tuntap_drop_names, sizeof(tuntap_drop_names));
}

static void tuntap_get_ethtool_stats(struct net_device *dev,
				     struct ethtool_stats *stats, u64 *data)
{
	struct tuntap_unit *u = netdev_priv(dev);
	int i;

	for (i = 0; i < TUNTAP_NR_DROPS; i++)
		data[i] = atomic_long_read(&u->drops[i]);
}

static const struct ethtool_ops tuntap_ethtool_ops = {
	.get_drvinfo = tuntap_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = tuntap_get_sset_count,
	.get_strings = tuntap_get_strings,
	.get_ethtool_stats = tuntap_get_ethtool_stats,
};

/*
 * /sys/class/net/<unit>/tuntap/: what FreeBSD's ifconfig shows of a unit
 * ("Opened by PID") and what tuntapctl lists.
 */
static ssize_t owner_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	struct tuntap_unit *u = netdev_priv(to_net_dev(d));
	pid_t pid;

	spin_lock(&u->lock);
	pid = pid_vnr(u->owner);
	spin_unlock(&u->lock);
	return sysfs_emit(buf, "%d\n", pid);
}
static DEVICE_ATTR_RO(owner);

static ssize_t open_show(struct device *d, struct device_attribute *attr,
			 char *buf)
{
	struct tuntap_unit *u = netdev_priv(to_net_dev(d));

	return sysfs_emit(buf, "%d\n", !!rcu_access_pointer(u->tfile));
}
static DEVICE_ATTR_RO(open);

static ssize_t transient_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	struct tuntap_unit *u = netdev_priv(to_net_dev(d));

	return sysfs_emit(buf, "%d\n",
			  test_bit(TUNTAP_F_TRANSIENT, &u->flags));
}
static DEVICE_ATTR_RO(transient);

static ssize_t unit_show(struct device *d, struct device_attribute *attr,
			 char *buf)
{
	struct tuntap_unit *u = netdev_priv(to_net_dev(d));

	return sysfs_emit(buf, "%s%d\n", u->drv->name, u->unit);
}
static DEVICE_ATTR_RO(unit);

/*
 * FreeBSD's "ifconfig tap0 link0" keeps a tap up, with its addresses, when
 * its file closes; Linux interfaces have no link0 flag, so it lives here.
 */
static ssize_t link0_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	struct tuntap_unit *u = netdev_priv(to_net_dev(d));

	return sysfs_emit(buf, "%d\n", test_bit(TUNTAP_F_LINK0, &u->flags));
}

static ssize_t link0_store(struct device *d, struct device_attribute *attr,
			   const char *buf, size_t len)
{
	struct net_device *dev = to_net_dev(d);
	struct tuntap_unit *u = netdev_priv(dev);
	bool on;

	if (!ns_capable(dev_net(dev)->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	if (kstrtobool(buf, &on))
		return -EINVAL;
	assign_bit(TUNTAP_F_LINK0, &u->flags, on);
	return len;
}
static DEVICE_ATTR_RW(link0);

static struct attribute *tuntap_attrs[] = {
	&dev_attr_owner.attr,
	&dev_attr_open.attr,
	&dev_attr_transient.attr,
	&dev_attr_unit.attr,
	&dev_attr_link0.attr,
	NULL,
};

static umode_t tuntap_attr_visible(struct kobject *kobj, struct attribute *a,
				   int n)
{
	struct net_device *dev = to_net_dev(kobj_to_dev(kobj));

	if (a == &dev_attr_link0.attr && dev->type != ARPHRD_ETHER)
		return 0;
	return a->mode;
}

static const struct attribute_group tuntap_attr_group = {
	.name = "tuntap",
	.attrs = tuntap_attrs,
	.is_visible = tuntap_attr_visible,
};

/* Last reference gone: nothing can reach the unit any more. */
static void tuntap_free(struct net_device *dev)
{
	struct tuntap_unit *u = netdev_priv(dev);

	ptr_ring_cleanup(&u->ring, tuntap_free_skb);
	free_percpu(u->stats);
	put_pid(u->owner);
	security_tun_dev_free_security(u->security);
}

static void tuntap_setup_common(struct net_device *dev, enum tuntap_kind kind)
{
	struct tuntap_unit *u = netdev_priv(dev);

	u->dev = dev;
	u->drv = &tuntap_drivers[kind];
	spin_lock_init(&u->lock);
	dev->ethtool_ops = &tuntap_ethtool_ops;
	dev->sysfs_groups[0] = &tuntap_attr_group;
	dev->needs_free_netdev = true;
	dev->priv_destructor = tuntap_free;
	dev->tx_queue_len = TUNTAP_TXQLEN;
	/* The read ring is the queue; no qdisc, no transmit lock. */
	dev->priv_flags |= IFF_NO_QUEUE;
	tuntap_set_lltx(dev);
	dev->hw_features = TUNTAP_SG_FEATURES | TUNTAP_OFFLOADS;
	/* fix_features masks the offloads until a reader takes them */
	dev->features = TUNTAP_SG_FEATURES | TUNTAP_OFFLOADS;
	u->offload = TUNTAP_OFFLOAD_ALL;
}

void tuntap_setup_tun(struct net_device *dev)
{
	tuntap_setup_common(dev, TUNTAP_TUN);
	dev->netdev_ops = &tuntap_tun_ops;
	dev->type = ARPHRD_NONE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->mtu = TUNMTU;
	dev->min_mtu = 68;
	dev->max_mtu = TUNMRU;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP | IFF_MULTICAST;
}

static void tuntap_setup_ether(struct net_device *dev, enum tuntap_kind kind)
{
	ether_setup(dev);
	tuntap_setup_common(dev, kind);
	dev->netdev_ops = &tuntap_tap_ops;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = TAPMRU - ETH_HLEN;
	/*
	 * FreeBSD's IFCAP_RXCSUM: off until asked (ethtool -K rx on), as
	 * it trusts the writer's checksums.
	 */
	dev->hw_features |= NETIF_F_RXCSUM;
	/*
	 * A VLAN on the unit hands its frames down with the tag in the
	 * data: without these, every such frame would be segmented and
	 * checksummed in software before the reader, header or not.
	 */
	dev->vlan_features = TUNTAP_SG_FEATURES | TUNTAP_OFFLOADS;
	eth_hw_addr_random(dev);
}

void tuntap_setup_tap(struct net_device *dev)
{
	tuntap_setup_ether(dev, TUNTAP_TAP);
}

void tuntap_setup_vmnet(struct net_device *dev)
{
	tuntap_setup_ether(dev, TUNTAP_VMNET);
}
