// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Lifetime (SPEC sections 4 and 5): destroying a unit while its file is in
 * use, by ip link del, by the last close of a transient unit, and racing
 * opens and requests; module unload while a file is open.
 */
#include "tt.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/syscall.h>

static const char *const drivers[] = { "tun", "tap", "vmnet" };

/* "ip link add NAMEunit type bsdDRIVER" for drivers[@d], then open it. */
static int add_and_open(int d, int unit, char *name)
{
	char kind[16], node[64];

	snprintf(name, IFNAMSIZ, "%s%d", drivers[d], unit);
	snprintf(kind, sizeof(kind), "bsd%s", drivers[d]);
	snprintf(node, sizeof(node), "/dev/%s", name);
	CHECK_OK(tt_nl_add(kind, name));
	return tt_open_unit(node, NULL);
}

struct sleeper {
	int fd;
	int kind;		/* 0 read, 1 poll, 2 epoll */
	long ret;
	int err;
	int revents;
};

static void *sleep_on_unit(void *arg)
{
	struct sleeper *s = arg;
	char buf[2048];

	errno = 0;
	if (s->kind == 0) {
		s->ret = read(s->fd, buf, sizeof(buf));
	} else if (s->kind == 1) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };

		s->ret = poll(&p, 1, 20000);
		s->revents = p.revents;
	} else {
		struct epoll_event ev = { .events = EPOLLIN };
		int ep = epoll_create1(0);

		epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &ev);
		memset(&ev, 0, sizeof(ev));
		s->ret = epoll_wait(ep, &ev, 1, 20000);
		s->revents = ev.events;
		close(ep);
	}
	s->err = errno;
	return NULL;
}

/* Every request a file can make after its unit is gone fails ENXIO. */
static void check_file_dead(int fd, bool l2)
{
	struct tuninfo ti = { 0 };
	struct ifreq ifr;
	char buf[64];
	int v = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

	CHECK_ERR(read(fd, buf, sizeof(buf)), ENXIO);
	CHECK_ERR(write(fd, buf, 20), ENXIO);
	CHECK_ERR(ioctl(fd, TUNGIFNAME, &ifr), ENXIO);
	CHECK_ERR(ioctl(fd, TUNGIFINFO, &ti), ENXIO);
	CHECK_ERR(ioctl(fd, TUNSIFINFO, &ti), ENXIO);
	CHECK_ERR(ioctl(fd, TUNSTRANSIENT, &v), ENXIO);
	CHECK_ERR(ioctl(fd, FIONREAD, &v), ENXIO);
	if (l2)
		CHECK_ERR(ioctl(fd, VMIO_SIOCSIFFLAGS, 0), ENXIO);
	else
		CHECK_ERR(ioctl(fd, TUNSIFHEAD, &v), ENXIO);
	CHECK_EQ(poll(&p, 1, 0), 1);
	CHECK(p.revents & (POLLERR | POLLHUP));
}

/*
 * ip link del of an open unit: a reader, a poller and an epoll waiter
 * all wake with an error; the file stays valid and every later call
 * fails ENXIO; close is clean.
 */
static void destroy_wakes_read_poll_epoll_sleepers(void)
{
	for (int d = 0; d < 3; d++) {
		struct sleeper s[3];
		pthread_t t[3];
		char name[IFNAMSIZ], node[64];
		int fd;

		fd = add_and_open(d, 6001, name);
		for (int i = 0; i < 3; i++) {
			s[i] = (struct sleeper){ .fd = fd, .kind = i };
			CHECK_EQ(pthread_create(&t[i], NULL, sleep_on_unit,
						&s[i]), 0);
		}
		usleep(300000);
		CHECK_OK(tt_nl_del(name, 0));
		for (int i = 0; i < 3; i++)
			pthread_join(t[i], NULL);
		CHECK_EQ(s[0].ret, -1);
		CHECK_EQ(s[0].err, ENXIO);
		CHECK_EQ(s[1].ret, 1);
		CHECK(s[1].revents & (POLLERR | POLLHUP));
		CHECK_EQ(s[2].ret, 1);
		CHECK(s[2].revents & (EPOLLERR | EPOLLHUP));
		check_file_dead(fd, d > 0);
		CHECK_OK(close(fd));
		snprintf(node, sizeof(node), "/dev/%s", name);
		CHECK(!tt_path_exists(node));
		CHECK(!tt_if_exists(name));
	}
}

