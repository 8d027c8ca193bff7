// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Framing: what one read() returns and what one write() must carry.
 * tun: an IPv4 packet; with IFHEAD, any supported packet after a 4-byte
 * address family in network order; with LMODE, reads are prefixed by the
 * destination as a struct sockaddr_in.  tap and vmnet: an Ethernet frame,
 * after a virtio-net header (TAPSVNETHDR) that carries checksum and
 * segmentation offload both ways.
 */

#include <linux/in.h>
#include <linux/ip.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <linux/virtio_net.h>

#include "tuntap.h"
#include "compat.h"

/* Head room of a written packet, and the most of it kept in the head. */
#define TUNTAP_PAD	(NET_SKB_PAD + NET_IP_ALIGN)
#define TUNTAP_FRAG_MAX	(SKB_WITH_OVERHEAD(PAGE_SIZE) - TUNTAP_PAD)

/* Room for the longest header read() prepends. */
#define TUNTAP_HDR_MAX	sizeof(struct sockaddr_in)

/*
 * The virtio-net header of a frame going to the reader; the 12-byte form's
 * num_buffers stays 0, as nothing is merged.
 */
static int tuntap_vnet_header(struct tuntap_unit *u, const struct sk_buff *skb,
			      void *buf)
{
	int len = READ_ONCE(u->vnet_hdr_len);

	if (!len)
		return 0;
	memset(buf, 0, len);
	if (virtio_net_hdr_from_skb(skb, buf, true, true, 0))
		return -EINVAL;
	return len;
}

/*
 * What read() prepends to @skb: returns its length, or -EINVAL when no
 * header can describe the packet.
 */
static int tuntap_read_header(struct tuntap_unit *u, const struct sk_buff *skb,
			      void *buf)
{
	unsigned long flags = READ_ONCE(u->flags);

	if (!tuntap_is_tun(u))
		return tuntap_vnet_header(u, skb, buf);
	if (test_bit(TUNTAP_F_IFHEAD, &flags)) {
		__be32 af = htonl(skb->protocol == htons(ETH_P_IPV6) ?
				  AF_INET6 : AF_INET);

		memcpy(buf, &af, sizeof(af));
		return sizeof(af);
	}
	if (test_bit(TUNTAP_F_LMODE, &flags)) {
		struct sockaddr_in sin = { .sin_family = AF_INET };

		sin.sin_addr.s_addr = TUNTAP_SKB_CB(skb)->nexthop;
		if (!sin.sin_addr.s_addr && skb->protocol == htons(ETH_P_IP))
			sin.sin_addr.s_addr = ip_hdr(skb)->daddr;
		memcpy(buf, &sin, sizeof(sin));
		return sizeof(sin);
	}
	return 0;
}

/* One packet to the reader; a short buffer gets its head, the rest is lost. */
ssize_t tuntap_put_user(struct tuntap_unit *u, struct sk_buff *skb,
			struct iov_iter *to)
{
	u8 hdr[TUNTAP_HDR_MAX];
	size_t want, len;
	int hlen;

	hlen = tuntap_read_header(u, skb, hdr);
	if (hlen < 0) {
		tuntap_count_drop(u, TUNTAP_DROP_TX_FRAMING);
		return hlen;
	}
	want = min_t(size_t, hlen, iov_iter_count(to));
	if (copy_to_iter(hdr, want, to) != want)
		return -EFAULT;
	len = min_t(size_t, skb->len, iov_iter_count(to));
	if (skb_copy_datagram_iter(skb, 0, to, len))
		return -EFAULT;
	tuntap_count(u, TUNTAP_TX, skb->len);
	return want + len;
}

int tuntap_peek_len(struct tuntap_unit *u)
{
	u8 hdr[TUNTAP_HDR_MAX];
	struct sk_buff *skb;
	int len = 0;

	spin_lock(&u->ring.consumer_lock);
	skb = __ptr_ring_peek(&u->ring);
	if (skb)
		len = max(tuntap_read_header(u, skb, hdr), 0) + skb->len;
	spin_unlock(&u->ring.consumer_lock);
	return len;
}

/* The address family word of an IFHEAD write, as a Linux ethertype. */
static int tuntap_ifhead_proto(struct iov_iter *from, __be16 *proto)
{
	__be32 af;

	if (!copy_from_iter_full(&af, sizeof(af), from))
		return -EFAULT;
	switch (ntohl(af)) {
	case AF_INET:
		*proto = htons(ETH_P_IP);
		return 0;
	case AF_INET6:
		*proto = htons(ETH_P_IPV6);
		return 0;
	}
	return -EAFNOSUPPORT;
}

/*
 * Written packets live in pages from per-CPU page pools, as a NIC's
 * receive buffers do: when the stack frees one, its pages go back to the
 * pool, not to the page allocator, which would have to zero them again
 * (init_on_alloc) before the next write.  A pool serves one allocating
 * context at a time; BH off on its own CPU is that.  Pages come back from
 * any CPU through the pool's ring, which holds TUNTAP_POOL_PAGES; beyond
 * that they go back to the page allocator.
 */
#define TUNTAP_POOL_PAGES	256

static DEFINE_PER_CPU(struct page_pool *, tuntap_pools);

/*
 * An sk_buff for @len bytes, not yet filled, all of it pool memory: up to
 * a page's worth in its head (headers must be linear), the rest in whole
 * pages.  BH off.
 */
static struct sk_buff *tuntap_alloc_skb(size_t len)
{
	struct page_pool *pool = this_cpu_read(tuntap_pools);
	size_t head = min_t(size_t, len, TUNTAP_FRAG_MAX), rest, chunk;
	unsigned int size = SKB_DATA_ALIGN(TUNTAP_PAD + head) +
			    SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	unsigned int offset;
	struct sk_buff *skb;
	struct page *page;

