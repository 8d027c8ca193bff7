// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * tap(4) and vmnet: Ethernet units, frame filtering, the remote MAC,
 * VMIO_SIOCSIFFLAGS, virtio-net headers, close semantics and the tap
 * module parameters (SPEC sections 1-3).
 */
#include "tt.h"

#include <arpa/inet.h>
#include <linux/capability.h>
#include <linux/sockios.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <linux/if_packet.h>
#include <netinet/if_ether.h>
#include <netinet/ip6.h>
#include <sys/syscall.h>

#define PARAMS "/sys/module/if_tuntap/parameters/"
#define TAP_A4 "10.78.0.1"
#define PEER4 "10.78.0.2"

static const uint8_t peer_mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x02 };

static void read_mac(const char *name, uint8_t *mac)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/address", name);
	f = fopen(path, "r");
	CHECK(f);
	CHECK_EQ(fscanf(f, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
			&mac[2], &mac[3], &mac[4], &mac[5]), 6);
	fclose(f);
}

/* A transient unit of @node, addressed and up. */
static int tap_ready(const char *node, char *name)
{
	int one = 1, fd = tt_open_unit(node, name);

	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	CHECK_EQ(tt_sh("ip addr add " TAP_A4 "/24 dev %s && ip link set %s up",
		       name, name), 0);
	return fd;
}

/* An ARP request from the peer for the tap's address. */
static size_t arp_request(uint8_t *buf, const uint8_t *dst)
{
	struct ether_header *eh = (struct ether_header *)buf;
	struct ether_arp *arp = (struct ether_arp *)(eh + 1);

	memcpy(eh->ether_dhost, dst, 6);
	memcpy(eh->ether_shost, peer_mac, 6);
	eh->ether_type = htons(ETHERTYPE_ARP);
	arp->arp_hrd = htons(ARPHRD_ETHER);
	arp->arp_pro = htons(ETHERTYPE_IP);
	arp->arp_hln = 6;
	arp->arp_pln = 4;
	arp->arp_op = htons(ARPOP_REQUEST);
	memcpy(arp->arp_sha, peer_mac, 6);
	inet_pton(AF_INET, PEER4, arp->arp_spa);
	memset(arp->arp_tha, 0, 6);
	inet_pton(AF_INET, TAP_A4, arp->arp_tpa);
	return sizeof(*eh) + sizeof(*arp);
}

static bool is_arp_reply(const uint8_t *f, size_t n)
{
	const struct ether_header *eh = (const struct ether_header *)f;
	const struct ether_arp *arp = (const struct ether_arp *)(eh + 1);

	return n >= sizeof(*eh) + sizeof(*arp) &&
	       eh->ether_type == htons(ETHERTYPE_ARP) &&
	       arp->arp_op == htons(ARPOP_REPLY) &&
	       !memcmp(eh->ether_dhost, peer_mac, 6);
}

/* Read frames until an ARP reply for the peer comes, skipping others. */
static ssize_t read_arp_reply(int fd, uint8_t *buf, size_t skip)
{
	for (int i = 0; i < 50; i++) {
		ssize_t n = tt_read_timeout(fd, buf, 2048, 3000);

		if (n < 0)
			return n;
		if ((size_t)n > skip && is_arp_reply(buf + skip, n - skip))
			return n;
	}
	errno = ENOMSG;
	return -1;
}

static void tap_clone_open_creates_ethernet_unit(void)
{
	struct tapinfo ti;
	uint8_t mac[6];
	char name[IFNAMSIZ];
	int fd = tap_ready("/dev/tap", name);

	CHECK(!strncmp(name, "tap", 3));
	CHECK(tt_path_exists("/dev/tap"));
	CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/type", name), 1);
	read_mac(name, mac);
	CHECK(mac[0] & 0x02);		/* locally administered */
	CHECK(!(mac[0] & 0x01));	/* unicast */
	CHECK_OK(ioctl(fd, TAPGIFINFO, &ti));
	CHECK_EQ(ti.type, IFT_ETHER);
	CHECK_EQ(ti.mtu, 1500);
	ti.type = IFT_PPP;
	CHECK_ERR(ioctl(fd, TAPSIFINFO, &ti), EPROTOTYPE);
	close(fd);
	CHECK(!tt_if_exists(name));
}

