// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * tuntapctl: create, destroy, list and inspect if_tuntap units, and run a
 * command on a unit of its own.  See man/tuntapctl.8.
 *
 * Units are made and removed through rtnetlink (link kinds bsdtun, bsdtap,
 * bsdvmnet), which also loads an installed module on demand; what a unit
 * is doing is read from /sys/class/net/NAME/tuntap/.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_tap.h>

#ifndef TUNTAP_VERSION
#define TUNTAP_VERSION "unknown"
#endif

/* Exit statuses; man/tuntapctl.8 lists them. */
enum {
	EXIT_FAIL = 1,		/* anything not below */
	EXIT_USAGE = 2,
	EXIT_NOMODULE = 3,
	EXIT_PERM = 4,
	EXIT_NOUNIT = 5,
	EXIT_TAKEN = 6,
};

#define MAXUNIT		32767
#define SYSNET		"/sys/class/net"
#define SYSNODES	"/sys/class/if_tuntap"
#define SYSMODULE	"/sys/module/if_tuntap"

static const struct driver {
	const char *name;
	const char *kind;
} drivers[] = {
	{ "tun", "bsdtun" },
	{ "tap", "bsdtap" },
	{ "vmnet", "bsdvmnet" },
};
#define NR_DRIVERS (sizeof(drivers) / sizeof(drivers[0]))

__attribute__((format(printf, 2, 3)))
static int fail(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("tuntapctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

static int usage(void)
{
	fputs("usage: tuntapctl create tun|tap|vmnet|tunN|tapN|vmnetN\n"
	      "       tuntapctl destroy NAME\n"
	      "       tuntapctl list\n"
	      "       tuntapctl show NAME\n"
	      "       tuntapctl run [--transient|--keep] [--tap|--vmnet|--unit NAME]"
	      " [--] COMMAND [ARG...]\n"
	      "       tuntapctl version\n", stderr);
	return EXIT_USAGE;
}

static int module_loaded(void)
{
	return access(SYSMODULE, F_OK) == 0;
}

static int no_module(void)
{
	return fail(EXIT_NOMODULE,
		    "the if_tuntap module is not loaded (modprobe if_tuntap)");
}

/* The exit status for a failed system call's errno. */
static int status_of(int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		return EXIT_PERM;
	case EEXIST:
	case EBUSY:
		return EXIT_TAKEN;
	case ENODEV:
	case ENXIO:
		return EXIT_NOUNIT;
	default:
		return EXIT_FAIL;
	}
}

/*
 * "tun", "tap7", "vmnet12" -> driver and unit (-1 for none).  Unit numbers
 * are decimal without leading zeros, 0 to 32767, as the module wants.
 */
static int parse_name(const char *s, const struct driver **drv, int *unit)
{
	for (size_t i = 0; i < NR_DRIVERS; i++) {
		size_t len = strlen(drivers[i].name);
		const char *p = s + len;
		long n = 0;

		if (strncmp(s, drivers[i].name, len))
			continue;
		*drv = &drivers[i];
		*unit = -1;
		if (!*p)
			return 0;
		if (*p == '0' && p[1])
			return -1;
		for (; *p; p++) {
			if (*p < '0' || *p > '9' || (n = n * 10 + *p - '0') > MAXUNIT)
				return -1;
		}
		*unit = (int)n;
		return 0;
	}
	return -1;
}

/* Copy a string, cut to fit. */
static void copy(char *dst, size_t size, const char *src)
{
	size_t len = strnlen(src, size - 1);

	memcpy(dst, src, len);
	dst[len] = 0;
}

/* The first line of a file, without its newline; "" if unreadable. */
static const char *read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (!f)
		return buf;
	if (!fgets(buf, (int)size, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

static const char *attr(const char *ifname, const char *name, char *buf,
			size_t size)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), SYSNET "/%s/%s", ifname, name);
	return read_line(path, buf, size);
}

