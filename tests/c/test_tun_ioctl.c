// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * tun(4) requests (SPEC section 2) and who may open (section 3): one case
 * per row, each asserting the exact result or errno.
 */
#include "tt.h"

#include <arpa/inet.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#define PARAMS "/sys/module/if_tuntap/parameters/"

static void tunsdebug_tungdebug_roundtrip(void)
{
	char name[IFNAMSIZ];
	int fd = tt_tun_ready(name, false), v = 3, got = -1;

	CHECK_OK(ioctl(fd, TUNSDEBUG, &v));
	CHECK_OK(ioctl(fd, TUNGDEBUG, &got));
	CHECK_EQ(got, 3);
	CHECK_EQ(tt_sysfs_long(PARAMS "debug"), 3);
	v = 0;
	CHECK_OK(ioctl(fd, TUNSDEBUG, &v));
	CHECK_EQ(tt_sysfs_long(PARAMS "debug"), 0);
	close(fd);
}

static void tungifinfo_reports_ppp_type_and_mtu(void)
{
	struct tuninfo ti;
	char name[IFNAMSIZ];
	int fd = tt_tun_ready(name, false);

	memset(&ti, 0xff, sizeof(ti));
	CHECK_OK(ioctl(fd, TUNGIFINFO, &ti));
	CHECK_EQ(ti.type, IFT_PPP);
	CHECK_EQ(ti.mtu, TUNMTU);
	CHECK_EQ(ti.baudrate, 0);
	close(fd);
}

static void tunsifinfo_sets_mtu_and_baudrate(void)
{
	struct tuninfo ti = { .baudrate = 9600, .mtu = 1400, .type = IFT_PPP };
	char name[IFNAMSIZ];
	int fd = tt_tun_ready(name, false);

	CHECK_OK(ioctl(fd, TUNSIFINFO, &ti));
	CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/mtu", name), 1400);
	memset(&ti, 0, sizeof(ti));
	CHECK_OK(ioctl(fd, TUNGIFINFO, &ti));
	CHECK_EQ(ti.mtu, 1400);
	CHECK_EQ(ti.baudrate, 9600);
	close(fd);
}

static void tunsifinfo_wrong_type_is_eprototype(void)
{
	struct tuninfo ti = { .mtu = 1280, .type = IFT_ETHER };
	char name[IFNAMSIZ];
	int fd = tt_tun_ready(name, false);

	CHECK_ERR(ioctl(fd, TUNSIFINFO, &ti), EPROTOTYPE);
	CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/mtu", name), TUNMTU);
	close(fd);
}

static void tunsifinfo_refused_mtu_returns_stack_error(void)
{
	struct tuninfo ti = { .mtu = 10, .type = IFT_PPP };
	char name[IFNAMSIZ];
	int fd = tt_tun_ready(name, false);

	CHECK_ERR(ioctl(fd, TUNSIFINFO, &ti), EINVAL);
	CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/mtu", name), TUNMTU);
	close(fd);
}

/* Send one echo request in and read the reply with @prefix bytes ahead. */
static void echo_with_prefix(int fd, uint8_t *buf, size_t prefix, bool ifhead)
{
	uint32_t af = htonl(AF_INET);
	uint8_t pkt[128];
	size_t len, hl = ifhead ? 4 : 0;

	memcpy(pkt, &af, 4);
	len = tt_icmp4_echo(pkt + hl, TT_B4, TT_A4, 5, 5, 8);
	tt_drain(fd);
	CHECK_EQ(write(fd, pkt, hl + len), hl + len);
	CHECK_EQ(tt_read_timeout(fd, buf, 2048, 3000), prefix + len);
}

static void tunslmode_prefixes_destination_sockaddr(void)
{
	uint8_t buf[2048];
	struct sockaddr_in sin;
	char name[IFNAMSIZ];
	int fd = tt_tun_ready(name, false), one = 1, v = -1;

	CHECK_OK(ioctl(fd, TUNSIFHEAD, &one));
	CHECK_OK(ioctl(fd, TUNSLMODE, &one));
	CHECK_OK(ioctl(fd, TUNGIFHEAD, &v));
	CHECK_EQ(v, 0);		/* LMODE clears IFHEAD */
	echo_with_prefix(fd, buf, sizeof(sin), false);
	memcpy(&sin, buf, sizeof(sin));
	CHECK_EQ(sin.sin_family, AF_INET);
	CHECK_EQ(sin.sin_addr.s_addr, inet_addr(TT_B4));
	CHECK_EQ(buf[sizeof(sin)], 0x45);
	close(fd);
}