static void vmnet_clone_open_creates_ethernet_unit(void)
{
	char name[IFNAMSIZ], path[64];
	int fd = tap_ready("/dev/vmnet", name);

	CHECK(!strncmp(name, "vmnet", 5));
	snprintf(path, sizeof(path), "/dev/%s", name);
	CHECK(tt_path_exists(path));
	CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/type", name), 1);
	close(fd);
	CHECK(!tt_if_exists(name));
}

static void tap_arp_request_gets_whole_reply_frame(void)
{
	uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t frame[128], buf[2048], mac[6];
	char name[IFNAMSIZ];
	int fd = tap_ready("/dev/tap", name);
	size_t len = arp_request(frame, bcast);

	read_mac(name, mac);
	CHECK_EQ(write(fd, frame, len), len);
	CHECK(read_arp_reply(fd, buf, 0) >= 42);
	CHECK(!memcmp(buf + 6, mac, 6));	/* from the tap's MAC */
	close(fd);
}

/*
 * FIONREAD is the frame's length without the virtio-net header, as on
 * FreeBSD, where read() adds the header: read returns 10 bytes more.
 */
static void tap_fionread_leaves_out_vnet_header(void)
{
	uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t frame[128] = { 0 }, buf[70000];
	char name[IFNAMSIZ];
	int fd = tap_ready("/dev/tap", name), v = 10, n = -1;
	size_t len = arp_request(frame + 10, bcast);

	CHECK_OK(ioctl(fd, TAPSVNETHDR, &v));
	tt_drain(fd);
	CHECK_EQ(write(fd, frame, 10 + len), 10 + len);
	CHECK(tt_readable(fd, 3000));
	CHECK_OK(ioctl(fd, FIONREAD, &n));
	CHECK(n >= 42);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 10 + n);
	close(fd);
}

/*
 * Close takes a tap down and drops its addresses; a VLAN stacked on it
 * keeps its MTU (once, the addresses went through an MTU of 0, which a
 * VLAN followed and never came back from).
 */
static void tap_close_leaves_stacked_vlan_alone(void)
{
	char name[IFNAMSIZ];
	int zero = 0, fd = tap_ready("/dev/tap", name);

	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &zero));
	tt_sh_quiet("ip link del ttvlan7");
	CHECK_EQ(tt_sh("ip link add link %s name ttvlan7 type vlan id 7", name), 0);
	close(fd);
	CHECK_EQ(tt_sysfs_long("/sys/class/net/ttvlan7/mtu"), 1500);
	CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/mtu", name), 1500);
	CHECK(tt_sh_quiet("ip addr show dev %s | grep -q 'inet '", name) != 0);
	CHECK_EQ(tt_sh("ip link del ttvlan7 && ip link del %s", name), 0);
}

static void tap_runt_and_foreign_unicast_dropped_and_counted(void)
{
	uint8_t other[6] = { 0x02, 0, 0, 0, 0, 0x99 };
	uint8_t frame[128] = { 0 };
	char name[IFNAMSIZ];
	int fd = tap_ready("/dev/tap", name);
	long rx = tt_stat(name, "rx_packets"), drop = tt_stat(name, "rx_dropped");
	size_t len;

	CHECK_EQ(write(fd, frame, 13), 13);		/* runt: silent */
	CHECK_EQ(tt_stat(name, "rx_dropped"), drop + 1);
	len = arp_request(frame, other);
	CHECK_EQ(write(fd, frame, len), len);		/* not for us */
	CHECK_EQ(tt_stat(name, "rx_dropped"), drop + 2);
	CHECK_EQ(tt_stat(name, "rx_packets"), rx);
	CHECK_EQ(tt_sh("ip link set %s promisc on", name), 0);
	CHECK_EQ(write(fd, frame, len), len);		/* now taken */
	CHECK_EQ(tt_stat(name, "rx_packets"), rx + 1);
	CHECK_EQ(tt_sh_quiet("ethtool -S %s | grep -q 'rx_dropped_filtered: 2'",
			     name), 0);
	close(fd);
}

static void tap_multicast_and_broadcast_pass(void)
{
	uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t frame[128];
	char name[IFNAMSIZ];
	int fd = tap_ready("/dev/tap", name);
	long rx = tt_stat(name, "rx_packets");
	size_t len = arp_request(frame, mcast);

	CHECK_EQ(write(fd, frame, len), len);
	len = arp_request(frame, bcast);
	CHECK_EQ(write(fd, frame, len), len);
	CHECK_EQ(tt_stat(name, "rx_packets"), rx + 2);
	close(fd);
}