static int is_unit(const char *ifname)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), SYSNET "/%s/tuntap/unit", ifname);
	return access(path, F_OK) == 0;
}

/* ---- rtnetlink ---- */

struct nlreq {
	struct nlmsghdr hdr;
	struct ifinfomsg ifi;
	char attrs[256];
};

static struct rtattr *add_attr(struct nlreq *req, int type, const void *data,
			       size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)req +
					       NLMSG_ALIGN(req->hdr.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	req->hdr.nlmsg_len = NLMSG_ALIGN(req->hdr.nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

static void end_nest(struct nlreq *req, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)req + req->hdr.nlmsg_len -
					 (char *)nest);
}

/* Send one request and wait for its acknowledgement: 0 or an errno. */
static int nl_talk(struct nlreq *req)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	char buf[4096];
	int fd, err;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return errno;
	req->hdr.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	req->hdr.nlmsg_seq = 1;
	if (sendto(fd, req, req->hdr.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0) {
		err = errno;
		close(fd);
		return err;
	}
	for (;;) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			break;
		}
		for (; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != 1 || h->nlmsg_type != NLMSG_ERROR)
				continue;
			err = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
			goto out;
		}
	}
out:
	close(fd);
	return err;
}

static void nl_init(struct nlreq *req, int type, int flags)
{
	memset(req, 0, sizeof(*req));
	req->hdr.nlmsg_len = NLMSG_LENGTH(sizeof(req->ifi));
	req->hdr.nlmsg_type = type;
	req->hdr.nlmsg_flags = flags;
	req->ifi.ifi_family = AF_UNSPEC;
}

static int nl_newlink(const struct driver *drv, const char *name)
{
	struct nlreq req;
	struct rtattr *info;

	nl_init(&req, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	add_attr(&req, IFLA_IFNAME, name, strlen(name) + 1);
	info = add_attr(&req, IFLA_LINKINFO, NULL, 0);
	add_attr(&req, IFLA_INFO_KIND, drv->kind, strlen(drv->kind));
	end_nest(&req, info);
	return nl_talk(&req);
}

static int nl_dellink(int ifindex)
{
	struct nlreq req;

	nl_init(&req, RTM_DELLINK, 0);
	req.ifi.ifi_index = ifindex;
	return nl_talk(&req);
}

/* ---- create, destroy ---- */

/*
 * Whether host unit @name exists, in whatever namespace: its node does
 * and, if it is a prepared node (which stands with no unit), says so.
 */
static int unit_node_exists(const char *name)
{
	char path[PATH_MAX], buf[8];

	snprintf(path, sizeof(path), SYSNODES "/%s", name);
	if (access(path, F_OK))
		return 0;
	snprintf(path, sizeof(path), SYSNODES "/%s/exists", name);
	return strcmp(read_line(path, buf, sizeof(buf)), "0") != 0;
}

static int cmd_create(int argc, char **argv)
{
	const struct driver *drv;
	char name[IFNAMSIZ];
	int unit, err = 0;

	if (argc != 1 || parse_name(argv[0], &drv, &unit))
		return usage();
	if (unit >= 0) {
		snprintf(name, sizeof(name), "%s%d", drv->name, unit);
		err = nl_newlink(drv, name);
	} else {
		/* The lowest unit free everywhere; another creator may win a
		 * race for it, then the next one is tried.
		 */
		err = EEXIST;
		for (unit = 0; unit <= MAXUNIT && err == EEXIST; unit++) {
			snprintf(name, sizeof(name), "%s%d", drv->name, unit);
			if (unit_node_exists(name) || if_nametoindex(name))
				continue;
			err = nl_newlink(drv, name);
		}
	}
	switch (err) {
	case 0:
		printf("%s\n", name);
		return 0;
	case EOPNOTSUPP:	/* no such link kind: no module */
		return module_loaded() ? fail(EXIT_FAIL, "%s: %s", name,
					      strerror(err)) : no_module();
	case EEXIST:
		if (argv[0][strlen(drv->name)] == 0)
			return fail(EXIT_TAKEN, "every %s unit is taken", drv->name);
		return fail(EXIT_TAKEN, "%s: unit taken (it exists already)",
			    name);
	case EPERM:
	case EACCES:
		return fail(EXIT_PERM, "%s: %s (CAP_NET_ADMIN is needed)", name,
			    strerror(err));
	default:
		return fail(status_of(err), "%s: %s", name, strerror(err));
	}
}

/* A unit by interface name here, or by its node name after a rename. */
static int find_unit(const char *name, char *ifname)
{
	DIR *d;
	struct dirent *e;
	char buf[64];

	if (strlen(name) >= IFNAMSIZ)
		return -1;
	if (is_unit(name)) {
		strcpy(ifname, name);
		return 0;
	}
	d = opendir(SYSNET);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !is_unit(e->d_name))
			continue;
		if (!strcmp(attr(e->d_name, "tuntap/unit", buf, sizeof(buf)), name)) {
			copy(ifname, IFNAMSIZ, e->d_name);
			closedir(d);
			return 0;
		}
	}
	closedir(d);
	return -1;
}