	BUILD_BUG_ON(DIV_ROUND_UP(TAPMRU - TUNTAP_FRAG_MAX, PAGE_SIZE) >
		     MAX_SKB_FRAGS);
	page = page_pool_dev_alloc_frag(pool, &offset, size);
	if (!page)
		return NULL;
	/* NAPI's per-CPU sk_buff cache: no slab call per packet. */
	skb = napi_build_skb(page_address(page) + offset, size);
	if (!skb) {
		page_pool_put_full_page(pool, page, false);
		return NULL;
	}
	skb_mark_for_recycle(skb);
	skb_reserve(skb, TUNTAP_PAD);
	skb_put(skb, head);
	for (rest = len - head; rest; rest -= chunk) {
		chunk = min_t(size_t, rest, PAGE_SIZE);
		page = page_pool_dev_alloc_frag(pool, &offset, PAGE_SIZE);
		if (!page) {
			kfree_skb(skb);
			return NULL;
		}
		skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, page, offset,
				chunk, PAGE_SIZE);
	}
	return skb;
}

int tuntap_packet_init(void)
{
	struct page_pool_params pp = {
		.flags = TUNTAP_PP_FLAGS,
		.pool_size = TUNTAP_POOL_PAGES,
	};
	struct page_pool *pool;
	int cpu;

	for_each_possible_cpu(cpu) {
		pp.nid = cpu_to_node(cpu);
		pool = page_pool_create(&pp);
		if (IS_ERR(pool)) {
			tuntap_packet_exit();
			return PTR_ERR(pool);
		}
		per_cpu(tuntap_pools, cpu) = pool;
	}
	return 0;
}

/* Pages still in flight keep their pool until they come back. */
void tuntap_packet_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		page_pool_destroy(per_cpu(tuntap_pools, cpu));
		per_cpu(tuntap_pools, cpu) = NULL;
	}
}

/* A written packet, copied once, into pool memory; a shortage is ENOBUFS. */
static struct sk_buff *tuntap_build_skb(struct iov_iter *from, size_t len)
{
	struct sk_buff *skb;
	bool copied;

	local_bh_disable();
	skb = tuntap_alloc_skb(len);
	local_bh_enable();
	if (!skb)
		return ERR_PTR(-ENOBUFS);
	if (skb_is_nonlinear(skb))
		copied = !skb_copy_datagram_from_iter(skb, 0, from, len);
	else
		copied = copy_from_iter_full(skb->data, len, from);
	if (!copied) {
		kfree_skb(skb);
		return ERR_PTR(-EFAULT);
	}
	return skb;
}

/* tap: FreeBSD hands up only what real hardware would have received. */
static bool tuntap_frame_wanted(struct tuntap_unit *u, struct sk_buff *skb)
{
	struct net_device *dev = u->dev;

	if (skb->len < ETH_HLEN)
		return false;
	skb->protocol = eth_type_trans(skb, dev);
	if (skb->pkt_type == PACKET_OTHERHOST && !(dev->flags & IFF_PROMISC))
		return false;
	skb_reset_network_header(skb);
	skb_probe_transport_header(skb);
	return true;
}

ssize_t tuntap_get_user(struct tuntap_unit *u, struct iov_iter *from)
{
	struct virtio_net_hdr_mrg_rxbuf vnet;
	struct net_device *dev = u->dev;
	size_t total = iov_iter_count(from);
	size_t len = total, mru = TAPMRU;
	__be16 proto = htons(ETH_P_IP);
	bool ifhead = false;
	struct sk_buff *skb;
	int vnet_len = 0;
	int err;

	/* Down: ignored, as on FreeBSD; an empty write does nothing. */
	if (!(READ_ONCE(dev->flags) & IFF_UP) || !total)
		return 0;
	if (tuntap_is_tun(u)) {
		ifhead = test_bit(TUNTAP_F_IFHEAD, &u->flags);
		mru = TUNMRU + (ifhead ? sizeof(__be32) : 0);
	} else {
		vnet_len = READ_ONCE(u->vnet_hdr_len);
		mru = TAPMRU + vnet_len;
	}
	if (total > mru)
		return -EIO;
	if (ifhead) {
		if (len < sizeof(__be32))
			return -EINVAL;
		err = tuntap_ifhead_proto(from, &proto);
		if (err)
			return err;
		len -= sizeof(__be32);
	}
	if (vnet_len) {
		if (len < vnet_len)
			return -EINVAL;
		if (!copy_from_iter_full(&vnet, vnet_len, from))
			return -EFAULT;
		len -= vnet_len;
	}

	skb = tuntap_build_skb(from, len);
	if (IS_ERR(skb)) {
		if (PTR_ERR(skb) == -ENOBUFS)
			tuntap_count_drop(u, TUNTAP_DROP_RX_NOMEM);
		return PTR_ERR(skb);
	}
	skb->dev = dev;
	/* Offsets in the header count from the frame's first byte. */
	if (vnet_len && virtio_net_hdr_to_skb(skb, &vnet.hdr, true)) {
		kfree_skb(skb);
		return -EINVAL;
	}
	if (tuntap_is_tun(u)) {
		skb_reset_mac_header(skb);
		skb_reset_network_header(skb);
		skb->protocol = proto;
		skb->pkt_type = PACKET_HOST;
	} else if (!tuntap_frame_wanted(u, skb)) {
		tuntap_count_drop(u, TUNTAP_DROP_RX_FILTERED);
		kfree_skb(skb);
		return total;
	}

	tuntap_count(u, TUNTAP_RX, len);
	local_bh_disable();
	netif_receive_skb(skb);
	local_bh_enable();
	return total;
}