static void tap_siocgifaddr_siocsifaddr_remote_mac(void)
{
	uint8_t mac[6], got[6], set[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	char name[IFNAMSIZ];
	int fd = tap_ready("/dev/tap", name);

	read_mac(name, mac);
	CHECK_OK(ioctl(fd, SIOCGIFADDR, got));
	CHECK(!memcmp(got, mac, 6));		/* starts as our own */
	CHECK_OK(ioctl(fd, SIOCSIFADDR, set));
	CHECK_OK(ioctl(fd, SIOCGIFADDR, got));
	CHECK(!memcmp(got, set, 6));
	read_mac(name, got);
	CHECK(!memcmp(got, mac, 6));		/* the interface's is unchanged */
	close(fd);
}

static void vmio_siocsifflags_sets_flags_and_up(void)
{
	char name[IFNAMSIZ];
	int one = 1, fd = tt_open_unit("/dev/vmnet", name);
	long flags;

	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	CHECK_OK(ioctl(fd, VMIO_SIOCSIFFLAGS, IFF_NOARP | IFF_PROMISC));
	flags = tt_sysfs_long("/sys/class/net/%s/flags", name);
	CHECK(flags & IFF_UP);			/* forced */
	CHECK(flags & IFF_NOARP);
	CHECK(flags & IFF_MULTICAST);		/* outside the mask: kept */
	CHECK(flags & IFF_BROADCAST);		/* cannot change: kept */
	CHECK(!(flags & IFF_PROMISC));		/* FreeBSD's IFF_CANTCHANGE */
	CHECK_EQ(tt_sh("ip link set %s promisc on allmulticast on", name), 0);
	CHECK_OK(ioctl(fd, VMIO_SIOCSIFFLAGS, 0));
	flags = tt_sysfs_long("/sys/class/net/%s/flags", name);
	CHECK(flags & IFF_UP);
	CHECK(!(flags & IFF_NOARP));
	CHECK(flags & IFF_PROMISC);		/* as ip link left it */
	CHECK(flags & IFF_ALLMULTI);
	close(fd);
}

static void tapsvnethdr_accepts_0_10_12_only(void)
{
	char name[IFNAMSIZ], node[64];
	int fd = tap_ready("/dev/tap", name), v, got;
	int bad[] = { -1, 1, 4, 8, 11, 13, 20, 1 << 20 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_ERR(ioctl(fd, TAPSVNETHDR, &bad[i]), EINVAL);
	for (v = 0; v <= 12; v += 2) {
		if (v != 0 && v != 10 && v != 12)
			continue;
		CHECK_OK(ioctl(fd, TAPSVNETHDR, &v));
		CHECK_OK(ioctl(fd, TAPGVNETHDR, &got));
		CHECK_EQ(got, v);
	}
	/* Close forgets the header: the next opener starts without. */
	v = 0;
	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &v));
	close(fd);
	snprintf(node, sizeof(node), "/dev/%s", name);
	fd = tt_open_unit(node, NULL);
	CHECK_OK(ioctl(fd, TAPGVNETHDR, &got));
	CHECK_EQ(got, 0);
	CHECK(tt_sh_quiet("ethtool -k %s | grep -q '^tcp-segmentation-offload: on'",
			  name) != 0);
	close(fd);
	CHECK_EQ(tt_sh("ip link del %s", name), 0);
}

static void tapsvnethdr_switches_offloads(void)
{
	char name[IFNAMSIZ];
	int fd = tap_ready("/dev/tap", name), v = 10;

	CHECK(tt_sh_quiet("ethtool -k %s | grep -q '^tcp-segmentation-offload: on'",
			  name) != 0);
	CHECK_OK(ioctl(fd, TAPSVNETHDR, &v));
	CHECK_EQ(tt_sh_quiet("ethtool -k %s | grep -q '^tcp-segmentation-offload: on'",
			     name), 0);
	CHECK_EQ(tt_sh_quiet("ethtool -k %s | grep -q '^tx-checksumming: on'",
			     name), 0);
	v = 0;
	CHECK_OK(ioctl(fd, TAPSVNETHDR, &v));
	CHECK(tt_sh_quiet("ethtool -k %s | grep -q '^tcp-segmentation-offload: on'",
			  name) != 0);
	close(fd);
}

