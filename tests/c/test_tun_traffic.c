// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * tun(4) under traffic: nothing lost or altered when the reader keeps up,
 * the read queue bounded by txqueuelen with drops counted, counters that
 * match what crossed, and zerocopy senders (tun, and tap with a virtio-net
 * header) never kept waiting by an unread queue.
 */
#include "tt.h"

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#define COUNT 10000
#define PORT_A 7001		/* socket on the interface's side */
#define PORT_B 7002		/* the peer behind the file */
#define PAYLOAD 200

/* Payload of packet @seq: its number, then bytes derived from it. */
static void fill(uint8_t *p, uint32_t seq)
{
	memcpy(p, &seq, 4);
	for (int i = 4; i < PAYLOAD; i++)
		p[i] = (uint8_t)(seq * 31 + i);
}

static bool intact(const uint8_t *p, size_t len, uint32_t *seq)
{
	uint8_t want[PAYLOAD];

	if (len != PAYLOAD)
		return false;
	memcpy(seq, p, 4);
	fill(want, *seq);
	return !memcmp(p, want, PAYLOAD);
}

static int udp_socket(const char *addr, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0)), big = 1 << 22;

	inet_pton(AF_INET, addr, &sin.sin_addr);
	CHECK_OK(setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)));
	CHECK_OK(bind(s, (struct sockaddr *)&sin, sizeof(sin)));
	return s;
}

/* File -> stack: every written datagram arrives once, intact. */
static void ten_thousand_packets_written_arrive_intact(void)
{
	static uint8_t seen[COUNT];
	uint8_t payload[PAYLOAD], pkt[512], buf[2048];
	char name[IFNAMSIZ];
	int fd = tt_tun_ready(name, false);
	int s = udp_socket(TT_A4, PORT_A);
	long rx0 = tt_stat(name, "rx_packets"), rxb0 = tt_stat(name, "rx_bytes");
	uint32_t seq;
	int got = 0;

	for (uint32_t i = 0; i < COUNT; i++) {
		size_t len;

		fill(payload, i);
		len = tt_udp4(pkt, TT_B4, TT_A4, PORT_B, PORT_A, payload,
			      PAYLOAD);
		CHECK_EQ(write(fd, pkt, len), len);
		/* The stack delivers before write() returns: drain often. */
		while (recv(s, buf, sizeof(buf), MSG_DONTWAIT) > 0) {
			CHECK(intact(buf, PAYLOAD, &seq) && seq < COUNT);
			CHECK(!seen[seq]);
			seen[seq] = 1;
			got++;
		}
	}
	CHECK_EQ(got, COUNT);
	CHECK_EQ(tt_stat(name, "rx_packets") - rx0, COUNT);
	CHECK_EQ(tt_stat(name, "rx_bytes") - rxb0, COUNT * (28L + PAYLOAD));
	close(s);
	close(fd);
}

/* Stack -> file: every sent datagram is read once, intact. */
static void ten_thousand_packets_sent_are_read_intact(void)
{
	static uint8_t seen[COUNT];
	uint8_t payload[PAYLOAD], buf[2048];
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(PORT_B) };
	char name[IFNAMSIZ];
	int fd = tt_tun_ready(name, false);
	int s = udp_socket(TT_A4, PORT_A);
	long tx0 = tt_stat(name, "tx_packets"), txb0 = tt_stat(name, "tx_bytes");
	uint32_t seq;
	int got = 0;

	inet_pton(AF_INET, TT_B4, &to.sin_addr);
	tt_drain(fd);
	for (uint32_t i = 0; i < COUNT; i++) {
		fill(payload, i);
		CHECK_EQ(sendto(s, payload, PAYLOAD, 0, (struct sockaddr *)&to,
				sizeof(to)), PAYLOAD);
		/* Keep up: read what is queued every few packets. */
		if (i % 64 != 63 && i != COUNT - 1)
			continue;
		for (;;) {
			ssize_t n = read(fd, buf, sizeof(buf));
			struct ip *ip = (struct ip *)buf;

			if (n < 0)
				break;
			CHECK(ip->ip_p == IPPROTO_UDP);
			CHECK(intact(buf + 28, n - 28, &seq) && seq < COUNT);
			CHECK(tt_csum(ip, 20, 0) == 0);
			CHECK(!seen[seq]);
			seen[seq] = 1;
			got++;
		}
	}
	CHECK_EQ(got, COUNT);
	CHECK_EQ(tt_stat(name, "tx_packets") - tx0, COUNT);
	CHECK_EQ(tt_stat(name, "tx_bytes") - txb0, COUNT * (28L + PAYLOAD));
	CHECK_EQ(tt_stat(name, "tx_dropped"), 0);
	close(s);
	close(fd);
}

