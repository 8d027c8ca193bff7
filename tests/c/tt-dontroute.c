// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * tt-dontroute [-6] [-b DEV] ADDRESS TAPNODE: the helper of FreeBSD's
 * fibs_test.sh udp_dontroute cases, written for Linux.  Opens the tap
 * unit TAPNODE, sends one UDP datagram to ADDRESS with SO_DONTROUTE from a
 * socket bound to DEV (a VRF device: what "setfib N" is to a FreeBSD
 * program), and succeeds if the tap's file then yields the frame that
 * sending made: the ARP request (IPv4) or neighbour solicitation (IPv6)
 * for ADDRESS, or the datagram itself.  FreeBSD's helper takes any frame
 * read at once; this one looks for that frame, for up to two seconds.
 * Fails if sendto() fails (the bug it guards against: ENETUNREACH because
 * the address was looked up outside the socket's routing table).
 */
#include "tt.h"
#include <arpa/inet.h>
#include <sys/socket.h>

static bool is_for(const uint8_t *f, ssize_t n, bool v6, const void *addr)
{
	uint16_t type;

	if (n < 14)
		return false;
	type = (uint16_t)(f[12] << 8 | f[13]);
	if (!v6 && type == 0x0806 && n >= 14 + 28)	/* ARP: target at 24 */
		return !memcmp(f + 14 + 24, addr, 4);
	if (!v6 && type == 0x0800 && n >= 14 + 20 && f[14 + 9] == IPPROTO_UDP)
		return !memcmp(f + 14 + 16, addr, 4);
	if (v6 && type == 0x86dd && n >= 14 + 40) {
		const uint8_t *ip6 = f + 14;

		if (ip6[6] == IPPROTO_UDP)
			return !memcmp(ip6 + 24, addr, 16);
		/* Neighbour solicitation (135): target after 8 bytes. */
		if (ip6[6] == IPPROTO_ICMPV6 && n >= 14 + 40 + 24 &&
		    ip6[40] == 135)
			return !memcmp(ip6 + 48, addr, 16);
	}
	return false;
}

int main(int argc, char **argv)
{
	const char *dev = NULL, *msg = "through the socket's own table";
	struct sockaddr_storage ss = { 0 };
	uint8_t addr[16], frame[2048];
	bool v6 = false;
	int opt, one = 1, s, t;
	socklen_t sl;
	double end;

	while ((opt = getopt(argc, argv, "6b:")) != -1) {
		if (opt == '6')
			v6 = true;
		else if (opt == 'b')
			dev = optarg;
		else
			goto usage;
	}
	if (argc - optind != 2)
		goto usage;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, argv[optind], addr) != 1)
		goto usage;
	t = open(argv[optind + 1], O_RDWR | O_NONBLOCK);
	if (t < 0) {
		perror(argv[optind + 1]);
		return 1;
	}
	s = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_DONTROUTE, &one, sizeof(one)) ||
	    (dev && setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, dev,
			       (socklen_t)strlen(dev) + 1))) {
		perror("tt-dontroute: socket");
		return 1;
	}
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(46120);
		memcpy(&a->sin6_addr, addr, 16);
		sl = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(46120);
		memcpy(&a->sin_addr, addr, 4);
		sl = sizeof(*a);
	}
	if (sendto(s, msg, strlen(msg), 0, (struct sockaddr *)&ss, sl) < 0) {
		perror("tt-dontroute: sendto");
		return 1;
	}
	end = tt_now() + tt_scaled(2);
	while (tt_now() < end) {
		ssize_t n = tt_read_timeout(t, frame, sizeof(frame), 200);

		if (n > 0 && is_for(frame, n, v6, addr)) {
			printf("%s: a frame for %s\n", argv[optind + 1],
			       argv[optind]);
			return 0;
		}
	}
	fprintf(stderr, "tt-dontroute: no frame for %s on %s\n", argv[optind],
		argv[optind + 1]);
	return 1;
usage:
	fprintf(stderr, "usage: tt-dontroute [-6] [-b DEV] ADDRESS TAPNODE\n");
	return 2;
}
