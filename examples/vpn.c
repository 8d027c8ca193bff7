// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * vpn: a point-to-point tunnel over UDP, to show the tun(4) interface.
 * No encryption, no authentication beyond "datagrams come from the peer's
 * address": an example, not a product.
 *
 *   vpn [-k] [-o] [-d NODE] LOCAL_PORT PEER_ADDRESS PEER_PORT
 *
 * Opens NODE (/dev/tun: a new unit), turns on TUNSIFHEAD so that every
 * packet carries its address family and IPv4 and IPv6 both cross, marks
 * the unit transient (unless -k) so it goes away with the program, prints
 * the interface name and then sends every packet read from the unit to
 * the peer in one UDP datagram, and writes every datagram from the peer
 * into the unit.  Addresses and routes are for the caller to set, e.g.
 *
 *   ip addr add 10.0.0.1 peer 10.0.0.2 dev tun0 && ip link set tun0 up
 *
 * -o (Linux, beyond FreeBSD's tun) moves TCP in 64 KB segments: the unit
 * hands over whole TCP segments with a virtio-net header (TUNSVNETHDR,
 * TUNSOFFLOAD), which are cut into packets here and sent with one
 * UDP_SEGMENT send; the receiving side takes the datagrams a UDP_GRO
 * receive joined and writes consecutive packets of one TCP flow back as
 * one segment.  What crosses the network is the same either way, so an
 * -o peer talks to a plain one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <net/if.h>
#include <net/if_tun.h>
#include <netinet/in.h>
#include <netinet/udp.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "vpn: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* A UDP socket bound to @port and connected to the peer. */
static int open_udp(const char *port, const char *peer, const char *peer_port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai;
	struct sockaddr_in6 local = { .sin6_family = AF_INET6 };
	int fd, off = 0, err;

	err = getaddrinfo(peer, peer_port, &hints, &ai);
	if (err) {
		fprintf(stderr, "vpn: %s: %s\n", peer, gai_strerror(err));
		exit(1);
	}
	/* One IPv6 socket serves IPv4 peers too, as ::ffff:a.b.c.d. */
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	local.sin6_port = htons((unsigned short)atoi(port));
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)))
		die("bind");
	if (ai->ai_family == AF_INET) {
		struct sockaddr_in *v4 = (struct sockaddr_in *)ai->ai_addr;
		struct sockaddr_in6 mapped = {
			.sin6_family = AF_INET6,
			.sin6_port = v4->sin_port,
		};

		mapped.sin6_addr.s6_addr[10] = 0xff;
		mapped.sin6_addr.s6_addr[11] = 0xff;
		memcpy(&mapped.sin6_addr.s6_addr[12], &v4->sin_addr, 4);
		err = connect(fd, (struct sockaddr *)&mapped, sizeof(mapped));
	} else {
		err = connect(fd, ai->ai_addr, ai->ai_addrlen);
	}
	if (err)
		die("connect");
	freeaddrinfo(ai);
	return fd;
}

#ifdef TUNSVNETHDR
/*
 * Offloads (-o).  The virtio-net header, in the host's byte order, as the
 * unit reads and writes it before the family word.
 */
struct vnet_hdr {
	uint8_t flags;		/* 1: checksum from csum_start still to do */
	uint8_t gso_type;	/* 0 none, 1 TCP over IPv4, 4 over IPv6 */
	uint16_t hdr_len, gso_size, csum_start, csum_offset;
};
#define VNET_NEEDS_CSUM	1
#define VNET_GSO_TCPV4	1
#define VNET_GSO_TCPV6	4

/* Datagrams one UDP_SEGMENT send may carry, and bytes (IPv4's limit). */
#define SEG_MAX		64
#define SEG_BYTES	65000

static struct {
	int udp_gso;			/* until a send says it cannot */
	unsigned long split, joined;	/* packets, for the report */
} off;

static uint8_t out[SEG_BYTES];