/* A reader that does not keep up: the queue holds txqueuelen, the rest
 * is dropped and counted.
 */
static void queue_bounded_by_txqueuelen_drops_counted(void)
{
	uint8_t payload[PAYLOAD] = { 0 }, buf[2048];
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(PORT_B) };
	char name[IFNAMSIZ];
	int fd = tt_tun_ready(name, false);
	int s = udp_socket(TT_A4, PORT_A), queued = 0;

	inet_pton(AF_INET, TT_B4, &to.sin_addr);
	tt_drain(fd);
	CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/tx_queue_len", name), 500);
	CHECK_EQ(tt_sh("ip link set %s txqueuelen 16", name), 0);
	for (int i = 0; i < 100; i++)
		CHECK_EQ(sendto(s, payload, PAYLOAD, 0,
				(struct sockaddr *)&to, sizeof(to)), PAYLOAD);
	while (read(fd, buf, sizeof(buf)) > 0)
		queued++;
	CHECK_EQ(queued, 16);
	CHECK_EQ(tt_stat(name, "tx_dropped"), 84);
	CHECK_EQ(tt_stat(name, "tx_packets"), 16);
	close(s);
	close(fd);
}

/* Closing drops the queue (counted); a unit with no file drops output. */
static void close_drops_queue_and_closed_unit_drops_output(void)
{
	uint8_t payload[PAYLOAD] = { 0 };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(PORT_B) };
	char name[IFNAMSIZ], path[64];
	int fd = tt_tun_ready(name, false), zero = 0;
	int s = udp_socket(TT_A4, PORT_A);

	inet_pton(AF_INET, TT_B4, &to.sin_addr);
	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &zero));
	tt_drain(fd);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(sendto(s, payload, PAYLOAD, 0,
				(struct sockaddr *)&to, sizeof(to)), PAYLOAD);
	close(s);
	close(fd);
	CHECK_EQ(tt_stat(name, "tx_dropped"), 5);
	/* Reopened: the old packets are gone. */
	snprintf(path, sizeof(path), "/dev/%s", name);
	fd = tt_open_unit(path, NULL);
	tt_set_nonblock(fd);
	CHECK_ERR(read(fd, payload, sizeof(payload)), EAGAIN);
	close(fd);
	CHECK_EQ(tt_sh("ip link del %s", name), 0);
}

/*
 * A tun that is up with no file open (made by ip link add, never opened):
 * what the stack sends is dropped and counted, and the sender hears
 * EHOSTDOWN, as on FreeBSD.  Behind a qdisc the sender has already been
 * told the packet went: counted only.  (After a close the link has no
 * carrier, and the core drops what is sent before it reaches the unit.)
 */