/*
 * ip link del of an open transient unit destroys it once: the unit
 * number is free at once, and the file's close later must not touch the
 * new unit that took it.
 */
static void transient_deleted_while_open_dies_once(void)
{
	for (int d = 0; d < 3; d++) {
		char name[IFNAMSIZ], node[64];
		int one = 1, fd = add_and_open(d, 6002, name);

		CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
		CHECK_OK(tt_nl_del(name, 0));
		check_file_dead(fd, d > 0);
		snprintf(node, sizeof(node), "/dev/%s", name);
		CHECK(!tt_path_exists(node));
		CHECK_OK(tt_nl_add(d ? (d == 1 ? "bsdtap" : "bsdvmnet") : "bsdtun",
				   name));
		CHECK_OK(close(fd));
		CHECK(tt_if_exists(name));
		CHECK(tt_path_exists(node));
		CHECK_OK(tt_nl_del(name, 0));
		CHECK(!tt_if_exists(name));
	}
}

/*
 * A transient unit dies on the last close of its file, not the first:
 * a forked child's copy keeps it; a thread blocked in read keeps the file
 * (and so the unit) alive after close() until its read returns.
 */
static void transient_dies_on_last_close_of_shared_file(void)
{
	char name[IFNAMSIZ], buf[2048];
	struct sleeper s;
	pthread_t t;
	int one = 1, fd, p[2];
	pid_t pid;

	fd = tt_tun_ready(name, false);
	CHECK_OK(pipe(p));
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		(void)!read(p[0], buf, 1);	/* until the parent says */
		_exit(0);
	}
	close(p[0]);
	close(fd);
	usleep(100000);
	CHECK(tt_if_exists(name));	/* the child's copy holds it */
	close(p[1]);
	CHECK_EQ(waitpid(pid, NULL, 0), pid);
	CHECK(!tt_if_exists(name));

	/* A read in flight holds the file past close(). */
	fd = tt_tun_ready(name, false);
	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	s = (struct sleeper){ .fd = fd, .kind = 0 };
	CHECK_EQ(pthread_create(&t, NULL, sleep_on_unit, &s), 0);
	usleep(200000);
	close(fd);
	usleep(200000);
	CHECK(tt_if_exists(name));
	/* A packet routed out of the unit ends the read, then the unit. */
	CHECK_EQ(tt_sh_quiet("ping -c 1 -W 1 " TT_B4), 1);
	pthread_join(t, NULL);
	CHECK(s.ret > 0);
	for (int i = 0; i < 50 && tt_if_exists(name); i++)
		usleep(100000);
	CHECK(!tt_if_exists(name));
}

struct hammer {
	int fd;
	bool l2;
	volatile bool stop;
	long calls, enxio;
	int bad_err;		/* first unexpected errno */
	const char *bad_req;
};

/*
 * Requests that change the interface under RTNL, in a loop, until the
 * unit is gone.  Before: success or the request's own documented error;
 * after: ENXIO.
 */
