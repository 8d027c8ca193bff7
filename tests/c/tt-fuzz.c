// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * tt-fuzz: random input to the character device of all three drivers, for
 * TT_FUZZ_SECONDS (default 60) from seed TT_FUZZ_SEED (default: the time;
 * printed, so a run can be repeated).
 *
 * First every request number of groups 't' and 'V' in every direction
 * and a spread of sizes, then random requests (any direction, size
 * 0..256, random argument: a buffer of random bytes, NULL, a bad pointer,
 * or a random value), random writes (0..70000 bytes of random data, on tun
 * behind random IFHEAD families, on tap behind random virtio-net headers),
 * random reads, and now and then a close and a new unit, until the time
 * is up or TT_FUZZ_INPUTS (default 10,000,000) random inputs were tried.  Every call must
 * succeed or fail with an errno documented for it (docs/errors.md); the
 * program prints what it tried and every errno it met.
 */
#include "tt.h"

#include <linux/virtio_net.h>
#include <netinet/ip.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <time.h>

/* Documented results, per kind of call (docs/errors.md). */
static const int ok_ioctl[] = {
	ENOTTY,		/* not a request of this driver */
	EFAULT,		/* argument not readable or writable */
	EINVAL,		/* bad value: TUNSIFMODE, TAPSVNETHDR, MTU range */
	EPROTOTYPE,	/* TUNSIFINFO with another interface type */
	EBUSY,		/* TUNSIFMODE while up */
	ESRCH,		/* FIOSETOWN/TIOCSPGRP: no such process */
	0,
};
static const int ok_write[] = {
	EIO,		/* longer than the MRU */
	EINVAL,		/* shorter than its virtio-net header, or a
			 * virtio-net header that does not fit */
	EAFNOSUPPORT,	/* IFHEAD family other than AF_INET/AF_INET6 */
	ENOBUFS,	/* no memory; shorter than its IFHEAD */
	0,
};
static const int ok_read[] = { EAGAIN, 0 };

#define NERR 160
static long errs_ioctl[NERR], errs_write[NERR], errs_read[NERR];
static long n_vnet, n_ioctl, n_write, n_read, n_reopen, n_ok_ioctl;
static long bad;
static uint64_t rng;

static uint32_t rnd(void)
{
	/* xorshift64*: repeatable from the printed seed */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (rng * 2685821657736338717ULL) >> 32;
}

static void fill(void *p, size_t n)
{
	uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = rnd();
}

static void note(long r, const int *ok, long *errs, const char *what,
		 unsigned long req, size_t len)
{
	int e = errno;

	if (r >= 0)
		return;
	if (e > 0 && e < NERR)
		errs[e]++;
	for (; *ok; ok++)
		if (*ok == e)
			return;
	if (bad++ < 10)
		fprintf(stderr, "undocumented: %s req %#lx len %zu: %s\n",
			what, req, len, strerror(e));
}

struct unit {
	const char *node;
	int fd;
	bool l2;
	char name[IFNAMSIZ];
};

static void unit_open(struct unit *u)
{
	int one = 1;

	u->fd = tt_open_unit(u->node, u->name);
	CHECK_OK(ioctl(u->fd, TUNSTRANSIENT, &one));
	CHECK_OK(ioctl(u->fd, FIONBIO, &one));
	if (!u->l2)
		tt_sh_quiet("ip addr add 10.78.0.1 peer 10.78.0.2 dev %s",
			    u->name);
	CHECK_OK(tt_nl_updown(u->name, true));
}

static uint8_t *bufpage;	/* readable and writable */
static void *badptr;		/* neither */

static void one_ioctl(struct unit *u, unsigned long req)
{
	unsigned long arg;
	long r;

	switch (rnd() % 10) {
	case 0:
		arg = 0;
		break;
	case 1:
		arg = (unsigned long)badptr + (rnd() % 64);
		break;
	case 2:
		arg = rnd();	/* by value (VMIO_SIOCSIFFLAGS) or junk */
		break;
	default:
		fill(bufpage, 512);
		if (rnd() & 1)	/* small ints matter: 0, 1, 10, 12, flags */
			*(int *)bufpage = (int[]){ 0, 1, 10, 12, -1, 0x10,
						   0x8000, 0x1001 }[rnd() % 8];
		if (req == TUNSIFINFO && rnd() % 4) {
			/* the right type, so the MTU is what is tried */
			struct tuninfo *ti = (struct tuninfo *)bufpage;

			ti->type = u->l2 ? 0x6 : 0x17;
			ti->mtu = rnd() & 1 ? 60 + rnd() % 1500 : rnd();
		}
		arg = (unsigned long)bufpage;
		break;
	}
	errno = 0;
	r = ioctl(u->fd, req, arg);
	n_ioctl++;
	if (r >= 0)
		n_ok_ioctl++;
	note(r, ok_ioctl, errs_ioctl, "ioctl", req, 0);
	/* Keep the run quiet and the unit usable for writes. */
	if (req == TUNSDEBUG)
		ioctl(u->fd, TUNSDEBUG, &(int){ 0 });
}

