// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * The network side's requests, as "ip link/addr/neigh" would send them,
 * by interface name so that an operation needs no lookup that a rename or
 * a namespace move in the other thread could make stale.
 */
#include "fuzz.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

struct req {
	struct nlmsghdr nh;
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
		struct ndmsg nd;
	};
	char attrs[512];
};

static _Atomic unsigned int seq;

#define FLUSH_GROUP	0x7474	/* interfaces to delete after an input */

static void put(struct req *r, int type, const void *data, size_t len)
{
	struct rtattr *a = (void *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static struct rtattr *nest(struct req *r, int type)
{
	struct rtattr *a = (void *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	put(r, type, NULL, 0);
	return a;
}

static void end(struct req *r, struct rtattr *a)
{
	a->rta_len = (char *)r + r->nh.nlmsg_len - (char *)a;
}

static void init(struct req *r, int type, int flags, size_t hdr)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(hdr);
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->nh.nlmsg_seq = ++seq;
}

/*
 * Send and wait for the answer to this request.  The threads share one
 * socket per namespace (a socket can only be made in its namespace), so
 * a request and its answer hold the socket's lock: the kernel serialises
 * these requests under RTNL anyway, and the races we want are between a
 * request and the device side, not between two requests.
 */
static pthread_mutex_t lock[2] = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER
};

static int talk(int ns, struct req *r)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[4096];
	int fd = W.nl[ns], err = 1;

	pthread_mutex_lock(&lock[ns]);
	if (sendto(fd, r, r->nh.nlmsg_len, 0, (void *)&sa, sizeof(sa)) < 0)
		err = -errno;
	while (err > 0) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0) {
			err = -errno;
			break;
		}
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n))
			if (h->nlmsg_seq == r->nh.nlmsg_seq &&
			    h->nlmsg_type == NLMSG_ERROR)
				err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	}
	pthread_mutex_unlock(&lock[ns]);
	if (verbose)
		fprintf(stderr, "  rtnetlink %d in ns %d: %d\n",
			r->nh.nlmsg_type, ns, err);
	return err;
}

int nl_create(int ns, const char *kind, const char *name)
{
	return nl_create_addr(ns, kind, name, NULL, 0);
}

/* The same with IFLA_ADDRESS, @len bytes of @addr (none when NULL). */
int nl_create_addr(int ns, const char *kind, const char *name,
		   const uint8_t *addr, size_t len)
{
	struct req r;
	struct rtattr *li;

	init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(r.ifi));
	if (name)
		put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	if (addr)
		put(&r, IFLA_ADDRESS, addr, len);
	li = nest(&r, IFLA_LINKINFO);
	put(&r, IFLA_INFO_KIND, kind, strlen(kind));
	end(&r, li);
	return talk(ns, &r);
}

int nl_delete(int ns, const char *name)
{
	struct req r;

	init(&r, RTM_DELLINK, 0, sizeof(r.ifi));
	put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	return talk(ns, &r);
}

/*
 * "ip link set NAME [up|down] [mtu M] [txqueuelen Q] [netns FD]
 * [name NEW]"; a negative value leaves that setting alone.  A rename
 * needs the index: the name attribute then is the new name.
 */
int nl_set(int ns, const char *name, int up, int mtu, int txqlen,
	   int nsfd, const char *newname)
{
	struct req r;

	init(&r, RTM_NEWLINK, 0, sizeof(r.ifi));
	r.ifi.ifi_family = AF_UNSPEC;
	if (newname) {
		r.ifi.ifi_index = if_nametoindex(name);
		if (!r.ifi.ifi_index)
			return -ENODEV;
		put(&r, IFLA_IFNAME, newname, strlen(newname) + 1);
	} else {
		put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	}
	if (up >= 0) {
		r.ifi.ifi_change = IFF_UP;
		r.ifi.ifi_flags = up ? IFF_UP : 0;
	}
	if (mtu >= 0)
		put(&r, IFLA_MTU, &(uint32_t){ mtu }, 4);
	if (txqlen >= 0)
		put(&r, IFLA_TXQLEN, &(uint32_t){ txqlen }, 4);
	if (nsfd >= 0)
		put(&r, IFLA_NET_NS_FD, &(uint32_t){ nsfd }, 4);
	return talk(ns, &r);
}

