// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
#include "tt.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/ip_icmp.h>
#include <linux/capability.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <sys/utsname.h>


static int tt_vsh(bool quiet, const char *fmt, va_list ap)
{
	char *cmd, *full;
	int st;

	if (vasprintf(&cmd, fmt, ap) < 0)
		return -1;
	if (asprintf(&full, quiet ? "(%s) >/dev/null 2>&1" : "%s", cmd) < 0)
		return -1;
	st = system(full);
	free(cmd);
	free(full);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int tt_sh(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tt_vsh(false, fmt, ap);
	va_end(ap);
	return r;
}

int tt_sh_quiet(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tt_vsh(true, fmt, ap);
	va_end(ap);
	return r;
}

/* Open a node and report the unit's interface name. */
int tt_open_unit(const char *path, char *name)
{
	struct ifreq ifr;
	int fd = CHECK_OK(open(path, O_RDWR));

	memset(&ifr, 0, sizeof(ifr));
	CHECK_OK(ioctl(fd, TUNGIFNAME, &ifr));
	if (name)
		snprintf(name, IFNAMSIZ, "%s", ifr.ifr_name);
	return fd;
}

bool tt_if_exists(const char *name)
{
	return if_nametoindex(name) != 0;
}

bool tt_path_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

void tt_set_nonblock(int fd)
{
	int on = 1;

	CHECK_OK(ioctl(fd, FIONBIO, &on));
}

bool tt_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

void tt_up(const char *name)
{
	CHECK_EQ(tt_sh("ip link set %s up", name), 0);
}

ssize_t tt_read_timeout(int fd, void *buf, size_t len, int ms)
{
	if (!tt_readable(fd, ms)) {
		errno = ETIMEDOUT;
		return -1;
	}
	return read(fd, buf, len);
}

uint16_t tt_csum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

static void tt_fill(uint8_t *p, size_t n, uint16_t seq)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + seq);
}

void tt_ip4(struct ip *ip, uint8_t proto, const char *src, const char *dst,
	    size_t len)
{
	memset(ip, 0, sizeof(*ip));
	ip->ip_v = 4;
	ip->ip_hl = 5;
	ip->ip_len = htons(sizeof(*ip) + len);
	ip->ip_ttl = 64;
	ip->ip_p = proto;
	inet_pton(AF_INET, src, &ip->ip_src);
	inet_pton(AF_INET, dst, &ip->ip_dst);
	ip->ip_sum = tt_csum(ip, sizeof(*ip), 0);
}

uint32_t tt_ip4_pseudo(const struct ip *ip, size_t len)
{
	const uint8_t *a = (const uint8_t *)&ip->ip_src;
	uint32_t sum = ip->ip_p + len;

	for (int i = 0; i < 8; i += 2)
		sum += (uint32_t)a[i] << 8 | a[i + 1];
	return sum;
}

uint32_t tt_ip6_pseudo(const struct ip6_hdr *ip6, size_t len, uint8_t next)
{
	const uint8_t *a = ip6->ip6_src.s6_addr;	/* then ip6_dst */
	uint32_t sum = next + len;

	for (int i = 0; i < 32; i += 2)
		sum += (uint32_t)a[i] << 8 | a[i + 1];
	return sum;
}

size_t tt_icmp4_echo(uint8_t *buf, const char *src, const char *dst,
		     uint16_t id, uint16_t seq, size_t payload)
{
	struct ip *ip = (struct ip *)buf;
	struct icmp *ic = (struct icmp *)(buf + sizeof(*ip));
	size_t len = sizeof(*ip) + 8 + payload;

	memset(buf, 0, len);
	tt_ip4(ip, IPPROTO_ICMP, src, dst, 8 + payload);
	ic->icmp_type = ICMP_ECHO;
	ic->icmp_id = htons(id);
	ic->icmp_seq = htons(seq);
	tt_fill(buf + sizeof(*ip) + 8, payload, seq);
	ic->icmp_cksum = tt_csum(ic, 8 + payload, 0);
	return len;
}

