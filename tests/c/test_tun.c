// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * tun(4): cloning, unit nodes, framing, errors, requests and transient
 * units, each case one behaviour of SPEC sections 1-4.
 */
#include "tt.h"

#include <arpa/inet.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/ip6.h>
#include <netinet/icmp6.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>


#define A4 TT_A4
#define B4 TT_B4
#define A6 TT_A6
#define B6 TT_B6

static int tun_ready(char *name)
{
	return tt_tun_ready(name, true);
}

/* Read until a packet satisfying @want arrives (IPv6 chatter is skipped). */
static ssize_t read_matching(int fd, uint8_t *buf, size_t len, size_t skip,
			     bool (*want)(const uint8_t *pkt, size_t n))
{
	for (int i = 0; i < 50; i++) {
		ssize_t n = tt_read_timeout(fd, buf, len, 3000);

		if (n < 0)
			return n;
		if ((size_t)n > skip && want(buf + skip, n - skip))
			return n;
	}
	errno = ENOMSG;
	return -1;
}

static bool is_echo4_reply(const uint8_t *p, size_t n)
{
	const struct ip *ip = (const struct ip *)p;

	return n >= 28 && ip->ip_v == 4 && ip->ip_p == IPPROTO_ICMP &&
	       p[ip->ip_hl * 4] == ICMP_ECHOREPLY;
}

static bool is_echo6_reply(const uint8_t *p, size_t n)
{
	return n >= 48 && (p[0] >> 4) == 6 && p[6] == IPPROTO_ICMPV6 &&
	       p[40] == ICMP6_ECHO_REPLY;
}

static void clone_open_creates_unit_and_node(void)
{
	char name[IFNAMSIZ], path[64];
	struct stat st;
	int fd = tt_open_unit("/dev/tun", name);

	CHECK(!strncmp(name, "tun", 3));
	CHECK(tt_if_exists(name));
	snprintf(path, sizeof(path), "/dev/%s", name);
	CHECK_OK(stat(path, &st));
	CHECK(S_ISCHR(st.st_mode));
	CHECK_EQ(st.st_mode & 07777, 0600);
	CHECK_EQ(st.st_uid, 0);
	CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/type", name), 65534);
	close(fd);
	/* Not transient: the unit outlives the file, as on FreeBSD. */
	CHECK(tt_if_exists(name));
	CHECK_EQ(tt_sh("ip link del %s", name), 0);
	CHECK(!tt_if_exists(name));
	CHECK(tt_unit_node_gone(name));
}

static void unit_node_opens_existing_unit(void)
{
	char name[IFNAMSIZ];
	int fd;

	CHECK_EQ(tt_sh("ip link add tun4000 type bsdtun"), 0);
	CHECK(tt_path_exists("/dev/tun4000"));
	fd = tt_open_unit("/dev/tun4000", name);
	CHECK(!strcmp(name, "tun4000"));
	close(fd);
	CHECK_EQ(tt_sh("ip link del tun4000"), 0);
	CHECK(!tt_path_exists("/dev/tun4000"));
}

static void second_open_is_ebusy(void)
{
	char name[IFNAMSIZ], path[64];
	int fd = tun_ready(name);

	snprintf(path, sizeof(path), "/dev/%s", name);
	CHECK_ERR(open(path, O_RDWR), EBUSY);
	close(fd);
}

static void write_ipv4_reaches_stack(void)
{
	uint8_t pkt[256], buf[2048];
	char name[IFNAMSIZ];
	int fd = tun_ready(name);
	size_t len = tt_icmp4_echo(pkt, B4, A4, 7, 1, 32);
	ssize_t n;

	CHECK_EQ(write(fd, pkt, len), len);
	n = read_matching(fd, buf, sizeof(buf), 0, is_echo4_reply);
	CHECK_EQ(n, len);
	/* The reply goes back to the sender, with our id and payload. */
	CHECK(!memcmp(buf + 12, pkt + 16, 4));
	CHECK(!memcmp(buf + 16, pkt + 12, 4));
	CHECK(!memcmp(buf + 24, pkt + 24, len - 24));
	close(fd);
}

/*
 * IFHEAD: both ways, each packet carries its address family first, and
 * the echo reply to a written echo request comes back with the same word.
 */