static void tap_vnet_header_frames_both_ways(void)
{
	uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t frame[256], buf[2048];
	struct virtio_net_hdr_mrg_rxbuf hdr = { .num_buffers = 7 };
	char name[IFNAMSIZ];
	int fd = tap_ready("/dev/tap", name), v = 12;
	size_t len;

	CHECK_OK(ioctl(fd, TAPSVNETHDR, &v));
	memcpy(frame, &hdr, 12);
	len = arp_request(frame + 12, bcast) + 12;
	CHECK_EQ(write(fd, frame, len), len);
	CHECK(read_arp_reply(fd, buf, 12) > 12);
	memcpy(&hdr, buf, 12);
	CHECK_EQ(hdr.hdr.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	CHECK_EQ(hdr.num_buffers, 0);
	/* Shorter than its header: EINVAL; the MRU counts the header. */
	CHECK_ERR(write(fd, frame, 11), EINVAL);
	{
		static uint8_t big[TAPMRU + 16];

		CHECK_EQ(write(fd, big, TAPMRU + 12), TAPMRU + 12);
		CHECK_ERR(write(fd, big, TAPMRU + 13), EIO);
	}
	/* A header the stack rejects: a checksum to fill in past the end. */
	hdr.hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	hdr.hdr.csum_start = 1000;
	hdr.hdr.csum_offset = 6;
	memcpy(frame, &hdr, 12);
	CHECK_ERR(write(fd, frame, len), EINVAL);
	close(fd);
}

static void tap_close_drops_addresses_unless_link0(void)
{
	char name[IFNAMSIZ], path[64], attr[128];
	int zero = 0, fd = tap_ready("/dev/tap", name);

	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &zero));
	close(fd);
	CHECK(tt_sh_quiet("ip addr show dev %s | grep -q 'inet '", name) != 0);
	CHECK(tt_sh_quiet("ip link show %s | grep -q '[<,]UP[,>]'", name) != 0);

	snprintf(attr, sizeof(attr), "/sys/class/net/%s/tuntap/link0", name);
	tt_sysfs_write(attr, "1");
	snprintf(path, sizeof(path), "/dev/%s", name);
	fd = tt_open_unit(path, NULL);
	CHECK_EQ(tt_sh("ip addr add " TAP_A4 "/24 dev %s && ip link set %s up",
		       name, name), 0);
	close(fd);
	CHECK_EQ(tt_sh_quiet("ip addr show dev %s | grep -q 'inet '", name), 0);
	CHECK_EQ(tt_sh_quiet("ip link show %s | grep -q '[<,]UP[,>]'", name), 0);
	CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/carrier", name), 0);
	CHECK_EQ(tt_sh("ip link del %s", name), 0);
}

static void vmnet_close_keeps_addresses_and_queues_frames(void)
{
	char name[IFNAMSIZ], path[64];
	uint8_t buf[2048];
	int zero = 0, fd = tap_ready("/dev/vmnet", name), n = 0;

	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &zero));
	close(fd);
	CHECK_EQ(tt_sh_quiet("ip addr show dev %s | grep -q 'inet " TAP_A4 "'",
			     name), 0);
	CHECK_EQ(tt_sh_quiet("ip link show %s | grep -q '[<,]UP[,>]'", name), 0);
	CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/carrier", name), 1);
	/* Sent while closed: kept for the next open, as FreeBSD does. */
	CHECK_EQ(tt_sh("ip neigh replace " PEER4 " lladdr 02:00:5e:00:00:02 "
		       "dev %s", name), 0);
	CHECK_EQ(tt_sh("ping -c 3 -i 0.2 -W 1 " PEER4 " >/dev/null"), 1);
	snprintf(path, sizeof(path), "/dev/%s", name);
	fd = tt_open_unit(path, NULL);
	CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/carrier", name), 1);
	tt_set_nonblock(fd);
	while (read(fd, buf, sizeof(buf)) > 0)
		n++;
	CHECK(n >= 3);
	close(fd);
	CHECK_EQ(tt_sh("ip link del %s", name), 0);
}

