// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Coverage from KCOV (Documentation/dev-tools/kcov.rst): each thread
 * traces the PCs of instrumented code it runs, which on the debug kernel
 * is the module alone (KCOV_INSTRUMENT_ALL=n).  After the program, each
 * thread folds its trace into afl's map as edges between consecutive
 * PCs, the way afl's own instrumentation counts: a new edge, or a new
 * bucket of hits on one, is what makes afl keep an input.
 *
 * PCs say what code ran, not what state it met: a ring resized empty and
 * one resized full run the same lines of tuntap_resize_ring() up to the
 * free.  So the map's last STATE_BYTES count operations by kind and by
 * whether their unit's ring held packets when they began; a program that
 * changes a loaded unit is then an entry of its own for afl, and one afl
 * favours (fuzzes first), instead of a slower copy of a program that
 * made the same change on an idle unit.
 *
 * Softirq work (forwarding, a transmit from a timer) is not traced: task
 * KCOV stops at in_task(), and remote coverage needs handles that only
 * a few core subsystems pass on.  What the writer's own netif_rx() path
 * runs before its softirq is.
 */
#include "fuzz.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kcov.h>

#define COVER	(64 * 1024)	/* PCs per thread and program */

/*
 * One KCOV file and buffer per thread of the program, opened and mapped
 * once by the fork server and inherited by every child: a file's
 * KCOV_INIT_TRACE allocates COVER longs in the kernel (vmalloc, and
 * KASAN's shadow of it), which per child cost more than many operations.
 * KCOV binds a file to the task that enables it, and the task's exit
 * unbinds it (kcov_task_exit), so the next child's thread can enable it
 * again even when the last one was killed mid-program.
 */
static int kfd[NTHREAD + 1] = { -1, -1, -1 };
static unsigned long *karea[NTHREAD + 1];

void kcov_open_all(void)
{
	for (int t = 0; t <= KCOV_HELPER; t++) {
		int fd = open("/sys/kernel/debug/kcov", O_RDWR | O_CLOEXEC);
		void *a;

		if (fd < 0)
			return;
		if (ioctl(fd, KCOV_INIT_TRACE, COVER) < 0) {
			close(fd);
			return;
		}
		a = mmap(NULL, COVER * sizeof(long), PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, 0);
		if (a == MAP_FAILED) {
			close(fd);
			return;
		}
		kfd[t] = fd;
		karea[t] = a;
	}
}

/*
 * Thread @t's tracing on; its file, or -1 where there is no KCOV or the
 * file is another task's (two helper processes at once: one traces).
 */
int kcov_start(int t)
{
	int fd = kfd[t];

	if (fd < 0 || ioctl(fd, KCOV_ENABLE, KCOV_TRACE_PC) < 0)
		return -1;
	__atomic_store_n(&karea[t][0], 0, __ATOMIC_RELAXED);
	return t;
}

void kcov_stop_into_map(int t)
{
	unsigned long n, prev = 0, *area;

	if (t < 0)
		return;
	area = karea[t];
	n = __atomic_load_n(&area[0], __ATOMIC_RELAXED);
	ioctl(kfd[t], KCOV_DISABLE, 0);
	if (!W.map)
		return;
	if (n >= COVER)
		n = COVER - 1;
	for (unsigned long i = 1; i <= n; i++) {
		/* Relative to the module's text: the same edge has the
		 * same index whatever address the module loaded at. */
		unsigned long off = area[i] - W.text;
		uint32_t cur = (uint32_t)(off * 2654435761u) >> 16;

		W.map[(cur ^ prev) % (MAP_SIZE - STATE_BYTES)]++;
		prev = cur >> 1;
	}
}

/*
 * Before operation @op of thread @t: whether its unit's ring holds a
 * packet (FIONREAD on either of the slot's files), into the map's state
 * bytes.  The module's PCs this FIONREAD traces are not the program's:
 * the trace is put back to where it was.
 */
_Static_assert(OP_COUNT * 2 <= STATE_BYTES, "state bytes: two per operation");

void kcov_note_state(int t, const struct op *op)
{
	int s = (op->who & 0x7f) % NSLOT, loaded = 0;
	unsigned long n0 = 0;

	if (!W.map)
		return;
	if (t >= 0)
		n0 = __atomic_load_n(&karea[t][0], __ATOMIC_RELAXED);
	for (int i = 0; i < NFD && !loaded; i++) {
		int fd = atomic_load(&S[s].fd[i]), len;

		loaded = fd >= 0 && ioctl(fd, FIONREAD, &len) == 0 && len > 0;
	}
	if (t >= 0)
		__atomic_store_n(&karea[t][0], n0, __ATOMIC_RELAXED);
	W.map[MAP_SIZE - STATE_BYTES + (op->code % OP_COUNT) * 2 + loaded]++;
}
