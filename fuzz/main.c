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

#define FS_CTL	198
#define FS_ST	199

struct world W;
int verbose;
struct slot S[NSLOT];

static struct op prog[MAX_OPS];
static int nops;

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
	snprintf(W.nodes, sizeof(W.nodes), "/tmp/tt-fuzz-nodes");
	mkdir(W.nodes, 0700);
	for (int k = 0; k < 3; k++) {
		char path[96];

		snprintf(path, sizeof(path), "/dev/%s", names[k]);
		if (stat(path, &st) < 0)
			continue;
		W.major[k] = major(st.st_rdev);
		for (int u = 10; u < 10 + NSLOT / 3; u++) {
			snprintf(path, sizeof(path), "%s/%s%d", W.nodes,
				 names[k], u);
			unlink(path);
			mknod(path, S_IFCHR | 0600, makedev(W.major[k], u));
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
	int t = (int)(long)arg, kcov = kcov_open();

	kcov_start(kcov);
	for (int i = 0; i < nops && !expired; i++)
		if ((prog[i].who >> 7) == t)
			run_op(&prog[i], t);
	kcov_stop_into_map(kcov);
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
	_exit(0);
}

/*
 * After a child: delete what it left, in both namespaces, and put back
 * the one module-wide setting a request changes (TUNSDEBUG), so that an
 * input runs the same whatever ran before it.
 */
static void clean(void)
{
	int fd;

	for (int ns = 0; ns < 2; ns++)
		if (W.nl[ns] >= 0)
			nl_flush(ns);
	fd = open("/sys/module/if_tuntap/parameters/debug", O_WRONLY);
	if (fd >= 0) {
		(void)!write(fd, "0", 1);
		close(fd);
	}
}

static int run_one(const char *path, int kmsg, const char *log, int *status)
{
	pid_t pid;

	load(path);
	pid = fork();
	if (pid == 0)
		child();
	waitpid(pid, status, 0);
	clean();
	return kmsg_reports(kmsg, path, log);
}

static int replay(int argc, char **argv, int kmsg, const char *log)
{
	int bad = 0, status;

	for (int i = 0; i < argc; i++) {
		int r = run_one(argv[i], kmsg, log, &status);

		printf("%s %s%s\n", r ? "report" : "ok", argv[i],
		       r ? " (kernel log above it in the report log)" : "");
		bad += r != 0;
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
	setup();
	kmsg = kmsg_open();
	W.nl[0] = netlink();
	W.nl[1] = -1;
	if (W.nsfd[1] >= 0 && setns(W.nsfd[1], CLONE_NEWNET) == 0) {
		W.nl[1] = netlink();
		setns(W.nsfd[0], CLONE_NEWNET);
	}
	clean();
	if (!strcmp(argv[1], "--replay"))
		return replay(argc - 2, argv + 2, kmsg, log);
	if (fcntl(FS_ST, F_GETFD) >= 0)
		forkserver(argv[1], kmsg, log);
	int status;
	return run_one(argv[1], kmsg, log, &status) ? 1 : 0;
}
