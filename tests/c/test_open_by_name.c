// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Opening /dev/tunN by name (issue 20, item 1): FreeBSD's devfs creates
 * unit N on such an open; here the nodes below the module parameter
 * prepared_nodes stand from load on, belong to the driver, outlive their
 * units, and keep every rule of a cloning open: the clone privilege to
 * create, and never a unit of another network namespace.
 */
#include "tt.h"

#include <grp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#define PARAMS "/sys/module/if_tuntap/parameters/"

static const char *const drivers[] = { "tun", "tap", "vmnet" };
static const char *const kinds[] = { "bsdtun", "bsdtap", "bsdvmnet" };

/* A numbered node's sysfs attribute, or -1 without one. */
static long node_attr(const char *name, const char *attr)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/class/if_tuntap/%s/%s", name, attr);
	if (!tt_path_exists(path))
		return -1;
	return tt_sysfs_long("%s", path);
}

/*
 * A unit number of driver @d that no unit has, below prepared_nodes when
 * the module has any (from 7 up: the cloning cases take the lowest), and
 * 7 when it has none (where the node is missing and the case must fail).
 */
static int free_unit(int d, char *name)
{
	int prepared = tt_prepared_nodes();

	for (int n = 7; n < prepared; n++) {
		snprintf(name, IFNAMSIZ, "%s%d", drivers[d], n);
		if (node_attr(name, "exists") == 0 && !tt_if_exists(name))
			return n;
	}
	snprintf(name, IFNAMSIZ, "%s7", drivers[d]);
	return 7;
}

/*
 * open("/dev/tap7") on a system where unit 7 does not exist makes it, for
 * every driver: the node is there, root's, 0600, and says it has no unit;
 * the open binds the new unit, which stays after close as a cloned one
 * does, and the node says so.
 */
static void open_by_name_creates_unit(void)
{
	for (int d = 0; d < 3; d++) {
		char name[IFNAMSIZ], got[IFNAMSIZ], node[64];
		int units = tt_unit_count(), fd;
		struct stat st;

		free_unit(d, name);
		snprintf(node, sizeof(node), "/dev/%s", name);
		CHECK(!tt_if_exists(name));
		if (stat(node, &st))
			TT_FAIL("%s: %s (no node before its unit)", node,
				strerror(errno));
		CHECK(S_ISCHR(st.st_mode));
		CHECK_EQ(st.st_mode & 07777, 0600);
		CHECK_EQ(st.st_uid, 0);
		CHECK_EQ(node_attr(name, "prepared"), 1);
		CHECK_EQ(node_attr(name, "exists"), 0);

		fd = tt_open_unit(node, got);
		CHECK(!strcmp(got, name));
		CHECK(tt_if_exists(name));
		CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/tuntap/open", name), 1);
		CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/tuntap/owner", name),
			 getpid());
		CHECK_EQ(node_attr(name, "exists"), 1);
		CHECK_EQ(tt_unit_count(), units + 1);
		CHECK_ERR(open(node, O_RDWR), EBUSY);
		close(fd);
		CHECK(tt_if_exists(name));	/* not transient: it stays */
		CHECK_OK(tt_nl_del(name, 0));
		CHECK_EQ(tt_unit_count(), units);
	}
}

/*
 * The prepared node is the driver's: destroying its unit, by ip link del
 * or by the last close of a transient unit, leaves it (same device
 * number), and the next open makes a fresh unit.  From prepared_nodes up
 * a unit has a node of its own that goes with it.
 */
