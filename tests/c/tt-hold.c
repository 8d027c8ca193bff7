// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * tt-hold NODE [transient]: open NODE, optionally mark the unit transient,
 * print its interface name, and hold the file open until standard input
 * reaches end of file.  Lets shell tests own a unit's file.
 */
#include "tt.h"

int main(int argc, char **argv)
{
	char name[IFNAMSIZ], buf[64];
	int one = 1, fd;

	if (argc < 2) {
		fprintf(stderr, "usage: tt-hold NODE [transient]\n");
		return 2;
	}
	fd = tt_open_unit(argv[1], name);
	if (argc > 2 && !strcmp(argv[2], "transient") &&
	    ioctl(fd, TUNSTRANSIENT, &one) < 0) {
		perror("tt-hold: TUNSTRANSIENT");
		return 1;
	}
	printf("%s\n", name);
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	close(fd);
	return 0;
}