static int no_unit(const char *name)
{
	if (!module_loaded())
		return no_module();
	if (if_nametoindex(name))
		return fail(EXIT_NOUNIT, "%s: not an if_tuntap unit", name);
	if (unit_node_exists(name))
		return fail(EXIT_NOUNIT,
			    "%s: no such unit in this network namespace", name);
	return fail(EXIT_NOUNIT, "%s: no such unit", name);
}

static int cmd_destroy(int argc, char **argv)
{
	char ifname[IFNAMSIZ];
	unsigned int index;
	int err;

	if (argc != 1)
		return usage();
	if (find_unit(argv[0], ifname))
		return no_unit(argv[0]);
	index = if_nametoindex(ifname);
	if (!index)
		return no_unit(argv[0]);
	err = nl_dellink((int)index);
	if (err == EPERM || err == EACCES)
		return fail(EXIT_PERM, "%s: %s (CAP_NET_ADMIN is needed)",
			    ifname, strerror(err));
	if (err)
		return fail(status_of(err), "%s: %s", ifname, strerror(err));
	return 0;
}

/* ---- list, show ---- */

struct row {
	char ifname[IFNAMSIZ];
	char unit[IFNAMSIZ];
	char open[8];
	char owner[16];
	char transient[8];
	char netns[64];
};

static struct row *rows;
static size_t nrows;

static void add_row(const struct row *r)
{
	struct row *n = realloc(rows, (nrows + 1) * sizeof(*rows));

	if (!n) {
		perror("tuntapctl");
		exit(EXIT_FAIL);
	}
	rows = n;
	rows[nrows++] = *r;
}

/* Every unit this process's /sys/class/net shows, as rows of @netns. */
static void scan_sysfs(const char *netns, void (*emit)(const struct row *))
{
	DIR *d = opendir(SYSNET);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		struct row r;

		if (e->d_name[0] == '.' || !is_unit(e->d_name))
			continue;
		memset(&r, 0, sizeof(r));
		copy(r.ifname, sizeof(r.ifname), e->d_name);
		attr(r.ifname, "tuntap/unit", r.unit, sizeof(r.unit));
		attr(r.ifname, "tuntap/open", r.open, sizeof(r.open));
		attr(r.ifname, "tuntap/owner", r.owner, sizeof(r.owner));
		attr(r.ifname, "tuntap/transient", r.transient,
		     sizeof(r.transient));
		copy(r.netns, sizeof(r.netns), netns);
		emit(&r);
	}
	closedir(d);
}

static FILE *row_pipe;

static void emit_to_pipe(const struct row *r)
{
	fprintf(row_pipe, "%s %s %s %s %s\n", r->ifname, r->unit, r->open,
		r->owner, r->transient);
}