static void tap_user_open_allows_unprivileged_open(void)
{
	pid_t pid;
	int st;

	tt_sysfs_write(PARAMS "tap_user_open", "0");
	pid = fork();
	if (pid == 0) {
		tt_drop_cap(CAP_NET_ADMIN);
		CHECK_ERR(open("/dev/tap", O_RDWR), EPERM);
		CHECK_ERR(open("/dev/vmnet", O_RDWR), EPERM);
		tt_sysfs_write(PARAMS "tap_user_open", "1");
		int fd = tt_open_unit("/dev/tap", NULL), one = 1;

		CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
		/* The MTU is SIOCSIFMTU's to change, which needs privilege. */
		struct tuninfo ti;

		CHECK_OK(ioctl(fd, TAPGIFINFO, &ti));
		ti.baudrate = 1234;
		CHECK_OK(ioctl(fd, TAPSIFINFO, &ti));	/* same MTU */
		ti.mtu = 1400;
		CHECK_ERR(ioctl(fd, TAPSIFINFO, &ti), EPERM);
		CHECK_OK(ioctl(fd, TAPGIFINFO, &ti));
		CHECK_EQ(ti.mtu, 1500);
		CHECK_EQ(ti.baudrate, 1234);
		close(fd);
		CHECK_ERR(open("/dev/tun", O_RDWR), EPERM);	/* tun: never */
		exit(0);
	}
	waitpid(pid, &st, 0);
	tt_sysfs_write(PARAMS "tap_user_open", "0");
	CHECK_EQ(st, 0);
}

static void tap_up_on_open_brings_interface_up(void)
{
	char name[IFNAMSIZ];
	int one = 1, fd;
	long flags;

	tt_sysfs_write(PARAMS "tap_up_on_open", "1");
	fd = tt_open_unit("/dev/tap", name);
	tt_sysfs_write(PARAMS "tap_up_on_open", "0");
	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	flags = tt_sysfs_long("/sys/class/net/%s/flags", name);
	CHECK(flags & IFF_UP);
	close(fd);
	fd = tt_open_unit("/dev/tap", name);
	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	flags = tt_sysfs_long("/sys/class/net/%s/flags", name);
	CHECK(!(flags & IFF_UP));
	close(fd);
}

static void tap_devfs_cloning_disabled_is_enoent(void)
{
	tt_sysfs_write(PARAMS "tap_devfs_cloning", "0");
	errno = 0;
	int a = open("/dev/tap", O_RDWR), ea = errno;
	int b = open("/dev/vmnet", O_RDWR), eb = errno;

	tt_sysfs_write(PARAMS "tap_devfs_cloning", "1");
	CHECK_EQ(a, -1);
	CHECK_EQ(ea, ENOENT);
	CHECK_EQ(b, -1);
	CHECK_EQ(eb, ENOENT);
}

static void tap_link_state_and_ethtool(void)
{
	char name[IFNAMSIZ];
	int zero = 0, fd = tap_ready("/dev/tap", name);

	CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/carrier", name), 1);
	CHECK_EQ(tt_sh_quiet("ethtool %s | grep -q 'Link detected: yes'", name), 0);
	CHECK_EQ(tt_sh_quiet("ethtool -i %s | grep -q '^driver: if_tuntap'", name), 0);
	CHECK_EQ(tt_sh_quiet("ethtool -i %s | grep -q '^version: 1.0'", name), 0);
	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &zero));
	close(fd);
	CHECK_EQ(tt_sh_quiet("ethtool %s | grep -q 'Link detected: no'", name), 0);
	CHECK_EQ(tt_sh("ip link del %s", name), 0);
}