static void *hammer_ioctls(void *arg)
{
	struct hammer *h = arg;
	struct ifreq ifr;
	struct tuninfo ti;
	int v;

	while (!h->stop) {
		const char *req;
		int r, i = h->calls++ % 5;

		memset(&ti, 0, sizeof(ti));
		switch (i) {
		case 0:
			req = "TUNGIFINFO+TUNSIFINFO";
			r = ioctl(h->fd, TUNGIFINFO, &ti);
			if (!r) {
				ti.mtu = ti.mtu == 1400 ? 1300 : 1400;
				r = ioctl(h->fd, TUNSIFINFO, &ti);
			}
			break;
		case 1:
			req = "TUNGIFNAME";
			r = ioctl(h->fd, TUNGIFNAME, &ifr);
			break;
		case 2:
			req = h->l2 ? "VMIO_SIOCSIFFLAGS" : "TUNSIFMODE";
			v = IFF_POINTOPOINT;
			r = h->l2 ? ioctl(h->fd, VMIO_SIOCSIFFLAGS, IFF_UP) :
				    ioctl(h->fd, TUNSIFMODE, &v);
			if (r && errno == EBUSY && !h->l2)
				r = 0;	/* documented: up */
			break;
		case 3:
			req = h->l2 ? "TAPSVNETHDR" : "TUNSIFHEAD";
			v = h->calls & 8 ? 10 : 0;
			r = ioctl(h->fd, h->l2 ? TAPSVNETHDR : TUNSIFHEAD, &v);
			break;
		default:
			req = "FIOASYNC";
			v = h->calls & 16 ? 1 : 0;
			r = ioctl(h->fd, FIOASYNC, &v);
			break;
		}
		if (r == 0)
			continue;
		if (errno == ENXIO) {
			h->enxio++;
			if (i == 4)	/* the VFS's request: not ours */
				continue;
			break;
		}
		if (!h->bad_err) {
			h->bad_err = errno;
			h->bad_req = req;
		}
		break;
	}
	return NULL;
}

/*
 * Destroy racing requests that take RTNL: each either finishes on the
 * live unit or fails ENXIO; none touches the unregistered device (which
 * would hang unregistration or warn).
 */
static void destroy_racing_ioctls_gets_enxio(void)
{
	long calls = 0, enxio = 0;
	int rounds = 60;

	tt_alarm(600);
	for (int round = 0; round < rounds; round++) {
		int d = round % 3;
		struct hammer h = { .l2 = d > 0 };
		char name[IFNAMSIZ];
		pthread_t t;

		h.fd = add_and_open(d, 6002, name);
		CHECK_OK(tt_nl_updown(name, true));
		CHECK_EQ(pthread_create(&t, NULL, hammer_ioctls, &h), 0);
		usleep(1000 + (round * 7919) % 20000);
		CHECK_OK(tt_nl_del(name, 0));
		usleep(2000);
		h.stop = true;
		pthread_join(t, NULL);
		if (h.bad_err)
			TT_FAIL("%s on %s: %s", h.bad_req, name,
				strerror(h.bad_err));
		check_file_dead(h.fd, d > 0);
		CHECK_OK(close(h.fd));
		calls += h.calls;
		enxio += h.enxio;
	}
	printf("# destroy_racing_ioctls: %d rounds, %ld requests, %ld ENXIO\n",
	       rounds, calls, enxio);
}

struct opener {
	const char *node;
	volatile bool stop;
	long ok, busy, gone, bad;
	int bad_err;
};

static void *open_loop(void *arg)
{
	struct opener *o = arg;
	struct ifreq ifr;

	while (!o->stop) {
		int fd = open(o->node, O_RDWR);

		if (fd < 0) {
			if (errno == EBUSY) {
				o->busy++;
			} else if (errno == ENOENT) {
				o->gone++;	/* the node is gone */
			} else {
				o->bad++;
				o->bad_err = errno;
			}
			continue;
		}
		/* A whole unit, or one destroyed since: never half made. */
		if (ioctl(fd, TUNGIFNAME, &ifr) == 0) {
			if (strcmp(ifr.ifr_name, o->node + 5)) {
				o->bad++;
				o->bad_err = EINVAL;
			}
		} else if (errno != ENXIO) {
			o->bad++;
			o->bad_err = errno;
		}
		o->ok++;
		close(fd);
	}
	return NULL;
}

