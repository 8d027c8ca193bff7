// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * tt-mutator.so: an afl++ custom mutator (AFL_CUSTOM_MUTATOR_LIBRARY)
 * that knows an input is a list of 4-byte operations (fuzz.h).
 *
 * afl's own mutations work on bytes: most of them shift or cut the list
 * off its 4-byte grid (a deletion of three bytes, a splice at an odd
 * offset), and every operation after that point becomes another one.
 * What a program needs to reach a new state is usually one operation
 * more, less or different at the right place (another request after a
 * burst, a change of one unit while the other thread writes), and at a
 * few inputs per second under TCG the fuzzer cannot wait for a byte
 * mutation to produce that by luck.  These mutations keep the grid:
 * replace an operation's code or one argument, insert, delete, duplicate
 * or swap whole operations, move one to the other thread, and splice two
 * programs at operation boundaries.  afl runs them beside its own.
 *
 * Two of them know what operations share: a unit.  A new operation
 * mostly names a unit its neighbours already use (a random one would
 * name another of six slots five times in six), and one mutation puts a
 * change of a unit's state (close, delete, rename, up/down, MTU,
 * txqueuelen, namespace, addresses) right after a burst forwarded into
 * that unit: the state changes that meet a full ring, which random
 * insertion makes one input in thousands.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#define OPSZ	((int)sizeof(struct op))

struct mut {
	uint64_t rng;
	uint8_t out[MAX_OPS * sizeof(struct op)];
};

/* xorshift64*: afl gives us a seed; quality matters little here. */
static uint32_t rnd(struct mut *m, uint32_t n)
{
	m->rng ^= m->rng >> 12;
	m->rng ^= m->rng << 25;
	m->rng ^= m->rng >> 27;
	return n ? (uint32_t)((m->rng * 2685821657736338717ull) >> 33) % n : 0;
}

void *afl_custom_init(void *afl, unsigned int seed);
size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t size,
		       uint8_t **out, uint8_t *add, size_t add_size,
		       size_t max_size);
void afl_custom_deinit(void *data);
uint32_t afl_custom_fuzz_count(void *data, const uint8_t *buf, size_t size);

void *afl_custom_init(void *afl, unsigned int seed)
{
	struct mut *m = calloc(1, sizeof(*m));

	(void)afl;
	if (m)
		m->rng = seed * 0x9e3779b97f4a7c15ull + 1;
	return m;
}

void afl_custom_deinit(void *data)
{
	free(data);
}

/*
 * How many mutants of an entry before afl moves to the next.  At one or
 * two inputs a second, afl's usual hundreds per entry would spend a whole
 * run on the first few seeds; breadth first, and afl comes back to the
 * entries that find something (scripts/fuzz runs only these mutations:
 * AFL_CUSTOM_MUTATOR_ONLY, no trimming).
 */
uint32_t afl_custom_fuzz_count(void *data, const uint8_t *buf, size_t size)
{
	(void)data;
	(void)buf;
	(void)size;
	return 12;
}

static void random_op(struct mut *m, struct op *o)
{
	o->code = rnd(m, OP_COUNT);
	o->who = rnd(m, 256);
	o->a = rnd(m, 256);
	o->b = rnd(m, 256);
}

/* What a forward burst fills: the ring of its destination's unit. */
static int target(const struct op *o)
{
	return o->code % OP_COUNT == OP_FORWARD ? o->b % NSLOT :
		(o->who & 0x7f) % NSLOT;
}

/* Room for one operation at @i of @n (the caller checked the capacity). */
static void make_room(struct op *p, int i, int n)
{
	if (i >= 0 && i < n)
		memmove(&p[i + 1], &p[i], (size_t)(n - i) * OPSZ);
}

/* A new operation at @i of @n, on a unit of a neighbour three in four. */
static void new_op(struct mut *m, struct op *p, int i, int n)
{
	random_op(m, &p[i]);
	if (n && rnd(m, 4)) {
		int j = i > 0 && (i == n || rnd(m, 2)) ? i - 1 : i + 1;

		p[i].who = (p[i].who & 0x80) | target(&p[j]);
	}
}