/*
 * TUNSLMODE's sockaddr is the next hop the route chose, as FreeBSD hands
 * its output routine the gateway: a packet routed via the peer carries the
 * peer's address, not its own destination.
 */
static void tunslmode_reports_next_hop_of_gateway_route(void)
{
	struct sockaddr_in sin, to = { .sin_family = AF_INET, .sin_port = htons(9) };
	uint8_t buf[2048];
	char name[IFNAMSIZ];
	int fd = tt_tun_ready(name, false), one = 1, s;
	struct ip *ip = (struct ip *)(buf + sizeof(sin));

	CHECK_OK(ioctl(fd, TUNSLMODE, &one));
	CHECK_EQ(tt_sh("ip route add 198.51.100.0/24 via " TT_B4 " dev %s",
		       name), 0);
	tt_drain(fd);
	s = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0));
	inet_pton(AF_INET, "198.51.100.5", &to.sin_addr);
	CHECK_EQ(sendto(s, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)), 1);
	CHECK_EQ(tt_read_timeout(fd, buf, sizeof(buf), 3000), sizeof(sin) + 29);
	memcpy(&sin, buf, sizeof(sin));
	CHECK_EQ(sin.sin_family, AF_INET);
	CHECK_EQ(sin.sin_addr.s_addr, inet_addr(TT_B4));
	CHECK_EQ(ip->ip_dst.s_addr, inet_addr("198.51.100.5"));
	close(s);
	close(fd);
}

/*
 * A packet keeps the framing of the modes in force when it was queued, as
 * on FreeBSD, however the modes change before it is read.
 */
static void queued_packets_keep_their_framing(void)
{
	uint8_t pkt[128], buf[2048];
	char name[IFNAMSIZ];
	int fd = tt_tun_ready(name, false), one = 1, zero = 0, n;
	size_t len = tt_icmp4_echo(pkt, TT_B4, TT_A4, 9, 9, 8);
	uint32_t af;

	/* No IPv6 chatter: with IFHEAD on it would queue between ours. */
	CHECK_EQ(tt_sh("echo 1 > /proc/sys/net/ipv6/conf/%s/disable_ipv6",
		       name), 0);
	tt_drain(fd);
	CHECK_EQ(write(fd, pkt, len), len);	/* reply queued plain */
	CHECK(tt_readable(fd, 3000));
	CHECK_OK(ioctl(fd, TUNSIFHEAD, &one));
	CHECK_OK(ioctl(fd, FIONREAD, &n));
	CHECK_EQ(n, len);
	CHECK_EQ(read(fd, buf, sizeof(buf)), len);
	CHECK_EQ(buf[0], 0x45);
	af = htonl(AF_INET);			/* now written with IFHEAD */
	memmove(pkt + 4, pkt, len);
	memcpy(pkt, &af, 4);
	CHECK_EQ(write(fd, pkt, len + 4), len + 4);	/* reply: IFHEAD */
	CHECK(tt_readable(fd, 3000));
	CHECK_OK(ioctl(fd, TUNSLMODE, &one));
	CHECK_OK(ioctl(fd, FIONREAD, &n));
	CHECK_EQ(n, len + 4);
	CHECK_EQ(read(fd, buf, sizeof(buf)), len + 4);
	memcpy(&af, buf, 4);
	CHECK_EQ(ntohl(af), AF_INET);
	CHECK_OK(ioctl(fd, TUNSLMODE, &zero));
	close(fd);
}

