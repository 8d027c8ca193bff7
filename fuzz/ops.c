// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * The operations.  Every call may fail, and most do in some programs:
 * that is the point, and nothing here checks a result, except to learn
 * the framing that the slot's unit now expects (IFHEAD, the virtio-net
 * header), so that later writes reach the stack.  Files are non-blocking
 * and waits are short: an input must not hang afl's run.
 */
#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_tun.h>
#include <net/if_tap.h>

const char *const drv[3] = { "tun", "tap", "vmnet" };

void slot_name(int s, bool renamed, char *buf, size_t len)
{
	if (renamed)
		snprintf(buf, len, "fz%d", s);
	else
		snprintf(buf, len, "%s%d", drv[s % 3], 10 + s / 3);
}

/* Replace slot @s's file @i with @fd, closing the old one. */
static void set_fd(int s, int i, int fd)
{
	int old = atomic_exchange(&S[s].fd[i], fd);

	if (old >= 0)
		close(old);
}

static void op_open(int s, uint8_t a)
{
	char path[96];
	int flags = O_RDWR | O_NONBLOCK | O_CLOEXEC, fd;

	if (a & 2)	/* the cloning node: a new unit, numbered by the driver */
		snprintf(path, sizeof(path), "/dev/%s", drv[s % 3]);
	else		/* our node of unit 10 + s/3: opening makes it */
		snprintf(path, sizeof(path), "%s/%s%d", W.nodes, drv[s % 3],
			 10 + s / 3);
	fd = open(path, flags);
	if (verbose)
		fprintf(stderr, "  open %s: %d %s\n", path, fd,
			fd < 0 ? strerror(errno) : "");
	if (fd >= 0) {
		atomic_store(&S[s].ifhead, 0);
		atomic_store(&S[s].vnet, 0);
	}
	set_fd(s, a & 1, fd);
}

static int the_fd(int s, uint8_t a)
{
	return atomic_load(&S[s].fd[a & 1]);
}

static void op_dup(int s, uint8_t a)
{
	int fd = the_fd(s, a);

	if (fd < 0)
		return;
	if (!(a & 2)) {
		set_fd(s, !(a & 1), dup(fd));
		return;
	}
	/* A child holds the file too, and closes its copy on exit: the
	 * last close may now be the child's or ours. */
	pid_t pid = fork();

	if (pid == 0) {
		char buf[2048];

		/* A blocking read must not keep the unit open into the
		 * next input: SIGALRM's default action ends this child. */
		alarm(1);
		(void)!read(fd, buf, sizeof(buf));
		_exit(0);
	}
	if (pid > 0 && (a & 4))
		waitpid(pid, NULL, 0);
}

/*
 * A read on a file that FIONBIO 0 made blocking waits for a packet that
 * may never come.  Each thread has a timer that interrupts its own read
 * after READ_WAIT: the module's sleep and its interruption are covered,
 * and the input goes on at once instead of stalling until LIMIT (which,
 * with afl's mutations often turning FIONBIO 0 on, was most of the run).
 */
#define READ_WAIT_NS	(30 * 1000 * 1000)

static _Thread_local timer_t waker;
static _Thread_local bool have_waker;

static void woken(int sig)
{
	(void)sig;
}

void thread_timer(void)
{
	struct sigaction sa = { .sa_handler = woken };	/* no SA_RESTART */
	struct sigevent ev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = SIGUSR1,
	};

	sigaction(SIGUSR1, &sa, NULL);
	ev._sigev_un._tid = gettid();
	have_waker = timer_create(CLOCK_MONOTONIC, &ev, &waker) == 0;
}

static void op_read(int s, uint8_t a, uint8_t b)
{
	static _Thread_local uint8_t buf[70000];
	int fd = the_fd(s, a);
	size_t len = (size_t)b * 280;	/* 0..71400: short, whole, more */
	struct itimerspec arm = { .it_value.tv_nsec = READ_WAIT_NS };
	struct itimerspec off = { 0 };

	if (a & 2) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		poll(&p, 1, 5);
	}
	if (have_waker)
		timer_settime(waker, 0, &arm, NULL);
	(void)!read(fd, buf, len > sizeof(buf) ? sizeof(buf) : len);
	if (have_waker)
		timer_settime(waker, 0, &off, NULL);
}

/*
 * A frame whose last bytes lie in a page that cannot be read: the copy
 * from user memory fails after the module has taken its buffers, which
 * must go back.  @a's bit 1 asks for a frame with no readable byte.
 */
