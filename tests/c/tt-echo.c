// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * tt-echo NODE [SECONDS]: a userspace peer on a tun unit.  Opens NODE,
 * prints the interface name, then answers every IPv4 ICMP echo request it
 * reads by writing the reply back, until SECONDS pass (default 60) or it is
 * killed.
 */
#include "tt.h"

#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <time.h>


static void answer(uint8_t *p, size_t n, int fd)
{
	struct ip *ip = (struct ip *)p;
	size_t hl = ip->ip_hl * 4;
	struct icmp *ic = (struct icmp *)(p + hl);
	struct in_addr t;

	if (n < hl + 8 || ip->ip_v != 4 || ip->ip_p != IPPROTO_ICMP ||
	    ic->icmp_type != ICMP_ECHO)
		return;
	t = ip->ip_src;
	ip->ip_src = ip->ip_dst;
	ip->ip_dst = t;
	ip->ip_sum = 0;
	ip->ip_sum = tt_csum(ip, hl, 0);
	ic->icmp_type = ICMP_ECHOREPLY;
	ic->icmp_cksum = 0;
	ic->icmp_cksum = tt_csum(ic, n - hl, 0);
	if (write(fd, p, n) != (ssize_t)n)
		perror("tt-echo: write");
}

int main(int argc, char **argv)
{
	int secs = argc > 2 ? atoi(argv[2]) : 60;
	time_t end = time(NULL) + secs;
	char name[IFNAMSIZ];
	uint8_t buf[65536];
	int fd;

	if (argc < 2) {
		fprintf(stderr, "usage: tt-echo NODE [SECONDS]\n");
		return 2;
	}
	fd = tt_open_unit(argv[1], name);
	printf("%s\n", name);
	fflush(stdout);
	while (time(NULL) < end) {
		ssize_t n;

		if (!tt_readable(fd, 200))
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			perror("tt-echo: read");
			return 1;
		}
		answer(buf, n, fd);
	}
	return 0;
}