static void unopened_tun_output_is_ehostdown(void)
{
	uint8_t payload[PAYLOAD] = { 0 };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(PORT_B) };
	const char *name = "tun4711";
	long drops;
	int s;

	tt_sh_quiet("ip link del %s", name);
	/*
	 * IPv6 off: its own solicitations, sent when the kernel gets to
	 * them (seconds later on a slow one), would be drops counted here.
	 */
	CHECK_EQ(tt_sh("ip link add %s type bsdtun && sysctl -qw net.ipv6.conf.%s.disable_ipv6=1 && "
		       "ip addr add %s peer %s dev %s && ip link set %s up",
		       name, name, TT_A4, TT_B4, name, name), 0);
	s = udp_socket(TT_A4, PORT_A);
	inet_pton(AF_INET, TT_B4, &to.sin_addr);
	drops = tt_stat(name, "tx_dropped");
	for (int i = 0; i < 3; i++)
		CHECK_ERR(sendto(s, payload, PAYLOAD, 0,
				 (struct sockaddr *)&to, sizeof(to)), EHOSTDOWN);
	CHECK_EQ(tt_stat(name, "tx_dropped"), drops + 3);
	CHECK_EQ(tt_sh("tc qdisc add dev %s root pfifo", name), 0);
	CHECK_EQ(sendto(s, payload, PAYLOAD, 0, (struct sockaddr *)&to,
			sizeof(to)), PAYLOAD);
	for (int i = 0; i < 50 && tt_stat(name, "tx_dropped") < drops + 4; i++)
		usleep(20000);
	CHECK_EQ(tt_stat(name, "tx_dropped"), drops + 4);
	close(s);
	CHECK_EQ(tt_sh("ip link del %s", name), 0);
}

/*
 * One write of @len bytes whose @n-th allocation fails: it must deliver
 * (the failure was the stack's, after ours) or fail ENOBUFS (ours).
 * Returns whether the write made fewer than @n allocations.
 */
static bool write_failing_nth(int fd, int ffd, const uint8_t *pkt, size_t len,
			      unsigned int n, long *enobufs)
{
	bool reached;
	ssize_t r;
	int err;

	tt_fail_nth(ffd, n);
	r = write(fd, pkt, len);
	err = errno;
	reached = tt_fail_reached(ffd);
	if (r == -1 && err == ENOBUFS)
		++*enobufs;
	else if (r != (ssize_t)len)
		TT_FAIL("%zu-byte write, allocation %u failed: %zd (%s)",
			len, n, r, strerror(err));
	return !reached;
}

/*
 * Fault injection for this thread alone: every allocation of the kinds
 * @knobs name fails while "make-it-fail" is set; put back on stop.
 */
struct fail_knob {
	const char *path, *value;
};

#define FAIL_DIR "/sys/kernel/debug/"
#define MAX_KNOBS 16

static char fail_saved[MAX_KNOBS][24];
static int fail_mif = -1;	/* opened before: an open may need memory */

static void fail_all_start(const struct fail_knob *knobs, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		FILE *f = fopen(knobs[k].path, "r");

		if (!f || !fgets(fail_saved[k], sizeof(fail_saved[k]), f))
			tt_skip("no fault injection in debugfs: kernel without CONFIG_FAILSLAB/FAIL_PAGE_ALLOC");
		fclose(f);
	}
	for (size_t k = 0; k < n; k++)
		tt_sysfs_write(knobs[k].path, knobs[k].value);
	fail_mif = CHECK_OK(open("/proc/thread-self/make-it-fail", O_WRONLY));
	CHECK_EQ(write(fail_mif, "1", 1), 1);
}

static void fail_all_stop(const struct fail_knob *knobs, size_t n)
{
	CHECK_EQ(pwrite(fail_mif, "0", 1, 0), 1);
	close(fail_mif);
	while (n-- > 0)
		tt_sysfs_write(knobs[n].path, fail_saved[n]);
}

/* Page allocations that may not sleep; "probability" last, put back first. */
#define NOWAIT_PAGE_KNOBS					\
	{ FAIL_DIR "fail_page_alloc/ignore-gfp-wait", "Y" },	\
	{ FAIL_DIR "fail_page_alloc/task-filter", "Y" },	\
	{ FAIL_DIR "fail_page_alloc/verbose", "0" },		\
	{ FAIL_DIR "fail_page_alloc/min-order", "0" },		\
	{ FAIL_DIR "fail_page_alloc/times", "-1" },		\
	{ FAIL_DIR "fail_page_alloc/interval", "1" },		\
	{ FAIL_DIR "fail_page_alloc/probability", "100" }

