// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * tt-stress: a bounded multi-process run over every way a unit lives and
 * dies.  Worker processes pick at random among: cloning opens (all three
 * drivers), opens of a small pool of named units (create-on-open or
 * EBUSY), rtnetlink creation and deletion of the pool, transient set and
 * clear, moves between two namespaces and back, namespaces that die with
 * units born in them, up/down, writes, reads and requests, and closes.
 * Every call must succeed or fail with an errno documented for it.
 *
 * Runs TT_STRESS_SECONDS (default 120), or until TT_STRESS_OPS operations
 * (default 10,000,000), with TT_STRESS_WORKERS (default 6) workers, then cleans up and checks that no unit is left and that the
 * module's reference count is back to zero.  Prints the operations run.
 */
#include "tt.h"

#include <linux/netlink.h>
#include <netinet/ip.h>
#include <glob.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>

enum op {
	OP_CLONE, OP_OPEN_POOL, OP_ADD_POOL, OP_DEL_POOL, OP_CLOSE,
	OP_TRANSIENT, OP_MOVE, OP_MOVE_BACK, OP_DOOMED_NS, OP_UPDOWN,
	OP_WRITE, OP_READ, OP_IOCTL, NR_OPS,
};

static const char *const op_names[NR_OPS] = {
	"clone_open", "open_pool_node", "netlink_add", "netlink_del", "close",
	"transient_set_clear", "netns_move", "netns_move_back",
	"dying_netns", "up_down", "write", "read", "ioctl",
};

struct shared {
	long total, max;	/* operations run, and the bound on them */
	long ops[NR_OPS];
	long errs[NR_OPS];	/* documented errors met */
	long bad;		/* undocumented errors */
	char why[256];
};

static struct shared *sh;
static const char *const drivers[] = { "tun", "tap", "vmnet" };
static const char *const kinds[] = { "bsdtun", "bsdtap", "bsdvmnet" };
#define POOL 6		/* tun7000..7005, tap7000.., vmnet7000.. */
#define SLOTS 4
static int nsfd[2];	/* /run/netns/ttstress0, 1 */
static int initfd;	/* the namespace we started in */
static int nlsock[3];	/* rtnetlink in init, ns0, ns1 */

static void count(enum op op, long r, const int *ok)
{
	__atomic_fetch_add(&sh->ops[op], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&sh->total, 1, __ATOMIC_RELAXED);
	if (r >= 0)
		return;
	for (; *ok; ok++) {
		if (errno == *ok) {
			__atomic_fetch_add(&sh->errs[op], 1, __ATOMIC_RELAXED);
			return;
		}
	}
	if (__atomic_fetch_add(&sh->bad, 1, __ATOMIC_RELAXED) == 0)
		snprintf(sh->why, sizeof(sh->why), "%s: %s (%d)", op_names[op],
			 strerror(errno), errno);
}

/*
 * Errors each operation may meet, all of them SPEC-documented races.  An
 * open of a unit another worker moved to its namespace is ENXIO.
 */
static const int ok_open[] = { EBUSY, ENOENT, ENXIO, 0 };
static const int ok_add[] = { EEXIST, 0 };
static const int ok_del[] = { ENODEV, 0 };
static const int ok_gone[] = { ENXIO, 0 };
/*
 * Writes: the unit may be gone, and another worker's request may have
 * switched IFHEAD on (the packet's first word is then a bad family) or a
 * virtio-net header on (the frame's first bytes are then a bad header).
 */
static const int ok_write[] = { ENXIO, EAFNOSUPPORT, EINVAL, 0 };
static const int ok_move[] = { ENODEV, EEXIST, 0 };
static const int ok_read[] = { EAGAIN, ENXIO, 0 };
static const int ok_ioctl[] = { ENXIO, EBUSY, 0 };
static const int ok_none[] = { 0 };

struct slot {
	int fd;
	int drv;
	char name[IFNAMSIZ];
};

