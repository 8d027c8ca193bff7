// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * The only code that differs between the two drivers under test: opening
 * a unit.  Everything else in the benchmark is shared.
 */
#include "bench.h"

#include <linux/if_tun.h>
#include <net/if_tap.h>

/*
 * if_tuntap: a cloning open gives a transient unit; with a header, the
 * same offloads as Linux's below.
 */
static int open_bsd(int tap, int vnet, char *name)
{
	int off = TUN_OFFLOAD_CSUM | TUN_OFFLOAD_TSO4 | TUN_OFFLOAD_TSO6 |
		  TUN_OFFLOAD_TSO_ECN;
	struct ifreq ifr;
	int one = 1;
	int fd = open(tap ? "/dev/tap" : "/dev/tun", O_RDWR);

	if (fd < 0)
		die("open /dev/%s", tap ? "tap" : "tun");
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGIFNAME, &ifr) < 0 ||
	    ioctl(fd, TUNSTRANSIENT, &one) < 0)
		die("TUNGIFNAME/TUNSTRANSIENT");
	if (vnet && (ioctl(fd, TUNSVNETHDR, &vnet) < 0 ||
		     ioctl(fd, TUNSOFFLOAD, &off) < 0))
		die("TUNSVNETHDR/TUNSOFFLOAD");
	snprintf(name, IFNAMSIZ, "%s", ifr.ifr_name);
	return fd;
}

/* Linux tun: a non-persistent unit, the same offloads when asked. */
static int open_linux(int tap, int vnet, char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR);

	if (fd < 0)
		die("open /dev/net/tun");
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = (tap ? IFF_TAP : IFF_TUN) | IFF_NO_PI |
			(vnet ? IFF_VNET_HDR : 0);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		die("TUNSETIFF");
	if (vnet && (ioctl(fd, TUNSETVNETHDRSZ, &vnet) < 0 ||
		     ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 |
			   TUN_F_TSO6 | TUN_F_TSO_ECN) < 0))
		die("TUNSETVNETHDRSZ/TUNSETOFFLOAD");
	snprintf(name, IFNAMSIZ, "%s", ifr.ifr_name);
	return fd;
}

int open_unit(const char *driver, int tap, int vnet, char *name)
{
	if (!strcmp(driver, "bsd"))
		return open_bsd(tap, vnet, name);
	if (!strcmp(driver, "linux"))
		return open_linux(tap, vnet, name);
	die("driver must be bsd or linux, not %s", driver);
	return -1;
}
