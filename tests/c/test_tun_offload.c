// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * tun with a virtio-net header (TUNSVNETHDR, TUNSOFFLOAD): whole TCP
 * segments both ways, the offloads a reader chooses, bad headers, and a
 * header turned off with segments queued.
 */
#include "tt.h"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <netinet/ip6.h>
#include <sys/uio.h>

#define DATA	3000
#define VH	((int)sizeof(struct virtio_net_hdr))
#define A4	"10.91.0.1"
#define B4	"10.91.0.2"	/* the peer behind tun A */
#define C4	"10.92.0.1"
#define D4	"10.92.0.2"	/* the peer behind tun B */

static const int all = TUN_OFFLOAD_CSUM | TUN_OFFLOAD_TSO4 |
		       TUN_OFFLOAD_TSO6 | TUN_OFFLOAD_TSO_ECN |
		       TUN_OFFLOAD_USO4 | TUN_OFFLOAD_USO6;

static bool feature_on(const char *name, const char *feature)
{
	return tt_sh_quiet("ethtool -k %s | grep -q '^[[:space:]]*%s: on'", name,
			   feature) == 0;
}

/* A transient tun, up, with @a peer @b and a header of @hdr bytes. */
static int tun_with_header(char *name, const char *a, const char *b, int hdr)
{
	int one = 1, fd = tt_open_unit("/dev/tun", name);

	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	if (hdr)
		CHECK_OK(ioctl(fd, TUNSVNETHDR, &hdr));
	CHECK_EQ(tt_sh("ip addr add %s peer %s dev %s", a, b, name), 0);
	tt_up(name);
	tt_set_nonblock(fd);
	return fd;
}

/* A TCP header and DATA bytes after @ip, its checksum left partial. */
static void tcp_segment(uint8_t *tcp, uint32_t pseudo, uint32_t seq)
{
	uint16_t check;

	memset(tcp, 0, 20);
	tcp[0] = 4000 >> 8;
	tcp[1] = 4000 & 0xff;
	tcp[2] = 5001 >> 8;
	tcp[3] = 5001 & 0xff;
	tcp[4] = seq >> 24;
	tcp[5] = seq >> 16;
	tcp[6] = seq >> 8;
	tcp[7] = seq;
	tcp[12] = 5 << 4;
	tcp[13] = 0x18;		/* PSH, ACK */
	tcp[14] = 0xff;
	for (int i = 0; i < DATA; i++)
		tcp[20 + i] = (uint8_t)(i * 7 + 3);
	/* Partial: the pseudo-header's sum, for the stack to finish. */
	check = (uint16_t)~ntohs(tt_csum(NULL, 0, pseudo));
	tcp[16] = check >> 8;
	tcp[17] = check & 0xff;
}

static size_t tcp4_packet(uint8_t *buf, const char *src, const char *dst)
{
	struct ip ip;

	tt_ip4(&ip, IPPROTO_TCP, src, dst, 20 + DATA);
	memcpy(buf, &ip, 20);
	tcp_segment(buf + 20, tt_ip4_pseudo(&ip, 20 + DATA), 1000);
	return 40 + DATA;
}

static size_t tcp6_packet(uint8_t *buf)
{
	struct ip6_hdr ip6 = { .ip6_flow = htonl(6u << 28) };

	ip6.ip6_plen = htons(20 + DATA);
	ip6.ip6_nxt = IPPROTO_TCP;
	ip6.ip6_hlim = 64;
	inet_pton(AF_INET6, "fd91::1", &ip6.ip6_src);
	inet_pton(AF_INET6, "fd91::2", &ip6.ip6_dst);
	memcpy(buf, &ip6, 40);
	tcp_segment(buf + 40, tt_ip6_pseudo(&ip6, 20 + DATA, IPPROTO_TCP), 1000);
	return 60 + DATA;
}

static struct virtio_net_hdr tso_header(uint8_t type, uint16_t ip_len)
{
	struct virtio_net_hdr vh = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = type,
		.hdr_len = ip_len + 20,
		.gso_size = 1400,
		.csum_start = ip_len,
		.csum_offset = 16,
	};

	return vh;
}

/*
 * Hands @pkt with header @vh to the stack as if sent out of @name (a
 * tun has no link header: a raw packet socket sends the packet as is).
 */
