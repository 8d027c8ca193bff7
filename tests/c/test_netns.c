// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Network namespaces (SPEC sections 4 and 5): units keep carrying traffic
 * through moves; a dying namespace sends visitors home and destroys the
 * units born in it, transient or not, once, with their files open.
 */
#include "tt.h"

#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <pthread.h>
#include <sched.h>

/* An echo request written from the peer comes back as a reply. */
static void echo_through(int fd, uint16_t seq)
{
	uint8_t pkt[256], buf[2048];

	size_t len = tt_icmp4_echo(pkt, TT_B4, TT_A4, 0x4e54, seq, 32);

	CHECK_EQ(write(fd, pkt, len), (long)len);
	for (int i = 0; i < 20; i++) {
		ssize_t n = tt_read_timeout(fd, buf, sizeof(buf), 3000);
		struct ip *ip = (struct ip *)buf;

		CHECK(n > 0);
		if (n >= 28 && ip->ip_v == 4 && ip->ip_p == IPPROTO_ICMP &&
		    buf[ip->ip_hl * 4] == ICMP_ECHOREPLY &&
		    n == (ssize_t)len)
			return;
	}
	TT_FAIL("no echo reply for seq %u", seq);
}

/* Address and raise @name in namespace @ns ("" for this one). */
static void configure(const char *ns, const char *name)
{
	char pre[64] = "";

	if (*ns)
		snprintf(pre, sizeof(pre), "ip netns exec %s ", ns);
	CHECK_EQ(tt_sh("%sip addr add " TT_A4 " peer " TT_B4 " dev %s", pre,
		       name), 0);
	CHECK_EQ(tt_sh("%sip link set %s up", pre, name), 0);
}

static void unit_moved_between_namespaces_keeps_traffic(void)
{
	char name[IFNAMSIZ];
	struct ifreq ifr;
	int one = 1, fd = tt_open_unit("/dev/tun", name);

	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	tt_sh_quiet("ip netns del ttmoveA; ip netns del ttmoveB");
	CHECK_EQ(tt_sh("ip netns add ttmoveA && ip netns add ttmoveB"), 0);
	configure("", name);
	echo_through(fd, 1);
	CHECK_EQ(tt_sh("ip link set %s netns ttmoveA", name), 0);
	CHECK(!tt_if_exists(name));
	configure("ttmoveA", name);
	echo_through(fd, 2);
	CHECK_EQ(tt_sh("ip -n ttmoveA link set %s netns ttmoveB", name), 0);
	configure("ttmoveB", name);
	echo_through(fd, 3);
	CHECK_EQ(tt_sh("ip -n ttmoveB link set %s netns 1", name), 0);
	configure("", name);
	echo_through(fd, 4);
	CHECK_OK(ioctl(fd, TUNGIFNAME, &ifr));
	CHECK(!strcmp(ifr.ifr_name, name));
	close(fd);
	CHECK(!tt_if_exists(name));
	CHECK_EQ(tt_sh("ip netns del ttmoveA && ip netns del ttmoveB"), 0);
}

static bool wait_if(const char *name, bool present)
{
	for (int i = 0; i < 100; i++) {
		if (tt_if_exists(name) == present)
			return true;
		usleep(50000);
	}
	return false;
}

/* A visitor whose namespace dies comes home, file and all, and works. */
static void dying_namespace_sends_open_visitor_home(void)
{
	char name[IFNAMSIZ];
	int one = 1, fd = tt_open_unit("/dev/tun", name);

	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	tt_sh_quiet("ip netns del ttvisit");
	CHECK_EQ(tt_sh("ip netns add ttvisit"), 0);
	CHECK_EQ(tt_sh("ip link set %s netns ttvisit", name), 0);
	configure("ttvisit", name);
	echo_through(fd, 1);
	CHECK_EQ(tt_sh("ip netns del ttvisit"), 0);
	CHECK(wait_if(name, true));
	configure("", name);
	echo_through(fd, 2);
	close(fd);	/* still transient: destroyed at home */
	CHECK(!tt_if_exists(name));
}