static void ifhead_framing(bool ipv6)
{
	uint8_t pkt[256], buf[2048];
	uint32_t af = htonl(ipv6 ? AF_INET6 : AF_INET);
	char name[IFNAMSIZ];
	int one = 1, fd = tun_ready(name);
	size_t len;

	CHECK_OK(ioctl(fd, TUNSIFHEAD, &one));
	memcpy(pkt, &af, 4);
	if (ipv6)
		len = tt_icmp6_echo(pkt + 4, B6, A6, 9, 1, 24) + 4;
	else
		len = tt_icmp4_echo(pkt + 4, B4, A4, 8, 1, 16) + 4;
	CHECK_EQ(write(fd, pkt, len), len);
	CHECK_EQ(read_matching(fd, buf, sizeof(buf), 4,
			       ipv6 ? is_echo6_reply : is_echo4_reply), len);
	CHECK(!memcmp(buf, &af, 4));
	if (ipv6)	/* back to B6 */
		CHECK(!memcmp(buf + 4 + 8, pkt + 4 + 24, 16));
	close(fd);
}

static void ifhead_ipv4_framing(void)
{
	ifhead_framing(false);
}

static void ifhead_ipv6_framing(void)
{
	ifhead_framing(true);
}

static void ifhead_unknown_family_eafnosupport(void)
{
	uint8_t pkt[64] = { 0, 0, 0, 99 };
	char name[IFNAMSIZ];
	int one = 1, fd = tun_ready(name);

	CHECK_OK(ioctl(fd, TUNSIFHEAD, &one));
	CHECK_ERR(write(fd, pkt, sizeof(pkt)), EAFNOSUPPORT);
	close(fd);
}

/* Shorter than its family word: ENOBUFS, as FreeBSD answers. */
static void ifhead_short_write_enobufs(void)
{
	uint8_t pkt[4] = { 0, 0, 0, 2 };
	char name[IFNAMSIZ];
	int one = 1, fd = tun_ready(name);
	long err = tt_stat(name, "rx_errors");

	CHECK_OK(ioctl(fd, TUNSIFHEAD, &one));
	for (size_t len = 1; len < 4; len++)
		CHECK_ERR(write(fd, pkt, len), ENOBUFS);
	CHECK_EQ(tt_stat(name, "rx_errors"), err);
	close(fd);
}

static void write_over_mru_is_eio(void)
{
	static uint8_t big[TUNMRU + 8];
	uint32_t af = htonl(AF_INET);
	char name[IFNAMSIZ];
	int one = 1, fd = tun_ready(name);

	CHECK_ERR(write(fd, big, TUNMRU + 1), EIO);
	CHECK_OK(ioctl(fd, TUNSIFHEAD, &one));
	memcpy(big, &af, 4);
	/* IFHEAD's family word does not count against the MRU. */
	CHECK_EQ(write(fd, big, TUNMRU + 4), TUNMRU + 4);
	CHECK_ERR(write(fd, big, TUNMRU + 5), EIO);
	close(fd);
}

static void write_while_down_is_ignored(void)
{
	uint8_t pkt[128];
	char name[IFNAMSIZ];
	int fd = tun_ready(name);
	size_t len = tt_icmp4_echo(pkt, B4, A4, 1, 1, 8);

	CHECK_EQ(tt_sh("ip link set %s down", name), 0);
	CHECK_EQ(write(fd, pkt, len), 0);
	CHECK_EQ(write(fd, pkt, 0), 0);
	close(fd);
}

static void empty_write_while_up_does_nothing(void)
{
	char name[IFNAMSIZ];
	int fd = tun_ready(name);
	long rx = tt_stat(name, "rx_packets"), err = tt_stat(name, "rx_errors");

	CHECK_EQ(write(fd, "", 0), 0);
	CHECK_EQ(tt_stat(name, "rx_packets"), rx);
	CHECK_EQ(tt_stat(name, "rx_errors"), err);
	close(fd);
}

/* A buffer the module cannot copy from or to: EFAULT, and the file lives. */
static void unreadable_buffers_are_efault(void)
{
	uint8_t pkt[128], buf[2048];
	char name[IFNAMSIZ];
	int fd = tun_ready(name);
	size_t len = tt_icmp4_echo(pkt, B4, A4, 9, 1, 8);
	void *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);

	CHECK(none != MAP_FAILED);
	CHECK_ERR(write(fd, NULL, len), EFAULT);
	CHECK_ERR(write(fd, none, len), EFAULT);
	CHECK_EQ(write(fd, pkt, len), len);	/* its reply is queued */
	CHECK(tt_readable(fd, 3000));
	CHECK_ERR(read(fd, none, sizeof(buf)), EFAULT);
	CHECK_EQ(write(fd, pkt, len), len);
	CHECK_EQ(read_matching(fd, buf, sizeof(buf), 0, is_echo4_reply), len);
	munmap(none, 4096);
	close(fd);
}