static void prepared_nodes_survive_unit_destroy(void)
{
	int prepared = tt_prepared_nodes();

	for (int d = 0; d < 3; d++) {
		char name[IFNAMSIZ], node[64];
		struct stat before, after;
		int fd, one = 1, ifindex;

		free_unit(d, name);
		snprintf(node, sizeof(node), "/dev/%s", name);
		CHECK_OK(tt_nl_add(kinds[d], name));
		ifindex = if_nametoindex(name);
		CHECK_OK(stat(node, &before));
		CHECK_OK(tt_nl_del(name, 0));
		CHECK_OK(stat(node, &after));
		CHECK_EQ(after.st_rdev, before.st_rdev);
		CHECK_EQ(node_attr(name, "exists"), 0);
		CHECK(tt_unit_node_gone(name));

		fd = tt_open_unit(node, NULL);
		CHECK(tt_if_exists(name));
		CHECK((int)if_nametoindex(name) != ifindex);	/* a new one */
		CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
		close(fd);
		CHECK(!tt_if_exists(name));
		CHECK_OK(stat(node, &after));
		CHECK_EQ(after.st_rdev, before.st_rdev);
		CHECK_EQ(node_attr(name, "exists"), 0);

		/* The first number above them: a node of its own. */
		snprintf(name, sizeof(name), "%s%d", drivers[d], prepared);
		snprintf(node, sizeof(node), "/dev/%s", name);
		CHECK(!tt_path_exists(node));
		CHECK_OK(tt_nl_add(kinds[d], name));
		CHECK(tt_path_exists(node));
		CHECK_EQ(node_attr(name, "prepared"), 0);
		CHECK_EQ(node_attr(name, "exists"), 1);
		CHECK_OK(tt_nl_del(name, 0));
		CHECK(!tt_path_exists(node));
	}
}