static void write_faulting(int fd, int s, int to, uint8_t a, uint8_t b)
{
	static uint8_t *guard;
	static _Thread_local uint8_t buf[72000];
	long page = sysconf(_SC_PAGESIZE);
	size_t len = build_frame(s, to, a >> 2, b, buf, sizeof(buf));
	size_t room = 16 * page;

	if (!guard) {
		uint8_t *m = mmap(NULL, room + page, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			return;
		mprotect(m + room, page, PROT_NONE);
		guard = m;	/* a race makes two: one leaks, no harm */
	}
	ssize_t n;

	if (a & 2 || len < 2) {		/* all of it unreadable */
		n = write(fd, guard + room, len ? len : 60);
	} else {	/* half the frame readable, the rest in the guard page */
		if (len / 2 > room)
			len = 2 * room;
		memcpy(guard + room - len / 2, buf, len / 2);
		n = write(fd, guard + room - len / 2, len);
	}
	if (verbose)
		fprintf(stderr, "  faulting write %zu bytes to slot %d: %zd %s\n",
			len, s, n, n < 0 ? strerror(errno) : "");
}

static void op_write(int s, int to, uint8_t a, uint8_t b, int count)
{
	static _Thread_local uint8_t buf[72000];
	int fd = the_fd(s, a);

	for (int i = 0; i < count; i++) {
		/* One write in sixteen from memory that faults. */
		if (count == 1 && a >= 0xf0) {
			write_faulting(fd, s, to, a & 0x0f, b);
			break;
		}
		size_t len = build_frame(s, to, a >> 1, b, buf, sizeof(buf));

		ssize_t n = write(fd, buf, len);

		if (verbose)
			fprintf(stderr, "  write %zu bytes to slot %d: %zd %s\n",
				len, s, n, n < 0 ? strerror(errno) : "");
		if (n < 0 && errno == EBADF)
			break;
	}
}

/*
 * Every request of SPEC §2 (and the generic ones the module answers),
 * with an argument chosen from @b: values that mean something to the
 * request, or, for bit 7 set, a bad pointer.
 */
static void op_ioctl(int s, uint8_t a, uint8_t b)
{
	static const unsigned long req[] = {
		TUNSDEBUG, TUNGDEBUG, TUNSIFINFO, TUNGIFINFO, TUNSLMODE,
		TUNGIFNAME, TUNSIFMODE, TUNSIFPID, TUNSIFHEAD, TUNGIFHEAD,
		TUNSTRANSIENT, TUNGTRANSIENT, TAPSVNETHDR, TAPGVNETHDR,
		VMIO_SIOCSIFFLAGS, SIOCGIFADDR, SIOCSIFADDR, FIONREAD,
		FIOSETOWN, FIOGETOWN, TIOCSPGRP, TIOCGPGRP, FIONBIO, FIOASYNC,
		TUNSOFFLOAD, TUNGOFFLOAD,	/* last: seeds name the above */
	};
	static const int ints[] = { 0, 1, 2, -1, 10, 12, 14, IFF_POINTOPOINT,
		IFF_BROADCAST, IFF_MULTICAST, IFF_BROADCAST | IFF_MULTICAST,
		0x7fffffff };
	int fd = the_fd(s, a >> 7);
	unsigned long r, n = sizeof(req) / sizeof(req[0]);
	union {
		int i;
		struct tuninfo ti;
		struct ifreq ifr;
		uint8_t mac[6];
	} arg;
	long val;

	memset(&arg, 0, sizeof(arg));
	if ((a & 0x7f) >= n) {		/* any number in the group */
		r = _IOC(b & 3 ? _IOC_READ | _IOC_WRITE : _IOC_NONE, 't',
			 a & 0x7f, (b >> 2) * 4);
		ioctl(fd, r, &arg);
		return;
	}
	r = req[a & 0x7f];
	arg.i = ints[b % 12];
	if (r == FIOSETOWN || r == TIOCSPGRP)
		arg.i = b & 1 ? getpid() : -(int)getpgrp();
	if (r == TUNSIFINFO) {
		static const unsigned short mtus[] = { 0, 67, 68, 576, 1500,
			9000, 65535, 1280 };

		arg.ti.mtu = mtus[b & 7];
		arg.ti.type = b & 8 ? IFT_PPP : IFT_ETHER;
		arg.ti.baudrate = b << 16;
	}
	if (r == SIOCSIFADDR)
		memcpy(arg.mac, (uint8_t[]){ 2, 0, 0, 0, 0, b }, 6);
	if (r == VMIO_SIOCSIFFLAGS || r == TUNSIFPID)
		val = ints[b % 12];
	else if (b & 0x80)
		val = b & 0x40 ? 0 : 8;		/* NULL, or unmapped */
	else
		val = (long)&arg;
	if (ioctl(fd, r, val) == 0 && val == (long)&arg) {
		if (r == TUNSIFHEAD)
			atomic_store(&S[s].ifhead, arg.i != 0);
		if (r == TUNSLMODE && arg.i)
			atomic_store(&S[s].ifhead, 0);
		if (r == TAPSVNETHDR)
			atomic_store(&S[s].vnet, arg.i);
	}
}

static void op_poll(int s, uint8_t a, uint8_t b)
{
	struct pollfd p[2] = {
		{ .fd = the_fd(s, 0), .events = POLLIN | POLLOUT },
		{ .fd = the_fd(s, 1), .events = a & 1 ? POLLIN : POLLOUT },
	};

	poll(p, 2, b % 8);
}

/* SIGIO to us (ignored) or to our group, on and off. */
static void op_async(int s, uint8_t a)
{
	int fd = the_fd(s, a), fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return;
	fcntl(fd, F_SETOWN, a & 2 ? getpid() : -(int)getpgrp());
	fcntl(fd, F_SETFL, a & 4 ? fl | O_ASYNC : fl & ~O_ASYNC);
}

/* Where slot @s's unit is now: ours (0) or the other namespace (1). */
int slot_ns(int s, char *name, size_t len)
{
	for (int r = 0; r < 2; r++) {
		slot_name(s, r, name, len);
		if (if_nametoindex(name))
			return 0;
	}
	slot_name(s, 0, name, len);
	return 1;	/* or nowhere: the request fails */
}

static void op_addr(int s, uint8_t a)
{
	char name[IFNAMSIZ];
	int ns = slot_ns(s, name, sizeof(name));
	uint32_t a4 = htonl(0x0a000001 | (s + 1) << 16);
	uint32_t peer = htonl(0x0a000002 | (s + 1) << 16);
	uint8_t a6[16] = { 0xfd, 0, 0, s + 1 };

	a6[15] = 1;
	nl_addr(ns, name, AF_INET, &a4, 24, a & 1);
	if (a & 2)
		nl_addr(ns, name, AF_INET6, a6, 64, a & 1);
	if (s % 3 && (a & 1))
		nl_neigh(ns, name, &peer,
			 (uint8_t[]){ 2, 0, 0, 0, 0, s + 1 });
}

/* Locally made traffic into slot @s's ring: UDP to its peer. */
static void op_send(int s, uint8_t b)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(40001),
		.sin_addr.s_addr = htonl(0x0a000002 | (s + 1) << 16),
	};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	char data[1400] = { 0 };

	for (int i = 0; fd >= 0 && i <= b % 32; i++)
		sendto(fd, data, 64 + (b & 3) * 400, 0, (void *)&sin,
		       sizeof(sin));
	if (fd >= 0)
		close(fd);
}