size_t tt_icmp6_echo(uint8_t *buf, const char *src, const char *dst,
		     uint16_t id, uint16_t seq, size_t payload)
{
	struct ip6_hdr *ip6 = (struct ip6_hdr *)buf;
	struct icmp6_hdr *ic = (struct icmp6_hdr *)(ip6 + 1);
	size_t plen = sizeof(*ic) + payload;

	memset(buf, 0, sizeof(*ip6) + plen);
	ip6->ip6_flow = htonl(6u << 28);
	ip6->ip6_plen = htons(plen);
	ip6->ip6_nxt = IPPROTO_ICMPV6;
	ip6->ip6_hlim = 64;
	inet_pton(AF_INET6, src, &ip6->ip6_src);
	inet_pton(AF_INET6, dst, &ip6->ip6_dst);
	ic->icmp6_type = ICMP6_ECHO_REQUEST;
	ic->icmp6_id = htons(id);
	ic->icmp6_seq = htons(seq);
	tt_fill((uint8_t *)(ic + 1), payload, seq);
	ic->icmp6_cksum = tt_csum(ic, plen,
				  tt_ip6_pseudo(ip6, plen, IPPROTO_ICMPV6));
	return sizeof(*ip6) + plen;
}

/* A fresh, transient, addressed and up tun unit. */
int tt_tun_ready(char *name, bool ipv6)
{
	int one = 1;
	int fd = tt_open_unit("/dev/tun", name);

	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	CHECK_EQ(tt_sh("ip addr add " TT_A4 " peer " TT_B4 " dev %s", name), 0);
	if (ipv6)
		CHECK_EQ(tt_sh("ip -6 addr add " TT_A6 "/64 dev %s nodad", name), 0);
	tt_up(name);
	return fd;
}

long tt_sysfs_long(const char *fmt, ...)
{
	char path[256];
	va_list ap;
	long v = -1;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	f = fopen(path, "r");
	if (!f)
		TT_FAIL("%s: %s", path, strerror(errno));
	if (fscanf(f, "%li", &v) != 1)
		TT_FAIL("%s: not a number", path);
	fclose(f);
	return v;
}

long tt_stat(const char *ifname, const char *counter)
{
	return tt_sysfs_long("/sys/class/net/%s/statistics/%s", ifname, counter);
}

void tt_sysfs_write(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(value, f) < 0 || fclose(f))
		TT_FAIL("%s: %s", path, strerror(errno));
}

/* Read and discard whatever is queued; leaves the file non-blocking. */
void tt_drain(int fd)
{
	char buf[2048];

	tt_set_nonblock(fd);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

size_t tt_udp4(uint8_t *buf, const char *src, const char *dst, uint16_t sport,
	       uint16_t dport, const void *payload, size_t len)
{
	struct ip *ip = (struct ip *)buf;
	uint8_t *udp = buf + sizeof(*ip);
	size_t ulen = 8 + len;

	memset(udp, 0, 8);
	tt_ip4(ip, IPPROTO_UDP, src, dst, ulen);
	udp[0] = sport >> 8;
	udp[1] = sport;
	udp[2] = dport >> 8;
	udp[3] = dport;
	udp[4] = ulen >> 8;
	udp[5] = ulen;
	memcpy(udp + 8, payload, len);
	*(uint16_t *)(udp + 6) = tt_csum(udp, ulen, tt_ip4_pseudo(ip, ulen));
	return sizeof(*ip) + ulen;
}

/* Give up one capability, in this process only (exec gets it back). */
void tt_drop_cap(int cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	CHECK_OK(syscall(SYS_capget, &h, d));
	d[cap / 32].effective &= ~(1u << (cap % 32));
	CHECK_OK(syscall(SYS_capset, &h, d));
}

/* TT_TIME_SCALE: slower kernels (the debug kernel) get longer. */
unsigned int tt_scaled(unsigned int t)
{
	const char *scale = getenv("TT_TIME_SCALE");

	return t * (scale && atoi(scale) > 0 ? atoi(scale) : 1);
}

void tt_alarm(unsigned int seconds)
{
	alarm(tt_scaled(seconds));
}

/* A case that cannot run on this kernel: "skip NAME", not a failure. */
#define TT_EXIT_SKIP 77

void tt_skip(const char *why)
{
	printf("# %s\n", why);
	exit(TT_EXIT_SKIP);
}

/* 0: passed, 1: failed, TT_EXIT_SKIP: skipped. */
static int tt_run_one(const struct tt_case *c)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		tt_alarm(60);
		c->fn();
		exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return 1;
	if (WIFSIGNALED(st)) {
		fprintf(stderr, "%s: killed by signal %d\n", c->name,
			WTERMSIG(st));
		return 1;
	}
	if (WEXITSTATUS(st) == TT_EXIT_SKIP)
		return TT_EXIT_SKIP;
	return WEXITSTATUS(st) != 0;
}