/*
 * Units in the named namespace @name (/run/netns/NAME): a child enters it
 * with a sysfs of its own, as "ip netns exec" does, and reports back.
 * Needs CAP_SYS_ADMIN; without it those units show as elsewhere.
 */
static void scan_netns(const char *name)
{
	char path[PATH_MAX], line[256];
	int p[2], fd, status;
	pid_t pid;
	FILE *in;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	if (pipe(p))
		return;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pid == 0) {
		close(p[0]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET) || unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) ||
		    umount2("/sys", MNT_DETACH) ||
		    mount("sysfs", "/sys", "sysfs", 0, NULL))
			_exit(1);
		row_pipe = fdopen(p[1], "w");
		if (!row_pipe)
			_exit(1);
		scan_sysfs(name, emit_to_pipe);
		fclose(row_pipe);
		_exit(0);
	}
	close(p[1]);
	in = fdopen(p[0], "r");
	while (in && fgets(line, sizeof(line), in)) {
		struct row r;

		memset(&r, 0, sizeof(r));
		if (sscanf(line, "%15s %15s %7s %15s %7s", r.ifname, r.unit,
			   r.open, r.owner, r.transient) != 5)
			continue;
		copy(r.netns, sizeof(r.netns), name);
		add_row(&r);
	}
	if (in)
		fclose(in);
	else
		close(p[0]);
	waitpid(pid, &status, 0);
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* What to call this process's network namespace. */
static void this_netns(char *buf, size_t size)
{
	DIR *d = opendir("/run/netns");
	struct dirent *e;
	char path[PATH_MAX];

	while (d && (e = readdir(d))) {
		snprintf(path, sizeof(path), "/run/netns/%s", e->d_name);
		if (e->d_name[0] != '.' && same_file(path, "/proc/self/ns/net")) {
			copy(buf, size, e->d_name);
			closedir(d);
			return;
		}
	}
	if (d)
		closedir(d);
	if (same_file("/proc/1/ns/net", "/proc/self/ns/net"))
		snprintf(buf, size, "init");
	else
		snprintf(buf, size, "current");
}

static int listed(const char *unit)
{
	for (size_t i = 0; i < nrows; i++)
		if (!strcmp(rows[i].unit, unit))
			return 1;
	return 0;
}

/*
 * Every unit has a node /sys/class/if_tuntap/<driver><N> whose minor is N,
 * in whatever namespace it is; a unit not found so far is in a namespace
 * without a name (or one this process may not enter).  A prepared node
 * (made at load, for opening by name) stands with no unit too: its
 * "exists" says so.
 */
static void scan_nodes(void)
{
	DIR *d = opendir(SYSNODES);
	struct dirent *e;
	char path[PATH_MAX], buf[32];

	while (d && (e = readdir(d))) {
		const struct driver *drv;
		unsigned int major, minor;
		struct row r;
		int unit;

		if (e->d_name[0] == '.' || parse_name(e->d_name, &drv, &unit) ||
		    unit < 0)
			continue;
		snprintf(path, sizeof(path), SYSNODES "/%s/dev", e->d_name);
		if (sscanf(read_line(path, buf, sizeof(buf)), "%u:%u", &major,
			   &minor) != 2 || minor != (unsigned int)unit ||
		    listed(e->d_name) || !unit_node_exists(e->d_name))
			continue;
		memset(&r, 0, sizeof(r));
		strcpy(r.ifname, "?");
		copy(r.unit, sizeof(r.unit), e->d_name);
		strcpy(r.open, "?");
		strcpy(r.owner, "?");
		strcpy(r.transient, "?");
		strcpy(r.netns, "?");
		add_row(&r);
	}
	if (d)
		closedir(d);
}

static int row_order(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	const struct driver *dx, *dy;
	int ux, uy;

	if (parse_name(x->unit, &dx, &ux) || parse_name(y->unit, &dy, &uy))
		return strcmp(x->unit, y->unit);
	if (dx != dy)
		return dx < dy ? -1 : 1;
	return ux - uy;
}