/* A change of a unit's state, made after it was loaded. */
static void change_after_load(struct mut *m, struct op *p, int i,
			      const struct op *burst)
{
	static const uint8_t changes[] = { OP_CLOSE, OP_DELETE, OP_RENAME,
		OP_UPDOWN, OP_MTU, OP_TXQLEN, OP_NETNS, OP_ADDR };

	random_op(m, &p[i]);
	p[i].code = changes[rnd(m, sizeof(changes))];
	p[i].who = (burst->who & 0x80) | target(burst);
}

size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t size,
		       uint8_t **out, uint8_t *add, size_t add_size,
		       size_t max_size)
{
	struct mut *m = data;
	struct op *p = (struct op *)m->out;
	int n = size / OPSZ, cap = MAX_OPS;
	int rounds = 1 + rnd(m, 3);

	if ((size_t)cap * OPSZ > max_size)
		cap = max_size / OPSZ;
	if (n > cap)
		n = cap;
	memcpy(m->out, buf, (size_t)n * OPSZ);
	for (int r = 0; r < rounds; r++) {
		int i = n ? (int)rnd(m, n) : 0, j;
		struct op t;

		switch (n ? rnd(m, 12) : 3) {
		case 0:		/* another operation, same slot and arguments */
			p[i].code = rnd(m, OP_COUNT);
			break;
		case 1: {	/* another argument, or one step away */
			uint8_t *arg = rnd(m, 2) ? &p[i].a : &p[i].b;

			if (rnd(m, 2))
				*arg = rnd(m, 256);
			else
				*arg += rnd(m, 2) ? 1 : 255;
			break;
		}
		case 2:		/* another unit, or the other thread */
			if (rnd(m, 2))
				p[i].who ^= 0x80;
			else
				p[i].who = (p[i].who & 0x80) | rnd(m, NSLOT);
			break;
		case 3:		/* a new operation anywhere */
			if (n >= cap)
				break;
			i = rnd(m, n + 1);
			make_room(p, i, n++);
			new_op(m, p, i, n - 1);
			break;
		case 4:		/* one less */
			if (n < 2)
				break;
			memmove(&p[i], &p[i + 1], (size_t)(n - i - 1) * OPSZ);
			n--;
			break;
		case 5:		/* one again, right after or elsewhere */
			if (n >= cap)
				break;
			t = p[i];
			j = rnd(m, 2) ? i + 1 : (int)rnd(m, n + 1);
			memmove(&p[j + 1], &p[j], (size_t)(n - j) * OPSZ);
			p[j] = t;
			n++;
			break;
		case 6:		/* two swap places */
			j = rnd(m, n);
			t = p[i];
			p[i] = p[j];
			p[j] = t;
			break;
		case 7:		/* one of the other program's, inserted */
			if (n >= cap || add_size < (size_t)OPSZ)
				break;
			j = rnd(m, add_size / OPSZ);
			i = rnd(m, n + 1);
			memmove(&p[i + 1], &p[i], (size_t)(n - i) * OPSZ);
			memcpy(&p[i], add + (size_t)j * OPSZ, OPSZ);
			n++;
			break;
		case 10:	/* a state change after a burst, same unit */
		case 11:
			if (n >= cap)
				break;
			for (j = 0; j < n; j++)	/* a burst, from i on */
				if (p[(i + j) % n].code % OP_COUNT == OP_FORWARD)
					break;
			if (j == n)
				break;
			i = (i + j) % n;
			/* Half the time the longest burst (32 packets): a
			 * short one may fit a single pool page, whose
			 * packets free nothing the pool would notice. */
			if (rnd(m, 2))
				p[i].b = 31 * NSLOT + target(&p[i]);
			t = p[i++];
			make_room(p, i, n++);
			change_after_load(m, p, i, &t);
			break;
		default: {	/* our head, the other program's tail */
			int an = add_size / OPSZ, from = an ? rnd(m, an) : 0;
			int k = an - from;

			if (k > cap - i)
				k = cap - i;
			if (k <= 0)
				break;
			memcpy(&p[i], add + (size_t)from * OPSZ,
			       (size_t)k * OPSZ);
			n = i + k;
			break;
		}
		}
	}
	if (n == 0) {
		random_op(m, &p[0]);
		n = 1;
	}
	*out = m->out;
	return (size_t)n * OPSZ;
}