static const struct fail_knob nowait_pages[] = { NOWAIT_PAGE_KNOBS };

/* Every allocation, slab or page, sleeping or not. */
static const struct fail_knob every_alloc[] = {
	{ FAIL_DIR "failslab/ignore-gfp-wait", "N" },
	{ FAIL_DIR "failslab/task-filter", "Y" },
	{ FAIL_DIR "failslab/verbose", "0" },
	{ FAIL_DIR "failslab/times", "-1" },
	{ FAIL_DIR "failslab/interval", "1" },
	{ FAIL_DIR "failslab/probability", "100" },
	NOWAIT_PAGE_KNOBS,
	{ FAIL_DIR "fail_page_alloc/ignore-gfp-wait", "N" },
};

_Static_assert(sizeof(every_alloc) / sizeof(every_alloc[0]) <= MAX_KNOBS,
	       "fail_saved too small");

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Out of memory: the Nth allocation of a write fails, for every N the
 * write reaches (so every allocation in our path and the stack's after
 * it); one failure is never a shortage, since a write that cannot have a
 * pool page allocates again where it may sleep.  Then every allocation
 * fails, for 48 writes in a row of each size: those that found a cached
 * page and head deliver, the rest fail ENOBUFS.  Every failure is counted
 * in rx_errors, and the unit works afterwards.  That a failed write leaks
 * nothing is kmemleak's part of the debug check.  Up to 3000 bytes a
 * packet is copied into a fragment of a page-pool page, 9000 bytes into a
 * fragment and two whole pages; the pools and the per-CPU sk_buff cache
 * that wraps the head refill every few packets, and a failed refill must
 * give back the pages already taken.
 */
static void write_without_memory_is_enobufs(void)
{
	static const size_t sizes[] = { 64, 1400, 3000, 9000 };
	uint8_t pkt[9100], payload[9000] = { 0 };
	long enobufs[2] = { 0, 0 }, err0;	/* fragment path, paged path */
	long nth_enobufs = 0;
	int ffd = tt_fail_start(), fd, s;
	char name[IFNAMSIZ];
	size_t len;

	fd = tt_tun_ready(name, false);
	err0 = tt_stat(name, "rx_errors");
	for (size_t i = 0; i < N_OF(sizes); i++) {
		len = tt_udp4(pkt, TT_B4, TT_A4, 7003, 7004, payload,
			      sizes[i] - 28);
		for (unsigned int n = 1; n < 200; n++)
			if (write_failing_nth(fd, ffd, pkt, len, n,
					      &nth_enobufs))
				break;
	}
	tt_fail_stop(ffd);
	for (size_t i = 0; i < N_OF(sizes); i++) {
		long *count = &enobufs[sizes[i] > 3000];

		len = tt_udp4(pkt, TT_B4, TT_A4, 7003, 7004, payload,
			      sizes[i] - 28);
		fail_all_start(every_alloc, N_OF(every_alloc));
		for (int w = 0; w < 48; w++) {
			ssize_t r = write(fd, pkt, len);
			int err = errno;

			if (r == -1 && err == ENOBUFS)
				++*count;
			else if (r != (ssize_t)len)
				TT_FAIL("%zu-byte write, no memory: %zd (%s)",
					len, r, strerror(err));
		}
		fail_all_stop(every_alloc, N_OF(every_alloc));
	}
	/* Those that made no allocation (cached pages and heads) delivered. */
	printf("# ENOBUFS: %ld with one allocation failed; with all failed, %ld writes through a page fragment, %ld paged\n",
	       nth_enobufs, enobufs[0], enobufs[1]);
	CHECK(enobufs[0] > 0 && enobufs[1] > 0);
	CHECK_EQ(tt_stat(name, "rx_errors") - err0,
		 nth_enobufs + enobufs[0] + enobufs[1]);

	/* And the next packet arrives. */
	s = udp_socket(TT_A4, PORT_A);
	len = tt_udp4(pkt, TT_B4, TT_A4, PORT_B, PORT_A, payload, 36);
	CHECK_EQ(write(fd, pkt, len), len);
	CHECK(tt_readable(s, 2000));
	CHECK_EQ(recv(s, pkt, sizeof(pkt), 0), 36);
	close(s);
	close(fd);
}

