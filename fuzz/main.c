// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * tt-fuzzer: the program runner.
 *
 *   tt-fuzzer FILE            under afl-fuzz (afl-fuzz ... -- tt-fuzzer @@):
 *                             a fork server, one child per input
 *   tt-fuzzer --replay FILE.. each input once; exits 1 if the kernel
 *                             reported anything during any of them
 *
 * Fork server (afl's protocol, docs/fuzzing.md): we say hello with four
 * bytes on fd 199, then for each of afl's four-byte "go" on fd 198 fork a
 * child that runs the input, send its pid, wait for it, and send its
 * status.  Between children we delete every unit that is left and read
 * the kernel log: a report turns the child's status into a SIGABRT death,
 * which afl keeps as a crash.  The fork server is not instrumented and
 * needs no compiler support from afl.
 */
#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <net/if.h>

#define FS_CTL	198
#define FS_ST	199

struct world W;
int verbose;
struct slot S[NSLOT];

static struct op prog[MAX_OPS];
static int nops;

/*
 * TT_FUZZ_PROFILE=1: where an input's time goes, summed over a replay
 * (scripts/fuzz --bench).  The child writes its own phases into a page
 * it shares with the fork server.
 */
static int profile;
struct prof {
	double setup, program;		/* in the child */
	double child, clean, kmsg;	/* in the fork server */
	double kcov;			/* open, map, fold: both threads */
	double op[OP_COUNT];		/* per operation, both threads */
	int nop[OP_COUNT];
	int runs;
};
static struct prof *P;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int netlink(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct timeval tv = { .tv_sec = 20 };

	/* A lost answer fails the request rather than hanging the run. */
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/*
 * Once per run: a second network namespace to move units into, and a
 * node per slot's unit so that opening it creates the unit (the module's
 * devfs cloning), made where we can write.
 */
static void setup(void)
{
	static const char *const names[3] = { "tun", "tap", "vmnet" };
	struct stat st;
	FILE *f;

	W.nsfd[0] = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (unshare(CLONE_NEWNET) == 0) {
		W.nsfd[1] = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		setns(W.nsfd[0], CLONE_NEWNET);
	} else {
		W.nsfd[1] = -1;
	}
	/*
	 * Open to every user, as a careless administrator would leave them:
	 * then the module's own checks, not the node's mode, are what stop
	 * op_user's hostile openers.
	 */
	snprintf(W.nodes, sizeof(W.nodes), "/tmp/tt-fuzz-nodes");
	mkdir(W.nodes, 0711);
	chmod(W.nodes, 0711);
	for (int k = 0; k < 3; k++) {
		char path[96];

		snprintf(path, sizeof(path), "/dev/%s", names[k]);
		if (stat(path, &st) < 0)
			continue;
		W.major[k] = major(st.st_rdev);
		snprintf(path, sizeof(path), "%s/%s", W.nodes, names[k]);
		unlink(path);
		mknod(path, S_IFCHR | 0666, st.st_rdev);
		chmod(path, 0666);
		for (int u = 10; u < 10 + NSLOT / 3; u++) {
			snprintf(path, sizeof(path), "%s/%s%d", W.nodes,
				 names[k], u);
			unlink(path);
			mknod(path, S_IFCHR | 0666, makedev(W.major[k], u));
			chmod(path, 0666);
		}
	}
	f = fopen("/sys/module/if_tuntap/sections/.text", "r");
	if (f) {
		if (fscanf(f, "%lx", &W.text) != 1)
			W.text = 0;
		fclose(f);
	}
	signal(SIGIO, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
}

static void load(const char *path)
{
	uint8_t buf[MAX_OPS * sizeof(struct op)];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, sizeof(buf));

	if (fd >= 0)
		close(fd);
	nops = n > 0 ? n / (ssize_t)sizeof(struct op) : 0;
	memcpy(prog, buf, nops * sizeof(struct op));
}

/*
 * FIONBIO 0 makes a file blocking, and a read on it then waits for a
 * packet that may never come.  After LIMIT seconds the program stops:
 * the signal interrupts the wait (no SA_RESTART), neither thread starts
 * another operation, and both still hand in their coverage.  A thread
 * that stays blocked (the signal went to the other) is interrupted once
 * more on its own; a wait no signal ends is a hang worth afl's report.
 */
#define LIMIT	8

static volatile sig_atomic_t expired;

static void times_up(int sig)
{
	(void)sig;
	expired = 1;
}

/* Runs the operations of thread @t, in order, under KCOV. */
static void *thread(void *arg)
{
	int t = (int)(long)arg, kcov;
	double t0 = now(), t1;

	thread_timer();
	kcov = kcov_start(t);
	t1 = now();
	for (int i = 0; i < nops && !expired; i++)
		if ((prog[i].who >> 7) == t) {
			double b = now();

			kcov_note_state(kcov, &prog[i]);
			run_op(&prog[i], t);
			if (P) {
				P->op[prog[i].code % OP_COUNT] += now() - b;
				P->nop[prog[i].code % OP_COUNT]++;
			}
		}
	fail_nth(0);		/* a failure still pending is not the fold's */
	t0 = t1 - t0;		/* the open and start */
	t1 = now();
	kcov_stop_into_map(kcov);
	if (P)
		P->kcov += t0 + now() - t1;
	return NULL;
}

/*
 * One program, in a child: its own rtnetlink sockets (the fork server's
 * must not see its answers), then both threads at once.
 */
static void child(void)
{
	struct sigaction sa = { .sa_handler = times_up };
	struct itimerval limit = { .it_value.tv_sec = LIMIT };
	pthread_t other;
	double t0 = now(), t1;

	setpgid(0, 0);		/* its forks with it: reap() */
	for (int s = 0; s < NSLOT; s++)
		for (int i = 0; i < NFD; i++)
			S[s].fd[i] = -1;
	W.nl[0] = netlink();
	if (W.nsfd[1] >= 0 && setns(W.nsfd[1], CLONE_NEWNET) == 0) {
		W.nl[1] = netlink();
		setns(W.nsfd[0], CLONE_NEWNET);
	}
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &limit, NULL);
	t1 = now();
	pthread_create(&other, NULL, thread, (void *)1L);
	thread((void *)0L);
	for (;;) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		if (pthread_timedjoin_np(other, NULL, &ts) == 0)
			break;
		if (expired)
			pthread_kill(other, SIGALRM);
	}
	/*
	 * One entry that every program sets, even one whose operations all
	 * failed before reaching the module (an injected failure in the
	 * VFS): afl stops the whole run at a seed with an empty map.
	 */
	if (W.map)
		W.map[0] = 1;
	if (P) {
		P->setup += t1 - t0;
		P->program += now() - t1;
	}
	_exit(0);
}

