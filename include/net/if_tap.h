/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * <net/if_tap.h> for if_tuntap: FreeBSD's tap(4) and vmnet interface.  The
 * tap requests share tun's group and, where FreeBSD shares them, tun's
 * numbers.
 */
#ifndef _NET_IF_TAP_H_
#define _NET_IF_TAP_H_

#include "if_tun.h"

/* Largest frame a write may carry, not counting a virtio-net header. */
#define TAPMRU		65535

#define tapinfo		tuninfo

#define TAPSDEBUG	TUNSDEBUG
#define TAPGDEBUG	TUNGDEBUG
#define TAPSIFINFO	TUNSIFINFO
#define TAPGIFINFO	TUNGIFINFO
#define TAPGIFNAME	TUNGIFNAME
#define TAPSVNETHDR	TUNSVNETHDR
#define TAPGVNETHDR	TUNGVNETHDR
#define TAPSOFFLOAD	TUNSOFFLOAD
#define TAPGOFFLOAD	TUNGOFFLOAD
#define TAPSTRANSIENT	TUNSTRANSIENT
#define TAPGTRANSIENT	TUNGTRANSIENT

/*
 * VMware's request: the new interface flags travel as the ioctl argument
 * itself, not through a pointer (FreeBSD's _IOWINT).
 */
#define VMIO_SIOCSIFFLAGS	_IO('V', 0)

/* VMware's other requests: FreeBSD names them and answers ENOTTY. */
#define VMIO_SIOCSKEEP		_IO('V', 1)
#define VMIO_SIOCSIFBR		_IO('V', 2)
#define VMIO_SIOCSLADRF		_IO('V', 3)
#define VMIO_SIOCSETMACADDR	_IO('V', 4)
#define VMIO_SIOCPORT		_IO('V', 5)
#define VMIO_SIOCBRIDGE		_IO('V', 6)
#define VMIO_SIOCSNETIF		_IO('V', 7)

#endif /* _NET_IF_TAP_H_ */
