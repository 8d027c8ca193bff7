/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * A small test harness for the guest: every case runs in its own child
 * process with a time limit and prints "ok NAME" or "not ok NAME: why".
 */
#ifndef TT_H
#define TT_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <net/if.h>
#include <net/if_tun.h>
#include <net/if_tap.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>

struct tt_case {
	const char *name;
	void (*fn)(void);
};

#define TT_FAIL(...)							\
	do {								\
		fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);		\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		exit(1);						\
	} while (0)

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			TT_FAIL("%s (errno %s)", #cond, strerror(errno)); \
	} while (0)

/* A system call that must succeed. */
#define CHECK_OK(expr)							\
	({								\
		errno = 0;						\
		long tt_r = (long)(expr);				\
		if (tt_r < 0)						\
			TT_FAIL("%s: %s", #expr, strerror(errno));	\
		tt_r;							\
	})

/* A system call that must fail with @err. */
#define CHECK_ERR(expr, err)						\
	do {								\
		errno = 0;						\
		long tt_r = (long)(expr);				\
		if (tt_r != -1 || errno != (err))			\
			TT_FAIL("%s: got %ld (%s), want %s", #expr,	\
				tt_r, strerror(errno), strerror(err));	\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		long long tt_a = (long long)(a), tt_b = (long long)(b); \
		if (tt_a != tt_b)					\
			TT_FAIL("%s == %lld, want %s == %lld", #a, tt_a, \
				#b, tt_b);				\
	} while (0)

int tt_run(const struct tt_case *cases, int argc, char **argv);
/* A time limit, stretched on slower kernels (TT_TIME_SCALE). */
unsigned int tt_scaled(unsigned int t);
/* A case's time limit, when longer than the default minute. */
void tt_alarm(unsigned int seconds);
/* Ends the case as skipped: what it needs is not in this kernel. */
void tt_skip(const char *why) __attribute__((noreturn));
int tt_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tt_sh_quiet(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tt_open_unit(const char *path, char *name);
bool tt_if_exists(const char *name);
bool tt_path_exists(const char *path);
void tt_set_nonblock(int fd);
bool tt_readable(int fd, int ms);
void tt_up(const char *name);
uint16_t tt_csum(const void *data, size_t len, uint32_t sum);
/* A 20-byte IPv4 header for @len bytes of @proto, checksummed. */
void tt_ip4(struct ip *ip, uint8_t proto, const char *src, const char *dst,
	    size_t len);
/* The pseudo-header's sum, to seed the checksum of @ip's @len-byte payload. */
uint32_t tt_ip4_pseudo(const struct ip *ip, size_t len);
/* The same for IPv6: @ip6's addresses, @len and @next, the payload's type. */
uint32_t tt_ip6_pseudo(const struct ip6_hdr *ip6, size_t len, uint8_t next);
size_t tt_icmp4_echo(uint8_t *buf, const char *src, const char *dst,
		     uint16_t id, uint16_t seq, size_t payload);
size_t tt_icmp6_echo(uint8_t *buf, const char *src, const char *dst,
		     uint16_t id, uint16_t seq, size_t payload);
ssize_t tt_read_timeout(int fd, void *buf, size_t len, int ms);
int tt_tun_ready(char *name, bool ipv6);
long tt_stat(const char *ifname, const char *counter);
long tt_sysfs_long(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tt_sysfs_write(const char *path, const char *value);
void tt_drain(int fd);
void tt_drop_cap(int cap);
size_t tt_udp4(uint8_t *buf, const char *src, const char *dst, uint16_t sport,
	       uint16_t dport, const void *payload, size_t len);

int tt_nl_add(const char *kind, const char *name);
int tt_nl_del(const char *name, int ifindex);
int tt_nl_setns(const char *name, int nsfd);
int tt_nl_updown(const char *name, bool up);
void tt_nl_reset(void);
int tt_nl_swap(int fd);
bool tt_unit_name(const char *name, int *unit);
int tt_count_unit_names(const char *dir);
int tt_unit_count(void);
int tt_prepared_nodes(void);
bool tt_unit_node_gone(const char *name);
double tt_now(void);

/*
 * Fault injection, on kernels built with it (the debug kernel): start
 * skips the case without it, else returns the task's fail-nth file;
 * tt_fail_nth(fd, N) makes this task's Nth allocation from then on fail
 * (0: none); tt_fail_reached() disarms it and says whether it struck.
 * Stop undoes start.
 */
int tt_fail_start(void);
void tt_fail_nth(int ffd, unsigned int n);
bool tt_fail_reached(int ffd);
void tt_fail_stop(int ffd);
/* $TT_ROOT/build/KVER/if_tuntap.ko, for the cases that load it again. */
const char *tt_module_path(void);

#define TT_A4 "10.77.0.1"	/* the interface */
#define TT_B4 "10.77.0.2"	/* the peer behind the file */
#define TT_A6 "fd77::1"
#define TT_B6 "fd77::2"

#endif /* TT_H */
