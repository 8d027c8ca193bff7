// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Coverage from KCOV (Documentation/dev-tools/kcov.rst): each thread
 * traces the PCs of instrumented code it runs, which on the debug kernel
 * is the module alone (KCOV_INSTRUMENT_ALL=n).  After the program, each
 * thread folds its trace into afl's map as edges between consecutive
 * PCs, the way afl's own instrumentation counts: a new edge, or a new
 * bucket of hits on one, is what makes afl keep an input.
 *
 * Softirq work (forwarding, a transmit from a timer) is not traced: task
 * KCOV stops at in_task(), and remote coverage needs handles that only
 * a few core subsystems pass on.  What the writer's own netif_rx() path
 * runs before its softirq is.
 */
#include "fuzz.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kcov.h>

#define COVER	(64 * 1024)	/* PCs per thread and program */

static _Thread_local unsigned long *area;

int kcov_open(void)
{
	int fd = open("/sys/kernel/debug/kcov", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (ioctl(fd, KCOV_INIT_TRACE, COVER) < 0)
		goto fail;
	area = mmap(NULL, COVER * sizeof(long), PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);
	if (area == MAP_FAILED)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

void kcov_start(int fd)
{
	if (fd < 0 || ioctl(fd, KCOV_ENABLE, KCOV_TRACE_PC) < 0)
		return;
	__atomic_store_n(&area[0], 0, __ATOMIC_RELAXED);
}

void kcov_stop_into_map(int fd)
{
	unsigned long n, prev = 0;

	if (fd < 0)
		return;
	n = __atomic_load_n(&area[0], __ATOMIC_RELAXED);
	ioctl(fd, KCOV_DISABLE, 0);
	if (!W.map)
		return;
	if (n >= COVER)
		n = COVER - 1;
	for (unsigned long i = 1; i <= n; i++) {
		/* Relative to the module's text: the same edge has the
		 * same index whatever address the module loaded at. */
		unsigned long off = area[i] - W.text;
		uint32_t cur = (uint32_t)(off * 2654435761u) >> 16;

		W.map[(cur ^ prev) % MAP_SIZE]++;
		prev = cur >> 1;
	}
}