/*
 * Before each program the world is the same: the six slot units exist,
 * fresh, in the home namespace, and nothing else of ours does.  Making a
 * unit and, worse, deleting one (RCU grace periods, an rcu_barrier) cost
 * a large part of an input under TCG, so a slot unit the program left as
 * its last close leaves it is kept; what SOFT operations left (a link up,
 * addresses) is undone; a unit with HARD changes (W.dirty) is deleted
 * and made again.  Every other unit of ours (clones, moved or renamed
 * ones) is deleted, in both namespaces.  Replay starts from the same
 * world, so an input runs as it ran under afl.  Also puts back the
 * module-wide settings a program changes (TUNSDEBUG, op_side's
 * parameters).
 */
static void clean(void)
{
	unsigned int d = atomic_exchange(W.dirty, 0);
	unsigned int keep = ~d & ((1u << NSLOT) - 1);
	int fd;

	nl_flush(0, keep);
	if (W.nl[1] >= 0)
		nl_flush(1, 0);
	for (int s = 0; s < NSLOT; s++) {
		char name[IFNAMSIZ], kind[16];

		slot_name(s, false, name, sizeof(name));
		if (!(keep >> s & 1) || !if_nametoindex(name)) {
			snprintf(kind, sizeof(kind), "bsd%s", drv[s % 3]);
			nl_create(0, kind, name);
		} else if (d >> (8 + s) & 1) {
			slot_soften(s);
		}
	}
	fd = open("/sys/module/if_tuntap/parameters/debug", O_WRONLY);
	if (fd >= 0) {
		(void)!write(fd, "0", 1);
		close(fd);
	}
	side_reset();
}

/*
 * The child's own children (op_dup's forks) are in its process group;
 * they hold the unit's files, so they go before the cleanup looks at the
 * units.  We are their subreaper: the orphans are ours to wait for.
 */
static void reap(pid_t group)
{
	kill(-group, SIGKILL);
	while (waitpid(-group, NULL, 0) > 0 || errno == EINTR)
		;
}

static int run_one(const char *path, int kmsg, const char *log, int *status)
{
	pid_t pid;
	double t0, t1, t2;
	int r;

	load(path);
	t0 = now();
	pid = fork();
	if (pid == 0)
		child();
	waitpid(pid, status, 0);
	reap(pid);
	t1 = now();
	clean();
	t2 = now();
	r = kmsg_reports(kmsg, path, log);
	if (P) {
		P->child += t1 - t0;
		P->clean += t2 - t1;
		P->kmsg += now() - t2;
		P->runs++;
	}
	return r;
}

/*
 * After a replay, nothing of ours: no node, and no unit.  A unit that a
 * dying namespace sends home (op_user) comes back from the kernel's
 * cleanup work a little later, so flush until two seconds pass with
 * nothing to delete.
 */
