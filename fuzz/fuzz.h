/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * tt-fuzzer: afl++'s target for the module, run in a guest on the debug
 * kernel (docs/fuzzing.md).
 *
 * An input is a program: a list of 4-byte operations, each run by one of
 * two threads, so that the character device side (opens, reads, framed
 * writes, requests, poll) races the network side (rtnetlink creation,
 * deletion, rename, up/down, MTU, txqueuelen, namespace moves, addresses)
 * and the traffic forwarded between units into rings nobody reads.  Fixed
 * 4-byte records keep afl's byte-level mutations meaningful: any flip of a
 * byte is still a valid operation, only a different one.
 *
 * Operations name one of NSLOT unit slots, so that a program can refer to
 * the same unit again: slot S is unit 10 + S / 3 of kind S % 3 (tun10,
 * tap10, vmnet10, tun11, ...).  Coverage is the module's own: KCOV traces
 * only what is built with KCOV_INSTRUMENT, which is the module alone.
 */
#ifndef TT_FUZZ_H
#define TT_FUZZ_H

#define _GNU_SOURCE
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NSLOT		6
#define NFD		2	/* open files per slot */
#define NTHREAD		2
#define MAX_OPS		96
#define MAP_SIZE	65536	/* afl++'s default coverage map */
#define STATE_BYTES	64	/* its tail: states operations met (kcov.c) */

struct op {
	uint8_t code;	/* enum op_code, modulo OP_COUNT */
	uint8_t who;	/* bit 7: thread; low bits: slot, modulo NSLOT */
	uint8_t a, b;	/* arguments, meaning per operation */
};

enum op_code {
	/* device side */
	OP_OPEN, OP_CLOSE, OP_DUP, OP_READ, OP_WRITE, OP_FORWARD, OP_IOCTL,
	OP_POLL, OP_ASYNC,
	/* network side */
	OP_CREATE, OP_DELETE, OP_RENAME, OP_UPDOWN, OP_MTU, OP_TXQLEN,
	OP_NETNS, OP_ADDR, OP_SEND,
	/* either */
	OP_SLEEP,
	OP_FAIL,	/* the thread's Nth allocation from now fails */
	/* side doors (side.c) */
	OP_SIDE,	/* sysfs, ethtool, module parameters */
	OP_USER,	/* a hostile local user, in namespaces of its own */
	OP_COUNT
};

/* What the whole run shares: set up once by the fork server. */
struct world {
	int nl[2];		/* rtnetlink: home namespace, the other one */
	int nsfd[2];		/* the two network namespaces */
	int major[3];		/* of tun, tap, vmnet's nodes */
	char nodes[64];		/* folder of our unit nodes (mknod) */
	uint8_t *map;		/* afl's coverage map, or NULL */
	unsigned long text;	/* the module's .text, for stable PCs */
	/*
	 * Shared with the children: bit S set when the program changed
	 * slot S's unit in a way its last close does not undo, so that the
	 * fork server recreates it before the next program.
	 */
	_Atomic unsigned int *dirty;
};
extern struct world W;
/* TT_FUZZ_VERBOSE=1: replay says what each call returned (stderr). */
extern int verbose;

/* Per-slot state that operations share between the threads. */
struct slot {
	_Atomic int fd[NFD];
	_Atomic int ifhead;	/* what our own requests set: write framing */
	_Atomic int vnet;
};
extern struct slot S[NSLOT];

/* ops.c */
void slot_name(int s, bool renamed, char *buf, size_t len);
int slot_ns(int s, char *name, size_t len);	/* its name; 0 here, 1 away */
void run_op(const struct op *op, int thread);
extern const char *const drv[3];	/* "tun", "tap", "vmnet" */
void thread_timer(void);
void slot_soften(int s);
void fail_nth(uint8_t a);	/* each program thread, before its ops */

/* nl.c: rtnetlink, on socket W.nl[ns]; 0 or -errno */
int nl_create(int ns, const char *kind, const char *name);
int nl_create_addr(int ns, const char *kind, const char *name,
		   const uint8_t *addr, size_t len);
int nl_delete(int ns, const char *name);
int nl_set(int ns, const char *name, int up, int mtu, int txqlen,
	   int nsfd, const char *newname);
int nl_addr(int ns, const char *name, int family, const void *addr,
	    int prefix, bool add);
int nl_neigh(int ns, const char *name, const void *ip4, const uint8_t *mac);
int nl_flush(int ns, unsigned int keep);	/* how many it deleted */

/* packet.c: a frame for slot @s, variant @v, into @buf; its length */
size_t build_frame(int s, int to, uint8_t v, uint8_t b, uint8_t *buf,
		   size_t size);

/* side.c */
void op_side(int s, uint8_t a, uint8_t b);
void op_user(int s, uint8_t a, uint8_t b);
void side_reset(void);			/* the fork server's, per input */

/* kcov.c: tracing slots 0..NTHREAD-1 are the threads', KCOV_HELPER a
 * helper process's (op_user's child) */
#define KCOV_HELPER	NTHREAD
void kcov_open_all(void);		/* in the fork server, once */
int kcov_start(int thread);		/* -1 where the kernel has none */
void kcov_stop_into_map(int started);
void kcov_note_state(int started, const struct op *op);

/* report.c: the kernel log */
int kmsg_open(void);
int kmsg_reports(int fd, const char *input, const char *logpath);

#endif /* TT_FUZZ_H */