/*
 * A write may sleep, so it has no business with the reserves kept for
 * allocations that cannot (GFP_ATOMIC): with every page allocation of this
 * thread that may not sleep failing, and a socket that keeps what it gets
 * (so that the page pools run dry), every write still delivers.
 */
#define NOWAIT_PACKETS 600

static void write_when_nowait_pages_fail_still_delivers(void)
{
	uint8_t pkt[3100], payload[3000] = { 0 };
	int fd, s, delivered = 0, got = 0;
	char name[IFNAMSIZ];
	size_t len;

	fd = tt_tun_ready(name, false);
	s = udp_socket(TT_A4, PORT_A);
	len = tt_udp4(pkt, TT_B4, TT_A4, PORT_B, PORT_A, payload,
		      sizeof(payload));
	fail_all_start(nowait_pages, N_OF(nowait_pages));
	for (int i = 0; i < NOWAIT_PACKETS; i++)
		delivered += write(fd, pkt, len) == (ssize_t)len;
	fail_all_stop(nowait_pages, N_OF(nowait_pages));
	tt_set_nonblock(s);
	while (recv(s, pkt, sizeof(pkt), 0) == (ssize_t)sizeof(payload))
		got++;
	printf("# %d of %d writes delivered, %d received\n", delivered,
	       NOWAIT_PACKETS, got);
	CHECK_EQ(delivered, NOWAIT_PACKETS);
	CHECK_EQ(got, NOWAIT_PACKETS);
	close(s);
	close(fd);
}

#define ZC_LEN 8192		/* six segments, inside the initial window */
#define ZC_PEER_ISN 5000u
#define TCP_SYN 0x02
#define TCP_ACK 0x10

/* A unit as the TCP peer behind its file sees it. */
struct peer_link {
	int fd;
	bool vnet;		/* a tap with a virtio-net header */
	size_t hlen;		/* bytes before each IPv4 packet */
	uint8_t mac[6];		/* a tap's own address */
};

static const uint8_t zc_peer_mac[6] = { 0x02, 0x77, 0, 0, 0, 2 };