/* What tcpdump captures on the tap is what was written, byte for byte. */
static void tap_tcpdump_captures_written_frames(void)
{
	uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t frame[128], cap[4096];
	char name[IFNAMSIZ];
	int fd = tap_ready("/dev/tap", name);
	size_t len = arp_request(frame, bcast);
	ssize_t n = 0;

	unlink("/tmp/tap.pcap");
	CHECK_EQ(tt_sh("tcpdump -i %s -U -c 1 -w /tmp/tap.pcap arp "
		       "2>/tmp/tcpdump.err & "
		       "for i in $(seq 100); do grep -q listening /tmp/tcpdump.err "
		       "&& break; sleep 0.1; done", name), 0);
	CHECK_EQ(write(fd, frame, len), len);
	CHECK_EQ(tt_sh("for i in $(seq 100); do pgrep -x tcpdump >/dev/null || "
		       "break; sleep 0.1; done; ! pgrep -x tcpdump"), 0);
	int pf = CHECK_OK(open("/tmp/tap.pcap", O_RDONLY));

	n = read(pf, cap, sizeof(cap));
	close(pf);
	/* pcap: 24-byte file header, 16-byte record header, the frame. */
	CHECK_EQ(n, 24 + 16 + (ssize_t)len);
	CHECK(!memcmp(cap + 40, frame, len));
	close(fd);
}

/* An IPv6 UDP datagram from @src to @dst's port 5555 into @buf. */
static size_t udp6(uint8_t *buf, const char *src, const char *dst,
		   const void *payload, size_t len)
{
	struct ip6_hdr *ip6 = (struct ip6_hdr *)buf;
	uint8_t *udp = (uint8_t *)(ip6 + 1);
	size_t ulen = 8 + len;

	memset(buf, 0, sizeof(*ip6) + 8);
	ip6->ip6_flow = htonl(6u << 28);
	ip6->ip6_plen = htons(ulen);
	ip6->ip6_nxt = IPPROTO_UDP;
	ip6->ip6_hlim = 64;
	inet_pton(AF_INET6, src, &ip6->ip6_src);
	inet_pton(AF_INET6, dst, &ip6->ip6_dst);
	udp[0] = 1234 >> 8;
	udp[1] = 1234 & 0xff;
	udp[2] = 5555 >> 8;
	udp[3] = 5555 & 0xff;
	udp[4] = ulen >> 8;
	udp[5] = ulen;
	memcpy(udp + 8, payload, len);
	*(uint16_t *)(udp + 6) = tt_csum(udp, ulen,
					 tt_ip6_pseudo(ip6, ulen, IPPROTO_UDP));
	return sizeof(*ip6) + ulen;
}

/*
 * Writes a frame to the tap's own MAC whose UDP checksum is wrong; true
 * when the socket on the tap's address got the datagram anyway.
 */
static bool bad_checksum_delivered(int fd, const char *name, int s, bool v6)
{
	uint8_t frame[256], got[64], payload[32] = "trusted";
	struct ether_header *eh = (struct ether_header *)frame;
	size_t len, udp_off = ETH_HLEN + (v6 ? 40 : 20);

	read_mac(name, eh->ether_dhost);
	memcpy(eh->ether_shost, peer_mac, 6);
	eh->ether_type = htons(v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IP);
	if (v6)
		len = udp6(frame + ETH_HLEN, "fd00:78::2", "fd00:78::1",
			   payload, sizeof(payload));
	else
		len = tt_udp4(frame + ETH_HLEN, PEER4, TAP_A4, 1234, 5555,
			      payload, sizeof(payload));
	/* A wrong sum, and not 0, which means none over IPv4. */
	frame[udp_off + 6] ^= 0x5a;
	if (!frame[udp_off + 6] && !frame[udp_off + 7])
		frame[udp_off + 7] = 1;
	CHECK_EQ(write(fd, frame, ETH_HLEN + len), (ssize_t)(ETH_HLEN + len));
	if (!tt_readable(s, 1000))
		return false;
	CHECK_EQ(recv(s, got, sizeof(got), 0), (ssize_t)sizeof(payload));
	return true;
}

/*
 * FreeBSD's IFCAP_RXCSUM (ethtool's rx-checksumming): off, the stack
 * checks a written frame's UDP checksum, IPv4 and IPv6; on, it takes the
 * writer's word.
 */