static const char *yes_no(const char *v)
{
	return !strcmp(v, "1") ? "yes" : !strcmp(v, "0") ? "no" : v;
}

static const char *driver_of(const char *unit)
{
	const struct driver *drv;
	int n;

	return parse_name(unit, &drv, &n) ? "?" : drv->name;
}

static void emit_row(const struct row *r)
{
	add_row(r);
}

static int cmd_list(int argc, char **argv)
{
	char here[64];
	DIR *d;
	struct dirent *e;

	(void)argv;
	if (argc)
		return usage();
	if (!module_loaded())
		return no_module();
	this_netns(here, sizeof(here));
	scan_sysfs(here, emit_row);
	d = opendir("/run/netns");
	while (d && (e = readdir(d))) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "/run/netns/%s", e->d_name);
		if (e->d_name[0] != '.' && !same_file(path, "/proc/self/ns/net"))
			scan_netns(e->d_name);
	}
	if (d)
		closedir(d);
	scan_nodes();
	if (nrows)
		qsort(rows, nrows, sizeof(*rows), row_order);
	printf("%-16s %-12s %-6s %-4s %-8s %-9s %s\n", "NAME", "UNIT", "DRIVER",
	       "OPEN", "PID", "TRANSIENT", "NAMESPACE");
	for (size_t i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		printf("%-16s %-12s %-6s %-4s %-8s %-9s %s\n", r->ifname,
		       r->unit, driver_of(r->unit), yes_no(r->open),
		       !strcmp(r->owner, "0") ? "-" : r->owner,
		       yes_no(r->transient), r->netns);
	}
	return 0;
}

static unsigned long long stat_of(const char *ifname, const char *dir,
				  const char *what)
{
	char path[64], buf[32];

	snprintf(path, sizeof(path), "statistics/%s_%s", dir, what);
	return strtoull(attr(ifname, path, buf, sizeof(buf)), NULL, 10);
}

static int cmd_show(int argc, char **argv)
{
	char ifname[IFNAMSIZ], unit[IFNAMSIZ], here[64], buf[256], comm[64];
	char path[PATH_MAX];
	unsigned long flags;
	const char *dir;

	if (argc != 1)
		return usage();
	if (find_unit(argv[0], ifname))
		return no_unit(argv[0]);
	this_netns(here, sizeof(here));
	attr(ifname, "tuntap/unit", unit, sizeof(unit));
	printf("name:       %s\n", ifname);
	printf("unit:       %s (/dev/%s)\n", unit, unit);
	printf("driver:     %s\n", driver_of(unit));
	printf("namespace:  %s\n", here);
	printf("open:       %s\n",
	       yes_no(attr(ifname, "tuntap/open", buf, sizeof(buf))));
	attr(ifname, "tuntap/owner", buf, sizeof(buf));
	snprintf(path, sizeof(path), "/proc/%s/comm", buf);
	read_line(path, comm, sizeof(comm));
	if (!strcmp(buf, "0"))
		printf("owner:      -\n");
	else if (comm[0])
		printf("owner:      pid %s (%s)\n", buf, comm);
	else
		printf("owner:      pid %s\n", buf);
	printf("transient:  %s\n",
	       yes_no(attr(ifname, "tuntap/transient", buf, sizeof(buf))));
	if (attr(ifname, "tuntap/link0", buf, sizeof(buf))[0])
		printf("link0:      %s\n", yes_no(buf));
	flags = strtoul(attr(ifname, "flags", buf, sizeof(buf)), NULL, 16);
	printf("state:      %s, link %s\n", flags & IFF_UP ? "up" : "down",
	       attr(ifname, "operstate", buf, sizeof(buf)));
	printf("mtu:        %s\n", attr(ifname, "mtu", buf, sizeof(buf)));
	if (attr(ifname, "address", buf, sizeof(buf))[0] &&
	    strcmp(driver_of(unit), "tun"))
		printf("address:    %s\n", buf);
	for (int i = 0; i < 2; i++) {
		dir = i ? "tx" : "rx";
		printf("%s:         %llu packets, %llu bytes, %llu dropped, "
		       "%llu errors\n", dir, stat_of(ifname, dir, "packets"),
		       stat_of(ifname, dir, "bytes"),
		       stat_of(ifname, dir, "dropped"),
		       stat_of(ifname, dir, "errors"));
	}
	return 0;
}

