// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * tun(4) under traffic: nothing lost or altered when the reader keeps up,
 * the read queue bounded by txqueuelen with drops counted, and counters
 * that match what crossed.
 */
#include "tt.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
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
	long rx0 = tt_stat(name, "rx_packets");
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
	long tx0 = tt_stat(name, "tx_packets");
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
 * Out of memory: the Nth allocation of a write fails, for every N the
 * write reaches (so every allocation in our path and the stack's after
 * it), then the first allocation of 48 writes in a row.  Each write
 * delivers or fails ENOBUFS, counted in rx_errors, and the unit works
 * afterwards.  That a failed write leaks nothing is kmemleak's part of
 * the debug check.  Up to 3000 bytes a packet is copied into a fragment
 * of a page-pool page, 9000 bytes into a fragment and two whole pages; the
 * pools and the per-CPU sk_buff cache that wraps the head refill every few
 * packets, and a failed refill must give back the pages already taken.
 */
static void write_without_memory_is_enobufs(void)
{
	static const size_t sizes[] = { 64, 1400, 3000, 9000 };
	uint8_t pkt[9100], payload[9000] = { 0 };
	long enobufs[2] = { 0, 0 }, err0;	/* fragment path, paged path */
	int ffd = tt_fail_start(), fd, s;
	char name[IFNAMSIZ];
	size_t len;

	fd = tt_tun_ready(name, false);
	err0 = tt_stat(name, "rx_errors");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		long *count = &enobufs[sizes[i] > 3000];

		len = tt_udp4(pkt, TT_B4, TT_A4, 7003, 7004, payload,
			      sizes[i] - 28);
		for (unsigned int n = 1; n < 200; n++)
			if (write_failing_nth(fd, ffd, pkt, len, n, count))
				break;
		for (int w = 0; w < 48; w++)
			write_failing_nth(fd, ffd, pkt, len, 1, count);
	}
	tt_fail_stop(ffd);
	printf("# ENOBUFS: %ld writes through a page fragment, %ld paged\n",
	       enobufs[0], enobufs[1]);
	CHECK(enobufs[0] > 0 && enobufs[1] > 0);
	CHECK_EQ(tt_stat(name, "rx_errors") - err0, enobufs[0] + enobufs[1]);

	/* And the next packet arrives. */
	s = udp_socket(TT_A4, PORT_A);
	len = tt_udp4(pkt, TT_B4, TT_A4, PORT_B, PORT_A, payload, 36);
	CHECK_EQ(write(fd, pkt, len), len);
	CHECK(tt_readable(s, 2000));
	CHECK_EQ(recv(s, pkt, sizeof(pkt), 0), 36);
	close(s);
	close(fd);
}

static const struct tt_case cases[] = {
	{ "tun_ten_thousand_packets_written_arrive_intact", ten_thousand_packets_written_arrive_intact },
	{ "tun_ten_thousand_packets_sent_are_read_intact", ten_thousand_packets_sent_are_read_intact },
	{ "tun_queue_bounded_by_txqueuelen_drops_counted", queue_bounded_by_txqueuelen_drops_counted },
	{ "tun_close_drops_queue_and_closed_unit_drops_output", close_drops_queue_and_closed_unit_drops_output },
	{ "tun_write_without_memory_is_enobufs", write_without_memory_is_enobufs },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return tt_run(cases, argc, argv);
}