/*
 * Without IFHEAD a tun carries IPv4 only: IPv6 the stack sends is
 * dropped, counted as a framing error, and never reaches the file; the
 * sender hears EAFNOSUPPORT, as on FreeBSD.
 */
static void ipv6_without_ifhead_dropped_and_counted(void)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_port = htons(9) };
	uint8_t buf[2048];
	char name[IFNAMSIZ];
	int fd = tt_tun_ready(name, false), s;
	long errs = tt_stat(name, "tx_errors");
	ssize_t n;

	CHECK_EQ(tt_sh("ip addr add fd00:7::1 peer fd00:7::2 dev %s nodad",
		       name), 0);
	s = CHECK_OK(socket(AF_INET6, SOCK_DGRAM, 0));
	inet_pton(AF_INET6, "fd00:7::2", &to.sin6_addr);
	for (int i = 0; i < 3; i++)
		CHECK_ERR(sendto(s, "x", 1, 0, (struct sockaddr *)&to,
				 sizeof(to)), EAFNOSUPPORT);
	CHECK(tt_stat(name, "tx_errors") >= errs + 3);
	CHECK_EQ(tt_sh_quiet("ethtool -S %s | grep -Eq 'tx_errors_framing: [1-9]'",
			     name), 0);
	tt_set_nonblock(fd);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		CHECK_EQ(buf[0] >> 4, 4);
	close(s);
	close(fd);
}

static void nonblocking_read_empty_eagain(void)
{
	uint8_t buf[64];
	char name[IFNAMSIZ];
	int fd = tun_ready(name);

	tt_set_nonblock(fd);
	while (read(fd, buf, sizeof(buf)) > 0)
		;	/* IPv6 chatter */
	CHECK_ERR(read(fd, buf, sizeof(buf)), EAGAIN);
	close(fd);
	fd = tt_open_unit("/dev/tun", name);
	CHECK_OK(fcntl(fd, F_SETFL, O_NONBLOCK));
	CHECK_ERR(read(fd, buf, sizeof(buf)), EAGAIN);
	close(fd);
	CHECK_EQ(tt_sh("ip link del %s", name), 0);
}

static void poll_and_epoll_see_queued_packet(void)
{
	uint8_t pkt[128], buf[2048];
	struct epoll_event ev = { .events = EPOLLIN }, out;
	char name[IFNAMSIZ];
	int fd = tun_ready(name), ep;
	size_t len = tt_icmp4_echo(pkt, B4, A4, 3, 3, 8);
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	/* Always writable. */
	CHECK_EQ(poll(&p, 1, 0), 1);
	CHECK(p.revents & POLLOUT);
	tt_set_nonblock(fd);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	CHECK(!tt_readable(fd, 0));
	ep = CHECK_OK(epoll_create1(0));
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	CHECK_EQ(write(fd, pkt, len), len);
	CHECK_EQ(epoll_wait(ep, &out, 1, 3000), 1);
	CHECK(tt_readable(fd, 3000));
	close(ep);
	close(fd);
}

static void short_read_truncates_and_drops_rest(void)
{
	uint8_t pkt[256], buf[2048];
	char name[IFNAMSIZ];
	int fd = tun_ready(name), n;
	size_t len = tt_icmp4_echo(pkt, B4, A4, 4, 4, 100);

	tt_set_nonblock(fd);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	CHECK_EQ(write(fd, pkt, len), len);
	CHECK(tt_readable(fd, 3000));
	CHECK_OK(ioctl(fd, FIONREAD, &n));
	CHECK_EQ(n, len);
	CHECK_EQ(read(fd, buf, 10), 10);
	CHECK_EQ(buf[0], 0x45);
	CHECK_ERR(read(fd, buf, sizeof(buf)), EAGAIN);
	CHECK_OK(ioctl(fd, FIONREAD, &n));
	CHECK_EQ(n, 0);
	close(fd);
}