/* The Internet checksum: a 32-bit running sum, then folded. */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void put16(uint8_t *p, unsigned int v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned int get16(const uint8_t *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* TCP's pseudo-header sum for the IP header at @ip and @len TCP bytes. */
static uint32_t pseudo_sum(const uint8_t *ip, unsigned int len)
{
	if (ip[0] >> 4 == 4)
		return sum16(ip + 12, 8, IPPROTO_TCP + len);
	return sum16(ip + 8, 32, IPPROTO_TCP + len);
}

/*
 * Length of the IP and TCP headers of the @len-byte packet @ip, if it is
 * a TCP packet this side can split or join (IPv4 without options or
 * fragments, IPv6 without extension headers, lengths that agree), or 0.
 */
static unsigned int tcp_headers(const uint8_t *ip, size_t len)
{
	unsigned int iph;

	if (len >= 20 && ip[0] == 0x45 && ip[9] == IPPROTO_TCP &&
	    get16(ip + 2) == len && !(get16(ip + 6) & 0x3fff))
		iph = 20;
	else if (len >= 40 && ip[0] >> 4 == 6 && ip[6] == IPPROTO_TCP &&
		 get16(ip + 4) + 40 == len)
		iph = 40;
	else
		return 0;
	if (len < iph + 20 || len < iph + (ip[iph + 12] >> 4) * 4u ||
	    ip[iph + 12] >> 4 < 5)
		return 0;
	return iph + (ip[iph + 12] >> 4) * 4u;
}

/* Sets the lengths of the packet at @ip, @len bytes, and IPv4's checksum. */
static void set_ip_length(uint8_t *ip, unsigned int len)
{
	if (ip[0] >> 4 == 6) {
		put16(ip + 4, len - 40);
		return;
	}
	put16(ip + 2, len);
	put16(ip + 10, 0);
	put16(ip + 10, (uint16_t)~fold(sum16(ip, 20, 0)));
}

/* Sends @n datagrams of @size bytes (the last may be shorter) in @out. */
static void send_segments(int udp, size_t n, size_t size, size_t len)
{
	char cbuf[CMSG_SPACE(sizeof(uint16_t))] = { 0 };
	struct iovec iov = { out, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	uint16_t gso = (uint16_t)size;
	struct cmsghdr *cm;
	size_t i;

	if (n > 1 && off.udp_gso) {
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_UDP;
		cm->cmsg_type = UDP_SEGMENT;
		cm->cmsg_len = CMSG_LEN(sizeof(gso));
		memcpy(CMSG_DATA(cm), &gso, sizeof(gso));
		if (sendmsg(udp, &msg, 0) >= 0 || errno == EAGAIN ||
		    errno == ENOBUFS)
			return;
		/* A kernel or path without UDP segmentation: one by one. */
		off.udp_gso = 0;
	}
	for (i = 0; i < n; i++)
		send(udp, out + i * size, i + 1 < n ? size : len - i * size, 0);
}

/*
 * A TCP segment read with its header (@pkt, @len bytes, after the family
 * word @fam) becomes packets of gso_size payload bytes, each with its own
 * IP length, IPv4 id and checksum, sequence number and TCP checksum, sent
 * in as few UDP_SEGMENT sends as the limits allow.
 */
static void split(int udp, const struct vnet_hdr *h, const uint8_t *fam,
		  const uint8_t *pkt, size_t len)
{
	unsigned int hl = tcp_headers(pkt, len), iph = pkt[0] == 0x45 ? 20 : 40;
	size_t mss = h->gso_size, data, at, size, n = 0, used = 0;
	uint32_t seq;

	if (!hl || !mss || len <= hl)
		return;
	size = 4 + hl + mss;
	if (size > SEG_BYTES)
		return;
	seq = get32(pkt + iph + 4);
	for (at = hl; at < len; at += data) {
		uint8_t *seg = out + used, *ip = seg + 4, *th = ip + iph;
		uint32_t s = seq + (uint32_t)(at - hl);
		uint8_t flags = pkt[iph + 13];

		data = len - at < mss ? len - at : mss;
		if (n == SEG_MAX || used + 4 + hl + data > SEG_BYTES) {
			send_segments(udp, n, size, used);
			n = used = 0;
			seg = out, ip = seg + 4, th = ip + iph;
		}
		memcpy(seg, fam, 4);
		memcpy(ip, pkt, hl);
		memcpy(ip + hl, pkt + at, data);
		if (iph == 20)	/* each packet its own id, as the stack's */
			put16(ip + 4, get16(pkt + 4) + (unsigned int)((at - hl) / mss));
		set_ip_length(ip, (unsigned int)(hl + data));
		put16(th + 4, s >> 16);
		put16(th + 6, s & 0xffff);
		/* FIN and PSH end the segment, CWR opens it. */
		if (at + data < len)
			flags &= (uint8_t)~0x09;
		if (at > hl)
			flags &= (uint8_t)~0x80;
		th[13] = flags;
		put16(th + 16, 0);
		put16(th + 16, (uint16_t)~fold(sum16(th, hl - iph + data,
				pseudo_sum(ip, (unsigned int)(hl - iph + data)))));
		used += 4 + hl + data;
		n++;
		off.split++;
	}
	send_segments(udp, n, size, used);
}

/* A packet read whole whose checksum the unit left to us. */
static void finish_checksum(const struct vnet_hdr *h, uint8_t *pkt, size_t len)
{
	size_t at = (size_t)h->csum_start + h->csum_offset;

	if (!(h->flags & VNET_NEEDS_CSUM) || h->csum_start >= len ||
	    at + 2 > len)
		return;
	put16(pkt + at, (uint16_t)~fold(sum16(pkt + h->csum_start,
					      len - h->csum_start, 0)));
}

/* Packets from the peer joined into one TCP segment, written with writev. */
static struct {
	uint8_t buf[4 + 65535];
	size_t len, mss;
	unsigned int iph, hl, n;
	uint32_t next;		/* sequence number that would come next */
} join;

static void write_packet(int tun, const struct vnet_hdr *h, const void *p,
			 size_t len)
{
	struct iovec iov[2] = { { (void *)h, sizeof(*h) }, { (void *)p, len } };

	if (writev(tun, iov, 2) < 0 && errno != EAGAIN)
		perror("vpn: write");
}

static void join_flush(int tun)
{
	struct vnet_hdr h = { 0 };
	uint8_t *ip = join.buf + 4;

	if (!join.n)
		return;
	if (join.n > 1) {
		set_ip_length(ip, (unsigned int)(join.len - 4));
		h.flags = VNET_NEEDS_CSUM;
		h.gso_type = join.iph == 20 ? VNET_GSO_TCPV4 : VNET_GSO_TCPV6;
		h.hdr_len = (uint16_t)join.hl;
		h.gso_size = (uint16_t)join.mss;
		h.csum_start = (uint16_t)join.iph;
		h.csum_offset = 16;
		/* The unit's side finishes it from the pseudo-header's sum. */
		put16(ip + join.iph + 16,
		      fold(pseudo_sum(ip, (unsigned int)(join.len - 4 -
							 join.iph))));
		off.joined += join.n;
	}
	write_packet(tun, &h, join.buf, join.len);
	join.n = 0;
}

/*
 * Whether the packet @d (@len bytes, family word first, @hl bytes of IP
 * and TCP headers) continues the segment being joined: every packet so far
 * full and none pushed; same family, addresses, ports, acknowledgement,
 * window and options; the next sequence number; flags as the first
 * packet's but for PSH; no more payload than the first packet's.
 */
static int join_fits(const uint8_t *d, size_t len, unsigned int hl)
{
	const uint8_t *ip = d + 4, *j = join.buf + 4, *th, *jth;
	unsigned int iph = join.iph;

	if (!join.n || hl != join.hl || len - 4 - hl > join.mss ||
	    join.len - 4 - hl != join.mss * join.n ||
	    join.len + len - 4 - hl > sizeof(join.buf) || memcmp(d, join.buf, 4))
		return 0;
	if (iph == 20 ? ip[0] != 0x45 || memcmp(ip, j, 2) ||
			memcmp(ip + 6, j + 6, 4) || memcmp(ip + 12, j + 12, 8) :
			memcmp(ip, j, 4) || memcmp(ip + 6, j + 6, 34))
		return 0;
	th = ip + iph;
	jth = j + iph;
	return get32(th + 4) == join.next && !(jth[13] & 0x08) &&
	       (th[13] & ~0x08) == jth[13] && th[12] == jth[12] &&
	       !memcmp(th, jth, 4) && !memcmp(th + 8, jth + 8, 4) &&
	       !memcmp(th + 14, jth + 14, 2) &&
	       !memcmp(th + 20, jth + 20, hl - iph - 20);
}

/* One datagram from the peer: joined to the segment, or written alone. */
static void join_add(int tun, const uint8_t *d, size_t len)
{
	unsigned int hl = len > 4 ? tcp_headers(d + 4, len - 4) : 0;
	unsigned int iph = hl && d[4] == 0x45 ? 20 : 40;
	size_t data = hl ? len - 4 - hl : 0;
	const uint8_t *th = d + 4 + (hl ? iph : 0);
	struct vnet_hdr none = { 0 };

	if (data && join_fits(d, len, hl)) {
		memcpy(join.buf + join.len, d + 4 + hl, data);
		join.len += data;
		join.n++;
		join.next += (uint32_t)data;
		join.buf[4 + iph + 13] |= th[13] & 0x08;
		return;
	}
	join_flush(tun);
	/* Only an ACK with payload (and PSH at most) may start one. */
	if (data && (th[13] & ~0x08) == 0x10) {
		memcpy(join.buf, d, len);
		join.len = len;
		join.iph = iph;
		join.hl = hl;
		join.mss = data;
		join.n = 1;
		join.next = get32(th + 4) + (uint32_t)data;
		return;
	}
	if (len > 4)
		write_packet(tun, &none, d, len);
}

/*
 * Offloads on: the unit reads and writes a virtio-net header and hands
 * over TCP segments of up to 64 KB; the socket sends and receives many
 * datagrams at once where the kernel can.  0 if the unit cannot.
 */
static int offloads_on(int tun, int udp)
{
	int size = sizeof(struct vnet_hdr), one = 1;
	int what = TUN_OFFLOAD_CSUM | TUN_OFFLOAD_TSO4 | TUN_OFFLOAD_TSO6;

	if (ioctl(tun, TUNSVNETHDR, &size) || ioctl(tun, TUNSOFFLOAD, &what))
		return 0;
	off.udp_gso = 1;
	setsockopt(udp, SOL_UDP, UDP_GRO, &one, sizeof(one));
	return 1;
}

/* Every packet the unit has: split or sent whole. */
static void tun_to_peer(int tun, int udp, uint8_t *buf, size_t size,
			unsigned long *out)
{
	struct vnet_hdr h;
	ssize_t n;

	while ((n = read(tun, buf, size)) > (ssize_t)(sizeof(h) + 4)) {
		uint8_t *pkt = buf + sizeof(h) + 4;
		size_t len = (size_t)n - sizeof(h) - 4;

		memcpy(&h, buf, sizeof(h));
		if (h.gso_type == VNET_GSO_TCPV4 || h.gso_type == VNET_GSO_TCPV6) {
			split(udp, &h, buf + sizeof(h), pkt, len);
		} else {
			finish_checksum(&h, pkt, len);
			send(udp, pkt - 4, len + 4, 0);
		}
		(*out)++;
	}
}

/* Every datagram the socket has, joined where a UDP_GRO receive joined. */
static void peer_to_tun(int tun, int udp, uint8_t *buf, size_t size,
			unsigned long *in)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { buf, size };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	ssize_t n;

	for (;;) {
		size_t each, at;

		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		n = recvmsg(udp, &msg, 0);
		if (n < 0)
			break;
		each = (size_t)n;
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			int gso;

			if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO) {
				memcpy(&gso, CMSG_DATA(cm), sizeof(gso));
				if (gso > 0)
					each = (size_t)gso;
			}
		}
		for (at = 0; at < (size_t)n; at += each, (*in)++)
			join_add(tun, buf + at,
				 (size_t)n - at < each ? (size_t)n - at : each);
	}
	join_flush(tun);
}
#endif