/*
 * Whether NAME is a word of TT_SKIP: the cases a shorter run leaves out
 * (run-guest.sh's smoke run; the list is tests/long-cases).
 */
static bool tt_skipped(const char *name)
{
	const char *list = getenv("TT_SKIP");
	size_t len = strlen(name);

	for (const char *p = list; p && *p; p += strcspn(p, " \t\n")) {
		p += strspn(p, " \t\n");
		if (strncmp(p, name, len) == 0 &&
		    (p[len] == '\0' || strchr(" \t\n", p[len])))
			return true;
	}
	return false;
}

/* Run every case, or those named on the command line. */
int tt_run(const struct tt_case *cases, int argc, char **argv)
{
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (const struct tt_case *c = cases; c->name; c++) {
		bool wanted = argc < 2;

		for (int i = 1; i < argc; i++)
			wanted |= !strcmp(argv[i], c->name);
		if (!wanted)
			continue;
		if (tt_skipped(c->name)) {
			printf("skip %s # long case, left out of this run (TT_SKIP)\n",
			       c->name);
			continue;
		}
		switch (tt_run_one(c)) {
		case 0:
			printf("ok %s\n", c->name);
			break;
		case TT_EXIT_SKIP:
			printf("skip %s\n", c->name);
			break;
		default:
			printf("not ok %s\n", c->name);
			failed++;
		}
	}
	return failed != 0;
}

/*
 * rtnetlink without ip(8): the hardening tests create and destroy
 * thousands of units, and a process per operation would be the cost
 * measured.  Each call returns 0 or -1 with errno from the kernel's answer.
 */
static int tt_nl_fd = -1;
static uint32_t tt_nl_seq;