static void pool_name(char *name, int drv, int i)
{
	snprintf(name, IFNAMSIZ, "%s%d", drivers[drv], 7000 + i);
}

static void do_ioctl(struct slot *s)
{
	struct tuninfo ti;
	struct ifreq ifr;
	int v = rand() & 1, r;

	switch (rand() % 8) {
	case 0:
		r = ioctl(s->fd, TUNGIFINFO, &ti);
		if (!r) {
			ti.mtu = 1280 + rand() % 200;
			r = ioctl(s->fd, TUNSIFINFO, &ti);
		}
		break;
	case 1:
		r = ioctl(s->fd, TUNGIFNAME, &ifr);
		break;
	case 2:
		r = ioctl(s->fd, FIONREAD, &v);
		break;
	case 3:
		r = ioctl(s->fd, FIONBIO, &v);
		break;
	case 4:
		r = ioctl(s->fd, FIOASYNC, &v);
		break;
	case 5:
		if (s->drv) {
			v = (int[]){ 0, 10, 12 }[rand() % 3];
			r = ioctl(s->fd, TAPSVNETHDR, &v);
		} else {
			r = ioctl(s->fd, rand() & 1 ? TUNSIFHEAD : TUNSLMODE,
				  &v);
		}
		break;
	case 6:
		if (s->drv) {
			r = ioctl(s->fd, VMIO_SIOCSIFFLAGS,
				  IFF_UP | (v ? IFF_PROMISC : 0));
		} else {
			v = rand() & 1 ? IFF_POINTOPOINT : IFF_BROADCAST;
			r = ioctl(s->fd, TUNSIFMODE, &v);
		}
		break;
	default:
		r = ioctl(s->fd, TUNGTRANSIENT, &v);
		break;
	}
	count(OP_IOCTL, r, ok_ioctl);
}

static void do_write(struct slot *s)
{
	uint8_t pkt[1600];
	size_t len;

	if (s->drv == 0) {
		len = tt_icmp4_echo(pkt, TT_B4, TT_A4, 1, rand(), rand() % 1000);
	} else {
		/* A broadcast frame carrying junk: dropped or delivered. */
		len = 14 + rand() % 1000;
		memset(pkt, 0xff, 6);
		memset(pkt + 6, 0x02, 6);
		pkt[12] = 0x88;
		pkt[13] = 0xb5;		/* local experimental ethertype */
	}
	count(OP_WRITE, write(s->fd, pkt, len), ok_write);
}

static void do_read(struct slot *s)
{
	char buf[2048];
	int on = 1;

	if (ioctl(s->fd, FIONBIO, &on) && errno != ENXIO)
		count(OP_READ, -1, ok_none);
	count(OP_READ, read(s->fd, buf, sizeof(buf)), ok_read);
}

/* Move by name from the namespace of socket @from to namespace @to. */
static int move(int from, int to_fd, const char *name)
{
	int old = tt_nl_swap(nlsock[from]), r;

	r = tt_nl_setns(name, to_fd);
	tt_nl_swap(old);
	return r;
}

/*
 * A namespace of its own, units born in it (some moved out to ns0), and
 * its death when the child exits.
 */
static void doomed_ns(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct slot s;
		int fds[3], one = 1;

		if (unshare(CLONE_NEWNET))
			_exit(1);
		tt_nl_reset();
		for (int i = 0; i < 3; i++) {
			s.drv = rand() % 3;
			snprintf(s.name, sizeof(s.name), "/dev/%s",
				 drivers[s.drv]);
			fds[i] = open(s.name, O_RDWR);
			if (fds[i] < 0)
				_exit(2);
			if (i == 1)
				ioctl(fds[i], TUNSTRANSIENT, &one);
		}
		if (rand() & 1) {
			struct ifreq ifr;

			if (!ioctl(fds[2], TUNGIFNAME, &ifr))
				tt_nl_setns(ifr.ifr_name, nsfd[0]);
		}
		_exit(0);	/* files close, then the namespace dies */
	}
	if (pid > 0) {
		int st;

		waitpid(pid, &st, 0);
		count(OP_DOOMED_NS, WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -1,
		      ok_none);
	}
}

