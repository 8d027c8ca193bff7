// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Security review cases that need the character device: a ring resized
 * while full of forwarded packets, what a tap_user_open file may change,
 * frames queued for a virtio-net header that the reader turned off, and
 * who may change a unit's offloads.
 * The namespace, limit and /dev cases are in tests/cases/security.sh.
 */
#include "tt.h"

#include <grp.h>
#include <sched.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/sockios.h>
#include <netinet/udp.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#define PARAMS "/sys/module/if_tuntap/parameters/"
#define FWD4 "10.82.0.2"	/* behind the second unit */

/*
 * Shrinking a ring full of forwarded packets (written ones: page-pool
 * memory) frees the overflow after unlocking and counts it; growing it
 * stops at the cap, whatever txqueuelen says.
 */
static void resize_full_ring_of_forwarded_packets(void)
{
	uint8_t pkt[128], buf[2048], payload[32] = { 0 };
	char a[IFNAMSIZ], b[IFNAMSIZ];
	int fa = tt_tun_ready(a, false), fb, one = 1, n = 0;
	long dropped;
	size_t len;

	fb = tt_open_unit("/dev/tun", b);
	CHECK_OK(ioctl(fb, TUNSTRANSIENT, &one));
	CHECK_EQ(tt_sh("ip addr add 10.82.0.1 peer " FWD4 " dev %s && "
		       "ip link set %s up && "
		       "sysctl -qw net.ipv4.conf.all.forwarding=1", b, b), 0);
	tt_set_nonblock(fb);
	tt_drain(fb);
	len = tt_udp4(pkt, TT_B4, FWD4, 4000, 4001, payload, sizeof(payload));
	dropped = tt_stat(b, "tx_dropped");
	for (int i = 0; i < 200; i++)
		CHECK_EQ(write(fa, pkt, len), (ssize_t)len);
	CHECK_EQ(tt_stat(b, "tx_dropped"), dropped);	/* all 200 queued */

	CHECK_EQ(tt_sh("ip link set %s txqueuelen 1", b), 0);
	CHECK_EQ(tt_stat(b, "tx_dropped"), dropped + 199);
	CHECK_EQ(tt_sh_quiet("ethtool -S %s | grep -q 'tx_dropped_purged: 199'",
			     b), 0);
	while (read(fb, buf, sizeof(buf)) > 0)
		n++;
	CHECK_EQ(n, 1);

	/* 30000 asked, 1024 kept: a full ring drops the rest. */
	CHECK_EQ(tt_sh("ip link set %s txqueuelen 30000", b), 0);
	CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/tx_queue_len", b), 30000);
	dropped = tt_stat(b, "tx_dropped");
	for (int i = 0; i < 1100; i++)
		CHECK_EQ(write(fa, pkt, len), (ssize_t)len);
	CHECK_EQ(tt_stat(b, "tx_dropped"), dropped + 1100 - 1024);
	for (n = 0; read(fb, buf, sizeof(buf)) > 0; n++)
		;
	CHECK_EQ(n, 1024);
	tt_sh("sysctl -qw net.ipv4.conf.all.forwarding=0");
	close(fb);
	close(fa);
}

static void become_nobody(void)
{
	CHECK_OK(setgroups(0, NULL));
	CHECK_OK(setgid(65534));
	CHECK_OK(setuid(65534));
}

/*
 * tap_user_open lets anyone open a tap; it does not let them bring an
 * admin's tap up, make it transient (so that closing destroys it), or
 * set the module's debug level.  Their own unit stays theirs to shape.
 */
static void tap_user_open_changes_nothing_for_others(void)
{
	int st, one = 1;
	pid_t pid;

	CHECK_EQ(tt_sh("ip link add tap4670 type bsdtap && "
		       "chmod 0666 /dev/tap4670 /dev/tap"), 0);
	tt_sysfs_write(PARAMS "tap_user_open", "1");
	pid = fork();
	if (pid == 0) {
		char name[IFNAMSIZ];
		int fd;

		become_nobody();
		fd = tt_open_unit("/dev/tap4670", NULL);
		CHECK_ERR(ioctl(fd, VMIO_SIOCSIFFLAGS, IFF_UP), EPERM);
		CHECK_ERR(ioctl(fd, TAPSTRANSIENT, &one), EPERM);
		CHECK_ERR(ioctl(fd, TAPSDEBUG, &one), EPERM);
		close(fd);
		fd = tt_open_unit("/dev/tap", name);
		CHECK_OK(ioctl(fd, TAPSTRANSIENT, &one));
		close(fd);
		CHECK(!tt_if_exists(name));
		exit(0);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	tt_sysfs_write(PARAMS "tap_user_open", "0");
	tt_sh("chmod 0600 /dev/tap");
	CHECK(tt_if_exists("tap4670"));
	CHECK_EQ(tt_sysfs_long("/sys/class/net/tap4670/flags") & IFF_UP, 0);
	CHECK_EQ(tt_sysfs_long(PARAMS "debug"), 0);
	CHECK_EQ(tt_sh("ip link del tap4670"), 0);
	CHECK_EQ(st, 0);
}

/*
 * A frame queued while the reader took a virtio-net header left its
 * checksum to the reader; read after the header is turned off, it comes
 * with the checksum done.
 */
static void vnet_header_off_finishes_checksums(void)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	uint8_t buf[2048], payload[100] = { 1, 2, 3 };
	int fd, s, ten = 10, zero = 0, one = 1;
	char name[IFNAMSIZ];
	bool seen = false;
	ssize_t n;

	fd = tt_open_unit("/dev/tap", name);
	CHECK_OK(ioctl(fd, TAPSTRANSIENT, &one));
	CHECK_OK(ioctl(fd, TAPSVNETHDR, &ten));
	CHECK_EQ(tt_sh("sysctl -qw net.ipv6.conf.%s.disable_ipv6=1 && "
		       "ip addr add 10.83.0.1/24 dev %s && ip link set %s up && "
		       "ip neigh add 10.83.0.2 lladdr 02:00:00:00:83:02 "
		       "nud permanent dev %s", name, name, name, name), 0);
	tt_set_nonblock(fd);
	tt_drain(fd);
	s = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0));
	inet_pton(AF_INET, "10.83.0.2", &to.sin_addr);
	CHECK_EQ(sendto(s, payload, sizeof(payload), 0, (struct sockaddr *)&to,
			sizeof(to)), (ssize_t)sizeof(payload));
	CHECK_OK(ioctl(fd, TAPSVNETHDR, &zero));
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		struct ip *ip = (struct ip *)(buf + ETH_HLEN);
		size_t ulen = 8 + sizeof(payload);

		if (n != (ssize_t)(ETH_HLEN + 20 + ulen) || ip->ip_p != IPPROTO_UDP)
			continue;
		CHECK_EQ(tt_csum(buf + ETH_HLEN + 20, ulen,
				 tt_ip4_pseudo(ip, ulen)), 0);
		seen = true;
	}
	CHECK(seen);
	close(s);
	close(fd);
}