static int tt_nl_talk(struct nlmsghdr *nh)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[8192];
	ssize_t n;

	if (tt_nl_fd < 0) {
		struct timeval tv = { .tv_sec = 30 };

		tt_nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
				  NETLINK_ROUTE);
		if (tt_nl_fd < 0)
			return -1;
		/* A lost answer is an error (EAGAIN), not a hang. */
		setsockopt(tt_nl_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	nh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nh->nlmsg_seq = ++tt_nl_seq;
	if (sendto(tt_nl_fd, nh, nh->nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -1;
	for (;;) {
		n = recv(tt_nl_fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -1;
		for (struct nlmsghdr *r = (struct nlmsghdr *)buf;
		     NLMSG_OK(r, (size_t)n); r = NLMSG_NEXT(r, n)) {
			struct nlmsgerr *e = NLMSG_DATA(r);

			if (r->nlmsg_seq != nh->nlmsg_seq ||
			    r->nlmsg_type != NLMSG_ERROR)
				continue;
			if (e->error) {
				errno = -e->error;
				return -1;
			}
			return 0;
		}
	}
}

struct tt_nl_req {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char attrs[512];
};

static void tt_nl_attr(struct tt_nl_req *r, int type, const void *data,
		       size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)r +
					     NLMSG_ALIGN(r->nh.nlmsg_len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static struct rtattr *tt_nl_nest(struct tt_nl_req *r, int type)
{
	struct rtattr *a = (struct rtattr *)((char *)r +
					     NLMSG_ALIGN(r->nh.nlmsg_len));

	tt_nl_attr(r, type, NULL, 0);
	return a;
}

static void tt_nl_end(struct tt_nl_req *r, struct rtattr *nest)
{
	nest->rta_len = (char *)r + r->nh.nlmsg_len - (char *)nest;
}

static void tt_nl_init(struct tt_nl_req *r, int type, int flags,
		       const char *name, int ifindex)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(sizeof(r->ifi));
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = flags;
	r->ifi.ifi_family = AF_UNSPEC;
	r->ifi.ifi_index = ifindex;
	if (name)
		tt_nl_attr(r, IFLA_IFNAME, name, strlen(name) + 1);
}

/* "ip link add [NAME] type KIND"; KIND is bsdtun, dummy, ... */
int tt_nl_add(const char *kind, const char *name)
{
	struct tt_nl_req r;
	struct rtattr *li;

	tt_nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, name, 0);
	li = tt_nl_nest(&r, IFLA_LINKINFO);
	tt_nl_attr(&r, IFLA_INFO_KIND, kind, strlen(kind));
	tt_nl_end(&r, li);
	return tt_nl_talk(&r.nh);
}

/* "ip link del NAME", or by index when NAME is NULL. */
int tt_nl_del(const char *name, int ifindex)
{
	struct tt_nl_req r;

	tt_nl_init(&r, RTM_DELLINK, 0, name, ifindex);
	return tt_nl_talk(&r.nh);
}

/* "ip link set NAME netns NSFD". */
int tt_nl_setns(const char *name, int nsfd)
{
	struct tt_nl_req r;
	uint32_t fd = nsfd;

	tt_nl_init(&r, RTM_NEWLINK, 0, name, 0);
	tt_nl_attr(&r, IFLA_NET_NS_FD, &fd, sizeof(fd));
	return tt_nl_talk(&r.nh);
}

/* "ip link set NAME up|down". */
int tt_nl_updown(const char *name, bool up)
{
	struct tt_nl_req r;

	tt_nl_init(&r, RTM_NEWLINK, 0, name, 0);
	r.ifi.ifi_change = IFF_UP;
	r.ifi.ifi_flags = up ? IFF_UP : 0;
	return tt_nl_talk(&r.nh);
}

/* Forget the socket: it belongs to the namespace it was made in. */
void tt_nl_reset(void)
{
	if (tt_nl_fd >= 0)
		close(tt_nl_fd);
	tt_nl_fd = -1;
}

/*
 * Talk through @fd (a socket made in another namespace) from now on;
 * returns the socket used so far, -1 if none.
 */
int tt_nl_swap(int fd)
{
	int old = tt_nl_fd;

	tt_nl_fd = fd;
	return old;
}

/* Named as units are: tun, tap or vmnet, then digits; @unit gets them. */
bool tt_unit_name(const char *name, int *unit)
{
	static const char *const prefixes[] = { "tun", "tap", "vmnet" };

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++) {
		size_t len = strlen(prefixes[i]);
		const char *num = name + len;

		if (!strncmp(name, prefixes[i], len) && *num &&
		    strspn(num, "0123456789") == strlen(num)) {
			if (unit)
				*unit = atoi(num);
			return true;
		}
	}
	return false;
}

/* Entries of @dir named as units are. */
int tt_count_unit_names(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	/* No fork: the fault cases count after each of hundreds of steps. */
	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += tt_unit_name(e->d_name, NULL);
	closedir(d);
	return n;
}

/*
 * A numbered node's "exists", or 1 on a module without it (whose nodes
 * all had a unit); -1 when there is no such node.
 */
static int tt_node_exists_attr(const char *name)
{
	char path[300];
	int v = 1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/if_tuntap/%s", name);
	if (!tt_path_exists(path))
		return -1;
	strcat(path, "/exists");
	f = fopen(path, "r");
	if (!f)
		return 1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/*
 * Units of if_tuntap in every namespace: its numbered nodes with a unit
 * behind them (contained units have none, and are not counted).
 */
int tt_unit_count(void)
{
	DIR *d = opendir("/sys/class/if_tuntap");
	struct dirent *e;
	int n = 0;

	/* No fork: the fault cases count after each of hundreds of steps. */
	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += tt_unit_name(e->d_name, NULL) &&
		     tt_node_exists_attr(e->d_name) == 1;
	closedir(d);
	return n;
}

/* The module's prepared_nodes; 0 for a module without the parameter. */
int tt_prepared_nodes(void)
{
	FILE *f = fopen("/sys/module/if_tuntap/parameters/prepared_nodes", "r");
	int n = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%d", &n) != 1)
		n = 0;
	fclose(f);
	return n;
}

/*
 * Unit @name ("tun3") no longer stands behind its node: its own node is
 * gone, or its prepared node (number below prepared_nodes) is still there
 * and says no unit has that number.
 */
bool tt_unit_node_gone(const char *name)
{
	char path[300];
	int unit;

	CHECK(tt_unit_name(name, &unit));
	snprintf(path, sizeof(path), "/dev/%s", name);
	if (unit >= tt_prepared_nodes())
		return !tt_path_exists(path);
	return tt_path_exists(path) && tt_node_exists_attr(name) == 0;
}

double tt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The allocator knobs fault injection needs, and what stop puts back.
 * failslab ignores allocations that may sleep unless told otherwise; a
 * report per injected failure would fill the log with stack traces.
 */
static const char *const tt_fail_knobs[][2] = {
	{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
	{ "/sys/kernel/debug/failslab/verbose", "0" },
	{ "/sys/kernel/debug/fail_page_alloc/verbose", "0" },
};

#define TT_N_KNOBS (sizeof(tt_fail_knobs) / sizeof(tt_fail_knobs[0]))

static char tt_fail_saved[TT_N_KNOBS][16];

int tt_fail_start(void)
{
	int ffd = open("/proc/thread-self/fail-nth", O_RDWR);

	if (ffd < 0)
		tt_skip("no /proc/thread-self/fail-nth: kernel without CONFIG_FAULT_INJECTION");
	for (size_t k = 0; k < TT_N_KNOBS; k++) {
		FILE *f = fopen(tt_fail_knobs[k][0], "r");

		if (!f || !fgets(tt_fail_saved[k], sizeof(tt_fail_saved[k]), f))
			tt_skip("no failslab knobs in debugfs");
		fclose(f);
	}
	for (size_t k = 0; k < TT_N_KNOBS; k++)
		tt_sysfs_write(tt_fail_knobs[k][0], tt_fail_knobs[k][1]);
	return ffd;
}

void tt_fail_nth(int ffd, unsigned int n)
{
	char s[16];
	int len = snprintf(s, sizeof(s), "%u", n);

	CHECK_EQ(pwrite(ffd, s, len, 0), len);
}

bool tt_fail_reached(int ffd)
{
	char s[16] = { 0 };

	CHECK(pread(ffd, s, sizeof(s) - 1, 0) > 0);
	tt_fail_nth(ffd, 0);
	return strtoul(s, NULL, 10) == 0;
}

void tt_fail_stop(int ffd)
{
	for (size_t k = 0; k < TT_N_KNOBS; k++)
		tt_sysfs_write(tt_fail_knobs[k][0], tt_fail_saved[k]);
	close(ffd);
}

/* The module build.sh made for the running kernel. */
const char *tt_module_path(void)
{
	static char path[512];
	const char *root = getenv("TT_ROOT");
	struct utsname u;

	uname(&u);
	snprintf(path, sizeof(path), "%s/build/%s/if_tuntap.ko",
		 root ? root : ".", u.release);
	return path;
}