/* Runs @fn in a child; its exit status. */
static int in_child(void (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int st;

	CHECK(pid >= 0);
	if (pid == 0) {
		fn(arg);
		exit(0);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void open_enxio_in_new_netns(void *node)
{
	CHECK_OK(unshare(CLONE_NEWNET));
	CHECK_ERR(open(node, O_RDWR), ENXIO);
}

static void write_file(const char *path, const char *text)
{
	int fd = CHECK_OK(open(path, O_WRONLY));

	CHECK_EQ(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* Root of a new user namespace, root's own uid mapped: the node opens. */
static void open_enxio_in_new_userns(void *node)
{
	CHECK_OK(unshare(CLONE_NEWUSER | CLONE_NEWNET));
	write_file("/proc/self/setgroups", "deny");
	write_file("/proc/self/uid_map", "0 0 1");
	write_file("/proc/self/gid_map", "0 0 1");
	CHECK_ERR(open(node, O_RDWR), ENXIO);
	CHECK(!tt_if_exists(strrchr(node, '/') + 1));
}

/*
 * Through a prepared node, nothing of another network namespace is the
 * opener's: from a user namespace's network namespace, no unit is made
 * (numbered nodes make only host units); a host unit seen from a new
 * namespace, and the same unit once moved there, seen from the host, are
 * not opened.  Each gets ENXIO, and binds nothing.
 */
static void open_by_name_from_other_netns_is_enxio(void)
{
	for (int d = 0; d < 3; d++) {
		char name[IFNAMSIZ], node[64];

		free_unit(d, name);
		snprintf(node, sizeof(node), "/dev/%s", name);
		CHECK_EQ(in_child(open_enxio_in_new_userns, node), 0);
		CHECK_EQ(node_attr(name, "exists"), 0);
		CHECK_OK(tt_nl_add(kinds[d], name));
		CHECK_EQ(in_child(open_enxio_in_new_userns, node), 0);
		CHECK_EQ(in_child(open_enxio_in_new_netns, node), 0);
		CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/tuntap/open", name), 0);

		CHECK_EQ(tt_sh("ip netns add ttobn && ip link set %s netns ttobn",
			       name), 0);
		CHECK(!tt_if_exists(name));
		CHECK_EQ(node_attr(name, "exists"), 1);	/* still the host's */
		CHECK_ERR(open(node, O_RDWR), ENXIO);
		CHECK_EQ(tt_sh("ip netns exec ttobn sh -c "
			       "'[ $(cat /sys/class/net/%s/tuntap/open) = 0 ]'",
			       name), 0);
		CHECK_EQ(tt_sh("ip -n ttobn link del %s && ip netns del ttobn",
			       name), 0);
		CHECK(tt_unit_node_gone(name));
	}
}

/*
 * A user namespace's unit named like a prepared node is never what the
 * host gets through that node: the host's open makes a host unit of its
 * own, and the user's unit stays unopened.
 */
static void open_by_name_never_reaches_userns_unit(void)
{
	char name[IFNAMSIZ], got[IFNAMSIZ], node[64], c = 0;
	int ready[2], done[2], fd, one = 1, st;
	pid_t pid;

	free_unit(0, name);
	snprintf(node, sizeof(node), "/dev/%s", name);
	CHECK_OK(pipe(ready));
	CHECK_OK(pipe(done));
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK_OK(unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS));
		write_file("/proc/self/setgroups", "deny");
		write_file("/proc/self/uid_map", "0 0 1");
		write_file("/proc/self/gid_map", "0 0 1");
		/* This namespace's /sys/class/net, not the host's. */
		CHECK_OK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
		CHECK_OK(mount("sysfs", "/sys", "sysfs", 0, NULL));
		tt_nl_reset();
		CHECK_OK(tt_nl_add("bsdtun", name));
		CHECK_EQ(write(ready[1], "r", 1), 1);
		CHECK_EQ(read(done[0], &c, 1), 1);
		CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/tuntap/open", name),
			 0);
		exit(0);
	}
	CHECK_EQ(read(ready[0], &c, 1), 1);
	CHECK_EQ(node_attr(name, "exists"), 0);	/* no host number taken */
	fd = tt_open_unit(node, got);
	CHECK(!strcmp(got, name));
	CHECK(tt_if_exists(name));			/* the host's own */
	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	CHECK_EQ(write(done[1], "d", 1), 1);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	close(fd);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(!tt_if_exists(name));
}

static void become_nobody(void)
{
	CHECK_OK(setgroups(0, NULL));
	CHECK_OK(setgid(65534));
	CHECK_OK(setuid(65534));
}

/* As "unshare -Urn" run by nobody: root of a new user namespace. */
static void become_userns_root(void)
{
	become_nobody();
	/* setuid() left /proc/self root's; nobody's own again, as after exec. */
	CHECK_OK(prctl(PR_SET_DUMPABLE, 1));
	CHECK_OK(unshare(CLONE_NEWUSER | CLONE_NEWNET));
	write_file("/proc/self/setgroups", "deny");
	write_file("/proc/self/uid_map", "0 65534 1");
	write_file("/proc/self/gid_map", "0 65534 1");
}

struct probe {
	const char *node;
	int err;		/* what the open must fail with */
};

static void open_as_nobody(void *arg)
{
	struct probe *p = arg;

	become_nobody();
	CHECK_ERR(open(p->node, O_RDWR), p->err);
}

static void open_as_userns_root(void *arg)
{
	struct probe *p = arg;

	become_userns_root();
	CHECK_ERR(open(p->node, O_RDWR), p->err);
	/* Nothing was made in this namespace either. */
	CHECK(!tt_if_exists(strrchr(p->node, '/') + 1));
}

/*
 * A prepared node's mode outlives the case: whichever way the case ends,
 * its own process (not the children it forks) puts 0600 back.
 */
static char opened_up[3][IFNAMSIZ];
static pid_t opener;

static void restore_modes(void)
{
	if (getpid() != opener)
		return;
	for (int d = 0; d < 3; d++)
		if (opened_up[d][0])
			tt_sh("chmod 0600 /dev/%s", opened_up[d]);
	tt_sh("echo 0 > " PARAMS "tap_user_open");
}

/*
 * A prepared node is as safe as the cloning node: root's and 0600, so a
 * plain user cannot even open it; opened up (chmod 666), the kernel's own
 * checks still refuse.  A user without CAP_NET_ADMIN may not create
 * (EPERM); the root of a user namespace (unshare -Urn, any user may) gets
 * ENXIO, whether the unit is missing or is the host's; and nothing is
 * made, here or there.  With tap_user_open a user may create a tap or
 * vmnet by name as it may by cloning; a tun still not.
 */
static void open_by_name_unprivileged_creates_nothing(void)
{
	char names[3][IFNAMSIZ], node[3][64];
	int units = tt_unit_count();

	for (int d = 0; d < 3; d++) {
		struct probe p = { node[d], EACCES };

		free_unit(d, names[d]);
		snprintf(node[d], sizeof(node[d]), "/dev/%s", names[d]);
		CHECK(tt_path_exists(node[d]));
		CHECK_EQ(in_child(open_as_nobody, &p), 0);
	}
	opener = getpid();
	memcpy(opened_up, names, sizeof(opened_up));
	CHECK_OK(atexit(restore_modes));
	CHECK_EQ(tt_sh("chmod 0666 %s %s %s", node[0], node[1], node[2]), 0);
	for (int d = 0; d < 3; d++) {
		struct probe p = { node[d], EPERM };

		if (in_child(open_as_nobody, &p))
			TT_FAIL("%s: a user's open by name", node[d]);
		p.err = ENXIO;
		if (in_child(open_as_userns_root, &p))
			TT_FAIL("%s: a user namespace's open by name", node[d]);
		CHECK(!tt_if_exists(names[d]));
		CHECK_EQ(node_attr(names[d], "exists"), 0);

		/* The host's unit, from the user's namespace. */
		CHECK_OK(tt_nl_add(kinds[d], names[d]));
		if (in_child(open_as_userns_root, &p))
			TT_FAIL("%s: a user namespace's open of the host's unit",
				node[d]);
		CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/tuntap/open",
				       names[d]), 0);
		CHECK_OK(tt_nl_del(names[d], 0));
	}
	CHECK_EQ(tt_unit_count(), units);

	/* tap_user_open: the cloning rule, by name too. */
	tt_sysfs_write(PARAMS "tap_user_open", "1");
	for (int d = 0; d < 3; d++) {
		struct probe p = { node[d], d ? 0 : EPERM };
		int st;

		if (d) {
			pid_t pid = fork();

			CHECK(pid >= 0);
			if (pid == 0) {
				int one = 1, fd;

				become_nobody();
				fd = tt_open_unit(node[d], NULL);
				CHECK(tt_if_exists(names[d]));
				CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
				close(fd);
				exit(tt_if_exists(names[d]));
			}
			CHECK_EQ(waitpid(pid, &st, 0), pid);
			st = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
		} else {
			st = in_child(open_as_nobody, &p);
		}
		if (st)
			TT_FAIL("%s with tap_user_open", node[d]);
		CHECK(!tt_if_exists(names[d]));
	}
	restore_modes();
	for (int d = 0; d < 3; d++) {
		struct stat st;

		CHECK_OK(stat(node[d], &st));
		CHECK_EQ(st.st_mode & 07777, 0600);
	}
	CHECK_EQ(tt_unit_count(), units);
}

