// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Framing: what one read() returns and what one write() must carry.
 * tun: an IPv4 packet; with IFHEAD, any supported packet after a 4-byte
 * address family in network order; with LMODE, reads are prefixed by the
 * destination as a struct sockaddr_in.  tap and vmnet: an Ethernet frame.
 * Before all of it, on every kind, a virtio-net header (TAPSVNETHDR,
 * TUNSVNETHDR) if the reader asked for one: it carries checksum and
 * segmentation offload both ways.
 */

#include <linux/in.h>
#include <linux/ip.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <linux/virtio_net.h>

#include "tuntap.h"

/* Room for the longest header read() prepends. */
#define TUNTAP_HDR_MAX	(sizeof(struct virtio_net_hdr_mrg_rxbuf) + \
			 sizeof(struct sockaddr_in))

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

/* tun's own framing before a packet: IFHEAD's family, LMODE's address. */
static int tuntap_tun_header(const struct sk_buff *skb, void *buf)
{
	switch (TUNTAP_SKB_CB(skb)->header) {
	case TUNTAP_HDR_FAMILY: {
		__be32 af = htonl(skb->protocol == htons(ETH_P_IPV6) ?
				  AF_INET6 : AF_INET);

		memcpy(buf, &af, sizeof(af));
		return sizeof(af);
	}
	case TUNTAP_HDR_SOCKADDR: {
		struct sockaddr_in sin = { .sin_family = AF_INET };

		sin.sin_addr.s_addr = TUNTAP_SKB_CB(skb)->nexthop;
		memcpy(buf, &sin, sizeof(sin));
		return sizeof(sin);
	}
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

	hlen = tuntap_vnet_header(u, skb, hdr);
	/*
	 * Queued while the reader took a virtio-net header and read after it
	 * turned it off: finish the checksum here; a segment that big no
	 * reader without the header can take.
	 */
	if (!hlen && (skb_is_gso(skb) ||
		      (skb->ip_summed == CHECKSUM_PARTIAL &&
		       skb_checksum_help(skb))))
		hlen = -EINVAL;
	/* The device's header first, then the packet as FreeBSD frames it. */
	if (hlen >= 0 && tuntap_is_tun(u))
		hlen += tuntap_tun_header(skb, hdr + hlen);
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
	/*
	 * As FreeBSD: tun's family or address is part of its queued packet
	 * there; the virtio-net header is added by read().
	 */
	if (skb && tuntap_is_tun(u))
		len = tuntap_tun_header(skb, hdr) + skb->len;
	else if (skb)
		len = skb->len;
	spin_unlock(&u->ring.consumer_lock);
	return len;
}

/*
 * A written virtio-net header the module itself checks, before the core
 * trusts its fields: segments of size 0, headers said to be longer than
 * what was written, a checksum to store past the end, and on tun a TCP
 * segment of the other family than its packet.
 */
static bool tuntap_vnet_fits(const struct virtio_net_hdr *h, size_t len,
			     bool tun, __be16 proto)
{
	u32 start = __virtio16_to_cpu(true, h->csum_start);
	u32 off = __virtio16_to_cpu(true, h->csum_offset);
	u8 gso = h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;

	if (__virtio16_to_cpu(true, h->hdr_len) > len)
		return false;
	if ((h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && start + off + 2 > len)
		return false;
	if (gso == VIRTIO_NET_HDR_GSO_NONE)
		return true;
	if (!h->gso_size)
		return false;
	if (tun && gso == VIRTIO_NET_HDR_GSO_TCPV4)
		return proto == htons(ETH_P_IP);
	if (tun && gso == VIRTIO_NET_HDR_GSO_TCPV6)
		return proto == htons(ETH_P_IPV6);
	return true;
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

/* A written packet, copied once, into pool memory; a shortage is ENOBUFS. */
static struct sk_buff *tuntap_build_skb(struct iov_iter *from, size_t len)
{
	struct sk_buff *skb;
	bool copied;

	skb = tuntap_alloc_skb(len);
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
	vnet_len = READ_ONCE(u->vnet_hdr_len);
	if (tuntap_is_tun(u)) {
		ifhead = test_bit(TUNTAP_F_IFHEAD, &u->flags);
		mru = TUNMRU + (ifhead ? sizeof(__be32) : 0);
	}
	if (total > mru + vnet_len)
		return -EIO;
	if (vnet_len) {
		if (len < vnet_len) {
			tuntap_count_drop(u, TUNTAP_DROP_RX_BADHDR);
			return -EINVAL;
		}
		if (!copy_from_iter_full(&vnet, vnet_len, from))
			return -EFAULT;
		len -= vnet_len;
	}
	if (ifhead) {
		/* FreeBSD's answer: its m_pullup() of the family fails. */
		if (len < sizeof(__be32))
			return -ENOBUFS;
		err = tuntap_ifhead_proto(from, &proto);
		if (err)
			return err;
		len -= sizeof(__be32);
	}
	if (vnet_len && !tuntap_vnet_fits(&vnet.hdr, len, tuntap_is_tun(u),
					  proto)) {
		tuntap_count_drop(u, TUNTAP_DROP_RX_BADHDR);
		return -EINVAL;
	}

	skb = tuntap_build_skb(from, len);
	if (IS_ERR(skb)) {
		if (PTR_ERR(skb) == -ENOBUFS)
			tuntap_count_drop(u, TUNTAP_DROP_RX_NOMEM);
		return PTR_ERR(skb);
	}
	skb->dev = dev;
	if (tuntap_is_tun(u)) {
		skb_reset_mac_header(skb);
		skb_reset_network_header(skb);
		skb->protocol = proto;
		skb->pkt_type = PACKET_HOST;
	}
	/*
	 * Offsets in the header count from the frame's (tun: the packet's)
	 * first byte; a segment's family must be the packet's.
	 */
	if (vnet_len && virtio_net_hdr_to_skb(skb, &vnet.hdr, true)) {
		tuntap_count_drop(u, TUNTAP_DROP_RX_BADHDR);
		kfree_skb(skb);
		return -EINVAL;
	}
	if (!tuntap_is_tun(u) && !tuntap_frame_wanted(u, skb)) {
		tuntap_count_drop(u, TUNTAP_DROP_RX_FILTERED);
		kfree_skb(skb);
		return total;
	}

	/* rx-checksumming on (tap only): the writer vouches for them. */
	if (skb->ip_summed == CHECKSUM_NONE &&
	    (READ_ONCE(dev->features) & NETIF_F_RXCSUM))
		skb->ip_summed = CHECKSUM_UNNECESSARY;

	tuntap_count(u, TUNTAP_RX, len);
	local_bh_disable();
	netif_receive_skb(skb);
	local_bh_enable();
	return total;
}