int nl_addr(int ns, const char *name, int family, const void *addr,
	    int prefix, bool add)
{
	struct req r;
	int index = if_nametoindex(name);
	size_t len = family == AF_INET ? 4 : 16;

	if (ns)		/* if_nametoindex looks in our own namespace */
		index = 0;
	if (!index)
		return -ENODEV;
	init(&r, add ? RTM_NEWADDR : RTM_DELADDR,
	     add ? NLM_F_CREATE | NLM_F_REPLACE : 0, sizeof(r.ifa));
	r.ifa.ifa_family = family;
	r.ifa.ifa_prefixlen = prefix;
	r.ifa.ifa_index = index;
	r.ifa.ifa_flags = IFA_F_NODAD;	/* usable at once, no DAD wait */
	put(&r, IFA_LOCAL, addr, len);
	put(&r, IFA_ADDRESS, addr, len);
	return talk(ns, &r);
}

/* A permanent neighbour: L2 units then forward without resolving. */
int nl_neigh(int ns, const char *name, const void *ip4, const uint8_t *mac)
{
	struct req r;
	int index = ns ? 0 : (int)if_nametoindex(name);

	if (!index)
		return -ENODEV;
	init(&r, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, sizeof(r.nd));
	r.nd.ndm_family = AF_INET;
	r.nd.ndm_ifindex = index;
	r.nd.ndm_state = NUD_PERMANENT;
	put(&r, NDA_DST, ip4, 4);
	put(&r, NDA_LLADDR, mac, 6);
	return talk(ns, &r);
}

/*
 * Delete every unit of ours in namespace @ns (whatever its name now)
 * except, in the home namespace, the slot units whose bit is set in
 * @keep (found by name: a renamed unit is never kept): a dump of the
 * links, then one deletion of all the others.
 */
int nl_flush(int ns, unsigned int keep)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int victims[256], n = 0;
	struct req r;
	char buf[16384];
	bool done = false;

	init(&r, RTM_GETLINK, NLM_F_DUMP, sizeof(r.ifi));
	r.nh.nlmsg_flags &= ~NLM_F_ACK;
	if (sendto(W.nl[ns], &r, r.nh.nlmsg_len, 0, (void *)&sa,
		   sizeof(sa)) < 0)
		return 0;
	while (!done) {
		ssize_t len = recv(W.nl[ns], buf, sizeof(buf), 0);

		if (len <= 0)
			break;
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			struct ifinfomsg *ifi = NLMSG_DATA(h);
			int alen = IFLA_PAYLOAD(h);
			const char *name = "";
			bool ours = false;

			if (h->nlmsg_seq != r.nh.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE ||
			    h->nlmsg_type == NLMSG_ERROR) {
				done = true;
				break;
			}
			for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, alen);
			     a = RTA_NEXT(a, alen)) {
				int ilen = RTA_PAYLOAD(a);

				if (a->rta_type == IFLA_IFNAME)
					name = RTA_DATA(a);
				if (a->rta_type != IFLA_LINKINFO)
					continue;
				for (struct rtattr *i = RTA_DATA(a);
				     RTA_OK(i, ilen); i = RTA_NEXT(i, ilen))
					if (i->rta_type == IFLA_INFO_KIND &&
					    !strncmp(RTA_DATA(i), "bsd", 3))
						ours = true;
			}
			if (!ours || n >= 256)
				continue;
			for (int s = 0; ns == 0 && s < NSLOT; s++) {
				char want[IFNAMSIZ];

				slot_name(s, false, want, sizeof(want));
				if ((keep >> s & 1) && !strcmp(name, want))
					ours = false;
			}
			if (ours)
				victims[n++] = ifi->ifi_index;
		}
	}
	/*
	 * One deletion for all: each unit joins a group, and deleting the
	 * group unregisters them in one batch, which waits for RCU once
	 * rather than once per unit (seconds per input under TCG).
	 */
	for (int i = 0; i < n; i++) {
		init(&r, RTM_NEWLINK, 0, sizeof(r.ifi));
		r.ifi.ifi_index = victims[i];
		put(&r, IFLA_GROUP, &(uint32_t){ FLUSH_GROUP }, 4);
		talk(ns, &r);
	}
	if (n) {
		init(&r, RTM_DELLINK, 0, sizeof(r.ifi));
		put(&r, IFLA_GROUP, &(uint32_t){ FLUSH_GROUP }, 4);
		if (talk(ns, &r) < 0)	/* one by one, then */
			for (int i = 0; i < n; i++) {
				init(&r, RTM_DELLINK, 0, sizeof(r.ifi));
				r.ifi.ifi_index = victims[i];
				talk(ns, &r);
			}
	}
	return n;
}
