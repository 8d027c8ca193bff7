// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * The doors other than the device and rtnetlink: a unit's sysfs
 * attributes, ethtool, the module's parameters, and openers who are not
 * the host's root (a plain user, the admin of a user namespace, a process
 * in a namespace that dies with units in it).  The last are the hostile
 * local users of the security model: every privilege and namespace rule
 * of the open path, the per-user unit charge, and the namespace exit that
 * destroys units or sends them home are reached from here.
 */
#include "fuzz.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <net/if_tun.h>

static void read_file(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		(void)!read(fd, buf, sizeof(buf));
		close(fd);
	}
}

/*
 * A unit's attributes, then those of its node and of node @b of a kind
 * @b picks: numbered nodes, prepared at load or made by a unit, say
 * whether they have a unit while units come and go.
 */
static void sysfs_read_all(const char *name, uint8_t b)
{
	static const char *const attrs[] = { "owner", "open", "transient",
		"unit", "link0" };
	static const char *const kinds[] = { "tun", "tap", "vmnet", "tun" };
	char path[128];

	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		snprintf(path, sizeof(path), "/sys/class/net/%s/tuntap/%s",
			 name, attrs[i]);
		read_file(path);
	}
	snprintf(path, sizeof(path), "/sys/class/if_tuntap/%s/exists", name);
	read_file(path);
	snprintf(path, sizeof(path), "/sys/class/if_tuntap/%s%u/%s",
		 kinds[b & 3], b >> 3 & 31, b & 4 ? "prepared" : "exists");
	read_file(path);
}

static void write_file(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		(void)!write(fd, v, strlen(v));
		close(fd);
	}
}

static int ethtool(int sock, const char *name, void *cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_data = cmd;
	return ioctl(sock, SIOCETHTOOL, &ifr);
}

/* ethtool -i, -S (names and counts) and -k, as the tool asks them. */
static void ethtool_show(int sock, const char *name)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct {
		struct ethtool_sset_info hdr;
		uint32_t len;
	} sset = { .hdr = { .cmd = ETHTOOL_GSSET_INFO,
			    .sset_mask = 1ull << ETH_SS_STATS } };
	static union {
		struct ethtool_gstrings s;
		uint8_t raw[sizeof(struct ethtool_gstrings) + 32 * ETH_GSTRING_LEN];
	} str;
	static union {
		struct ethtool_stats s;
		uint8_t raw[sizeof(struct ethtool_stats) + 32 * 8];
	} st;
	struct ethtool_value v = { .cmd = ETHTOOL_GLINK };

	ethtool(sock, name, &info);
	if (ethtool(sock, name, &sset) == 0 && sset.len <= 32) {
		str.s.cmd = ETHTOOL_GSTRINGS;
		str.s.string_set = ETH_SS_STATS;
		str.s.len = sset.len;
		ethtool(sock, name, &str);
		st.s.cmd = ETHTOOL_GSTATS;
		st.s.n_stats = sset.len;
		ethtool(sock, name, &st);
	}
	ethtool(sock, name, &v);
}

/* ethtool -K: receive checksumming, TSO, scatter-gather, on or off. */
static void ethtool_set(int sock, const char *name, uint8_t b)
{
	static const uint32_t cmds[] = { ETHTOOL_SRXCSUM, ETHTOOL_STSO,
		ETHTOOL_SSG, ETHTOOL_STXCSUM };
	struct ethtool_value v = { .cmd = cmds[b & 3], .data = b >> 2 & 1 };

	ethtool(sock, name, &v);
}

/*
 * OP_SIDE: slot @s's unit through sysfs and ethtool, a module parameter
 * that changes the open path (put back by the fork server), or the
 * second CPU taken offline and back, which flushes its page pool's
 * cache while packets from it may be queued anywhere.
 */
void op_side(int s, uint8_t a, uint8_t b)
{
	char name[IFNAMSIZ], path[128];
	int sock;

	slot_ns(s, name, sizeof(name));
	switch (a % 7) {
	case 0:
		sysfs_read_all(name, b);
		break;
	case 1:
		snprintf(path, sizeof(path), "/sys/class/net/%s/tuntap/link0",
			 name);
		write_file(path, b & 1 ? "1" : (b & 2 ? "x" : "0"));
		break;
	case 2:
	case 3:
		sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (sock < 0)
			break;
		if (a % 7 == 2)
			ethtool_show(sock, name);
		else
			ethtool_set(sock, name, b);
		close(sock);
		break;
	case 4:
		write_file("/sys/module/if_tuntap/parameters/tap_up_on_open",
			   b & 1 ? "Y" : "N");
		break;
	case 5:
		write_file("/sys/module/if_tuntap/parameters/tap_user_open",
			   b & 1 ? "Y" : "N");
		break;
	default:	/* the second CPU away and back: its page pool too */
		write_file("/sys/devices/system/cpu/cpu1/online", "0");
		write_file("/sys/devices/system/cpu/cpu1/online", "1");
		break;
	}
}