static void transient_unit_vanishes_on_close(void)
{
	char name[IFNAMSIZ], path[64];
	int one = 1, zero = 0, val = -1;
	int fd = tt_open_unit("/dev/tun", name);

	snprintf(path, sizeof(path), "/dev/%s", name);
	CHECK_OK(ioctl(fd, TUNGTRANSIENT, &val));
	CHECK_EQ(val, 0);
	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	CHECK_OK(ioctl(fd, TUNGTRANSIENT, &val));
	CHECK_EQ(val, 1);
	close(fd);
	CHECK(!tt_if_exists(name));
	CHECK(tt_unit_node_gone(name));

	/* Cleared again: the unit stays. */
	fd = tt_open_unit("/dev/tun", name);
	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &zero));
	close(fd);
	CHECK(tt_if_exists(name));
	CHECK_EQ(tt_sh("ip link del %s", name), 0);
}

static void transient_exit_of_process_destroys(void)
{
	char name[IFNAMSIZ];
	int one = 1, fd = tt_open_unit("/dev/tun", name);
	pid_t pid;

	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	pid = fork();
	if (pid == 0)
		_exit(0);	/* the child's copy goes; ours still holds it */
	waitpid(pid, NULL, 0);
	CHECK(tt_if_exists(name));
	pid = fork();
	if (pid == 0) {
		close(fd);	/* parent's copy is gone: the child's is last */
		abort();
	}
	close(fd);
	waitpid(pid, NULL, 0);
	CHECK(!tt_if_exists(name));
}

struct reader {
	int fd;
	ssize_t ret;
	int err;
};

static void *blocked_read(void *arg)
{
	struct reader *r = arg;
	char buf[2048];

	do {
		r->ret = read(r->fd, buf, sizeof(buf));
	} while (r->ret > 0);	/* skip whatever chatter comes first */
	r->err = errno;
	return NULL;
}

static void destroy_wakes_reader_and_file_stays_valid(void)
{
	struct reader r = { .fd = -1 };
	char name[IFNAMSIZ];
	pthread_t t;
	int val;

	CHECK_EQ(tt_sh("ip link add tun4100 type bsdtun"), 0);
	r.fd = tt_open_unit("/dev/tun4100", name);
	CHECK_OK(pthread_create(&t, NULL, blocked_read, &r) ? -1 : 0);
	usleep(300000);
	CHECK_EQ(tt_sh("ip link del tun4100"), 0);
	pthread_join(t, NULL);
	CHECK_EQ(r.ret, -1);
	CHECK_EQ(r.err, ENXIO);
	CHECK_ERR(write(r.fd, "x", 1), ENXIO);
	CHECK_ERR(ioctl(r.fd, TUNGTRANSIENT, &val), ENXIO);
	CHECK_OK(close(r.fd));
	CHECK(!tt_path_exists("/dev/tun4100"));
}

static void unknown_request_enotty(void)
{
	char name[IFNAMSIZ];
	int fd = tun_ready(name), v = 0;

	CHECK_ERR(ioctl(fd, _IOW('t', 120, int), &v), ENOTTY);
	CHECK_ERR(ioctl(fd, VMIO_SIOCSIFFLAGS, 0), ENOTTY);
	close(fd);
	/* And the tun-only requests on tap and vmnet. */
	for (int i = 0; i < 2; i++) {
		unsigned long req[] = { TUNSLMODE, TUNSIFHEAD, TUNGIFHEAD,
					TUNSIFMODE, TUNSIFPID };
		int one = 1;

		fd = tt_open_unit(i ? "/dev/vmnet" : "/dev/tap", name);
		CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
		for (size_t j = 0; j < sizeof(req) / sizeof(req[0]); j++)
			CHECK_ERR(ioctl(fd, req[j], &v), ENOTTY);
		close(fd);
	}
}

static void close_downs_interface_and_drops_addresses(void)
{
	char name[IFNAMSIZ];
	int fd = tun_ready(name), zero = 0;

	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &zero));
	CHECK_EQ(tt_sh_quiet("ip addr show dev %s | grep -q 'inet '", name), 0);
	CHECK_EQ(tt_sh_quiet("ip addr show dev %s | grep -q 'inet6 .*global'",
			     name), 0);
	close(fd);
	CHECK(tt_if_exists(name));
	CHECK(tt_sh_quiet("ip addr show dev %s | grep -q 'inet '", name) != 0);
	CHECK(tt_sh_quiet("ip addr show dev %s | grep -q 'inet6 .*global'",
			  name) != 0);
	CHECK(tt_sh_quiet("ip link show dev %s | grep -q '[<,]UP[,>]'", name) != 0);
	CHECK(tt_sh_quiet("ip route show dev %s | grep -q .", name) != 0);
	CHECK_EQ(tt_sh("ip link del %s", name), 0);
}

