// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * A closed unit loses its IPv4 addresses, as FreeBSD's tunclose() has it.
 * Linux exports no call for a driver to delete them, and rtnetlink's
 * RTM_DELADDR, the stack's own path (notifications, routes, and nothing
 * else: the interface keeps its MTU and its per-interface sysctls), takes
 * RTNL, which the close holds.  So the close asks once RTNL is released,
 * through a kernel worker: a request's CAP_NET_ADMIN check is made against
 * the sender's credentials, and the closing task may have none (a
 * tap_user_open opener, or a process that inherited the file).  IPv6
 * needs nothing: taking the interface down already drops its addresses,
 * or keeps them when keep_addr_on_down says so.
 */
#include <linux/inetdevice.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "tuntap.h"
#include "compat.h"

/* One RTM_DELADDR: the address and, for a point-to-point one, its peer. */
struct tuntap_deladdr {
	struct nlmsghdr nh;
	struct ifaddrmsg ifa;
	struct nlattr local_attr;
	__be32 local;
	struct nlattr address_attr;
	__be32 address;
};

struct tuntap_addr_work {
	struct work_struct work;
	struct tuntap_unit *u;
};

/* Under RTNL: the unit's IPv4 addresses, unless it was opened again. */
static struct tuntap_deladdr *tuntap_list_addresses(struct tuntap_unit *u,
						    int *count)
{
	struct net_device *dev = u->dev;
	struct tuntap_deladdr *req;
	struct in_device *in_dev;
	struct in_ifaddr *ifa;
	int n = 0;

	ASSERT_RTNL();
	*count = 0;
	in_dev = __in_dev_get_rtnl(dev);
	if (!in_dev || dev->reg_state != NETREG_REGISTERED ||
	    rtnl_dereference(u->tfile))
		return NULL;
	in_dev_for_each_ifa_rtnl(ifa, in_dev)
		n++;
	if (!n)
		return NULL;
	req = kcalloc(n, sizeof(*req), GFP_KERNEL);
	if (!req)
		return NULL;
	n = 0;
	in_dev_for_each_ifa_rtnl(ifa, in_dev) {
		struct tuntap_deladdr *r = &req[n++];

		r->nh.nlmsg_len = sizeof(*r);
		r->nh.nlmsg_type = RTM_DELADDR;
		r->nh.nlmsg_flags = NLM_F_REQUEST;
		r->ifa.ifa_family = AF_INET;
		r->ifa.ifa_prefixlen = ifa->ifa_prefixlen;
		r->ifa.ifa_index = dev->ifindex;
		r->local_attr.nla_len = nla_attr_size(sizeof(__be32));
		r->local_attr.nla_type = IFA_LOCAL;
		r->local = ifa->ifa_local;
		r->address_attr.nla_len = nla_attr_size(sizeof(__be32));
		r->address_attr.nla_type = IFA_ADDRESS;
		r->address = ifa->ifa_address;
	}
	*count = n;
	return req;
}

static void tuntap_addr_worker(struct work_struct *work)
{
	struct tuntap_unit *u = container_of(work, struct tuntap_addr_work,
					     work)->u;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct tuntap_deladdr *req;
	struct net *net = NULL;
	struct socket *sock;
	int i, n;

	rtnl_lock();
	req = tuntap_list_addresses(u, &n);
	if (req)
		net = maybe_get_net(dev_net(u->dev));
	rtnl_unlock();
	if (net && !sock_create_kern(net, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE,
				     &sock)) {
		/* The kernel handles each request before sendmsg returns. */
		for (i = 0; i < n; i++) {
			struct msghdr msg = {
				.msg_name = &kernel,
				.msg_namelen = sizeof(kernel),
			};
			struct kvec vec = {
				.iov_base = &req[i],
				.iov_len = sizeof(req[i]),
			};

			kernel_sendmsg(sock, &msg, &vec, 1, vec.iov_len);
		}
		sock_release(sock);
	}
	if (net)
		put_net(net);
	kfree(req);
}

/*
 * After the last close, without RTNL: delete what IPv4 addresses the unit
 * has, unless it was opened again meanwhile.  The caller holds a device
 * reference; returns once they are gone.
 */
void tuntap_purge_addresses(struct tuntap_unit *u)
{
	struct tuntap_addr_work w = { .u = u };

	INIT_WORK_ONSTACK(&w.work, tuntap_addr_worker);
	queue_work(tuntap_unbound_wq, &w.work);
	flush_work(&w.work);
	destroy_work_on_stack(&w.work);
}