/*
 * What an operation leaves behind on slot @s's unit once the program's
 * files are closed (fuzz.h's W.dirty): HARD, a setting that only a new
 * unit undoes (a request's mode, MTU, txqueuelen, name, namespace, a
 * vmnet's link, which its close keeps up); SOFT, a link that is up or
 * addresses, which taking the link down and deleting the two addresses
 * op_addr sets undo.  A tun or tap's last close undoes both itself, but
 * a program may change a unit it never opened.
 */
enum { CLEAN, SOFT, HARD };

static int leaves(const struct op *op, int s)
{
	/* Requests that only read, FIONBIO, which is the file's, and
	 * TUNSDEBUG, module-wide, which the fork server puts back. */
	static const uint32_t readers = 1u << 0 | 1u << 1 | 1u << 3 | 1u << 5 |
		1u << 9 | 1u << 11 | 1u << 13 | 1u << 15 | 1u << 17 |
		1u << 19 | 1u << 21 | 1u << 22;

	switch (op->code % OP_COUNT) {
	case OP_IOCTL:
		return (op->a & 0x7f) < 32 && (readers >> (op->a & 0x7f) & 1) ?
			CLEAN : HARD;
	case OP_OPEN:
		return s % 3 == 2 ? HARD : CLEAN;
	case OP_UPDOWN:
	case OP_ADDR:
		return s % 3 == 2 ? HARD : SOFT;
	case OP_SIDE:	/* link0, ethtool -K; parameters: the server's */
		return op->a % 7 == 1 || op->a % 7 == 3 ? HARD : CLEAN;
	case OP_USER:	/* a&8 with a namespace of its own moves the unit */
		return (op->a & 10) == 10 || s % 3 == 2 ? HARD : CLEAN;
	case OP_ASYNC:
	case OP_CREATE:
	case OP_DELETE:
	case OP_RENAME:
	case OP_MTU:
	case OP_TXQLEN:
	case OP_NETNS:
		return HARD;
	default:
		return CLEAN;
	}
}

/* Undo what SOFT operations leave on slot @s's unit (fork server). */
void slot_soften(int s)
{
	char name[IFNAMSIZ];
	uint32_t a4 = htonl(0x0a000001 | (s + 1) << 16);
	uint8_t a6[16] = { 0xfd, 0, 0, s + 1 };

	a6[15] = 1;
	slot_name(s, false, name, sizeof(name));
	nl_set(0, name, 0, -1, -1, -1, NULL);
	nl_addr(0, name, AF_INET, &a4, 24, false);
	nl_addr(0, name, AF_INET6, a6, 64, false);
}