static void tap_rx_checksumming_trusts_written_checksums(void)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_port = htons(5555) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(5555) };
	char name[IFNAMSIZ];
	int fd = tap_ready("/dev/tap", name), s4, s6;

	CHECK_EQ(tt_sh("ip addr add fd00:78::1/64 nodad dev %s", name), 0);
	inet_pton(AF_INET, TAP_A4, &a4.sin_addr);
	inet_pton(AF_INET6, "fd00:78::1", &a6.sin6_addr);
	s4 = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0));
	s6 = CHECK_OK(socket(AF_INET6, SOCK_DGRAM, 0));
	CHECK_OK(bind(s4, (struct sockaddr *)&a4, sizeof(a4)));
	CHECK_OK(bind(s6, (struct sockaddr *)&a6, sizeof(a6)));
	CHECK_EQ(tt_sh_quiet("ethtool -k %s | grep -q '^rx-checksumming: off'",
			     name), 0);
	CHECK(!bad_checksum_delivered(fd, name, s4, false));
	CHECK(!bad_checksum_delivered(fd, name, s6, true));
	CHECK_EQ(tt_sh("ethtool -K %s rx on", name), 0);
	CHECK_EQ(tt_sh_quiet("ethtool -k %s | grep -qx 'rx-checksumming: on'",
			     name), 0);
	CHECK(bad_checksum_delivered(fd, name, s4, false));
	CHECK(bad_checksum_delivered(fd, name, s6, true));
	CHECK_EQ(tt_sh("ethtool -K %s rx off", name), 0);
	CHECK(!bad_checksum_delivered(fd, name, s4, false));
	close(s4);
	close(s6);
	close(fd);
}

/*
 * A VLAN on a tap whose reader takes virtio-net headers keeps the tap's
 * offloads: a 3,000-byte TCP segment sent on the VLAN reaches the reader
 * whole, tagged, with its GSO and checksum fields; without the header,
 * the VLAN offers no checksum offload.
 */
static void tap_vlan_keeps_checksum_and_tso_offload(void)
{
	enum { DATA = 3000, VH = sizeof(struct virtio_net_hdr) };
	struct virtio_net_hdr vh = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
		.hdr_len = ETH_HLEN + 40,
		.gso_size = 1400,
		.csum_start = ETH_HLEN + 20,
		.csum_offset = 16,
	};
	static uint8_t out[VH + ETH_HLEN + 40 + DATA], in[70000];
	uint8_t *eth = out + VH, *tcp = eth + ETH_HLEN + 20;
	struct sockaddr_ll ll = { .sll_family = AF_PACKET };
	char name[IFNAMSIZ], vlan[IFNAMSIZ + 8];
	int fd = tap_ready("/dev/tap", name), ten = 10, zero = 0, one = 1, ps;
	bool whole = false;
	struct ip ip;
	ssize_t n;

	CHECK_OK(ioctl(fd, TAPSVNETHDR, &ten));
	snprintf(vlan, sizeof(vlan), "%.9s.7", name);
	CHECK_EQ(tt_sh("ip link add link %s name %s type vlan id 7 && "
		       "ip link set %s up", name, vlan, vlan), 0);
	CHECK_EQ(tt_sh_quiet("ethtool -k %s | grep -q '^tx-checksumming: on'",
			     vlan), 0);
	memcpy(out, &vh, VH);
	memcpy(eth, peer_mac, 6);
	read_mac(name, eth + 6);
	eth[12] = ETHERTYPE_IP >> 8;
	tt_ip4(&ip, IPPROTO_TCP, TAP_A4, PEER4, 20 + DATA);
	memcpy(eth + ETH_HLEN, &ip, 20);
	tcp[12] = 5 << 4;
	tcp[13] = 0x18;		/* PSH, ACK */
	ps = CHECK_OK(socket(AF_PACKET, SOCK_RAW, 0));
	CHECK_OK(setsockopt(ps, SOL_PACKET, PACKET_VNET_HDR, &one,
			    sizeof(one)));
	ll.sll_ifindex = if_nametoindex(vlan);
	ll.sll_protocol = htons(ETH_P_IP);
	tt_set_nonblock(fd);
	tt_drain(fd);
	CHECK_EQ(sendto(ps, out, sizeof(out), 0, (struct sockaddr *)&ll,
			sizeof(ll)), (ssize_t)sizeof(out));
	/* The first TCP frame read: the whole segment, tag in the data. */
	while (!whole && (n = tt_read_timeout(fd, in, sizeof(in), 3000)) > 0) {
		uint8_t *f = in + VH;

		if (f[12] != 0x81 || f[13] != 0x00 || f[27] != IPPROTO_TCP)
			continue;
		memcpy(&vh, in, VH);
		CHECK_EQ(n, (ssize_t)(VH + ETH_HLEN + 4 + 40 + DATA));
		CHECK_EQ(vh.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
		CHECK_EQ(vh.gso_size, 1400);
		CHECK(vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM);
		CHECK_EQ(vh.csum_start, ETH_HLEN + 4 + 20);
		CHECK_EQ(vh.csum_offset, 16);
		whole = true;
	}
	CHECK(whole);
	/* Header off: no offload on the tap, so none on its VLAN. */
	CHECK_OK(ioctl(fd, TAPSVNETHDR, &zero));
	CHECK_EQ(tt_sh_quiet("ethtool -k %s | grep -q '^tx-checksumming: off'",
			     vlan), 0);
	close(ps);
	CHECK_EQ(tt_sh("ip link del %s", vlan), 0);
	close(fd);
}