int main(int argc, char **argv)
{
	const char *node = "/dev/tun";
	static uint8_t buf[16 + TUNMRU];
	unsigned long out = 0, in = 0;
	int transient = 1, offload = 0, one = 1, opt, tun, udp;
	struct ifreq ifr;

	while ((opt = getopt(argc, argv, "kod:")) != -1) {
		if (opt == 'k')
			transient = 0;
		else if (opt == 'o')
			offload = 1;
		else if (opt == 'd')
			node = optarg;
		else
			goto usage;
	}
	if (argc - optind != 3)
		goto usage;

	tun = open(node, O_RDWR | O_NONBLOCK);
	if (tun < 0)
		die(node);
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(tun, TUNGIFNAME, &ifr) || ioctl(tun, TUNSIFHEAD, &one) ||
	    (transient && ioctl(tun, TUNSTRANSIENT, &one)))
		die("ioctl");
	udp = open_udp(argv[optind], argv[optind + 1], argv[optind + 2]);
#ifdef TUNSVNETHDR
	if (offload && !offloads_on(tun, udp))
		die("offloads");
#else
	if (offload) {
		fprintf(stderr, "vpn: -o: this tun has no offloads\n");
		return 2;
	}
#endif
	printf("%s\n", ifr.ifr_name);
	fflush(stdout);

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop) {
		struct pollfd p[2] = {
			{ .fd = tun, .events = POLLIN },
			{ .fd = udp, .events = POLLIN },
		};
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
#ifdef TUNSVNETHDR
		if (offload) {
			if (p[0].revents & POLLIN)
				tun_to_peer(tun, udp, buf, sizeof(buf), &out);
			if (p[1].revents & (POLLIN | POLLERR))
				peer_to_tun(tun, udp, buf, sizeof(buf), &in);
			if (p[0].revents & (POLLERR | POLLHUP))
				break;
			continue;
		}
#endif
		/* tun -> peer: the family word travels with the packet. */
		while ((p[0].revents & POLLIN) &&
		       (n = read(tun, buf, sizeof(buf))) > 0) {
			if (send(udp, buf, (size_t)n, 0) == n)
				out++;
		}
		/* peer -> tun; the module drops what is not a packet. */
		while ((p[1].revents & (POLLIN | POLLERR)) &&
		       (n = recv(udp, buf, sizeof(buf), 0)) >= 0) {
			if (n > 4 && write(tun, buf, (size_t)n) == n)
				in++;
		}
		if (p[0].revents & (POLLERR | POLLHUP))
			break;
	}
	fprintf(stderr, "vpn: %s: %lu packets sent to the peer, %lu received\n",
		ifr.ifr_name, out, in);
#ifdef TUNSVNETHDR
	if (offload)
		fprintf(stderr, "vpn: %s: %lu packets split from segments read, "
			"%lu joined into segments written\n",
			ifr.ifr_name, off.split, off.joined);
#endif
	return 0;

usage:
	fprintf(stderr,
		"usage: vpn [-k] [-o] [-d NODE] LOCAL_PORT PEER_ADDRESS PEER_PORT\n");
	return 2;
}