/* The few Linux requests the driver also answers, with random input. */
static void linux_request(struct unit *u)
{
	static const unsigned long reqs[] = {
		FIONREAD, SIOCGIFADDR, SIOCSIFADDR, FIOGETOWN, TIOCGPGRP,
	};
	int v;

	switch (rnd() % 3) {
	case 0:
		one_ioctl(u, reqs[rnd() % 5]);
		break;
	case 1:
		/* Owners: only ourselves or nobody, never a stranger. */
		v = (int[]){ 0, getpid(), -getpgrp(), 4194304 + 7 }[rnd() % 4];
		errno = 0;
		note(ioctl(u->fd, FIOSETOWN, &v), ok_ioctl, errs_ioctl,
		     "ioctl", FIOSETOWN, 0);
		n_ioctl++;
		break;
	default:
		v = rnd() & 1;
		errno = 0;
		note(ioctl(u->fd, FIOASYNC, &v), ok_ioctl, errs_ioctl,
		     "ioctl", FIOASYNC, 0);
		n_ioctl++;
		break;
	}
}

static size_t rand_len(void)
{
	switch (rnd() % 4) {
	case 0:
		return rnd() % 64;
	case 1:
		return 20 + rnd() % 1600;
	case 2:
		return 65520 + rnd() % 40;	/* around the MRU */
	default:
		return rnd() % 70001;
	}
}

static void one_write(struct unit *u, uint8_t *buf)
{
	size_t len = rand_len(), off = 0;
	int ifhead = 0;
	ssize_t r;

	fill(buf, len);
	if (!u->l2 && ioctl(u->fd, TUNGIFHEAD, &ifhead) == 0 && ifhead &&
	    len >= 4) {
		static const uint32_t fams[] = { 2, 10, 0, 1, 28, 0xffffffff };
		uint32_t af = htonl(fams[rnd() % 6]);

		memcpy(buf, &af, 4);
		off = 4;
	}
	if (!u->l2 && len >= off + 20 && rnd() % 3) {
		/* Often a plausible IPv4 or IPv6 header, to go deeper. */
		struct ip *ip = (struct ip *)(buf + off);

		ip->ip_v = rnd() % 4 ? 4 : 6;
		ip->ip_hl = 5;
		ip->ip_len = htons(len - off);
	}
	if (u->l2 && rnd() % 4 == 0) {
		/* A virtio-net header that claims offloads, mostly sane. */
		static const int hl[] = { 10, 12 };
		int vl = hl[rnd() % 2];
		struct virtio_net_hdr *h = (struct virtio_net_hdr *)buf;

		if (ioctl(u->fd, TAPSVNETHDR, &vl) == 0 && len >= (size_t)vl) {
			h->flags = rnd() & 1 ? VIRTIO_NET_HDR_F_NEEDS_CSUM :
					       rnd() & 3;
			h->gso_type = (uint8_t[]){ 0, 1, 3, 4, 5, 0x81,
						   0x83 }[rnd() % 7];
			h->hdr_len = rnd() % 128;
			h->gso_size = rnd() % 3 ? 1 + rnd() % 1500 : rnd();
			h->csum_start = rnd() % 3 ? 14 + rnd() % 60 : rnd();
			h->csum_offset = (uint16_t[]){ 6, 16, 10,
						       rnd() }[rnd() % 4];
			if (len >= (size_t)vl + 14) {
				/* an IPv4 or IPv6 ethertype after it */
				buf[vl + 12] = rnd() & 1 ? 0x08 : 0x86;
				buf[vl + 13] = buf[vl + 12] == 0x08 ? 0 : 0xdd;
				memset(buf + vl, 0xff, 6);
			}
			if (len >= (size_t)vl + 34)
				buf[vl + 14] = buf[vl + 12] == 0x08 ?
					       0x45 : 0x60;
			n_vnet++;
		}
	}
	errno = 0;
	r = write(u->fd, buf, len);
	n_write++;
	note(r, ok_write, errs_write, "write", 0, len);
	if (r >= 0 && r != (ssize_t)len && r != 0) {
		if (bad++ < 10)
			fprintf(stderr, "write of %zu returned %zd\n", len, r);
	}
}