static void send_out(const char *name, uint16_t proto,
		     const struct virtio_net_hdr *vh, void *pkt, size_t len)
{
	struct sockaddr_ll ll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(proto),
		.sll_ifindex = if_nametoindex(name),
	};
	struct iovec iov[2] = {
		{ (void *)vh, VH },
		{ pkt, len },
	};
	struct msghdr m = {
		.msg_name = &ll,
		.msg_namelen = sizeof(ll),
		.msg_iov = iov,
		.msg_iovlen = 2,
	};
	int one = 1, s = CHECK_OK(socket(AF_PACKET, SOCK_RAW, 0));

	CHECK_OK(setsockopt(s, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)));
	CHECK_EQ(sendmsg(s, &m, 0), (ssize_t)(VH + len));
	close(s);
}

static void tun_vnet_header_and_offload_requests(void)
{
	char name[IFNAMSIZ];
	int fd = tun_with_header(name, A4, B4, 0), v = -1;

	CHECK_OK(ioctl(fd, TUNGVNETHDR, &v));
	CHECK_EQ(v, 0);
	CHECK_OK(ioctl(fd, TUNGOFFLOAD, &v));
	CHECK_EQ(v, all);
	CHECK(!feature_on(name, "tcp-segmentation-offload"));
	CHECK(!feature_on(name, "tx-checksumming"));
	for (v = 1; v < 16; v++)
		if (v != 10 && v != 12)
			CHECK_ERR(ioctl(fd, TUNSVNETHDR, &v), EINVAL);
	v = 12;
	CHECK_OK(ioctl(fd, TUNSVNETHDR, &v));
	v = 10;
	CHECK_OK(ioctl(fd, TUNSVNETHDR, &v));
	CHECK_OK(ioctl(fd, TUNGVNETHDR, &v));
	CHECK_EQ(v, 10);
	CHECK(feature_on(name, "tcp-segmentation-offload"));
	CHECK(feature_on(name, "tx-checksumming"));
	/* The reader chooses: checksums only, then nothing. */
	v = TUN_OFFLOAD_CSUM;
	CHECK_OK(ioctl(fd, TUNSOFFLOAD, &v));
	CHECK(!feature_on(name, "tcp-segmentation-offload"));
	CHECK(feature_on(name, "tx-checksumming"));
	v = TUN_OFFLOAD_CSUM | TUN_OFFLOAD_TSO6;
	CHECK_OK(ioctl(fd, TUNSOFFLOAD, &v));
	CHECK(feature_on(name, "tx-tcp6-segmentation"));
	CHECK(!feature_on(name, "tx-tcp-segmentation"));
	v = 0;
	CHECK_OK(ioctl(fd, TUNSOFFLOAD, &v));
	CHECK(!feature_on(name, "tx-checksumming"));
	/* Segments need checksums the reader finishes; unknown bits. */
	v = TUN_OFFLOAD_TSO4;
	CHECK_ERR(ioctl(fd, TUNSOFFLOAD, &v), EINVAL);
	v = TUN_OFFLOAD_CSUM | 0x10;
	CHECK_ERR(ioctl(fd, TUNSOFFLOAD, &v), EINVAL);
	CHECK_OK(ioctl(fd, TUNGOFFLOAD, &v));
	CHECK_EQ(v, 0);
	/* Close gives the next opener FreeBSD's unit: no header. */
	v = 0;
	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &v));
	close(fd);
	{
		char node[64];

		snprintf(node, sizeof(node), "/dev/%s", name);
		fd = CHECK_OK(open(node, O_RDWR));
	}
	CHECK_OK(ioctl(fd, TUNGVNETHDR, &v));
	CHECK_EQ(v, 0);
	CHECK_OK(ioctl(fd, TUNGOFFLOAD, &v));
	CHECK_EQ(v, all);
	CHECK(!feature_on(name, "tx-checksumming"));
	close(fd);
	CHECK_EQ(tt_sh("ip link del %s", name), 0);
}

/* The next packet read from @fd, after frames of other protocols. */
static ssize_t read_tcp(int fd, uint8_t *buf, size_t size, size_t ip_off,
			bool v6)
{
	for (int i = 0; i < 20; i++) {
		ssize_t n = tt_read_timeout(fd, buf, size, 3000);
		uint8_t proto;

		if (n <= (ssize_t)(ip_off + 40))
			return n;
		proto = v6 ? buf[ip_off + 6] : buf[ip_off + 9];
		if (proto == IPPROTO_TCP)
			return n;
	}
	return -1;
}

/*
 * A 3,000-byte TCP segment the stack hands the unit reaches the reader
 * whole, its header first: IPv4 alone, IPv6 after IFHEAD's family word.
 * Without TSO in TUNSOFFLOAD the stack cuts it up first.
 */