/* With cloning off, a prepared node is as if absent: FreeBSD's ENOENT. */
static void open_by_name_without_cloning_is_enoent(void)
{
	char name[IFNAMSIZ], node[64];

	free_unit(0, name);
	snprintf(node, sizeof(node), "/dev/%s", name);
	CHECK(tt_path_exists(node));
	tt_sysfs_write(PARAMS "tun_devfs_cloning", "0");
	errno = 0;
	int fd = open(node, O_RDWR), err = errno;

	tt_sysfs_write(PARAMS "tun_devfs_cloning", "1");
	if (fd >= 0)
		close(fd);
	CHECK_EQ(fd, -1);
	CHECK_EQ(err, ENOENT);
	CHECK(!tt_if_exists(name));
	CHECK_EQ(node_attr(name, "exists"), 0);
}

/*
 * A cloning open takes the lowest free number, and so a prepared node:
 * /dev/tun and /dev/tunN reach the same units, and what cloning made is
 * listed by the node it sits behind.
 */
static void clones_use_prepared_nodes(void)
{
	char name[IFNAMSIZ], node[64];
	int fd, unit;

	fd = tt_open_unit("/dev/tun", name);
	unit = atoi(name + 3);
	snprintf(node, sizeof(node), "/dev/%s", name);
	CHECK(unit < tt_prepared_nodes());
	CHECK_EQ(node_attr(name, "prepared"), 1);
	CHECK_EQ(node_attr(name, "exists"), 1);
	CHECK_ERR(open(node, O_RDWR), EBUSY);	/* the same unit */
	close(fd);
	fd = tt_open_unit(node, NULL);		/* and still it */
	CHECK(tt_if_exists(name));
	close(fd);
	CHECK_OK(tt_nl_del(name, 0));
	CHECK(tt_unit_node_gone(name));
}