static int ns_socket(int fd)
{
	int home = CHECK_OK(open("/proc/self/ns/net", O_RDONLY));
	int s;

	if (fd >= 0)
		CHECK_OK(setns(fd, CLONE_NEWNET));
	s = CHECK_OK(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
			    NETLINK_ROUTE));
	CHECK_OK(setns(home, CLONE_NEWNET));
	close(home);
	return s;
}

static void worker(int id, double end)
{
	struct slot slots[SLOTS];

	srand(getpid() ^ (id * 7919));
	/* Sockets of its own: a shared one would hand replies to others. */
	nlsock[0] = ns_socket(-1);
	nlsock[1] = ns_socket(nsfd[0]);
	nlsock[2] = ns_socket(nsfd[1]);
	signal(SIGIO, SIG_IGN);
	for (int i = 0; i < SLOTS; i++)
		slots[i].fd = -1;
	while (tt_now() < end &&
	       __atomic_load_n(&sh->total, __ATOMIC_RELAXED) < sh->max) {
		struct slot *s = &slots[rand() % SLOTS];
		char name[IFNAMSIZ], path[64];
		int drv = rand() % 3, pool = rand() % POOL, one = 1;
		enum op op = rand() % NR_OPS;

		if (s->fd < 0 && op != OP_ADD_POOL && op != OP_DEL_POOL &&
		    op != OP_DOOMED_NS && op != OP_MOVE_BACK)
			op = rand() & 1 ? OP_CLONE : OP_OPEN_POOL;
		switch (op) {
		case OP_CLONE:
		case OP_OPEN_POOL:
			if (op == OP_CLONE)
				snprintf(path, sizeof(path), "/dev/%s",
					 drivers[drv]);
			else
				snprintf(path, sizeof(path), "/dev/%s%d",
					 drivers[drv], 7000 + pool);
			s->fd = open(path, O_RDWR);
			count(op, s->fd, op == OP_CLONE ? ok_none : ok_open);
			if (s->fd >= 0) {
				struct ifreq ifr;

				s->drv = drv;
				if (!ioctl(s->fd, TUNGIFNAME, &ifr))
					memcpy(s->name, ifr.ifr_name, IFNAMSIZ);
				/* Clones are transient: nothing piles up. */
				if (op == OP_CLONE)
					ioctl(s->fd, TUNSTRANSIENT, &one);
			}
			break;
		case OP_ADD_POOL:
			pool_name(name, drv, pool);
			count(op, tt_nl_add(kinds[drv], name), ok_add);
			break;
		case OP_DEL_POOL:
			pool_name(name, drv, pool);
			count(op, tt_nl_del(name, 0), ok_del);
			break;
		case OP_CLOSE:
			count(op, close(s->fd), ok_none);
			s->fd = -1;
			break;
		case OP_TRANSIENT:
			one = rand() & 1;
			count(op, ioctl(s->fd, TUNSTRANSIENT, &one), ok_gone);
			break;
		case OP_MOVE:
			count(op, move(0, nsfd[rand() & 1], s->name), ok_move);
			break;
		case OP_MOVE_BACK: {
			int from = 1 + (rand() & 1);

			if (s->fd >= 0)
				memcpy(name, s->name, IFNAMSIZ);
			else
				pool_name(name, drv, pool);
			/* Home to the first namespace, or over to the other. */
			count(op, move(from, rand() & 1 ? initfd :
				       nsfd[from == 1], name), ok_move);
			break;
		}
		case OP_DOOMED_NS:
			if (rand() % 8 == 0)
				doomed_ns();
			break;
		case OP_UPDOWN:
			count(op, tt_nl_updown(s->name, rand() & 1), ok_del);
			break;
		case OP_WRITE:
			do_write(s);
			break;
		case OP_READ:
			do_read(s);
			break;
		case OP_IOCTL:
			do_ioctl(s);
			break;
		default:
			break;
		}
	}
	for (int i = 0; i < SLOTS; i++)
		if (slots[i].fd >= 0)
			close(slots[i].fd);
	_exit(0);
}