/* FIONREAD counts what the next read returns, header included. */
static void fionread_counts_read_header(void)
{
	static const struct { int req; size_t prefix; } modes[] = {
		{ 0, 0 },
		{ TUNSIFHEAD, 4 },
		{ TUNSLMODE, sizeof(struct sockaddr_in) },
	};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		uint8_t pkt[128], buf[2048];
		uint32_t af = htonl(AF_INET);
		char name[IFNAMSIZ];
		int fd = tt_tun_ready(name, false), one = 1, n = -1;
		size_t hl = modes[i].req == TUNSIFHEAD ? 4 : 0, len;

		if (modes[i].req)
			CHECK_OK(ioctl(fd, modes[i].req, &one));
		memcpy(pkt, &af, 4);
		len = tt_icmp4_echo(pkt + hl, TT_B4, TT_A4, 6, 6, 8);
		tt_drain(fd);
		CHECK_EQ(write(fd, pkt, hl + len), hl + len);
		CHECK(tt_readable(fd, 3000));
		CHECK_OK(ioctl(fd, FIONREAD, &n));
		CHECK_EQ(n, modes[i].prefix + len);
		CHECK_EQ(read(fd, buf, sizeof(buf)), n);
		close(fd);
	}
}

static void tunsifhead_clears_lmode(void)
{
	uint8_t buf[2048];
	uint32_t af;
	char name[IFNAMSIZ];
	int fd = tt_tun_ready(name, false), one = 1, v = -1;

	CHECK_OK(ioctl(fd, TUNSLMODE, &one));
	CHECK_OK(ioctl(fd, TUNSIFHEAD, &one));
	CHECK_OK(ioctl(fd, TUNGIFHEAD, &v));
	CHECK_EQ(v, 1);
	echo_with_prefix(fd, buf, 4, true);
	memcpy(&af, buf, 4);
	CHECK_EQ(ntohl(af), AF_INET);
	close(fd);
}

/* Up refuses before the value is looked at, as on FreeBSD. */
static void tunsifmode_busy_while_up(void)
{
	char name[IFNAMSIZ];
	int fd = tt_tun_ready(name, false), mode = IFF_BROADCAST, bad = IFF_NOARP;

	CHECK_ERR(ioctl(fd, TUNSIFMODE, &mode), EBUSY);
	CHECK_ERR(ioctl(fd, TUNSIFMODE, &bad), EBUSY);
	CHECK(tt_sysfs_long("/sys/class/net/%s/flags", name) & IFF_POINTOPOINT);
	close(fd);
}

static void tunsifmode_switches_broadcast_and_back(void)
{
	char name[IFNAMSIZ];
	int fd = tt_open_unit("/dev/tun", name), one = 1;
	int mode = IFF_BROADCAST | IFF_MULTICAST;
	long flags;

	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	CHECK_OK(ioctl(fd, TUNSIFMODE, &mode));
	flags = tt_sysfs_long("/sys/class/net/%s/flags", name);
	CHECK(flags & IFF_BROADCAST);
	CHECK(!(flags & IFF_POINTOPOINT));
	CHECK_EQ(tt_sh_quiet("ip link show %s | grep -q BROADCAST", name), 0);
	mode = IFF_POINTOPOINT;
	CHECK_OK(ioctl(fd, TUNSIFMODE, &mode));
	flags = tt_sysfs_long("/sys/class/net/%s/flags", name);
	CHECK(flags & IFF_POINTOPOINT);
	CHECK(!(flags & (IFF_BROADCAST | IFF_MULTICAST)));
	close(fd);
}

static void tunsifmode_other_values_einval(void)
{
	char name[IFNAMSIZ];
	int fd = tt_open_unit("/dev/tun", name), one = 1;
	int bad[] = { 0, IFF_NOARP, IFF_BROADCAST | IFF_POINTOPOINT, -1 };

	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_ERR(ioctl(fd, TUNSIFMODE, &bad[i]), EINVAL);
	close(fd);
}

static void tunsifpid_records_caller(void)
{
	char name[IFNAMSIZ];
	int fd = tt_tun_ready(name, false);
	pid_t pid;
	int st;

	CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/tuntap/owner", name),
		 getpid());
	pid = fork();
	if (pid == 0) {
		CHECK_OK(ioctl(fd, TUNSIFPID));
		_exit(0);
	}
	waitpid(pid, &st, 0);
	CHECK_EQ(st, 0);
	CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/tuntap/owner", name), pid);
	/* Close forgets it, and the close by a non-owner is logged. */
	st = 0;
	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &st));
	close(fd);
	CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/tuntap/owner", name), 0);
	CHECK_EQ(tt_sh_quiet("dmesg | grep -q '%s: closed by pid %d, not by its owner'",
			     name, getpid()), 0);
	CHECK_EQ(tt_sh("ip link del %s", name), 0);
}

