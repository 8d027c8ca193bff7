// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * The kernel's reports, read from /dev/kmsg after each program: anything
 * KASAN, lockdep, UBSAN, kmemleak, a WARN or a BUG prints makes the
 * program a crash for afl, and the lines go to a log with the input's
 * name, so that a report can be read next to its reproducer.
 */
#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The first line of every report the debug kernel's checkers print. */
static const char *const marks[] = {
	"WARNING:", "BUG:", "KASAN", "UBSAN", "kmemleak:", "Oops",
	"general protection fault", "Kernel panic",
	"possible circular locking", "possible irq lock inversion",
	"inconsistent lock state", "possible recursive locking",
	"suspicious RCU usage", "INFO: task", "DEADLOCK",
	"unregister_netdevice: waiting", "refcount_t:", "list_del corruption",
	"list_add corruption", "ODEBUG:", "ref_tracker:", "Redzone",
	"Poison overwritten", "unreferenced object",
	"turning off the locking correctness validator",
	"stalled pool shutdown",
};

int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);	/* what the boot said is not ours */
	return fd;
}

/*
 * Reads what the kernel logged since the last call; returns how many
 * report lines there were, and appends the log to @logpath when any.
 */
int kmsg_reports(int fd, const char *input, const char *logpath)
{
	static char text[1 << 20];
	size_t used = 0;
	int found = 0;
	char rec[8192];

	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);

		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten before we read it */
		if (n <= 0)
			break;
		rec[n] = 0;
		char *msg = strchr(rec, ';');

		msg = msg ? msg + 1 : rec;
		for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
			if (strstr(msg, marks[i])) {
				found++;
				break;
			}
		size_t len = strlen(msg);
		if (used + len < sizeof(text)) {
			memcpy(text + used, msg, len);
			used += len;
		}
	}
	if (found && logpath) {
		FILE *f = fopen(logpath, "a");

		if (f) {
			fprintf(f, "=== report after input %s (%ld)\n",
				input ? input : "?", (long)time(NULL));
			fwrite(text, 1, used, f);
			fclose(f);
		}
	}
	return found;
}