/* Opens racing creation and destruction get a whole unit, EBUSY or ENOENT. */
static void opens_racing_destroy_succeed_or_ebusy(void)
{
	struct opener o = { .node = "/dev/tun6003" };
	pthread_t t[2];
	int rounds = 150, created = 0;

	tt_alarm(300);
	CHECK_EQ(pthread_create(&t[0], NULL, open_loop, &o), 0);
	CHECK_EQ(pthread_create(&t[1], NULL, open_loop, &o), 0);
	for (int i = 0; i < rounds; i++) {
		/* An open may have created it already (create-on-open). */
		if (tt_nl_add("bsdtun", "tun6003") == 0)
			created++;
		else if (errno != EEXIST)
			TT_FAIL("add tun6003: %s", strerror(errno));
		if (tt_nl_del("tun6003", 0) && errno != ENODEV)
			TT_FAIL("del tun6003: %s", strerror(errno));
	}
	o.stop = true;
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	printf("# opens_racing_destroy: %d rounds, %d created by netlink, "
	       "opens: %ld ok, %ld EBUSY, %ld ENOENT, %ld other\n",
	       rounds, created, o.ok, o.busy, o.gone, o.bad);
	if (o.bad)
		TT_FAIL("%ld opens failed otherwise, last %s", o.bad,
			strerror(o.bad_err));
	/* Whatever the last open made is whole: node and interface. */
	CHECK_EQ(tt_if_exists("tun6003"), tt_path_exists("/dev/tun6003"));
	tt_nl_del("tun6003", 0);
	CHECK(!tt_path_exists("/dev/tun6003"));
}

/* Cloning opens racing last closes of transient units, on all drivers. */
static void clone_and_transient_close_race(void)
{
	int before = tt_unit_count();

	tt_alarm(300);
	for (int d = 0; d < 3; d++) {
		char node[32];
		pid_t kids[2];

		snprintf(node, sizeof(node), "/dev/%s", drivers[d]);
		for (int k = 0; k < 2; k++) {
			kids[k] = fork();
			if (kids[k] == 0) {
				for (int i = 0; i < 50; i++) {
					int one = 1, fd = open(node, O_RDWR);

					if (fd < 0 || ioctl(fd, TUNSTRANSIENT,
							    &one))
						_exit(1);
					close(fd);
				}
				_exit(0);
			}
		}
		for (int k = 0; k < 2; k++) {
			int st;

			CHECK_EQ(waitpid(kids[k], &st, 0), kids[k]);
			CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		}
	}
	CHECK_EQ(tt_unit_count(), before);
}

static long module_refcnt(void)
{
	return tt_sysfs_long("/sys/module/if_tuntap/refcnt");
}

/*
 * Open files hold the module: rmmod fails (EWOULDBLOCK) while one is open,
 * even with a reader asleep in it and even after its unit is destroyed,
 * and succeeds once the last file closes.  The module is loaded again for
 * the cases that follow.
 */
static void rmmod_refused_while_file_open(void)
{
	struct sleeper s;
	char name[IFNAMSIZ];
	pthread_t t;
	int fd, mfd;

	tt_alarm(120);
	fd = tt_open_unit("/dev/tap", name);
	CHECK(module_refcnt() >= 1);
	s = (struct sleeper){ .fd = fd, .kind = 0 };
	CHECK_EQ(pthread_create(&t, NULL, sleep_on_unit, &s), 0);
	usleep(200000);
	CHECK_ERR(syscall(SYS_delete_module, "if_tuntap", O_NONBLOCK),
		  EWOULDBLOCK);
	CHECK(tt_if_exists(name));
	CHECK_OK(tt_nl_del(name, 0));
	pthread_join(t, NULL);
	CHECK_EQ(s.err, ENXIO);
	CHECK_ERR(syscall(SYS_delete_module, "if_tuntap", O_NONBLOCK),
		  EWOULDBLOCK);
	close(fd);
	CHECK_EQ(module_refcnt(), 0);
	/* Units without files do not hold it; unload destroys them. */
	CHECK_OK(tt_nl_add("bsdvmnet", "vmnet6004"));
	CHECK_OK(syscall(SYS_delete_module, "if_tuntap", O_NONBLOCK));
	CHECK(!tt_path_exists("/sys/module/if_tuntap"));
	CHECK(!tt_if_exists("vmnet6004"));
	mfd = CHECK_OK(open(tt_module_path(), O_RDONLY | O_CLOEXEC));
	CHECK_OK(syscall(SYS_finit_module, mfd, "", 0));
	close(mfd);
}

