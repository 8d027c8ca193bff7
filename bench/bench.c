// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * bench: the load programs, the same for both drivers but for open_unit().
 *
 *   bench write DRIVER SIZE SECS   packets/s written and delivered to a UDP socket
 *   bench read DRIVER SECS         packets/s read while a UDP sender floods
 *   bench fwd DRIVER tun|tap VNET  join two new units; print their names
 *   bench rr-server ADDR PORT      answer UDP requests
 *   bench rr ADDR PORT SECS        UDP request/response round trips per second
 *   bench units DRIVER COUNT       units created and destroyed per second
 *   bench mem DRIVER COUNT         kernel memory per idle unit, in bytes
 *
 * Each prints one number on standard output.
 */
#include "bench.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>

#define A4 "10.99.0.1"		/* the interface */
#define B4 "10.99.0.2"		/* its peer, behind the file */

void die(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	fputs("bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err));
	exit(1);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd))
		die("%s", cmd);
}

static uint16_t csum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

static int udp_socket(const char *addr, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_DGRAM, 0), big = 1 << 24;

	inet_pton(AF_INET, addr, &sin.sin_addr);
	setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	if (s < 0 || bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		die("udp socket %s:%d", addr, port);
	return s;
}

/* A unit addressed A4 with peer B4, up. */
static int ptp_unit(const char *driver, char *name)
{
	int fd = open_unit(driver, 0, 0, name);

	sh("ip addr add " A4 " peer " B4 " dev %s && ip link set %s up",
	   name, name);
	return fd;
}

static int cmd_write(const char *driver, int size, double secs)
{
	uint8_t pkt[2048] = { 0 }, buf[2048];
	struct ip *ip = (struct ip *)pkt;
	char name[IFNAMSIZ];
	int fd = ptp_unit(driver, name);
	int s = udp_socket(A4, 7000);
	long got = 0;
	double t0;

	ip->ip_v = 4;
	ip->ip_hl = 5;
	ip->ip_len = htons(size);
	ip->ip_ttl = 64;
	ip->ip_p = IPPROTO_UDP;
	inet_pton(AF_INET, B4, &ip->ip_src);
	inet_pton(AF_INET, A4, &ip->ip_dst);
	ip->ip_sum = csum(ip, sizeof(*ip), 0);
	pkt[20] = 0x1f;				/* from port 8000 */
	pkt[22] = 7000 >> 8;			/* to port 7000 */
	pkt[23] = 7000 & 0xff;
	pkt[24] = (size - 20) >> 8;
	pkt[25] = (size - 20) & 0xff;		/* checksum 0: none */
	t0 = now();
	while (now() - t0 < secs) {
		for (int i = 0; i < 32; i++)
			if (write(fd, pkt, size) != size)
				die("write");
		while (recv(s, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			got++;
	}
	printf("%.0f\n", got / (now() - t0));
	return 0;
}

static volatile int stop;
static int flood_sock;

static void *flood(void *arg)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	char payload[32] = { 0 };

	(void)arg;
	inet_pton(AF_INET, B4, &to.sin_addr);
	while (!stop)
		sendto(flood_sock, payload, sizeof(payload), 0,
		       (struct sockaddr *)&to, sizeof(to));
	return NULL;
}

static int cmd_read(const char *driver, double secs)
{
	char name[IFNAMSIZ], buf[2048];
	int fd = ptp_unit(driver, name);
	pthread_t t;
	long n = 0;
	double t0;

	flood_sock = udp_socket(A4, 7001);
	pthread_create(&t, NULL, flood, NULL);
	t0 = now();
	while (now() - t0 < secs)
		if (read(fd, buf, sizeof(buf)) > 0)
			n++;
	stop = 1;
	pthread_join(t, NULL);
	printf("%.0f\n", n / (now() - t0));
	return 0;
}

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* Move everything queued on @from to @to. */
static void pump(int from, int to)
{
	static char buf[65536 + 64];
	ssize_t n;

	while ((n = read(from, buf, sizeof(buf))) > 0)
		if (write(to, buf, n) < 0 && errno != EIO)
			die("forward");
}

static int cmd_fwd(const char *driver, const char *kind, int vnet)
{
	char a_name[IFNAMSIZ], b_name[IFNAMSIZ];
	int tap = !strcmp(kind, "tap");
	int a = open_unit(driver, tap, vnet, a_name);
	int b = open_unit(driver, tap, vnet, b_name);

	fcntl(a, F_SETFL, O_NONBLOCK);
	fcntl(b, F_SETFL, O_NONBLOCK);
	printf("%s %s\n", a_name, b_name);
	fflush(stdout);
	signal(SIGTERM, on_term);
	while (!stop) {
		struct pollfd p[2] = { { a, POLLIN, 0 }, { b, POLLIN, 0 } };

		if (poll(p, 2, 200) <= 0)
			continue;
		if (p[0].revents & POLLIN)
			pump(a, b);
		if (p[1].revents & POLLIN)
			pump(b, a);
	}
	return 0;
}

static int cmd_rr_server(const char *addr, int port)
{
	int s = udp_socket(addr, port);
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	char buf[64];
	ssize_t n;

	while ((n = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			     &fl)) > 0)
		sendto(s, buf, n, 0, (struct sockaddr *)&from, fl);
	return 0;
}