static void tun_vnet_header_reads_whole_segments(void)
{
	static uint8_t pkt[100 + DATA], in[70000];
	struct virtio_net_hdr vh;
	char name[IFNAMSIZ];
	int fd = tun_with_header(name, A4, B4, 10), one = 1, v;
	size_t len;
	uint32_t af;
	ssize_t n;

	vh = tso_header(VIRTIO_NET_HDR_GSO_TCPV4, 20);
	len = tcp4_packet(pkt, A4, B4);
	send_out(name, ETH_P_IP, &vh, pkt, len);
	n = read_tcp(fd, in, sizeof(in), VH, false);
	CHECK_EQ(n, (ssize_t)(VH + len));
	memcpy(&vh, in, VH);
	CHECK_EQ(vh.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	CHECK_EQ(vh.gso_size, 1400);
	CHECK(vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM);
	CHECK_EQ(vh.csum_start, 20);
	CHECK_EQ(vh.csum_offset, 16);
	CHECK(!memcmp(in + VH + 40, pkt + 40, DATA));

	/* IFHEAD: the header, then the family, then the packet. */
	CHECK_OK(ioctl(fd, TUNSIFHEAD, &one));
	vh = tso_header(VIRTIO_NET_HDR_GSO_TCPV6, 40);
	len = tcp6_packet(pkt);
	send_out(name, ETH_P_IPV6, &vh, pkt, len);
	n = read_tcp(fd, in, sizeof(in), VH + 4, true);
	CHECK_EQ(n, (ssize_t)(VH + 4 + len));
	memcpy(&vh, in, VH);
	memcpy(&af, in + VH, 4);
	CHECK_EQ(ntohl(af), AF_INET6);
	CHECK_EQ(vh.gso_type, VIRTIO_NET_HDR_GSO_TCPV6);
	CHECK_EQ(vh.csum_start, 40);
	CHECK(!memcmp(in + VH + 4 + 60, pkt + 60, DATA));
	/* FIONREAD counts the family and the packet, not the header. */
	send_out(name, ETH_P_IPV6, &vh, pkt, len);
	CHECK(tt_readable(fd, 3000));
	CHECK_OK(ioctl(fd, FIONREAD, &v));
	CHECK_EQ(v, (int)(4 + len));
	tt_drain(fd);

	/* Checksums only: segments of gso_size, each partial. */
	v = TUN_OFFLOAD_CSUM;
	CHECK_OK(ioctl(fd, TUNSOFFLOAD, &v));
	one = 0;
	CHECK_OK(ioctl(fd, TUNSIFHEAD, &one));
	vh = tso_header(VIRTIO_NET_HDR_GSO_TCPV4, 20);
	len = tcp4_packet(pkt, A4, B4);
	send_out(name, ETH_P_IP, &vh, pkt, len);
	for (int got = 0; got < DATA; got += 1400) {
		n = read_tcp(fd, in, sizeof(in), VH, false);
		CHECK_EQ(n, VH + 40 + (DATA - got < 1400 ? DATA - got : 1400));
		memcpy(&vh, in, VH);
		CHECK_EQ(vh.gso_type, VIRTIO_NET_HDR_GSO_NONE);
		CHECK(!memcmp(in + VH + 40, pkt + 40 + got, n - VH - 40));
	}
	close(fd);
}

/*
 * A segment written with its header is cut up by the stack where the
 * path needs it: forwarded to a tun whose reader takes no header, it is
 * read as gso_size segments with their checksums done.
 */
static void tun_vnet_header_writes_segmented_when_forwarded(void)
{
	static uint8_t out[VH + 100 + DATA], in[4096];
	struct virtio_net_hdr vh = tso_header(VIRTIO_NET_HDR_GSO_TCPV4, 20);
	char a[IFNAMSIZ], b[IFNAMSIZ];
	int fa = tun_with_header(a, A4, B4, 10);
	int fb = tun_with_header(b, C4, D4, 0);
	size_t len;
	int got = 0;

	CHECK_EQ(tt_sh("sysctl -qw net.ipv4.ip_forward=1"), 0);
	vh.gso_size = 1000;
	len = tcp4_packet(out + VH, B4, D4);
	memcpy(out, &vh, VH);
	CHECK_EQ(write(fa, out, VH + len), (ssize_t)(VH + len));
	while (got < DATA) {
		ssize_t n = read_tcp(fb, in, sizeof(in), 0, false);
		struct ip *ip = (struct ip *)in;
		size_t tlen = n - 20;

		CHECK_EQ(n, 40 + 1000);
		CHECK_EQ(tt_csum(in, 20, 0), 0);
		CHECK_EQ(tt_csum(in + 20, tlen, tt_ip4_pseudo(ip, tlen)), 0);
		CHECK(!memcmp(in + 40, out + VH + 40 + got, 1000));
		got += 1000;
	}
	CHECK_EQ(tt_sh("sysctl -qw net.ipv4.ip_forward=0"), 0);
	close(fa);
	close(fb);
}

static long vnet_errors(const char *name)
{
	char cmd[160];
	long v = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "ethtool -S %s | awk '/rx_errors_vnet_header:/ { print $2 }'",
		 name);
	p = popen(cmd, "r");
	CHECK(p);
	CHECK_EQ(fscanf(p, "%ld", &v), 1);
	pclose(p);
	return v;
}

