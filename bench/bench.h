/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
#ifndef BENCH_H
#define BENCH_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <net/if.h>

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
int open_unit(const char *driver, int tap, int vnet, char *name);

#endif /* BENCH_H */