static int cmd_rr(const char *addr, int port, double secs)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct timeval tv = { .tv_sec = 1 };
	char buf[64] = { 0 };
	long n = 0;
	double t0;

	inet_pton(AF_INET, addr, &to.sin_addr);
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(s, (struct sockaddr *)&to, sizeof(to)) < 0)
		die("connect");
	t0 = now();
	while (now() - t0 < secs) {
		if (send(s, buf, 32, 0) < 0)
			die("send");
		if (recv(s, buf, sizeof(buf), 0) > 0)
			n++;
	}
	printf("%.0f\n", n / (now() - t0));
	return 0;
}

static int cmd_units(const char *driver, int count)
{
	char name[IFNAMSIZ];
	double t0 = now();

	for (int i = 0; i < count; i++)
		close(open_unit(driver, 0, 0, name));
	/* Tens a second: a whole number would round the ratio by 2 %. */
	printf("%.2f\n", count / (now() - t0));
	return 0;
}

/*
 * The kernel's own allocations, in KiB: slab (kmalloc included), per-CPU,
 * vmalloc, stacks and page tables.  MemTotal - MemAvailable, used before,
 * also moved with whatever else the kernel was giving back during a
 * count: a third off, either way.  Both drivers' units live entirely in
 * these (MemAvailable, on a quiet guest, moves by as much).
 */
static long mem_used_kb(void)
{
	static const char *const fields[] = {
		"Slab:", "Percpu:", "VmallocUsed:", "KernelStack:", "PageTables:",
	};
	char line[128];
	long total = 0, v;
	FILE *f;

	/* Let deferred frees (RCU, workqueues) land, then drop caches. */
	sh("sync; echo 3 > /proc/sys/vm/drop_caches; sleep 3; "
	   "echo 3 > /proc/sys/vm/drop_caches");
	f = fopen("/proc/meminfo", "r");
	while (f && fgets(line, sizeof(line), f))
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (!strncmp(line, fields[i], strlen(fields[i])) &&
			    sscanf(line + strlen(fields[i]), "%ld", &v) == 1)
				total += v;
	if (f)
		fclose(f);
	return total;
}

static int cmd_mem(const char *driver, int count)
{
	char name[IFNAMSIZ];
	int *fds = calloc(count, sizeof(int));
	long before, after;

	before = mem_used_kb();
	for (int i = 0; i < count; i++)
		fds[i] = open_unit(driver, 0, 0, name);
	after = mem_used_kb();
	printf("%.0f\n", (after - before) * 1024.0 / count);
	for (int i = 0; i < count; i++)
		close(fds[i]);
	free(fds);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "write") && argc == 5)
		return cmd_write(argv[2], atoi(argv[3]), atof(argv[4]));
	if (!strcmp(cmd, "read") && argc == 4)
		return cmd_read(argv[2], atof(argv[3]));
	if (!strcmp(cmd, "fwd") && argc == 5)
		return cmd_fwd(argv[2], argv[3], atoi(argv[4]));
	if (!strcmp(cmd, "rr-server") && argc == 4)
		return cmd_rr_server(argv[2], atoi(argv[3]));
	if (!strcmp(cmd, "rr") && argc == 5)
		return cmd_rr(argv[2], atoi(argv[3]), atof(argv[4]));
	if (!strcmp(cmd, "units") && argc == 4)
		return cmd_units(argv[2], atoi(argv[3]));
	if (!strcmp(cmd, "mem") && argc == 4)
		return cmd_mem(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: see the comment at the top of bench/bench.c\n");
	return 2;
}
