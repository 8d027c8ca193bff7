// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * vpn: a point-to-point tunnel over UDP in 150 lines, to show the
 * tun(4) interface.  No encryption, no authentication beyond "datagrams
 * come from the peer's address": an example, not a product.
 *
 *   vpn [-k] [-d NODE] LOCAL_PORT PEER_ADDRESS PEER_PORT
 *
 * Opens NODE (/dev/tun: a new unit), turns on TUNSIFHEAD so that every
 * packet carries its address family and IPv4 and IPv6 both cross, marks
 * the unit transient (unless -k) so it goes away with the program, prints
 * the interface name and then sends every packet read from the unit to
 * the peer in one UDP datagram, and writes every datagram from the peer
 * into the unit.  Addresses and routes are for the caller to set, e.g.
 *
 *   ip addr add 10.0.0.1 peer 10.0.0.2 dev tun0 && ip link set tun0 up
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <net/if.h>
#include <net/if_tun.h>
#include <netinet/in.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "vpn: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* A UDP socket bound to @port and connected to the peer. */
static int open_udp(const char *port, const char *peer, const char *peer_port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai;
	struct sockaddr_in6 local = { .sin6_family = AF_INET6 };
	int fd, off = 0, err;

	err = getaddrinfo(peer, peer_port, &hints, &ai);
	if (err) {
		fprintf(stderr, "vpn: %s: %s\n", peer, gai_strerror(err));
		exit(1);
	}
	/* One IPv6 socket serves IPv4 peers too, as ::ffff:a.b.c.d. */
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	local.sin6_port = htons((unsigned short)atoi(port));
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)))
		die("bind");
	if (ai->ai_family == AF_INET) {
		struct sockaddr_in *v4 = (struct sockaddr_in *)ai->ai_addr;
		struct sockaddr_in6 mapped = {
			.sin6_family = AF_INET6,
			.sin6_port = v4->sin_port,
		};

		mapped.sin6_addr.s6_addr[10] = 0xff;
		mapped.sin6_addr.s6_addr[11] = 0xff;
		memcpy(&mapped.sin6_addr.s6_addr[12], &v4->sin_addr, 4);
		err = connect(fd, (struct sockaddr *)&mapped, sizeof(mapped));
	} else {
		err = connect(fd, ai->ai_addr, ai->ai_addrlen);
	}
	if (err)
		die("connect");
	freeaddrinfo(ai);
	return fd;
}

int main(int argc, char **argv)
{
	const char *node = "/dev/tun";
	static char buf[4 + TUNMRU];
	unsigned long out = 0, in = 0;
	int transient = 1, one = 1, opt, tun, udp;
	struct ifreq ifr;

	while ((opt = getopt(argc, argv, "kd:")) != -1) {
		if (opt == 'k')
			transient = 0;
		else if (opt == 'd')
			node = optarg;
		else
			goto usage;
	}
	if (argc - optind != 3)
		goto usage;

	tun = open(node, O_RDWR | O_NONBLOCK);
	if (tun < 0)
		die(node);
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(tun, TUNGIFNAME, &ifr) || ioctl(tun, TUNSIFHEAD, &one) ||
	    (transient && ioctl(tun, TUNSTRANSIENT, &one)))
		die("ioctl");
	udp = open_udp(argv[optind], argv[optind + 1], argv[optind + 2]);
	printf("%s\n", ifr.ifr_name);
	fflush(stdout);

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop) {
		struct pollfd p[2] = {
			{ .fd = tun, .events = POLLIN },
			{ .fd = udp, .events = POLLIN },
		};
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		/* tun -> peer: the family word travels with the packet. */
		while ((p[0].revents & POLLIN) &&
		       (n = read(tun, buf, sizeof(buf))) > 0) {
			if (send(udp, buf, (size_t)n, 0) == n)
				out++;
		}
		/* peer -> tun; the module drops what is not a packet. */
		while ((p[1].revents & (POLLIN | POLLERR)) &&
		       (n = recv(udp, buf, sizeof(buf), 0)) >= 0) {
			if (n > 4 && write(tun, buf, (size_t)n) == n)
				in++;
		}
		if (p[0].revents & (POLLERR | POLLHUP))
			break;
	}
	fprintf(stderr, "vpn: %s: %lu packets sent to the peer, %lu received\n",
		ifr.ifr_name, out, in);
	return 0;

usage:
	fprintf(stderr,
		"usage: vpn [-k] [-d NODE] LOCAL_PORT PEER_ADDRESS PEER_PORT\n");
	return 2;
}