static void settle(void)
{
	static const char *const names[3] = { "tun", "tap", "vmnet" };
	char path[96];

	/* Nodes any user may open go with the run that needed them. */
	for (int k = 0; k < 3; k++) {
		snprintf(path, sizeof(path), "%s/%s", W.nodes, names[k]);
		unlink(path);
		for (int u = 10; u < 10 + NSLOT / 3; u++) {
			snprintf(path, sizeof(path), "%s/%s%d", W.nodes,
				 names[k], u);
			unlink(path);
		}
	}
	rmdir(W.nodes);
	side_reset();
	for (int quiet = 0, tries = 0; quiet < 20 && tries < 300; tries++) {
		int n = nl_flush(0, 0);

		if (W.nl[1] >= 0)
			n += nl_flush(1, 0);
		quiet = n ? 0 : quiet + 1;
		usleep(100 * 1000);
	}
}

static int replay(int argc, char **argv, int kmsg, const char *log)
{
	int bad = 0, status;
	double t0 = now();

	for (int i = 0; i < argc; i++) {
		int r = run_one(argv[i], kmsg, log, &status);

		printf("%s %s%s\n", r ? "report" : "ok", argv[i],
		       r ? " (kernel log above it in the report log)" : "");
		bad += r != 0;
	}
	settle();
	if (kmsg_reports(kmsg, "(after the last input)", log))
		bad++;
	if (P && P->runs) {
		double all = now() - t0, n = P->runs;

		printf("profile: %d inputs in %.1f s, %.2f execs/s; per input "
		       "(ms): child %.0f (setup %.1f, program %.0f, exit "
		       "%.0f), clean %.0f, kmsg %.1f\n", P->runs, all,
		       n / all, 1e3 * P->child / n, 1e3 * P->setup / n,
		       1e3 * P->program / n,
		       1e3 * (P->child - P->setup - P->program) / n,
		       1e3 * P->clean / n, 1e3 * P->kmsg / n);
		printf("profile: kcov %.1f ms per input; operations (code: "
		       "count, mean ms):", 1e3 * P->kcov / n);
		for (int c = 0; c < OP_COUNT; c++)
			if (P->nop[c])
				printf(" %d: %d %.1f", c, P->nop[c],
				       1e3 * P->op[c] / P->nop[c]);
		printf("\n");
	}
	return bad ? 1 : 0;
}

static void forkserver(const char *path, int kmsg, const char *log)
{
	uint32_t hello = 0, go;
	char *id = getenv("__AFL_SHM_ID");

	W.map = id ? shmat(atoi(id), NULL, 0) : NULL;
	if (W.map == (void *)-1)
		W.map = NULL;
	if (write(FS_ST, &hello, 4) != 4)
		exit(1);
	while (read(FS_CTL, &go, 4) == 4) {
		int status = 0;
		pid_t pid;

		load(path);
		pid = fork();
		if (pid == 0) {
			close(FS_CTL);
			close(FS_ST);
			child();
		}
		if (write(FS_ST, &pid, 4) != 4)
			exit(1);
		waitpid(pid, &status, 0);
		reap(pid);
		clean();
		if (kmsg_reports(kmsg, path, log)) {
			status = SIGABRT;	/* as if killed by it */
			/* afl renames its copy: keep ours by content */
			if (log) {
				char keep[256];

				snprintf(keep, sizeof(keep), "%s.%d.input",
					 log, (int)time(NULL));
				FILE *f = fopen(keep, "w");
				if (f) {
					fwrite(prog, sizeof(struct op), nops, f);
					fclose(f);
				}
			}
		}
		if (write(FS_ST, &status, 4) != 4)
			exit(1);
	}
	exit(0);
}

int main(int argc, char **argv)
{
	const char *log = getenv("TT_FUZZ_LOG");
	int kmsg;

	if (argc < 2) {
		fprintf(stderr, "usage: tt-fuzzer FILE | --replay FILE...\n");
		return 2;
	}
	verbose = getenv("TT_FUZZ_VERBOSE") != NULL;
	profile = getenv("TT_FUZZ_PROFILE") != NULL;
	if (profile) {
		P = mmap(NULL, sizeof(*P), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (P == MAP_FAILED)
			P = NULL;
		else
			memset(P, 0, sizeof(*P));
	}
	setup();
	kmsg = kmsg_open();
	W.dirty = mmap(NULL, sizeof(*W.dirty), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (W.dirty == MAP_FAILED)
		return 1;
	*W.dirty = ~0u;		/* the first clean() makes every unit */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	W.nl[0] = netlink();
	W.nl[1] = -1;
	if (W.nsfd[1] >= 0 && setns(W.nsfd[1], CLONE_NEWNET) == 0) {
		W.nl[1] = netlink();
		setns(W.nsfd[0], CLONE_NEWNET);
	}
	clean();
	kcov_open_all();
	if (!strcmp(argv[1], "--replay"))
		return replay(argc - 2, argv + 2, kmsg, log);
	if (fcntl(FS_ST, F_GETFD) >= 0)
		forkserver(argv[1], kmsg, log);
	int status;
	return run_one(argv[1], kmsg, log, &status) ? 1 : 0;
}