/* The fork server's: parameters as SPEC §1 has them by default. */
void side_reset(void)
{
	write_file("/sys/devices/system/cpu/cpu1/online", "1");
	write_file("/sys/module/if_tuntap/parameters/tap_up_on_open", "N");
	write_file("/sys/module/if_tuntap/parameters/tap_user_open", "N");
}

/*
 * In the child of op_user: become the opener @a asks for.  0: a plain
 * user (uid 65534) on the host; 1: the admin of a new user namespace,
 * still in the host's network namespace; 2: that and a network namespace
 * of its own, which dies with the child; 3: root in a new network
 * namespace of the host's user namespace (a host unit away from home).
 */
static int become(uint8_t a)
{
	switch (a & 3) {
	case 0:
		return setresgid(65534, 65534, 65534) ||
		       setresuid(65534, 65534, 65534) ? -1 : 0;
	case 1:
		return unshare(CLONE_NEWUSER);
	case 2:
		return unshare(CLONE_NEWUSER | CLONE_NEWNET);
	default:
		return unshare(CLONE_NEWNET);
	}
}

static void user_child(int s, uint8_t a, uint8_t b, int ready, int go)
{
	static uint8_t buf[2048];
	int fds[4], n = 0;
	char path[96], c = 0;
	int k;

	/* Whatever blocks, the child ends (the program's handler would
	 * only interrupt the call). */
	signal(SIGALRM, SIG_DFL);
	alarm(2);
	if (become(a) < 0)
		_exit(1);
	k = kcov_start(KCOV_HELPER);
	if (write(ready, &c, 1) != 1 || read(go, &c, 1) != 1)
		_exit(1);
	for (int i = 0; i <= b % 3; i++) {
		if (a & 4)	/* the cloning node, mode 0666 in W.nodes */
			snprintf(path, sizeof(path), "%s/%s", W.nodes,
				 drv[s % 3]);
		else		/* slot @s's numbered node */
			snprintf(path, sizeof(path), "%s/%s%d", W.nodes,
				 drv[s % 3], 10 + s / 3);
		fds[n] = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (verbose)
			fprintf(stderr, "  user %d opens %s: %d\n", a & 3,
				path, fds[n]);
		if (fds[n] < 0)
			continue;
		if (a & 16) {
			int one = 1;

			ioctl(fds[n], TUNSTRANSIENT, &one);
		}
		if (b & 8) {
			size_t len = build_frame(s, s, 0, b >> 4, buf,
						 sizeof(buf));

			(void)!write(fds[n], buf, len);
		}
		n++;
	}
	/* 32: the files go before the namespace does, else with it. */
	if (a & 32)
		while (n)
			close(fds[--n]);
	kcov_stop_into_map(k);
	_exit(0);
}

/*
 * OP_USER: a child opens slot @s's kind as a hostile local user would
 * (become()), makes, writes, marks transient, and exits; with @a's bit 3
 * and a namespace of its own, slot @s's unit is moved into that
 * namespace first, so that the namespace's exit meets a host unit (sent
 * home) beside the child's own (destroyed).
 */
void op_user(int s, uint8_t a, uint8_t b)
{
	int ready[2], go[2];
	char c = 0, name[IFNAMSIZ];
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return;
	if (pipe2(go, O_CLOEXEC) < 0) {
		close(ready[0]);
		close(ready[1]);
		return;
	}
	pid = fork();
	if (pid == 0)
		user_child(s, a, b, ready[1], go[0]);
	close(ready[1]);
	close(go[0]);
	if (pid > 0 && read(ready[0], &c, 1) == 1 && (a & 8) && (a & 2)) {
		char ns[64];
		int fd;

		snprintf(ns, sizeof(ns), "/proc/%d/ns/net", (int)pid);
		fd = open(ns, O_RDONLY | O_CLOEXEC);
		slot_ns(s, name, sizeof(name));
		if (fd >= 0) {
			nl_set(0, name, -1, -1, -1, fd, NULL);
			close(fd);
		}
	}
	(void)!write(go[1], &c, 1);
	close(go[1]);
	close(ready[0]);
	if (pid > 0 && !(b & 0x80))
		waitpid(pid, NULL, 0);
}