/*
 * Headers that do not fit their packet are refused with EINVAL and
 * counted (ethtool -S, rx_errors): shorter than the header, a segment
 * size of 0, a header length past the end, a checksum to store past the
 * end, an IPv6 segment in an IPv4 packet.
 */
static void tun_bad_vnet_headers_einval_and_counted(void)
{
	static uint8_t out[VH + 100 + DATA];
	char name[IFNAMSIZ];
	int fd = tun_with_header(name, A4, B4, 10);
	struct virtio_net_hdr good = tso_header(VIRTIO_NET_HDR_GSO_TCPV4, 20);
	struct virtio_net_hdr bad[4];
	size_t len = tcp4_packet(out + VH, B4, A4);

	for (int i = 0; i < 4; i++)
		bad[i] = good;
	bad[0].gso_size = 0;
	bad[1].hdr_len = len + 1;
	bad[2].csum_start = len - 17;
	bad[3].gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	CHECK_EQ(vnet_errors(name), 0);
	CHECK_ERR(write(fd, out, VH - 1), EINVAL);
	for (int i = 0; i < 4; i++) {
		memcpy(out, &bad[i], VH);
		CHECK_ERR(write(fd, out, VH + len), EINVAL);
	}
	CHECK_EQ(vnet_errors(name), 5);
	CHECK_EQ(tt_stat(name, "rx_errors"), 5);
	/* The good one goes through. */
	memcpy(out, &good, VH);
	CHECK_EQ(write(fd, out, VH + len), (ssize_t)(VH + len));
	CHECK_EQ(vnet_errors(name), 5);
	close(fd);
}

/*
 * A reader that turns its header off gets nothing it cannot take: a
 * whole segment queued before is dropped (counted as a framing error),
 * the next packet comes without a header.
 */
static void tun_header_off_drops_queued_segments(void)
{
	static uint8_t pkt[100 + DATA], in[70000];
	struct virtio_net_hdr vh = tso_header(VIRTIO_NET_HDR_GSO_TCPV4, 20);
	struct virtio_net_hdr none = { 0 };
	char name[IFNAMSIZ];
	int fd = tun_with_header(name, A4, B4, 10), zero = 0;
	size_t len = tcp4_packet(pkt, A4, B4);
	long framing0 = tt_stat(name, "tx_errors");
	ssize_t n;

	send_out(name, ETH_P_IP, &vh, pkt, len);
	CHECK(tt_readable(fd, 3000));
	send_out(name, ETH_P_IP, &none, pkt, 100);
	CHECK_OK(ioctl(fd, TUNSVNETHDR, &zero));
	n = read_tcp(fd, in, sizeof(in), 0, false);
	CHECK_EQ(n, 100);
	CHECK(!memcmp(in, pkt, 20));
	CHECK_EQ(tt_stat(name, "tx_errors"), framing0 + 1);
	close(fd);
}

static const struct tt_case cases[] = {
	{ "tun_vnet_header_and_offload_requests", tun_vnet_header_and_offload_requests },
	{ "tun_vnet_header_reads_whole_segments", tun_vnet_header_reads_whole_segments },
	{ "tun_vnet_header_writes_segmented_when_forwarded", tun_vnet_header_writes_segmented_when_forwarded },
	{ "tun_bad_vnet_headers_einval_and_counted", tun_bad_vnet_headers_einval_and_counted },
	{ "tun_header_off_drops_queued_segments", tun_header_off_drops_queued_segments },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return tt_run(cases, argc, argv);
}