/*
 * TUNGIFNAME follows a rename; the unit keeps its node, and the new name
 * gets none: an interface name is no path for /dev (FreeBSD's devfs makes
 * an alias, which here would let CAP_NET_ADMIN plant nodes in /dev).
 */
static void tungifname_follows_rename_without_new_node(void)
{
	struct ifreq ifr;
	char name[IFNAMSIZ], path[64];
	int fd = tt_tun_ready(name, false);

	snprintf(path, sizeof(path), "/dev/%s", name);
	CHECK_EQ(tt_sh("ip link set %s down && ip link set %s name vpntt0",
		       name, name), 0);
	CHECK_OK(ioctl(fd, TUNGIFNAME, &ifr));
	CHECK(!strcmp(ifr.ifr_name, "vpntt0"));
	CHECK(tt_path_exists(path));		/* the unit node stays */
	CHECK(!tt_path_exists("/dev/vpntt0"));
	CHECK_ERR(open(path, O_RDWR), EBUSY);	/* and still names the unit */
	CHECK_EQ(tt_sh("ip link set vpntt0 name tap"), 0);
	CHECK_OK(ioctl(fd, TUNGIFNAME, &ifr));
	CHECK(!strcmp(ifr.ifr_name, "tap"));
	CHECK_EQ(tt_sh("ip link set tap name vpntt1"), 0);
	close(fd);	/* transient: everything goes */
	CHECK(!tt_path_exists("/dev/vpntt1"));
	CHECK(tt_unit_node_gone(name));
}

/*
 * A unit's name is never an alias: the unit of that number, made here or
 * in another namespace, must get its own node (and sysfs no duplicate).
 */
static void rename_to_a_unit_name_makes_no_alias(void)
{
	char name[IFNAMSIZ], path[64];
	int fd = tt_tun_ready(name, false);
	struct stat st;

	snprintf(path, sizeof(path), "/dev/%s", name);
	CHECK_EQ(tt_sh("ip link set %s down && ip link set %s name tun7100",
		       name, name), 0);
	CHECK(!tt_path_exists("/dev/tun7100"));
	CHECK_EQ(tt_sh("ip link set tun7100 name tap7101"), 0);
	CHECK(!tt_path_exists("/dev/tap7101"));
	CHECK_EQ(tt_sh("ip link set tap7101 name tun7100"), 0);
	CHECK_EQ(tt_sh("ip netns add ttalias && "
		       "ip -n ttalias link add tun7100 type bsdtun"), 0);
	CHECK_OK(stat("/dev/tun7100", &st));
	CHECK_EQ(minor(st.st_rdev), 7100);
	CHECK_EQ(tt_sh("ip -n ttalias link del tun7100 && "
		       "ip netns del ttalias"), 0);
	CHECK(!tt_path_exists("/dev/tun7100"));
	CHECK(tt_path_exists(path));
	close(fd);
	CHECK(tt_unit_node_gone(name));
}

static volatile sig_atomic_t sigio_seen;

static void on_sigio(int sig)
{
	(void)sig;
	sigio_seen = 1;
}

static void fioasync_signals_fiosetown_owner(void)
{
	uint8_t pkt[128];
	char name[IFNAMSIZ];
	int fd = tt_tun_ready(name, false), one = 1, owner = 0;
	size_t len = tt_icmp4_echo(pkt, TT_B4, TT_A4, 6, 6, 8);

	signal(SIGIO, on_sigio);
	CHECK_OK(ioctl(fd, FIOSETOWN, &(int){ getpid() }));
	CHECK_OK(ioctl(fd, FIOGETOWN, &owner));
	CHECK_EQ(owner, getpid());
	CHECK_OK(ioctl(fd, FIOASYNC, &one));
	CHECK_EQ(write(fd, pkt, len), len);	/* its reply is queued */
	for (int i = 0; i < 300 && !sigio_seen; i++)
		usleep(10000);
	CHECK(sigio_seen);
	close(fd);
}

