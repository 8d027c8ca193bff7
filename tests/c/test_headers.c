// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * The userspace headers against SPEC section 2: every request's group,
 * number, direction and argument size, and struct tuninfo's layout.  The
 * other tests use the same headers, so a wrong number would pass them all;
 * here each is compared with the SPEC's table, written out by hand.
 */
#include "tt.h"

#include <stddef.h>

struct request {
	const char *name;
	unsigned long value;
	char group;
	unsigned int nr;
	unsigned int dir;
	size_t size;
};

#define REQ(req, g, n, d, sz) { #req, req, g, n, d, sz }
#define W _IOC_WRITE
#define R _IOC_READ

static const struct request requests[] = {
	REQ(TUNSDEBUG, 't', 90, W, sizeof(int)),
	REQ(TUNGDEBUG, 't', 89, R, sizeof(int)),
	REQ(TUNSIFINFO, 't', 91, W, 8),
	REQ(TUNGIFINFO, 't', 92, R, 8),
	REQ(TUNSLMODE, 't', 93, W, sizeof(int)),
	REQ(TUNGIFNAME, 't', 93, R, sizeof(struct ifreq)),
	REQ(TUNSIFMODE, 't', 94, W, sizeof(int)),
	REQ(TUNSIFPID, 't', 95, _IOC_NONE, 0),
	REQ(TUNSIFHEAD, 't', 96, W, sizeof(int)),
	REQ(TUNGIFHEAD, 't', 97, R, sizeof(int)),
	REQ(TUNSTRANSIENT, 't', 98, W, sizeof(int)),
	REQ(TUNGTRANSIENT, 't', 99, R, sizeof(int)),
	REQ(TAPSDEBUG, 't', 90, W, sizeof(int)),
	REQ(TAPGDEBUG, 't', 89, R, sizeof(int)),
	REQ(TAPSIFINFO, 't', 91, W, 8),
	REQ(TAPGIFINFO, 't', 92, R, 8),
	REQ(TAPGIFNAME, 't', 93, R, sizeof(struct ifreq)),
	REQ(TUNSVNETHDR, 't', 91, W, sizeof(int)),
	REQ(TUNGVNETHDR, 't', 94, R, sizeof(int)),
	REQ(TUNSOFFLOAD, 't', 100, W, sizeof(int)),
	REQ(TUNGOFFLOAD, 't', 100, R, sizeof(int)),
	REQ(TAPSOFFLOAD, 't', 100, W, sizeof(int)),
	REQ(TAPGOFFLOAD, 't', 100, R, sizeof(int)),
	REQ(TAPSVNETHDR, 't', 91, W, sizeof(int)),
	REQ(TAPGVNETHDR, 't', 94, R, sizeof(int)),
	REQ(TAPSTRANSIENT, 't', 98, W, sizeof(int)),
	REQ(TAPGTRANSIENT, 't', 99, R, sizeof(int)),
	REQ(VMIO_SIOCSIFFLAGS, 'V', 0, _IOC_NONE, 0),
	REQ(VMIO_SIOCSKEEP, 'V', 1, _IOC_NONE, 0),
	REQ(VMIO_SIOCSIFBR, 'V', 2, _IOC_NONE, 0),
	REQ(VMIO_SIOCSLADRF, 'V', 3, _IOC_NONE, 0),
	REQ(VMIO_SIOCSETMACADDR, 'V', 4, _IOC_NONE, 0),
	REQ(VMIO_SIOCPORT, 'V', 5, _IOC_NONE, 0),
	REQ(VMIO_SIOCBRIDGE, 'V', 6, _IOC_NONE, 0),
	REQ(VMIO_SIOCSNETIF, 'V', 7, _IOC_NONE, 0),
};

static void requests_have_spec_numbers(void)
{
	for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
		const struct request *r = &requests[i];

		if (_IOC_TYPE(r->value) != (unsigned char)r->group ||
		    _IOC_NR(r->value) != r->nr || _IOC_DIR(r->value) != r->dir ||
		    _IOC_SIZE(r->value) != r->size)
			TT_FAIL("%s is %#lx: group %c, number %u, direction %u, "
				"size %u; SPEC says %c, %u, %u, %zu", r->name,
				r->value, (int)_IOC_TYPE(r->value),
				(unsigned int)_IOC_NR(r->value),
				(unsigned int)_IOC_DIR(r->value),
				(unsigned int)_IOC_SIZE(r->value),
				r->group, r->nr, r->dir, r->size);
	}
}

/* { int baudrate; unsigned short mtu; u_char type; u_char dummy; } */
static void tuninfo_has_spec_layout(void)
{
	struct tapinfo *tap = NULL;

	CHECK_EQ(sizeof(struct tuninfo), 8);
	CHECK_EQ(offsetof(struct tuninfo, baudrate), 0);
	CHECK_EQ(offsetof(struct tuninfo, mtu), 4);
	CHECK_EQ(sizeof(((struct tuninfo *)0)->mtu), 2);
	CHECK_EQ(offsetof(struct tuninfo, type), 6);
	CHECK_EQ(offsetof(struct tuninfo, dummy), 7);
	CHECK_EQ(sizeof(*tap), 8);	/* tapinfo is the same type */
	CHECK_EQ(IFT_PPP, 0x17);
	CHECK_EQ(IFT_ETHER, 0x6);
	CHECK_EQ(TUNMTU, 1500);
	CHECK_EQ(TUNMRU, 65535);
	CHECK_EQ(TAPMRU, 65535);
}

static const struct tt_case cases[] = {
	{ "headers_requests_have_spec_numbers", requests_have_spec_numbers },
	{ "headers_tuninfo_has_spec_layout", tuninfo_has_spec_layout },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return tt_run(cases, argc, argv);
}
