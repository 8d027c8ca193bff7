/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * <net/if_tun.h> for if_tuntap: FreeBSD's tun(4) interface, with FreeBSD's
 * request names and numbers in Linux's ioctl encoding, so that programs
 * written for FreeBSD compile unchanged.  The module includes this file too:
 * there is one definition of every number.
 */
#ifndef _NET_IF_TUN_H_
#define _NET_IF_TUN_H_

#ifdef __KERNEL__
#include <linux/ioctl.h>
#include <linux/if.h>
#else
#include <sys/types.h>
#include <sys/ioctl.h>
#include <net/if.h>
#endif

/* Largest packet a write may carry (without the IFHEAD family word). */
#define TUNMTU		1500
#define TUNMRU		65535

#ifndef IFT_ETHER
#define IFT_ETHER	0x6
#endif
#ifndef IFT_PPP
#define IFT_PPP		0x17
#endif

struct tuninfo {
	int		baudrate;	/* link speed */
	unsigned short	mtu;		/* maximum transmission unit */
	unsigned char	type;		/* IFT_PPP for tun, IFT_ETHER for tap */
	unsigned char	dummy;		/* padding */
};

#define TUNSDEBUG	_IOW('t', 90, int)
#define TUNGDEBUG	_IOR('t', 89, int)
#define TUNSIFINFO	_IOW('t', 91, struct tuninfo)
#define TUNGIFINFO	_IOR('t', 92, struct tuninfo)
#define TUNSLMODE	_IOW('t', 93, int)
#define TUNGIFNAME	_IOR('t', 93, struct ifreq)
#define TUNSIFMODE	_IOW('t', 94, int)
#define TUNSIFPID	_IO('t', 95)
#define TUNSIFHEAD	_IOW('t', 96, int)
#define TUNGIFHEAD	_IOR('t', 97, int)
#define TUNSTRANSIENT	_IOW('t', 98, int)
#define TUNGTRANSIENT	_IOR('t', 99, int)

/*
 * Beyond FreeBSD: tun takes tap's virtio-net header (same numbers), and
 * with it the offloads its reader accepts (TUNSOFFLOAD, bits as Linux's
 * TUN_F_*).  The header comes first, then the IFHEAD family or TUNSLMODE
 * address, then the packet; its offsets count from the packet.
 */
#define TUNSVNETHDR	_IOW('t', 91, int)
#define TUNGVNETHDR	_IOR('t', 94, int)
#define TUNSOFFLOAD	_IOW('t', 100, int)
#define TUNGOFFLOAD	_IOR('t', 100, int)
#define TUN_OFFLOAD_CSUM	0x01	/* partial checksums */
#define TUN_OFFLOAD_TSO4	0x02	/* TCP segments over IPv4 */
#define TUN_OFFLOAD_TSO6	0x04	/* TCP segments over IPv6 */
#define TUN_OFFLOAD_TSO_ECN	0x08	/* ... with ECN's CWR set */
#define TUN_OFFLOAD_USO4	0x20	/* UDP segments over IPv4 */
#define TUN_OFFLOAD_USO6	0x40	/* UDP segments over IPv6 */

#endif /* _NET_IF_TUN_H_ */