static void put_be(uint8_t *p, uint32_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint32_t get_be(const uint8_t *p, int bytes)
{
	uint32_t v = 0;

	for (int i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

/*
 * Writes a payload-free segment from the peer's port to @dport, framed
 * for @l; a SYN offers an MSS of 1460.
 */
static void peer_tcp4(const struct peer_link *l, uint16_t dport, uint32_t seq,
		      uint32_t ack, uint8_t flags)
{
	uint8_t frame[128] = { 0 };
	struct ip *ip = (struct ip *)(frame + l->hlen);
	uint8_t *th = (uint8_t *)(ip + 1);
	size_t tlen = flags & TCP_SYN ? 24 : 20;
	size_t len = l->hlen + sizeof(*ip) + tlen;
	uint16_t sum;

	if (l->hlen) {
		uint8_t *eh = frame + l->hlen - 14;

		memcpy(eh, l->mac, 6);
		memcpy(eh + 6, zc_peer_mac, 6);
		put_be(eh + 12, 0x0800, 2);
	}
	tt_ip4(ip, IPPROTO_TCP, TT_B4, TT_A4, tlen);
	put_be(th, PORT_B, 2);
	put_be(th + 2, dport, 2);
	put_be(th + 4, seq, 4);
	put_be(th + 8, ack, 4);
	th[12] = tlen / 4 << 4;
	th[13] = flags;
	put_be(th + 14, 65535, 2);
	if (flags & TCP_SYN) {
		th[20] = 2;	/* MSS */
		th[21] = 4;
		put_be(th + 22, 1460, 2);
	}
	sum = tt_csum(th, tlen, tt_ip4_pseudo(ip, tlen));
	memcpy(th + 16, &sum, 2);
	CHECK_EQ(write(l->fd, frame, len), len);
}

/*
 * The next TCP segment read from @l for the peer's port, checksums
 * verified (a segment whose checksum the virtio-net header leaves to the
 * peer carries only the pseudo-header's); returns the TCP header and sets
 * the payload's length.
 */
static const uint8_t *read_tcp4(const struct peer_link *l, uint8_t *buf,
				size_t size, size_t *payload)
{
	for (;;) {
		ssize_t n = tt_read_timeout(l->fd, buf, size, tt_scaled(2000));
		struct ip *ip = (struct ip *)(buf + l->hlen);
		bool partial = l->vnet && (buf[0] & VIRTIO_NET_HDR_F_NEEDS_CSUM);
		const uint8_t *th;
		size_t hl, tlen;
		uint32_t pseudo;

		CHECK(n > 0);
		/* Not ours (an IPv6 solicitation, say): the next one. */
		if (n < (ssize_t)(l->hlen + 40) ||
		    (l->hlen && get_be(buf + l->hlen - 2, 2) != 0x0800) ||
		    ip->ip_v != 4 || ip->ip_p != IPPROTO_TCP)
			continue;
		hl = ip->ip_hl * 4;
		tlen = n - l->hlen - hl;
		th = (uint8_t *)ip + hl;
		if (get_be(th + 2, 2) != PORT_B)
			continue;
		CHECK(tt_csum(ip, hl, 0) == 0);
		pseudo = tt_ip4_pseudo(ip, tlen);
		if (partial)	/* the pseudo-header's sum, not complemented */
			CHECK_EQ(get_be(th + 16, 2),
				 (uint16_t)~ntohs(tt_csum(NULL, 0, pseudo)));
		else
			CHECK(tt_csum(th, tlen, pseudo) == 0);
		*payload = tlen - (th[12] >> 4) * 4;
		return th;
	}
}

/*
 * A zerocopy TCP send through the unit.  Units take scatter-gather
 * packets, so the stack may hand one the sender's own pages (a tap with a
 * virtio-net header, offering checksums and TSO, gets them as they are);
 * a read queue may hold a packet as long as nobody reads, so such pages
 * are copied when queued.  The sender therefore hears its pages are free
 * as soon as the peer has acknowledged, while every segment still waits
 * unread; read afterwards, the segments are intact.
 */
static void zerocopy_send_completes_while_queued(struct peer_link *l,
						 const char *name)
{
	static uint8_t data[ZC_LEN], buf[70000];
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(PORT_B) };
	struct linger hard = { .l_onoff = 1, .l_linger = 0 };
	uint8_t control[256];
	struct msghdr msg = { .msg_control = control,
			      .msg_controllen = sizeof(control) };
	struct sock_extended_err *ee = NULL;
	int s, one = 1, queued = 0;
	struct pollfd err;
	const uint8_t *th;
	uint32_t isn, got = 0;
	uint16_t sport;
	size_t payload;

	CHECK_EQ(tt_sh_quiet("ethtool -k %s | grep -q '^scatter-gather: on'",
			     name), 0);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + i / 251);
	tt_drain(l->fd);
	s = CHECK_OK(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
	CHECK_OK(setsockopt(s, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)));
	CHECK_OK(setsockopt(s, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard)));
	inet_pton(AF_INET, TT_B4, &to.sin_addr);
	CHECK_ERR(connect(s, (struct sockaddr *)&to, sizeof(to)), EINPROGRESS);
	err = (struct pollfd){ .fd = s };	/* POLLERR: the error queue */

	/* The handshake, played by the peer behind the file. */
	th = read_tcp4(l, buf, sizeof(buf), &payload);
	CHECK_EQ(th[13], TCP_SYN);
	sport = get_be(th, 2);
	isn = get_be(th + 4, 4);
	peer_tcp4(l, sport, ZC_PEER_ISN, isn + 1, TCP_SYN | TCP_ACK);
	th = read_tcp4(l, buf, sizeof(buf), &payload);
	CHECK_EQ(th[13], TCP_ACK);

	/* The send queues its segments before it returns; ack them unread. */
	CHECK_EQ(send(s, data, ZC_LEN, MSG_ZEROCOPY), ZC_LEN);
	CHECK_OK(ioctl(l->fd, FIONREAD, &queued));
	CHECK(queued > 0);
	peer_tcp4(l, sport, ZC_PEER_ISN + 1, isn + 1 + ZC_LEN, TCP_ACK);

	/* The completion, for send number 0. */
	CHECK_EQ(poll(&err, 1, tt_scaled(2000)), 1);
	CHECK_OK(recvmsg(s, &msg, MSG_ERRQUEUE));
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR)
			ee = (struct sock_extended_err *)CMSG_DATA(c);
	CHECK(ee && ee->ee_origin == SO_EE_ORIGIN_ZEROCOPY);
	CHECK(ee->ee_info == 0 && ee->ee_data == 0);

	/* Every segment was still queued; each carries what was sent. */
	while (got < ZC_LEN) {
		uint32_t off;

		th = read_tcp4(l, buf, sizeof(buf), &payload);
		if (!payload)
			continue;
		off = get_be(th + 4, 4) - isn - 1;
		CHECK(off == got && payload <= ZC_LEN - got);
		CHECK(!memcmp(th + (th[12] >> 4) * 4, data + off, payload));
		got += payload;
	}
	close(s);
	close(l->fd);
}