/*
 * Fault injection scoped to this thread: the kernel's fail-nth makes the
 * thread's Nth allocation from now on fail (failslab, fail_page_alloc,
 * set up by scripts/fuzz to count GFP_KERNEL allocations too), whatever
 * call makes it.  The module's error paths (a unit half made, a ring that
 * cannot grow, a frame that cannot be copied) are reached this way; N
 * small reaches the next operation's first allocations.  0 switches a
 * pending failure off.
 */
void fail_nth(uint8_t a)
{
	char v[8];
	int fd = open("/proc/thread-self/fail-nth", O_WRONLY | O_CLOEXEC);
	int len = snprintf(v, sizeof(v), "%d", a % 32);

	if (fd < 0)
		return;
	(void)!write(fd, v, len);
	close(fd);
}

void run_op(const struct op *op, int thread)
{
	static const int mtus[8] = { 68, 576, 1280, 1500, 9000, 65535, 0, 1 };
	static const int qlens[8] = { 0, 1, 2, 3, 16, 500, 1024, 5000 };
	int s = (op->who & 0x7f) % NSLOT, to = op->b % NSLOT;
	uint8_t a = op->a, b = op->b;
	char name[IFNAMSIZ], other[IFNAMSIZ];
	int ns;

	if (verbose)
		fprintf(stderr, "thread %d: op %d slot %d a %d b %d\n", thread,
			op->code % OP_COUNT, s, a, b);
	if (W.dirty) {
		int l = leaves(op, s);

		/* before the operation: the child may die in it */
		if (l == HARD)
			atomic_fetch_or(W.dirty, 1u << s);
		else if (l == SOFT)
			atomic_fetch_or(W.dirty, 1u << (8 + s));
	}
	switch (op->code % OP_COUNT) {
	case OP_OPEN:
		op_open(s, a);
		break;
	case OP_CLOSE:
		set_fd(s, a & 1, -1);
		break;
	case OP_DUP:
		op_dup(s, a);
		break;
	case OP_READ:
		op_read(s, a, b);
		break;
	case OP_WRITE:
		op_write(s, to, a, b, 1);
		break;
	case OP_FORWARD:	/* a burst from slot s's peer to slot to's */
		op_write(s, to, (a & 1) | 2, a >> 1, 1 + b / NSLOT % 32);
		break;
	case OP_IOCTL:
		op_ioctl(s, a, b);
		break;
	case OP_POLL:
		op_poll(s, a, b);
		break;
	case OP_ASYNC:
		op_async(s, a);
		break;
	case OP_CREATE:
		slot_name(s, 0, name, sizeof(name));
		snprintf(other, sizeof(other), "bsd%s", drv[s % 3]);
		if (a & 4) {	/* with an address: unicast, multicast, short */
			uint8_t mac[6] = { a & 8 ? 1 : 2, 0, 0x5e, 0, b, s };

			nl_create_addr(a & 1, other, a & 2 ? NULL : name, mac,
				       a & 16 ? 5 : 6);
		} else {
			nl_create(a & 1, other, a & 2 ? NULL : name);
		}
		break;
	case OP_DELETE:
		ns = slot_ns(s, name, sizeof(name));
		nl_delete(ns, name);
		break;
	case OP_RENAME:
		slot_name(s, !(a & 1), name, sizeof(name));
		slot_name(s, a & 1, other, sizeof(other));
		nl_set(0, name, -1, -1, -1, -1, other);
		break;
	case OP_UPDOWN:
		ns = slot_ns(s, name, sizeof(name));
		nl_set(ns, name, a & 1, -1, -1, -1, NULL);
		break;
	case OP_MTU:
		ns = slot_ns(s, name, sizeof(name));
		nl_set(ns, name, -1, a & 8 ? b * 64 : mtus[a & 7], -1, -1, NULL);
		break;
	case OP_TXQLEN:
		ns = slot_ns(s, name, sizeof(name));
		nl_set(ns, name, -1, -1, a & 8 ? b : qlens[a & 7], -1, NULL);
		break;
	case OP_NETNS:
		ns = slot_ns(s, name, sizeof(name));
		nl_set(ns, name, -1, -1, -1, W.nsfd[!ns], NULL);
		break;
	case OP_ADDR:
		op_addr(s, a);
		break;
	case OP_SEND:
		op_send(s, b);
		break;
	case OP_FAIL:
		fail_nth(a);
		break;
	case OP_SIDE:
		op_side(s, a, b);
		break;
	case OP_USER:
		op_user(s, a, b);
		break;
	default:
		usleep((a % 16) * 500);
		break;
	}
}
