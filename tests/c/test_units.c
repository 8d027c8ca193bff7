// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Unit numbers (SPEC section 1): create-on-open through mknod-made nodes
 * up to unit 32767, the minors that are not units, automatic numbering
 * around names other interfaces hold, and 10,000 units made and destroyed
 * at a cost per unit that does not grow with their number.
 */
#include "tt.h"

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>

static unsigned int node_major(const char *node)
{
	struct stat st;

	CHECK_OK(stat(node, &st));
	return major(st.st_rdev);
}

static int open_minor(const char *node, unsigned int minor)
{
	char path[] = "/tmp/tt-units-node";
	int fd, err;

	unlink(path);
	CHECK_OK(mknod(path, S_IFCHR | 0600, makedev(node_major(node), minor)));
	fd = open(path, O_RDWR);
	err = errno;
	unlink(path);
	errno = err;
	return fd;
}

/*
 * Minor N below 32768 is unit N, created on open when missing; 32768 is
 * the cloning node; above it nothing is registered (once the minors of
 * rename aliases, which are gone).
 */
static void mknod_minors_up_to_32767_create_units(void)
{
	const char *const nodes[] = { "/dev/tun", "/dev/tap", "/dev/vmnet" };
	char want[IFNAMSIZ];
	struct ifreq ifr;
	int one = 1;

	for (int d = 0; d < 3; d++) {
		int fd = open_minor(nodes[d], 32767);

		CHECK(fd >= 0);
		CHECK_OK(ioctl(fd, TUNGIFNAME, &ifr));
		snprintf(want, sizeof(want), "%s32767", nodes[d] + 5);
		CHECK(!strcmp(ifr.ifr_name, want));
		CHECK(tt_if_exists(want));
		CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
		close(fd);
		CHECK(!tt_if_exists(want));

		/* 32768 is the cloning minor: a new unit, never "32768". */
		fd = open_minor(nodes[d], 32768);
		CHECK(fd >= 0);
		CHECK_OK(ioctl(fd, TUNGIFNAME, &ifr));
		snprintf(want, sizeof(want), "%s32768", nodes[d] + 5);
		CHECK(strcmp(ifr.ifr_name, want) != 0);
		CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
		close(fd);

		/* Once the alias minor of unit 6100: creates nothing. */
		CHECK_ERR(open_minor(nodes[d], 32769 + 6100), ENXIO);
		CHECK(!tt_if_exists(want));
		snprintf(want, sizeof(want), "%s6100", nodes[d] + 5);
		CHECK(!tt_if_exists(want));
		/* Nor further up. */
		CHECK_ERR(open_minor(nodes[d], 65537), ENXIO);
		CHECK_ERR(open_minor(nodes[d], 70000), ENXIO);
	}
	CHECK_ERR(tt_nl_add("bsdtun", "tun32768"), EINVAL);
	CHECK_ERR(tt_nl_add("bsdtap", "tap99999"), EINVAL);
	CHECK_OK(tt_nl_add("bsdtap", "tap32767"));
	CHECK_ERR(tt_nl_add("bsdtap", "tap32767"), EEXIST);
	CHECK_OK(tt_nl_del("tap32767", 0));
}

/* The unit a cloning open would take now, in this namespace. */
static int next_clone_unit(const char *node, char *name)
{
	int one = 1, fd = tt_open_unit(node, name);

	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	close(fd);
	return atoi(name + strcspn(name, "0123456789"));
}

/*
 * Automatic numbering skips a name another interface of the namespace
 * holds: a dummy called tunN, and Linux's own tun called tunN.
 */
static void auto_numbering_skips_foreign_names(void)
{
	char name[IFNAMSIZ], got[IFNAMSIZ], foreign[IFNAMSIZ];
	int fd, one = 1;

	CHECK_EQ(tt_sh_quiet("modprobe tun"), 0);
	CHECK_OK(unshare(CLONE_NEWNET));
	tt_nl_reset();
	for (int round = 0; round < 2; round++) {
		const char *node = round ? "/dev/tap" : "/dev/tun";

		next_clone_unit(node, foreign);
		/* A dummy takes the name. */
		CHECK_OK(tt_nl_add("dummy", foreign));
		fd = tt_open_unit(node, got);
		CHECK(strcmp(got, foreign) != 0);
		CHECK(tt_if_exists(got));
		CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
		/* Linux's tun takes the next one. */
		next_clone_unit(node, name);
		CHECK(strcmp(name, foreign) != 0);
		CHECK_EQ(tt_sh("ip tuntap add dev %s mode %s", name,
			       round ? "tap" : "tun"), 0);
		CHECK_OK(tt_nl_add(round ? "bsdtap" : "bsdtun", NULL));
		CHECK(tt_if_exists(name));
		CHECK_EQ(tt_sh_quiet("ip -d link show dev %s | grep -q bsd",
				     name), 1);	/* still Linux's */
		close(fd);
		CHECK(!tt_if_exists(got));
	}
}

/*
 * One rtnetlink request on @fd about interface group @group: @type with
 * @flags, and a link kind when @kind is set.  Returns the kernel's errno.
 */