/*
 * VMware's requests other than VMIO_SIOCSIFFLAGS: FreeBSD's header names
 * them and its driver answers ENOTTY, on any unit, with any argument.
 */
static void vmware_requests_answer_enotty(void)
{
	static const unsigned long reqs[] = {
		VMIO_SIOCSKEEP, VMIO_SIOCSIFBR, VMIO_SIOCSLADRF,
		VMIO_SIOCSETMACADDR, VMIO_SIOCPORT, VMIO_SIOCBRIDGE,
		VMIO_SIOCSNETIF,
	};
	static const char *const nodes[] = { "/dev/tap", "/dev/vmnet", "/dev/tun" };
	char name[IFNAMSIZ];

	for (size_t n = 0; n < sizeof(nodes) / sizeof(nodes[0]); n++) {
		int fd = tt_open_unit(nodes[n], name);

		for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
			CHECK_ERR(ioctl(fd, reqs[i], 0), ENOTTY);
			CHECK_ERR(ioctl(fd, reqs[i], 1), ENOTTY);
		}
		close(fd);
		tt_sh_quiet("ip link del %s", name);
	}
}

static const struct tt_case cases[] = {
	{ "tap_clone_open_creates_ethernet_unit", tap_clone_open_creates_ethernet_unit },
	{ "vmnet_clone_open_creates_ethernet_unit", vmnet_clone_open_creates_ethernet_unit },
	{ "tap_arp_request_gets_whole_reply_frame", tap_arp_request_gets_whole_reply_frame },
	{ "tap_fionread_leaves_out_vnet_header", tap_fionread_leaves_out_vnet_header },
	{ "vmware_requests_answer_enotty", vmware_requests_answer_enotty },
	{ "tap_close_leaves_stacked_vlan_alone", tap_close_leaves_stacked_vlan_alone },
	{ "tap_runt_and_foreign_unicast_dropped_and_counted", tap_runt_and_foreign_unicast_dropped_and_counted },
	{ "tap_multicast_and_broadcast_pass", tap_multicast_and_broadcast_pass },
	{ "tap_siocgifaddr_siocsifaddr_remote_mac", tap_siocgifaddr_siocsifaddr_remote_mac },
	{ "vmio_siocsifflags_sets_flags_and_up", vmio_siocsifflags_sets_flags_and_up },
	{ "tapsvnethdr_accepts_0_10_12_only", tapsvnethdr_accepts_0_10_12_only },
	{ "tapsvnethdr_switches_offloads", tapsvnethdr_switches_offloads },
	{ "tap_vnet_header_frames_both_ways", tap_vnet_header_frames_both_ways },
	{ "tap_close_drops_addresses_unless_link0", tap_close_drops_addresses_unless_link0 },
	{ "vmnet_close_keeps_addresses_and_queues_frames", vmnet_close_keeps_addresses_and_queues_frames },
	{ "tap_user_open_allows_unprivileged_open", tap_user_open_allows_unprivileged_open },
	{ "tap_up_on_open_brings_interface_up", tap_up_on_open_brings_interface_up },
	{ "tap_devfs_cloning_disabled_is_enoent", tap_devfs_cloning_disabled_is_enoent },
	{ "tap_link_state_and_ethtool", tap_link_state_and_ethtool },
	{ "tap_tcpdump_captures_written_frames", tap_tcpdump_captures_written_frames },
	{ "tap_rx_checksumming_trusts_written_checksums", tap_rx_checksumming_trusts_written_checksums },
	{ "tap_vlan_keeps_checksum_and_tso_offload", tap_vlan_keeps_checksum_and_tso_offload },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return tt_run(cases, argc, argv);
}
