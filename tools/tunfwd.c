// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * tunfwd [-t] [-s SECONDS] [-v HDRLEN] NODE_A NODE_B: join two units with a
 * userspace forwarder.  Opens both nodes (a cloning node makes a new unit),
 * prints the two interface names on one line, then copies every packet
 * read from one to the other until killed or SECONDS pass.  With -t both
 * units are transient and vanish when tunfwd exits.  With -v both carry
 * a virtio-net header of HDRLEN bytes, so large TCP segments cross whole;
 * on exit tunfwd reports how many did.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <net/if_tap.h>

static volatile sig_atomic_t stop;
static int vnet_len;
static unsigned long gso_frames, frames;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int open_unit(const char *path, int transient, char *name)
{
	struct ifreq ifr;
	int one = 1;
	int fd = open(path, O_RDWR | O_NONBLOCK);

	if (fd < 0) {
		fprintf(stderr, "tunfwd: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGIFNAME, &ifr) < 0 ||
	    (transient && ioctl(fd, TUNSTRANSIENT, &one) < 0) ||
	    (vnet_len && ioctl(fd, TAPSVNETHDR, &vnet_len) < 0)) {
		fprintf(stderr, "tunfwd: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	snprintf(name, IFNAMSIZ, "%s", ifr.ifr_name);
	return fd;
}

/* Move every packet waiting on @from to @to. */
static void pump(int from, int to, char *buf, size_t size)
{
	for (;;) {
		ssize_t n = read(from, buf, size);

		if (n <= 0)
			return;
		frames++;
		if (vnet_len && n >= vnet_len &&
		    ((struct virtio_net_hdr *)buf)->gso_type != VIRTIO_NET_HDR_GSO_NONE)
			gso_frames++;
		if (write(to, buf, n) < 0 && errno != EIO)
			perror("tunfwd: write");
	}
}

int main(int argc, char **argv)
{
	char a_name[IFNAMSIZ], b_name[IFNAMSIZ];
	static char buf[65536 + 64];
	int transient = 0, secs = 0, opt, a, b;
	time_t end;

	while ((opt = getopt(argc, argv, "ts:v:")) != -1) {
		switch (opt) {
		case 't':
			transient = 1;
			break;
		case 's':
			secs = atoi(optarg);
			break;
		case 'v':
			vnet_len = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2)
		goto usage;
	a = open_unit(argv[optind], transient, a_name);
	b = open_unit(argv[optind + 1], transient, b_name);
	printf("%s %s\n", a_name, b_name);
	fflush(stdout);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	end = secs ? time(NULL) + secs : 0;
	while (!stop && (!end || time(NULL) < end)) {
		struct pollfd p[2] = {
			{ .fd = a, .events = POLLIN },
			{ .fd = b, .events = POLLIN },
		};

		if (poll(p, 2, 500) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN)
			pump(a, b, buf, sizeof(buf));
		if (p[1].revents & POLLIN)
			pump(b, a, buf, sizeof(buf));
		if ((p[0].revents | p[1].revents) & (POLLERR | POLLHUP))
			break;
	}
	fprintf(stderr, "tunfwd: %lu frames, %lu segmentation offloaded\n",
		frames, gso_frames);
	return 0;
usage:
	fprintf(stderr,
		"usage: tunfwd [-t] [-s SECONDS] [-v HDRLEN] NODE_A NODE_B\n");
	return 2;
}