/*
 * FIOASYNC alone names no owner, as on FreeBSD: a queued packet signals
 * nobody (SIGIO's default action would end us), until FIOSETOWN.
 */
static void fioasync_without_owner_signals_nobody(void)
{
	uint8_t pkt[128];
	char name[IFNAMSIZ];
	int fd = tt_tun_ready(name, false), one = 1, owner = -1;
	size_t len = tt_icmp4_echo(pkt, TT_B4, TT_A4, 8, 8, 8);

	signal(SIGIO, SIG_DFL);
	CHECK_OK(ioctl(fd, FIOASYNC, &one));
	CHECK_OK(ioctl(fd, FIOGETOWN, &owner));
	CHECK_EQ(owner, 0);
	CHECK_EQ(write(fd, pkt, len), len);	/* its reply is queued */
	CHECK(tt_readable(fd, 3000));
	usleep(200000);				/* still alive */
	tt_drain(fd);
	signal(SIGIO, on_sigio);
	CHECK_OK(ioctl(fd, FIOSETOWN, &(int){ getpid() }));
	CHECK_EQ(write(fd, pkt, len), len);
	for (int i = 0; i < 300 && !sigio_seen; i++)
		usleep(10000);
	CHECK(sigio_seen);
	close(fd);
}

/* SIGIO goes to every process of the group, not just the caller. */
static void tiocspgrp_sets_process_group_owner(void)
{
	uint8_t pkt[128];
	char name[IFNAMSIZ];
	int fd = tt_tun_ready(name, false), pgrp, v = 0, one = 1, st;
	size_t len = tt_icmp4_echo(pkt, TT_B4, TT_A4, 7, 7, 8);
	pid_t pid;

	CHECK_OK(setpgid(0, 0));
	pgrp = getpgrp();
	CHECK_OK(ioctl(fd, TIOCSPGRP, &pgrp));
	CHECK_OK(ioctl(fd, FIOGETOWN, &v));
	CHECK_EQ(v, -pgrp);
	CHECK_OK(ioctl(fd, TIOCGPGRP, &v));
	CHECK_EQ(v, pgrp);
	signal(SIGIO, on_sigio);	/* the child inherits it */
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 300 && !sigio_seen; i++)
			usleep(10000);
		_exit(sigio_seen ? 0 : 1);
	}
	CHECK_OK(ioctl(fd, FIOASYNC, &one));
	CHECK_EQ(write(fd, pkt, len), len);	/* its reply is queued */
	for (int i = 0; i < 300 && !sigio_seen; i++)
		usleep(10000);
	CHECK(sigio_seen);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(st, 0);
	close(fd);
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void blocking_read_interrupted_by_signal(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	char name[IFNAMSIZ], buf[2048];
	int fd = tt_tun_ready(name, false);

	CHECK_OK(sigaction(SIGALRM, &sa, NULL));
	alarm(1);
	CHECK_ERR(read(fd, buf, sizeof(buf)), EINTR);
	close(fd);
}

static void open_without_cap_net_admin_is_eperm(void)
{
	pid_t pid;
	int st;

	CHECK_EQ(tt_sh("ip link add tun4200 type bsdtun"), 0);
	pid = fork();
	if (pid == 0) {
		tt_drop_cap(CAP_NET_ADMIN);
		CHECK_ERR(open("/dev/tun", O_RDWR), EPERM);
		CHECK_ERR(open("/dev/tun4200", O_RDWR), EPERM);
		exit(0);
	}
	waitpid(pid, &st, 0);
	CHECK_EQ(tt_sh("ip link del tun4200"), 0);
	CHECK_EQ(st, 0);
}

static void write_file(const char *path, const char *s)
{
	int fd = CHECK_OK(open(path, O_WRONLY));

	CHECK_EQ(write(fd, s, strlen(s)), strlen(s));
	close(fd);
}

