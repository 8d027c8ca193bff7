// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Frames a write() carries, well formed enough to get past the framing
 * and into the stack (random bytes rarely do: trinity's run in issue 25
 * got no packet accepted), framed as the slot's unit expects them now:
 * tun with or without its IFHEAD family word, tap and vmnet as Ethernet
 * behind a virtio-net header when one is set.  A few variants are
 * deliberately broken.
 *
 * Addresses: slot S's unit is 10.S+1.0.1 and fd00:S+1::1, the peer
 * behind its file 10.S+1.0.2 and fd00:S+1::2 (MAC 02:00:00:00:00:S+1).
 * A packet from slot S's peer to slot T's peer is forwarded by the stack
 * into unit T's read ring.
 */
#include "fuzz.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/virtio_net.h>

#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5	/* older headers lack it */
#endif
#include <net/if.h>
#include <netinet/ip.h>

static uint16_t csum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum);
}

/* Unit @s's MAC, whatever its name is now; broadcast when unknown. */
static void unit_mac(int s, uint8_t *mac)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(mac, 0xff, 6);
	for (int r = 0; r < 2 && fd >= 0; r++) {
		slot_name(s, r, ifr.ifr_name, sizeof(ifr.ifr_name));
		if (!ioctl(fd, SIOCGIFHWADDR, &ifr)) {
			memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
			break;
		}
	}
	if (fd >= 0)
		close(fd);
}

/* IPv4 of @plen payload bytes (UDP or ICMP echo) at @p; its length. */
static size_t ip4(uint8_t *p, int from, int to, bool local, int proto,
		  size_t plen, uint8_t ttl)
{
	struct iphdr *ip = (void *)p;
	uint8_t *l4 = p + sizeof(*ip);

	memset(p, 0, sizeof(*ip) + 8);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(sizeof(*ip) + plen);
	ip->id = htons(from * 256 + to);
	ip->ttl = ttl;
	ip->protocol = proto;
	ip->saddr = htonl(0x0a000002 | (from + 1) << 16);
	ip->daddr = htonl((local ? 0x0a000001 : 0x0a000002) | (to + 1) << 16);
	ip->check = csum(ip, sizeof(*ip));
	for (size_t i = 8; i < plen; i++)
		l4[i] = i;
	if (proto == IPPROTO_UDP) {
		l4[0] = 0x9c; l4[1] = 0x40;		/* 40000 */
		l4[2] = 0x9c; l4[3] = 0x41;		/* 40001 */
		l4[4] = plen >> 8; l4[5] = plen;
	} else {
		l4[0] = 8;				/* echo request */
		l4[4] = from; l4[6] = to;
		uint16_t c = csum(l4, plen);
		memcpy(l4 + 2, &c, 2);
	}
	return sizeof(*ip) + plen;
}

static size_t ip6(uint8_t *p, int from, int to, size_t plen)
{
	memset(p, 0, 48);
	p[0] = 0x60;
	p[4] = plen >> 8; p[5] = plen;
	p[6] = IPPROTO_UDP;
	p[7] = 64;
	p[8] = 0xfd; p[11] = from + 1; p[23] = 2;	/* fd00:F::2 */
	p[24] = 0xfd; p[27] = to + 1; p[39] = 2;	/* fd00:T::2 */
	for (size_t i = 8; i < plen; i++)
		p[40 + i] = i;
	p[40] = 0x9c; p[41] = 0x40; p[42] = 0x9c; p[43] = 0x41;
	p[44] = plen >> 8; p[45] = plen; p[46] = 0x12;	/* some checksum */
	return 40 + plen;
}

size_t build_frame(int s, int to, uint8_t v, uint8_t b, uint8_t *buf,
		   size_t size)
{
	bool l2 = s % 3 != 0;
	int vnet = atomic_load(&S[s].vnet);
	bool ifhead = !l2 && atomic_load(&S[s].ifhead);
	size_t head = 0, len;
	uint8_t *p;
	bool v6 = false;

	if (size < 70000)
		return 0;
	if (vnet == 10 || vnet == 12) {
		struct virtio_net_hdr *h = (void *)buf;
		int l2h = l2 ? ETH_HLEN : 0;

		memset(buf, 0, vnet);
		/* Offloads asked of a UDP packet: checksum, UDP
		 * segmentation, or a TCP one that does not match. */
		if (b & 1) {
			h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
			h->csum_start = l2h + 20;
			h->csum_offset = 6;
		}
		if (b & 2) {
			h->gso_type = b & 4 ? VIRTIO_NET_HDR_GSO_TCPV4 :
					      VIRTIO_NET_HDR_GSO_UDP_L4;
			h->gso_size = 100 + (b >> 3) * 16;
			h->hdr_len = l2h + 28;
		}
		head = vnet;
	}
	/* tun: the virtio-net header, then IFHEAD's family word. */
	if (ifhead)
		head += 4;
	p = buf + head + (l2 ? ETH_HLEN : 0);
	switch (v % 8) {
	case 0:		/* to the unit itself: a port unreachable comes back */
		len = ip4(p, s, s, true, IPPROTO_UDP, 8 + b, 64);
		break;
	case 1:		/* forwarded into unit @to's ring */
		len = ip4(p, s, to, false, IPPROTO_UDP, 8 + b * 4, 64);
		break;
	case 2:
		len = ip6(p, s, to, 8 + b * 4);
		v6 = true;
		break;
	case 3:		/* echo to the unit: its reply comes back */
		len = ip4(p, s, s, true, IPPROTO_ICMP, 8 + b, 64);
		break;
	case 4:		/* bytes, framing and all */
		len = b * 8;
		for (size_t i = 0; i < len + head; i++)
			buf[i] = i * 131 + b;
		return len + head;
	case 5:		/* shorter than any header */
		return b % 5;
	case 6:		/* more than an MTU: fragmented on the way */
		len = ip4(p, s, to, false, IPPROTO_UDP, 1000 + b * 256, 64);
		break;
	default:	/* TTL 1: time exceeded comes back instead */
		len = ip4(p, s, to, false, IPPROTO_ICMP, 8 + b, 1);
		break;
	}
	if (l2) {
		uint8_t *e = buf + head;

		if (b & 0x80)
			memset(e, 0xff, 6);
		else
			unit_mac(s, e);
		memcpy(e + 6, (uint8_t[]){ 2, 0, 0, 0, 0, s + 1 }, 6);
		e[12] = v6 ? 0x86 : 0x08;
		e[13] = v6 ? 0xdd : 0x00;
		len += ETH_HLEN;
	} else if (ifhead) {
		uint32_t af = htonl(v6 ? AF_INET6 : AF_INET);

		memcpy(buf + head - 4, &af, 4);
	}
	return head + len;
}