static void one_read(struct unit *u, uint8_t *buf)
{
	size_t len = rnd() % 70001;
	ssize_t r;

	errno = 0;
	r = read(u->fd, buf, len);
	n_read++;
	note(r, ok_read, errs_read, "read", 0, len);
}

static void print_errs(const char *what, const long *errs)
{
	for (int e = 1; e < NERR; e++)
		if (errs[e])
			printf("# %s %s: %ld\n", what, strerrorname_np(e) ?
			       strerrorname_np(e) : "?", errs[e]);
}

int main(void)
{
	struct unit units[3] = {
		{ .node = "/dev/tun" },
		{ .node = "/dev/tap", .l2 = true },
		{ .node = "/dev/vmnet", .l2 = true },
	};
	const char *e = getenv("TT_FUZZ_SECONDS");
	double secs = e ? atof(e) : 60, t0 = tt_now(), end = t0 + secs;
	uint64_t seed = getenv("TT_FUZZ_SEED") ?
			strtoull(getenv("TT_FUZZ_SEED"), NULL, 0) :
			(uint64_t)time(NULL);
	uint8_t *buf = malloc(70000 + 16);
	long max_inputs = getenv("TT_FUZZ_INPUTS") ?
			  atol(getenv("TT_FUZZ_INPUTS")) : 10000000;
	double spent[4] = { 0 };
	long sweep = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGIO, SIG_IGN);
	rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	printf("# fuzz: seed %llu (TT_FUZZ_SEED), %.0f s\n",
	       (unsigned long long)seed, secs);
	bufpage = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	badptr = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		      0);
	CHECK(buf && bufpage != MAP_FAILED && badptr != MAP_FAILED);
	for (int i = 0; i < 3; i++)
		unit_open(&units[i]);

	/* Every number of both groups, every direction, a spread of sizes. */
	for (int i = 0; i < 3; i++) {
		static const unsigned int sizes[] = { 0, 4, 6, 8, 32, 256 };

		for (int type = 0; type < 2; type++)
			for (int nr = 0; nr < 256; nr++)
				for (int dir = 0; dir < 4; dir++)
					for (int s = 0; s < 6; s++) {
						one_ioctl(&units[i],
							  _IOC(dir, type ? 'V' : 't',
							       nr, sizes[s]));
						sweep++;
					}
	}
	printf("# fuzz: sweep of %ld requests (groups 't' and 'V', 4 "
	       "directions, 6 sizes, 3 drivers) in %.1f s\n", sweep,
	       tt_now() - t0);

	for (long i = 0; tt_now() < end && i < max_inputs; i++) {
		struct unit *u = &units[rnd() % 3];
		unsigned int r = rnd() % 100, cat = r < 50 ? 0 : r < 80 ? 1 : 2;
		double t = tt_now();

		if (r < 45)
			one_ioctl(u, _IOC(rnd() % 4, rnd() & 1 ? 'V' : 't',
					  rnd() % 256, rnd() % 257));
		else if (r < 50)
			linux_request(u);
		else if (r < 80)
			one_write(u, buf);
		else if (r < 99 || rnd() % 160)
			one_read(u, buf);
		else {
			/* Close with whatever state the fuzz left. */
			close(u->fd);
			CHECK(!tt_if_exists(u->name) ||
			      tt_sh_quiet("ip link del %s", u->name) == 0);
			unit_open(u);
			n_reopen++;
			cat = 3;
		}
		spent[cat] += tt_now() - t;
		if (i % 500 == 0)	/* a request may have downed it */
			tt_nl_updown(u->name, true);
	}
	printf("# fuzz: seconds in requests %.1f, writes %.1f, reads %.1f, "
	       "new units %.1f\n", spent[0], spent[1], spent[2], spent[3]);
	for (int i = 0; i < 3; i++)
		close(units[i].fd);
	printf("# fuzz: %ld requests (%ld succeeded), %ld writes, %ld reads, "
	       "%ld new units in %.1f s\n", n_ioctl, n_ok_ioctl, n_write,
	       n_read, n_reopen, tt_now() - t0);
	printf("# fuzz: %ld writes behind a virtio-net header claiming "
	       "offloads\n", n_vnet);
	print_errs("ioctl", errs_ioctl);
	print_errs("write", errs_write);
	print_errs("read", errs_read);
	if (bad) {
		printf("# fuzz: %ld undocumented results (seed %llu)\n", bad,
		       (unsigned long long)seed);
		return 1;
	}
	return 0;
}