/* A new user and network namespace: root there may make its own units. */
static void userns_admin_creates_and_uses_own_units(void)
{
	char name[IFNAMSIZ], outside[IFNAMSIZ];
	int one = 1, fd, held;

	held = tt_open_unit("/dev/tun", outside);
	CHECK_OK(ioctl(held, TUNSTRANSIENT, &one));
	close(held);
	CHECK_EQ(tt_sh("ip link add tun4300 type bsdtun"), 0);
	CHECK_OK(unshare(CLONE_NEWUSER | CLONE_NEWNET));
	write_file("/proc/self/setgroups", "deny");
	write_file("/proc/self/uid_map", "0 0 1");
	write_file("/proc/self/gid_map", "0 0 1");
	fd = tt_open_unit("/dev/tun", name);
	CHECK(if_nametoindex(name) != 0);	/* in our own namespace */
	/* Neither it nor its new name has a node: /dev is the host's. */
	CHECK(!tt_path_exists("/dev/ttsquat0"));
	CHECK_EQ(tt_sh("ip link set %s name ttsquat0", name), 0);
	CHECK(!tt_path_exists("/dev/ttsquat0"));
	CHECK_EQ(tt_sh("ip link set ttsquat0 name %s", name), 0);
	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	CHECK_OK(ioctl(fd, TUNSIFHEAD, &one));
	close(fd);
	CHECK(if_nametoindex(name) == 0);
	/* A unit of another namespace is not there to open. */
	CHECK_ERR(open("/dev/tun4300", O_RDWR), ENXIO);
}

static void userns_cleanup(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		userns_admin_creates_and_uses_own_units();
		exit(0);
	}
	int st;

	waitpid(pid, &st, 0);
	tt_sh("ip link del tun4300");
	CHECK_EQ(st, 0);
}

static void cloning_disabled_is_enoent(void)
{
	char path[] = "/tmp/tun4400";
	struct stat st;

	CHECK_OK(stat("/dev/tun", &st));
	CHECK_OK(mknod(path, S_IFCHR | 0600, makedev(major(st.st_rdev), 4400)));
	tt_sysfs_write(PARAMS "tun_devfs_cloning", "0");
	errno = 0;
	int a = open("/dev/tun", O_RDWR), ea = errno;
	int b = open(path, O_RDWR), eb = errno;

	tt_sysfs_write(PARAMS "tun_devfs_cloning", "1");
	unlink(path);
	CHECK_EQ(a, -1);
	CHECK_EQ(ea, ENOENT);
	CHECK_EQ(b, -1);
	CHECK_EQ(eb, ENOENT);
}

static void mknod_node_creates_missing_unit(void)
{
	char path[] = "/tmp/tun4500", name[IFNAMSIZ];
	struct stat st;
	int fd, one = 1;

	CHECK_OK(stat("/dev/tun", &st));
	CHECK_OK(mknod(path, S_IFCHR | 0600, makedev(major(st.st_rdev), 4500)));
	fd = tt_open_unit(path, name);
	unlink(path);
	CHECK(!strcmp(name, "tun4500"));
	CHECK(tt_path_exists("/dev/tun4500"));
	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	close(fd);
	CHECK(!tt_if_exists("tun4500"));
}

/*
 * Memory the caller cannot touch: requests and writes fail EFAULT, and so
 * does the read that would have filled it.  A read shorter than the
 * framing header gets that header's first bytes, as FreeBSD's gives them.
 */
static void bad_user_memory_is_efault(void)
{
	void *bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t af = htonl(AF_INET);
	uint8_t pkt[128], buf[2048];
	char name[IFNAMSIZ];
	int fd = tt_tun_ready(name, false), one = 1;
	size_t len;

	CHECK(bad != MAP_FAILED);
	CHECK_ERR(ioctl(fd, TUNSIFINFO, bad), EFAULT);
	CHECK_ERR(ioctl(fd, FIOSETOWN, bad), EFAULT);
	CHECK_ERR(ioctl(fd, TIOCSPGRP, bad), EFAULT);
	CHECK_ERR(write(fd, bad, 84), EFAULT);
	CHECK_OK(ioctl(fd, TUNSIFHEAD, &one));
	memcpy(pkt, &af, 4);
	len = tt_icmp4_echo(pkt + 4, TT_B4, TT_A4, 7, 7, 8);
	tt_drain(fd);
	CHECK_EQ(write(fd, pkt, 4 + len), 4 + len);
	CHECK(tt_readable(fd, tt_scaled(3000)));
	CHECK_ERR(read(fd, bad, sizeof(buf)), EFAULT);
	CHECK_EQ(write(fd, pkt, 4 + len), 4 + len);
	CHECK(tt_readable(fd, tt_scaled(3000)));
	CHECK_EQ(read(fd, buf, 2), 2);
	CHECK(!memcmp(buf, &af, 2));
	close(fd);
}