/* ethtool's legacy get or set of one flag; the errno, or 0. */
static int ethtool_flag(const char *name, __u32 cmd, __u32 *data)
{
	struct ethtool_value v = { .cmd = cmd, .data = *data };
	struct ifreq ifr;
	int s = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0)), err = 0;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_data = (void *)&v;
	if (ioctl(s, SIOCETHTOOL, &ifr) < 0)
		err = errno;
	close(s);
	*data = v.data;
	return err;
}

/* The virtio-net header and every offload, on @fd: the opener's own. */
static void take_offloads(int fd)
{
	int twelve = 12, all = TUN_OFFLOAD_CSUM | TUN_OFFLOAD_TSO4 |
		TUN_OFFLOAD_TSO6, got = 0;

	CHECK_OK(ioctl(fd, TUNSVNETHDR, &twelve));
	CHECK_OK(ioctl(fd, TUNSOFFLOAD, &all));
	CHECK_OK(ioctl(fd, TUNGOFFLOAD, &got));
	CHECK_EQ(got, all);
}

/*
 * The header and the offloads a reader takes are its file's: any opener
 * may choose them, as with Linux's TUNSETOFFLOAD.  ethtool's changes are
 * the interface's, for its namespace's admin only: the admin of a user
 * namespace may turn receive checksumming on for the tap it made there,
 * and a plain user who opened the host's tap through tap_user_open may
 * not.
 */
static void offloads_are_the_openers_own(void)
{
	const char *clone = "/tmp/tt-sec-tapclone";
	struct stat st;
	__u32 on;
	pid_t pid;
	int status;

	CHECK_OK(stat("/dev/tap", &st));
	unlink(clone);
	CHECK_OK(mknod(clone, S_IFCHR | 0666, st.st_rdev));
	CHECK_OK(chmod(clone, 0666));
	pid = CHECK_OK(fork());
	if (pid == 0) {
		char name[IFNAMSIZ];
		int fd;

		become_nobody();
		CHECK_OK(unshare(CLONE_NEWUSER | CLONE_NEWNET));
		fd = tt_open_unit(clone, name);	/* a contained tap */
		take_offloads(fd);
		on = 1;
		CHECK_EQ(ethtool_flag(name, ETHTOOL_SRXCSUM, &on), 0);
		on = 0;
		CHECK_EQ(ethtool_flag(name, ETHTOOL_GRXCSUM, &on), 0);
		CHECK_EQ(on, 1);
		close(fd);
		exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_EQ(status, 0);
	unlink(clone);

	CHECK_EQ(tt_sh("ip link add tap4671 type bsdtap && "
		       "chmod 0666 /dev/tap4671"), 0);
	tt_sysfs_write(PARAMS "tap_user_open", "1");
	pid = CHECK_OK(fork());
	if (pid == 0) {
		int fd;

		become_nobody();
		fd = tt_open_unit("/dev/tap4671", NULL);
		take_offloads(fd);
		on = 1;
		CHECK_EQ(ethtool_flag("tap4671", ETHTOOL_SRXCSUM, &on), EPERM);
		CHECK_OK(unshare(CLONE_NEWUSER | CLONE_NEWNET));
		on = 1;		/* not even there: another namespace's */
		CHECK_EQ(ethtool_flag("tap4671", ETHTOOL_SRXCSUM, &on), ENODEV);
		close(fd);
		exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	tt_sysfs_write(PARAMS "tap_user_open", "0");
	on = 1;
	CHECK_EQ(ethtool_flag("tap4671", ETHTOOL_GRXCSUM, &on), 0);
	CHECK_EQ(on, 0);
	CHECK_EQ(tt_sh("ip link del tap4671"), 0);
	CHECK_EQ(status, 0);
}

static const struct tt_case cases[] = {
	{ "resize_full_ring_of_forwarded_packets", resize_full_ring_of_forwarded_packets },
	{ "tap_user_open_changes_nothing_for_others", tap_user_open_changes_nothing_for_others },
	{ "vnet_header_off_finishes_checksums", vnet_header_off_finishes_checksums },
	{ "offloads_are_the_openers_own", offloads_are_the_openers_own },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return tt_run(cases, argc, argv);
}