static int group_request(int fd, int type, int flags, int group,
			 const char *kind, int seq)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		char attrs[64];
	} r;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct rtattr *a, *li;
	char buf[1024];

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(r.ifi));
	r.nh.nlmsg_type = type;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r.nh.nlmsg_seq = seq;
	r.ifi.ifi_family = AF_UNSPEC;
	a = (struct rtattr *)((char *)&r + r.nh.nlmsg_len);
	a->rta_type = IFLA_GROUP;
	a->rta_len = RTA_LENGTH(4);
	memcpy(RTA_DATA(a), &group, 4);
	r.nh.nlmsg_len += RTA_ALIGN(a->rta_len);
	if (kind) {
		li = (struct rtattr *)((char *)&r + r.nh.nlmsg_len);
		li->rta_type = IFLA_LINKINFO;
		a = RTA_DATA(li);
		a->rta_type = IFLA_INFO_KIND;
		a->rta_len = RTA_LENGTH(strlen(kind));
		memcpy(RTA_DATA(a), kind, strlen(kind));
		li->rta_len = RTA_LENGTH(RTA_ALIGN(a->rta_len));
		r.nh.nlmsg_len += RTA_ALIGN(li->rta_len);
	}
	CHECK_OK(sendto(fd, &r, r.nh.nlmsg_len, 0, (struct sockaddr *)&sa,
			sizeof(sa)));
	CHECK(recv(fd, buf, sizeof(buf), 0) > 0);
	return -((struct nlmsgerr *)NLMSG_DATA((struct nlmsghdr *)buf))->error;
}

/* One "ip link add group G type bsdtun" (automatic name) on socket @fd. */
static void add_one(int fd, int group, int seq)
{
	int err = group_request(fd, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
				group, "bsdtun", seq);

	if (err)
		TT_FAIL("unit %d of group %d: %s", seq, group, strerror(err));
}

/*
 * @n units in group @group, by two processes at once (two vCPUs; both
 * ask for the next free number, so numbering is raced too).
 */
static double add_batch(int group, int n)
{
	double t0 = tt_now();
	pid_t kids[2];

	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			int fd = CHECK_OK(socket(AF_NETLINK, SOCK_RAW,
						 NETLINK_ROUTE));

			for (int i = k; i < n; i += 2)
				add_one(fd, group, i + 1);
			exit(0);
		}
		CHECK(kids[k] > 0);
	}
	for (int k = 0; k < 2; k++) {
		int st;

		CHECK_EQ(waitpid(kids[k], &st, 0), kids[k]);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	return tt_now() - t0;
}

/* "ip link del group G": one request destroys the whole group at once. */
static double del_group(int group)
{
	double t0 = tt_now();
	int fd = CHECK_OK(socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
	int err = group_request(fd, RTM_DELLINK, 0, group, NULL, 0);

	if (err)
		TT_FAIL("del group %d: %s", group, strerror(err));
	close(fd);
	return tt_now() - t0;
}

/* Units in this namespace (others may be dying elsewhere meanwhile). */
static int units_here(void)
{
	FILE *p = popen("ip -o link show type bsdtun | wc -l", "r");
	int n = -1;

	CHECK(p);
	if (fscanf(p, "%d", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}

static void ratio_ok(const char *what, double first, double last)
{
	double hi = first > last ? first : last;
	double lo = first > last ? last : first;

	printf("# %s: first 1000 %.2f s, last 1000 %.2f s, ratio %.2f\n",
	       what, first, last, hi / lo);
	/* Linear growth would make it about 19; noise under TCG about 2. */
	if (hi > 3.5 * lo)
		TT_FAIL("%s: cost per unit grew", what);
}

/*
 * 10,000 units by rtnetlink (automatic numbering), in a namespace of their
 * own, in groups of 1000, then destroyed a group per request: the first
 * and the last thousand cost the same, both ways, and nothing is left.
 */
static void ten_thousand_units_created_and_destroyed(void)
{
	const int groups = 10, per = 1000;
	double add[10], del[10], t0 = tt_now();

	tt_alarm(900);
	CHECK_OK(unshare(CLONE_NEWNET));
	CHECK_EQ(units_here(), 0);
	for (int g = 0; g < groups; g++)
		add[g] = add_batch(100 + g, per);
	CHECK_EQ(units_here(), groups * per);
	for (int g = 0; g < groups; g++)
		del[g] = del_group(100 + g);
	CHECK_EQ(units_here(), 0);
	printf("# %d units created and destroyed in %.1f s\n", groups * per,
	       tt_now() - t0);
	ratio_ok("create", add[0], add[groups - 1]);
	ratio_ok("destroy", del[0], del[groups - 1]);
}

static const struct tt_case cases[] = {
	{ "mknod_minors_up_to_32767_create_units", mknod_minors_up_to_32767_create_units },
	{ "auto_numbering_skips_foreign_names", auto_numbering_skips_foreign_names },
	{ "ten_thousand_units_created_and_destroyed", ten_thousand_units_created_and_destroyed },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return tt_run(cases, argc, argv);
}