/* ---- run ---- */

static int cmd_run(int argc, char **argv)
{
	const char *node = "tun", *unit_name = NULL;
	char path[PATH_MAX], name[IFNAMSIZ], num[16];
	struct ifreq ifr;
	int transient = 1, one = 1, i, fd, err;

	for (i = 0; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "--transient")) {
			transient = 1;
		} else if (!strcmp(argv[i], "--keep")) {
			transient = 0;
		} else if (!strcmp(argv[i], "--tap")) {
			node = "tap";
		} else if (!strcmp(argv[i], "--vmnet")) {
			node = "vmnet";
		} else if (!strcmp(argv[i], "--unit") && i + 1 < argc) {
			const struct driver *drv;
			int unit;

			unit_name = argv[++i];
			if (parse_name(unit_name, &drv, &unit) || unit < 0)
				return usage();
		} else {
			return usage();
		}
	}
	if (i >= argc)
		return usage();
	if (unit_name)
		node = unit_name;
	snprintf(path, sizeof(path), "/dev/%s", node);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		err = errno;
		if (err == ENOENT && !module_loaded())
			return no_module();
		if (err == ENOENT && unit_name)
			return fail(EXIT_NOUNIT, "%s: no such unit "
				    "(tuntapctl create %s makes it)", node, node);
		if (err == ENOENT)
			return fail(EXIT_FAIL, "%s: %s (cloning is off: module "
				    "parameters tun_devfs_cloning, "
				    "tap_devfs_cloning)", path, strerror(err));
		if (err == EBUSY)
			return fail(EXIT_TAKEN, "%s: unit taken (another process "
				    "has it open)", node);
		if (err == EPERM || err == EACCES)
			return fail(EXIT_PERM, "%s: %s (CAP_NET_ADMIN is needed)",
				    path, strerror(err));
		return fail(status_of(err), "%s: %s", path, strerror(err));
	}
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGIFNAME, &ifr) < 0 ||
	    (transient && ioctl(fd, TUNSTRANSIENT, &one) < 0))
		return fail(EXIT_FAIL, "%s: %s", path, strerror(errno));
	snprintf(name, sizeof(name), "%s", ifr.ifr_name);
	snprintf(num, sizeof(num), "%d", fd);
	if (setenv("TUNTAP_FD", num, 1) || setenv("TUNTAP_IFNAME", name, 1))
		return fail(EXIT_FAIL, "setenv: %s", strerror(errno));
	/* The command inherits the only descriptor: a transient unit goes
	 * when the command, and whatever it passed the file to, is done.
	 */
	execvp(argv[i], argv + i);
	err = errno;
	fail(err == ENOENT ? 127 : 126, "%s: %s", argv[i], strerror(err));
	return err == ENOENT ? 127 : 126;
}

static int cmd_version(int argc, char **argv)
{
	char buf[64];

	(void)argv;
	if (argc)
		return usage();
	printf("tuntapctl %s\n", TUNTAP_VERSION);
	if (module_loaded())
		printf("if_tuntap module %s\n",
		       read_line(SYSMODULE "/version", buf, sizeof(buf)));
	else
		printf("if_tuntap module not loaded\n");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} cmds[] = {
		{ "create", cmd_create },
		{ "destroy", cmd_destroy },
		{ "list", cmd_list },
		{ "show", cmd_show },
		{ "run", cmd_run },
		{ "version", cmd_version },
	};

	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage();
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].run(argc - 2, argv + 2);
	fail(EXIT_USAGE, "unknown command '%s'", argv[1]);
	return usage();
}