/*
 * Out of memory, in the debug check (skipped on kernels without fault
 * injection): for every N the call reaches, it runs with its Nth
 * allocation failing, our paths' and the core's after them.  That nothing
 * leaks is kmemleak's part of the debug check.
 */

/*
 * A transient unit's last close: whatever allocation fails, the unit and
 * its node go.
 */
static void transient_close_without_memory_still_destroys(void)
{
	int ffd, units = tt_unit_count(), one = 1, fd;
	char name[IFNAMSIZ];
	bool reached = true;
	unsigned int n;

	tt_alarm(900);
	ffd = tt_fail_start();
	for (n = 1; reached; n++) {
		fd = tt_open_unit("/dev/tun", name);
		CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
		tt_fail_nth(ffd, n);
		CHECK_OK(close(fd));
		reached = tt_fail_reached(ffd);
		CHECK(!tt_if_exists(name));
		CHECK(tt_unit_node_gone(name));
		CHECK_EQ(tt_unit_count(), units);
	}
	tt_fail_stop(ffd);
	printf("# last close: %u allocations\n", n - 2);
	CHECK(n > 2);
}

/*
 * A cloning open: whatever allocation fails, it either gives a working
 * unit or fails and leaves no unit, node, interface or unit number
 * behind.  The errno is the kernel's: ENOMEM, ENOBUFS from IPv4's and
 * IPv6's per-interface sysctls, and on 6.1 EINVAL when the interface's
 * sysfs name cannot be allocated (device_add() of a nameless device).
 */
static void create_without_memory_fails_cleanly(void)
{
	int ffd, units = tt_unit_count(), one = 1;
	int ifs = tt_count_unit_names("/sys/class/net");
	int fd, err, failures = 0;
	char name[IFNAMSIZ], first[IFNAMSIZ];
	struct ifreq ifr = { 0 };
	bool reached = true;
	unsigned int n;

	tt_alarm(900);
	close(tt_open_unit("/dev/tun", first));	/* the number to come back */
	CHECK_OK(tt_nl_del(first, 0));
	ffd = tt_fail_start();
	for (n = 1; reached; n++) {
		tt_fail_nth(ffd, n);
		fd = open("/dev/tun", O_RDWR);
		err = errno;
		reached = tt_fail_reached(ffd);
		if (fd < 0) {
			CHECK(err == ENOMEM || err == ENOBUFS || err == EINVAL);
			failures++;
		} else {
			CHECK_OK(ioctl(fd, TUNGIFNAME, &ifr));
			CHECK(!strcmp(ifr.ifr_name, first));
			CHECK(tt_if_exists(first));
			CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
			CHECK_OK(close(fd));
		}
		CHECK_EQ(tt_unit_count(), units);
		CHECK_EQ(tt_count_unit_names("/sys/class/net"), ifs);
	}
	tt_fail_stop(ffd);
	printf("# cloning open: %u allocations, %d failed\n", n - 2,
	       failures);
	CHECK(failures > 0);
	/* No number was lost: the next unit is the one the first got. */
	fd = tt_open_unit("/dev/tun", name);
	CHECK(!strcmp(name, first));
	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	close(fd);
}