struct reader {
	volatile int fd;
	long ret;
	int err;
};

/*
 * Started before the namespace is made: a thread holds the namespaces of
 * the thread that created it, and must not keep the doomed one alive.
 */
static void *blocked_read(void *arg)
{
	struct reader *r = arg;
	char buf[2048];

	while (r->fd < 0)
		usleep(1000);
	r->ret = read(r->fd, buf, sizeof(buf));
	r->err = errno;
	return NULL;
}

/*
 * Open a unit of @node in a new namespace that dies as soon as this
 * thread leaves it (nothing else holds it).  Returns the file.
 */
static int open_in_doomed_namespace(const char *node, char *name,
				    bool transient, int *home)
{
	int one = 1, fd;

	*home = CHECK_OK(open("/proc/self/ns/net", O_RDONLY));
	CHECK_OK(unshare(CLONE_NEWNET));
	fd = tt_open_unit(node, name);
	if (transient)
		CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	return fd;
}

/*
 * Units born in a dying namespace die with it, transient or not, while a
 * reader sleeps in their file: it wakes ENXIO, the file stays valid, and
 * the unit number is free again (destroyed once, nothing left over).
 */
static void dying_namespace_destroys_units_born_there(void)
{
	const char *const nodes[] = { "/dev/tun", "/dev/tap", "/dev/vmnet" };

	for (int i = 0; i < 6; i++) {
		char name[IFNAMSIZ];
		struct reader r = { .fd = -1 };
		pthread_t t;
		int home, v;

		CHECK_EQ(pthread_create(&t, NULL, blocked_read, &r), 0);
		r.fd = open_in_doomed_namespace(nodes[i % 3], name, i >= 3,
						&home);
		usleep(100000);
		CHECK_OK(setns(home, CLONE_NEWNET));	/* the last user leaves */
		close(home);
		pthread_join(t, NULL);
		CHECK_EQ(r.ret, -1);
		CHECK_EQ(r.err, ENXIO);
		/* The reader wakes first; the node goes a moment later. */
		for (int j = 0; j < 100 && !tt_unit_node_gone(name); j++)
			usleep(50000);
		CHECK(tt_unit_node_gone(name));
		CHECK_ERR(ioctl(r.fd, TUNGTRANSIENT, &v), ENXIO);
		CHECK_ERR(write(r.fd, "x", 1), ENXIO);
		CHECK_OK(close(r.fd));
		/* Its number is free: a unit of that name can be made here. */
		tt_nl_reset();
		CHECK_OK(tt_nl_add(i % 3 == 0 ? "bsdtun" : i % 3 == 1 ?
				   "bsdtap" : "bsdvmnet", name));
		CHECK_OK(tt_nl_del(name, 0));
	}
}

/*
 * The last close of a transient unit racing the death of the namespace it
 * was born in: whichever comes first destroys it, exactly once.
 */
static void transient_close_racing_namespace_death(void)
{
	int before = tt_unit_count();

	tt_alarm(300);
	for (int i = 0; i < 40; i++) {
		char name[IFNAMSIZ];
		int home, fd;

		fd = open_in_doomed_namespace(i & 1 ? "/dev/tap" : "/dev/tun",
					      name, true, &home);
		CHECK_OK(setns(home, CLONE_NEWNET));
		close(home);
		if (i & 2)
			usleep((i * 997) % 5000);
		CHECK_OK(close(fd));
		for (int j = 0; j < 100 && !tt_unit_node_gone(name); j++)
			usleep(20000);
		CHECK(tt_unit_node_gone(name));
	}
	CHECK_EQ(tt_unit_count(), before);
}

static const struct tt_case cases[] = {
	{ "unit_moved_between_namespaces_keeps_traffic", unit_moved_between_namespaces_keeps_traffic },
	{ "dying_namespace_sends_open_visitor_home", dying_namespace_sends_open_visitor_home },
	{ "dying_namespace_destroys_units_born_there", dying_namespace_destroys_units_born_there },
	{ "transient_close_racing_namespace_death", transient_close_racing_namespace_death },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return tt_run(cases, argc, argv);
}
