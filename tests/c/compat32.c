// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Built as an i386 program (gcc -m32, against include/ like any FreeBSD
 * program): every request of SPEC section 2 from a 32-bit caller, whose
 * struct ifreq, and so TUNGIFNAME's number, differs from a 64-bit one's.
 */
#include <sys/socket.h>
#include <linux/sockios.h>

#include "tt.h"

_Static_assert(sizeof(void *) == 4, "build with -m32");

static void tun_requests_from_32_bit_caller(void)
{
	struct tuninfo ti;
	struct ifreq ifr;
	char name[IFNAMSIZ];
	int fd, v, one = 1, zero = 0;

	CHECK_EQ(sizeof(ifr), 32);
	fd = tt_open_unit("/dev/tun", name);	/* TUNGIFNAME */
	CHECK(!strncmp(name, "tun", 3) && tt_if_exists(name));
	CHECK_OK(ioctl(fd, TUNSTRANSIENT, &one));
	CHECK_OK(ioctl(fd, TUNGTRANSIENT, &v));
	CHECK_EQ(v, 1);

	CHECK_OK(ioctl(fd, TUNGIFINFO, &ti));
	CHECK_EQ(ti.mtu, 1500);
	CHECK_EQ(ti.type, IFT_PPP);
	ti.mtu = 1400;
	ti.baudrate = 12345;
	CHECK_OK(ioctl(fd, TUNSIFINFO, &ti));
	memset(&ti, 0, sizeof(ti));
	CHECK_OK(ioctl(fd, TUNGIFINFO, &ti));
	CHECK_EQ(ti.mtu, 1400);
	CHECK_EQ(ti.baudrate, 12345);

	v = 2;
	CHECK_OK(ioctl(fd, TUNSDEBUG, &v));
	CHECK_OK(ioctl(fd, TUNGDEBUG, &v));
	CHECK_EQ(v, 2);
	CHECK_OK(ioctl(fd, TUNSDEBUG, &zero));

	CHECK_OK(ioctl(fd, TUNSIFHEAD, &one));
	CHECK_OK(ioctl(fd, TUNGIFHEAD, &v));
	CHECK_EQ(v, 1);
	CHECK_OK(ioctl(fd, TUNSLMODE, &one));	/* clears IFHEAD */
	CHECK_OK(ioctl(fd, TUNGIFHEAD, &v));
	CHECK_EQ(v, 0);
	CHECK_OK(ioctl(fd, TUNSLMODE, &zero));

	v = IFF_BROADCAST;
	CHECK_OK(ioctl(fd, TUNSIFMODE, &v));
	CHECK(tt_sysfs_long("/sys/class/net/%s/flags", name) & IFF_BROADCAST);
	CHECK_OK(ioctl(fd, TUNSIFPID));
	CHECK_EQ(tt_sysfs_long("/sys/class/net/%s/tuntap/owner", name), getpid());

	CHECK_OK(ioctl(fd, FIONREAD, &v));
	CHECK_EQ(v, 0);
	CHECK_OK(ioctl(fd, FIONBIO, &one));
	CHECK_ERR(read(fd, &v, sizeof(v)), EAGAIN);
	v = getpid();
	CHECK_OK(ioctl(fd, FIOSETOWN, &v));
	CHECK_OK(ioctl(fd, FIOGETOWN, &v));
	CHECK_EQ(v, getpid());
	v = getpgrp();
	CHECK_OK(ioctl(fd, TIOCSPGRP, &v));
	CHECK_OK(ioctl(fd, TIOCGPGRP, &v));
	CHECK_EQ(v, getpgrp());
	CHECK_OK(ioctl(fd, FIOASYNC, &one));
	CHECK_OK(ioctl(fd, FIOASYNC, &zero));
	v = 10;
	CHECK_OK(ioctl(fd, TUNSVNETHDR, &v));
	CHECK_OK(ioctl(fd, TUNGVNETHDR, &v));
	CHECK_EQ(v, 10);
	v = TUN_OFFLOAD_CSUM;
	CHECK_OK(ioctl(fd, TUNSOFFLOAD, &v));
	CHECK_OK(ioctl(fd, TUNGOFFLOAD, &v));
	CHECK_EQ(v, TUN_OFFLOAD_CSUM);
	/* Not a request of ours: the same answer as for a 64-bit caller. */
	CHECK_ERR(ioctl(fd, _IOR('t', 42, int), &v), ENOTTY);
	close(fd);
	CHECK(!tt_if_exists(name));
}

static void tap_requests_from_32_bit_caller(void)
{
	const uint8_t mac[6] = { 0x02, 0, 0, 0x32, 0x32, 0x01 };
	uint8_t got[6];
	struct tuninfo ti;
	struct ifreq ifr;
	char name[IFNAMSIZ];
	int fd, v, one = 1;

	fd = tt_open_unit("/dev/tap", name);
	CHECK_OK(ioctl(fd, TAPSTRANSIENT, &one));
	memset(&ifr, 0, sizeof(ifr));
	CHECK_OK(ioctl(fd, TAPGIFNAME, &ifr));
	CHECK(!strcmp(ifr.ifr_name, name));
	CHECK_OK(ioctl(fd, TAPGIFINFO, &ti));
	CHECK_EQ(ti.type, IFT_ETHER);
	v = 12;
	CHECK_OK(ioctl(fd, TAPSVNETHDR, &v));
	CHECK_OK(ioctl(fd, TAPGVNETHDR, &v));
	CHECK_EQ(v, 12);
	CHECK_OK(ioctl(fd, VMIO_SIOCSIFFLAGS, IFF_UP));
	CHECK(tt_sysfs_long("/sys/class/net/%s/flags", name) & IFF_UP);
	CHECK_OK(ioctl(fd, SIOCSIFADDR, mac));
	CHECK_OK(ioctl(fd, SIOCGIFADDR, got));
	CHECK(!memcmp(mac, got, sizeof(mac)));
	close(fd);
	CHECK(!tt_if_exists(name));
}

static const struct tt_case cases[] = {
	{ "compat32_tun_requests", tun_requests_from_32_bit_caller },
	{ "compat32_tap_requests", tap_requests_from_32_bit_caller },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return tt_run(cases, argc, argv);
}