/*
 * A tap's tuntap/link0 takes a boolean, from a caller holding
 * CAP_NET_ADMIN over the unit's namespace; the file's mode alone is not
 * enough.
 */
static void link0_attribute_checks_value_and_capability(void)
{
	char name[IFNAMSIZ], path[128];
	int fd = tt_open_unit("/dev/tap", name), one = 1, a, st;
	pid_t pid;

	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	snprintf(path, sizeof(path), "/sys/class/net/%s/tuntap/link0", name);
	a = CHECK_OK(open(path, O_WRONLY));
	CHECK_ERR(write(a, "maybe", 5), EINVAL);
	pid = fork();
	if (pid == 0) {
		tt_drop_cap(CAP_NET_ADMIN);
		CHECK_ERR(write(a, "1", 1), EPERM);
		exit(0);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_EQ(tt_sysfs_long("%s", path), 0);
	CHECK_EQ(write(a, "1", 1), 1);
	CHECK_EQ(tt_sysfs_long("%s", path), 1);
	close(a);
	close(fd);
}

static const struct tt_case cases[] = {
	{ "tunsdebug_tungdebug_roundtrip", tunsdebug_tungdebug_roundtrip },
	{ "tungifinfo_reports_ppp_type_and_mtu", tungifinfo_reports_ppp_type_and_mtu },
	{ "tunsifinfo_sets_mtu_and_baudrate", tunsifinfo_sets_mtu_and_baudrate },
	{ "tunsifinfo_wrong_type_is_eprototype", tunsifinfo_wrong_type_is_eprototype },
	{ "tunsifinfo_refused_mtu_returns_stack_error", tunsifinfo_refused_mtu_returns_stack_error },
	{ "tunslmode_prefixes_destination_sockaddr", tunslmode_prefixes_destination_sockaddr },
	{ "tunsifhead_clears_lmode", tunsifhead_clears_lmode },
	{ "tunslmode_reports_next_hop_of_gateway_route", tunslmode_reports_next_hop_of_gateway_route },
	{ "fionread_counts_read_header", fionread_counts_read_header },
	{ "queued_packets_keep_their_framing", queued_packets_keep_their_framing },
	{ "tunsifmode_busy_while_up", tunsifmode_busy_while_up },
	{ "tunsifmode_switches_broadcast_and_back", tunsifmode_switches_broadcast_and_back },
	{ "tunsifmode_other_values_einval", tunsifmode_other_values_einval },
	{ "tunsifpid_records_caller", tunsifpid_records_caller },
	{ "tungifname_follows_rename_without_new_node", tungifname_follows_rename_without_new_node },
	{ "rename_to_a_unit_name_makes_no_alias", rename_to_a_unit_name_makes_no_alias },
	{ "fioasync_signals_fiosetown_owner", fioasync_signals_fiosetown_owner },
	{ "tiocspgrp_sets_process_group_owner", tiocspgrp_sets_process_group_owner },
	{ "fioasync_without_owner_signals_nobody", fioasync_without_owner_signals_nobody },
	{ "blocking_read_interrupted_by_signal", blocking_read_interrupted_by_signal },
	{ "open_without_cap_net_admin_is_eperm", open_without_cap_net_admin_is_eperm },
	{ "userns_admin_creates_and_uses_own_units", userns_cleanup },
	{ "cloning_disabled_is_enoent", cloning_disabled_is_enoent },
	{ "mknod_node_creates_missing_unit", mknod_node_creates_missing_unit },
	{ "bad_user_memory_is_efault", bad_user_memory_is_efault },
	{ "link0_attribute_checks_value_and_capability", link0_attribute_checks_value_and_capability },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return tt_run(cases, argc, argv);
}