static long meminfo_kb(const char *field)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	CHECK(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field)) &&
		    line[strlen(field)] == ':')
			v = atol(line + strlen(field) + 1);
	fclose(f);
	return v;
}

/*
 * Slab once what the last load or unload left to RCU and workers has
 * landed: read until two readings a quarter second apart agree.
 */
static long settled_slab_kb(void)
{
	long last = -1, now;

	for (int i = 0; i < 40; i++) {
		tt_sh("echo 2 > /proc/sys/vm/drop_caches");
		now = meminfo_kb("Slab");
		if (last >= 0 && labs(now - last) < 8)
			break;
		last = now;
		usleep(250000);
	}
	return now;
}

/* Numbered nodes in /dev of driver @d. */
static int numbered_nodes(int d)
{
	char cmd[128];
	int n = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "ls /dev | grep -Ec '^%s[0-9]+$'", drivers[d]);
	p = popen(cmd, "r");
	CHECK(p);
	if (fscanf(p, "%d", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}

/*
 * prepared_nodes sets how many nodes of each driver the load makes,
 * 0 to 32768, read-only afterwards; 16 by default.  What a load costs
 * for 0, 16 and 256 of each is printed (time, and slab growth).
 */
static void prepared_node_count_parameter(void)
{
	static const int counts[] = { 0, 3, 256, 16 };
	char params[64];
	int mfd;

	tt_alarm(600);
	mfd = CHECK_OK(open(tt_module_path(), O_RDONLY | O_CLOEXEC));
	CHECK_EQ(tt_prepared_nodes(), 16);
	CHECK_ERR(open(PARAMS "prepared_nodes", O_WRONLY), EACCES);
	for (size_t i = 0; i < sizeof(counts) / sizeof(*counts); i++) {
		int n = counts[i];
		long slab0, slab1;
		double t;

		CHECK_OK(syscall(SYS_delete_module, "if_tuntap", O_NONBLOCK));
		slab0 = settled_slab_kb();
		snprintf(params, sizeof(params), "prepared_nodes=%d", n);
		t = tt_now();
		CHECK_OK(syscall(SYS_finit_module, mfd, params, 0));
		t = tt_now() - t;
		slab1 = settled_slab_kb();
		printf("# prepared_nodes=%d: load %.3f s, slab %+ld kB\n", n, t,
		       slab1 - slab0);
		CHECK_EQ(tt_prepared_nodes(), n);
		for (int d = 0; d < 3; d++) {
			char node[64];

			CHECK_EQ(numbered_nodes(d), n);
			snprintf(node, sizeof(node), "/dev/%s%d", drivers[d], n);
			CHECK(!tt_path_exists(node));
			if (n) {
				snprintf(node, sizeof(node), "/dev/%s%d",
					 drivers[d], n - 1);
				CHECK(tt_path_exists(node));
			}
		}
		CHECK_EQ(tt_unit_count(), 0);
		if (n == 3) {	/* the fourth is missing: FreeBSD's open */
			char name[IFNAMSIZ];
			int fd;

			CHECK_ERR(open("/dev/tap3", O_RDWR), ENOENT);
			fd = tt_open_unit("/dev/tap2", name);
			CHECK(!strcmp(name, "tap2"));
			close(fd);
			CHECK_OK(tt_nl_del("tap2", 0));
		}
	}
	close(mfd);
}

static const struct tt_case cases[] = {
	{ "open_by_name_creates_unit", open_by_name_creates_unit },
	{ "prepared_nodes_survive_unit_destroy", prepared_nodes_survive_unit_destroy },
	{ "open_by_name_from_other_netns_is_enxio", open_by_name_from_other_netns_is_enxio },
	{ "open_by_name_never_reaches_userns_unit", open_by_name_never_reaches_userns_unit },
	{ "open_by_name_unprivileged_creates_nothing", open_by_name_unprivileged_creates_nothing },
	{ "open_by_name_without_cloning_is_enoent", open_by_name_without_cloning_is_enoent },
	{ "clones_use_prepared_nodes", clones_use_prepared_nodes },
	{ "prepared_node_count_parameter", prepared_node_count_parameter },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return tt_run(cases, argc, argv);
}