static void tun_zerocopy_send_completes_while_queued(void)
{
	char name[IFNAMSIZ];
	struct peer_link l = { .fd = tt_tun_ready(name, false) };

	zerocopy_send_completes_while_queued(&l, name);
}

static void tap_vnet_zerocopy_send_completes_while_queued(void)
{
	char name[IFNAMSIZ];
	struct peer_link l = { .vnet = true, .hlen = 10 + 14 };
	struct ifreq ifr = { 0 };
	int one = 1, ten = 10, s;

	l.fd = tt_open_unit("/dev/tap", name);
	CHECK_OK(ioctl(l.fd, TUNSTRANSIENT, &one));
	CHECK_OK(ioctl(l.fd, TAPSVNETHDR, &ten));
	s = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0));
	strcpy(ifr.ifr_name, name);
	CHECK_OK(ioctl(s, SIOCGIFHWADDR, &ifr));
	memcpy(l.mac, ifr.ifr_hwaddr.sa_data, 6);
	close(s);
	CHECK_EQ(tt_sh("ip addr add " TT_A4 " peer " TT_B4 " dev %s && "
		       "ip neigh add " TT_B4 " lladdr 02:77:00:00:00:02 dev %s",
		       name, name), 0);
	tt_up(name);
	zerocopy_send_completes_while_queued(&l, name);
}

static const struct tt_case cases[] = {
	{ "tun_ten_thousand_packets_written_arrive_intact", ten_thousand_packets_written_arrive_intact },
	{ "tun_ten_thousand_packets_sent_are_read_intact", ten_thousand_packets_sent_are_read_intact },
	{ "tun_queue_bounded_by_txqueuelen_drops_counted", queue_bounded_by_txqueuelen_drops_counted },
	{ "tun_close_drops_queue_and_closed_unit_drops_output", close_drops_queue_and_closed_unit_drops_output },
	{ "tun_unopened_unit_output_is_ehostdown", unopened_tun_output_is_ehostdown },
	{ "tun_write_without_memory_is_enobufs", write_without_memory_is_enobufs },
	{ "tun_write_when_nowait_pages_fail_still_delivers", write_when_nowait_pages_fail_still_delivers },
	{ "tun_zerocopy_send_completes_while_queued", tun_zerocopy_send_completes_while_queued },
	{ "tap_vnet_zerocopy_send_completes_while_queued", tap_vnet_zerocopy_send_completes_while_queued },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return tt_run(cases, argc, argv);
}