static bool module_idle(void)
{
	return tt_unit_count() == 0 &&
	       tt_sysfs_long("/sys/module/if_tuntap/refcnt") == 0;
}

int main(void)
{
	const char *e = getenv("TT_STRESS_SECONDS");
	double secs = e ? atof(e) : 120, t0 = tt_now();
	int workers = getenv("TT_STRESS_WORKERS") ?
		      atoi(getenv("TT_STRESS_WORKERS")) : 6;
	long total = 0;
	pid_t pids[64];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (workers < 1 || workers > 64)
		workers = 6;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED);
	sh->max = getenv("TT_STRESS_OPS") ? atol(getenv("TT_STRESS_OPS")) :
		  10000000;
	tt_sh_quiet("ip netns del ttstress0; ip netns del ttstress1");
	CHECK_EQ(tt_sh("ip netns add ttstress0 && ip netns add ttstress1"), 0);
	nsfd[0] = CHECK_OK(open("/run/netns/ttstress0", O_RDONLY));
	nsfd[1] = CHECK_OK(open("/run/netns/ttstress1", O_RDONLY));
	initfd = CHECK_OK(open("/proc/self/ns/net", O_RDONLY));
	printf("# stress: %d workers for %.0f s\n", workers, secs);
	for (int i = 0; i < workers; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			worker(i, t0 + secs);
		CHECK(pids[i] > 0);
	}
	for (int i = 0; i < workers; i++) {
		int st;

		CHECK_EQ(waitpid(pids[i], &st, 0), pids[i]);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			TT_FAIL("worker %d died (status %#x)", i, st);
	}
	for (int i = 0; i < NR_OPS; i++) {
		printf("# %-20s %8ld calls, %6ld documented errors\n",
		       op_names[i], sh->ops[i], sh->errs[i]);
		total += sh->ops[i];
	}
	printf("# stress: %ld operations in %.1f s, %d units left\n", total,
	       tt_now() - t0, tt_unit_count());
	if (sh->bad)
		TT_FAIL("%ld undocumented results, first: %s", sh->bad,
			sh->why);

	/* Clean up: namespaces die (visitors come home), then the rest. */
	close(nsfd[0]);
	close(nsfd[1]);
	CHECK_EQ(tt_sh("ip netns del ttstress0 && ip netns del ttstress1"), 0);
	for (int i = 0; i < 100 && !module_idle(); i++) {
		glob_t g;

		/* Units left here: pool units, clones no longer transient. */
		if (glob("/sys/class/net/*/tuntap", 0, NULL, &g) == 0) {
			for (size_t j = 0; j < g.gl_pathc; j++) {
				char *name = g.gl_pathv[j] + 15;

				*strchr(name, '/') = 0;
				tt_nl_del(name, 0);
			}
			globfree(&g);
		}
		if (i % 10 == 9)
			printf("# stress: cleaning up, %d units, refcnt %ld\n",
			       tt_unit_count(),
			       tt_sysfs_long("/sys/module/if_tuntap/refcnt"));
		usleep(100000);
	}
	if (!module_idle())
		TT_FAIL("left behind: %d units, module refcnt %ld",
			tt_unit_count(),
			tt_sysfs_long("/sys/module/if_tuntap/refcnt"));
	printf("# stress: no unit left, module refcnt 0, after %.1f s\n",
	       tt_now() - t0);
	return 0;
}