/*
 * Close deletes the IPv4 addresses through rtnetlink, as an admin would:
 * the interface keeps its MTU and its per-interface sysctls (once reset by
 * an MTU of 0), IPv6 keeps its addresses when keep_addr_on_down says so,
 * and a closing process without CAP_NET_ADMIN gets the same.
 */
static void close_drops_ipv4_and_nothing_else(void)
{
	char name[IFNAMSIZ];
	int fd = tun_ready(name), zero = 0, st;
	pid_t pid;

	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &zero));
	CHECK_EQ(tt_sh("ip addr add 10.84.0.1/24 dev %s && "
		       "ip link set %s mtu 1400 && "
		       "sysctl -qw net.ipv4.conf.%s.accept_local=1 "
		       "net.ipv6.conf.%s.keep_addr_on_down=1", name, name,
		       name, name), 0);
	pid = fork();
	if (pid == 0) {		/* the last close, without the capability */
		tt_drop_cap(CAP_NET_ADMIN);
		usleep(300000);
		close(fd);
		exit(0);
	}
	close(fd);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(st, 0);
	CHECK(tt_sh_quiet("ip addr show dev %s | grep -q 'inet '", name) != 0);
	CHECK_EQ(tt_sh_quiet("ip addr show dev %s | grep -q 'inet6 .*global'",
			     name), 0);
	CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/mtu", name), 1400);
	CHECK_EQ(tt_sysfs_long("/proc/sys/net/ipv4/conf/%s/accept_local",
			       name), 1);
	CHECK_EQ(tt_sh("ip link del %s", name), 0);
}

static void link_state_follows_open(void)
{
	char name[IFNAMSIZ];
	int zero = 0, fd = tun_ready(name);

	CHECK_EQ(tt_sh_quiet("ip link show dev %s | grep -q LOWER_UP", name), 0);
	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &zero));
	close(fd);
	CHECK_EQ(tt_sh("ip link set %s up", name), 0);
	CHECK(tt_sh_quiet("ip link show dev %s | grep -q LOWER_UP", name) != 0);
	CHECK_EQ(tt_sh("ip link del %s", name), 0);
}

static const struct tt_case cases[] = {
	{ "tun_clone_open_creates_unit_and_node", clone_open_creates_unit_and_node },
	{ "tun_close_drops_ipv4_and_nothing_else", close_drops_ipv4_and_nothing_else },
	{ "tun_unit_node_opens_existing_unit", unit_node_opens_existing_unit },
	{ "tun_second_open_is_ebusy", second_open_is_ebusy },
	{ "tun_write_ipv4_reaches_stack", write_ipv4_reaches_stack },
	{ "tun_ifhead_ipv4_framing", ifhead_ipv4_framing },
	{ "tun_ifhead_ipv6_framing", ifhead_ipv6_framing },
	{ "tun_ifhead_unknown_family_eafnosupport", ifhead_unknown_family_eafnosupport },
	{ "tun_ifhead_short_write_enobufs", ifhead_short_write_enobufs },
	{ "tun_write_over_mru_is_eio", write_over_mru_is_eio },
	{ "tun_write_while_down_is_ignored", write_while_down_is_ignored },
	{ "tun_empty_write_while_up_does_nothing", empty_write_while_up_does_nothing },
	{ "tun_unreadable_buffers_are_efault", unreadable_buffers_are_efault },
	{ "tun_ipv6_without_ifhead_dropped_and_counted", ipv6_without_ifhead_dropped_and_counted },
	{ "tun_nonblocking_read_empty_eagain", nonblocking_read_empty_eagain },
	{ "tun_poll_and_epoll_see_queued_packet", poll_and_epoll_see_queued_packet },
	{ "tun_short_read_truncates_and_drops_rest", short_read_truncates_and_drops_rest },
	{ "tun_transient_unit_vanishes_on_close", transient_unit_vanishes_on_close },
	{ "tun_transient_exit_of_process_destroys", transient_exit_of_process_destroys },
	{ "tun_destroy_wakes_reader_and_file_stays_valid", destroy_wakes_reader_and_file_stays_valid },
	{ "tun_unknown_request_enotty", unknown_request_enotty },
	{ "tun_close_downs_interface_and_drops_addresses", close_downs_interface_and_drops_addresses },
	{ "tun_link_state_follows_open", link_state_follows_open },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return tt_run(cases, argc, argv);
}