/* Whether /proc/devices lists a character major named @name. */
static bool chrdev_listed(const char *name)
{
	FILE *f = fopen("/proc/devices", "r");
	char line[128], dev[64];
	bool found = false;
	int major;

	CHECK(f);
	while (fgets(line, sizeof(line), f) && strcmp(line, "Block devices:\n"))
		if (sscanf(line, "%d %63s", &major, dev) == 2 &&
		    !strcmp(dev, name))
			found = true;
	fclose(f);
	return found;
}

/*
 * Loading the module: whatever allocation fails, the load either works or
 * fails ENOMEM and leaves nothing of ours behind (no class, no cloning
 * or prepared node, no major), and the next load works.  Two prepared
 * nodes a driver, not 16: every further node fails as the second does,
 * and each adds a load per allocation it makes.  One string is the
 * core's to leak here (scripts/kmemleak-filter.sh).
 */
static void load_without_memory_fails_cleanly(void)
{
	int ffd, mfd, ret, err, failures = 0;
	char name[IFNAMSIZ];
	bool reached = true;
	unsigned int n;

	tt_alarm(1800);
	mfd = CHECK_OK(open(tt_module_path(), O_RDONLY | O_CLOEXEC));
	ffd = tt_fail_start();
	for (n = 1; reached; n++) {
		CHECK_OK(syscall(SYS_delete_module, "if_tuntap", O_NONBLOCK));
		tt_fail_nth(ffd, n);
		ret = syscall(SYS_finit_module, mfd, "prepared_nodes=2", 0);
		err = errno;
		reached = tt_fail_reached(ffd);
		if (!ret) {
			CHECK(tt_path_exists("/dev/tun"));
			CHECK(tt_path_exists("/dev/vmnet1"));
			continue;
		}
		CHECK_EQ(err, ENOMEM);
		failures++;
		CHECK(!tt_path_exists("/sys/module/if_tuntap"));
		CHECK(!tt_path_exists("/sys/class/if_tuntap"));
		CHECK(!tt_path_exists("/dev/tun"));
		CHECK(!tt_path_exists("/dev/tun0"));	/* nor a prepared node */
		CHECK(!tt_path_exists("/dev/vmnet0"));
		CHECK(!chrdev_listed("tun"));
		CHECK(!chrdev_listed("tap"));
		CHECK(!chrdev_listed("vmnet"));
		CHECK_OK(syscall(SYS_finit_module, mfd, "prepared_nodes=2", 0));
	}
	tt_fail_stop(ffd);
	/* The cases after this one get the module as the suite loaded it. */
	CHECK_OK(syscall(SYS_delete_module, "if_tuntap", O_NONBLOCK));
	CHECK_OK(syscall(SYS_finit_module, mfd, "", 0));
	close(mfd);
	printf("# module load: %u allocations, %d failed\n", n - 2, failures);
	CHECK(failures > 0);
	close(tt_open_unit("/dev/tun", name));
	CHECK_OK(tt_nl_del(name, 0));
}

static const struct tt_case cases[] = {
	{ "destroy_wakes_read_poll_epoll_sleepers", destroy_wakes_read_poll_epoll_sleepers },
	{ "transient_dies_on_last_close_of_shared_file", transient_dies_on_last_close_of_shared_file },
	{ "transient_deleted_while_open_dies_once", transient_deleted_while_open_dies_once },
	{ "destroy_racing_ioctls_gets_enxio", destroy_racing_ioctls_gets_enxio },
	{ "opens_racing_destroy_succeed_or_ebusy", opens_racing_destroy_succeed_or_ebusy },
	{ "clone_and_transient_close_race", clone_and_transient_close_race },
	{ "rmmod_refused_while_file_open", rmmod_refused_while_file_open },
	{ "transient_close_without_memory_still_destroys", transient_close_without_memory_still_destroys },
	{ "create_without_memory_fails_cleanly", create_without_memory_fails_cleanly },
	{ "load_without_memory_fails_cleanly", load_without_memory_fails_cleanly },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return tt_run(cases, argc, argv);
}
