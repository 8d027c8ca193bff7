// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Memory for written packets.  They live in pages from per-CPU page pools,
 * as a NIC's receive buffers do: when the stack frees one, its pages go
 * back to the pool, not to the page allocator, which would have to zero
 * them again (init_on_alloc) before the next write.  A pool serves one
 * allocating context at a time; BH off on its own CPU is that.  Pages come
 * back from any CPU through the pool's ring, which holds TUNTAP_POOL_PAGES;
 * beyond that they go back to the page allocator.
 *
 * BH off is that on PREEMPT_RT too, for another reason.  Without RT, a
 * task with BH off runs until it enables BH again, and only hard
 * interrupts, which never touch a pool, come between.  With RT, BH-off
 * sections are preemptible, but local_bh_disable() takes a per-CPU lock
 * and keeps the task on its CPU: the next task there that wants BH off,
 * softirq processing included, waits for it, and this_cpu_read() names
 * the pool of the CPU the task stays on.  The refill may take the page
 * allocator's locks, which RT makes sleeping locks; that is allowed in a
 * preemptible section, and GFP_NOWAIT keeps it from reclaiming there.
 */

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>

#include "tuntap.h"
#include "compat.h"

/* Head room of a written packet, and the most of it kept in the head. */
#define TUNTAP_PAD	(NET_SKB_PAD + NET_IP_ALIGN)
#define TUNTAP_FRAG_MAX	(SKB_WITH_OVERHEAD(PAGE_SIZE) - TUNTAP_PAD)

#define TUNTAP_POOL_PAGES	256

/*
 * With BH off a refill cannot sleep, but a write to a file need not dip
 * into the reserves kept for interrupts either (GFP_ATOMIC would): when
 * the pool is dry and the free lists low, the write allocates again where
 * it may reclaim, as any other write(2) would.
 */
#define TUNTAP_POOL_GFP		(GFP_NOWAIT | __GFP_NOWARN)

static DEFINE_PER_CPU(struct page_pool *, tuntap_pools);

/*
 * An sk_buff for @len bytes, not yet filled, all of it pool memory: up to
 * a page's worth in its head (headers must be linear), the rest in whole
 * pages.  NULL when the pool has no page to give without sleeping.
 */
static struct sk_buff *tuntap_alloc_pool_skb(size_t len)
{
	size_t head = min_t(size_t, len, TUNTAP_FRAG_MAX), rest, chunk;
	unsigned int size = SKB_DATA_ALIGN(TUNTAP_PAD + head) +
			    SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	struct sk_buff *skb = NULL;
	struct page_pool *pool;
	unsigned int offset;
	struct page *page;

	BUILD_BUG_ON(DIV_ROUND_UP(TAPMRU - TUNTAP_FRAG_MAX, PAGE_SIZE) >
		     MAX_SKB_FRAGS);
	local_bh_disable();
	pool = this_cpu_read(tuntap_pools);
	page = page_pool_alloc_frag(pool, &offset, size, TUNTAP_POOL_GFP);
	if (!page)
		goto out;
	/* NAPI's per-CPU sk_buff cache: no slab call per packet. */
	skb = napi_build_skb(page_address(page) + offset, size);
	if (!skb) {
		page_pool_put_full_page(pool, page, false);
		goto out;
	}
	skb_mark_for_recycle(skb);
	skb_reserve(skb, TUNTAP_PAD);
	skb_put(skb, head);
	for (rest = len - head; rest; rest -= chunk) {
		chunk = min_t(size_t, rest, PAGE_SIZE);
		page = page_pool_alloc_frag(pool, &offset, PAGE_SIZE,
					    TUNTAP_POOL_GFP);
		if (!page) {
			kfree_skb(skb);
			skb = NULL;
			goto out;
		}
		skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, page, offset,
				chunk, PAGE_SIZE);
	}
out:
	local_bh_enable();
	return skb;
}

/* The same sk_buff from the page allocator, which may sleep to reclaim. */
static struct sk_buff *tuntap_alloc_plain_skb(size_t len)
{
	size_t head = min_t(size_t, len, TUNTAP_FRAG_MAX);
	struct sk_buff *skb;
	int err;

	skb = alloc_skb_with_frags(TUNTAP_PAD + head, len - head, 0, &err,
				   GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, TUNTAP_PAD);
	skb_put(skb, head);
	skb->data_len = len - head;
	skb->len += len - head;
	return skb;
}

/* Called where a write may sleep; NULL when memory is short. */
struct sk_buff *tuntap_alloc_skb(size_t len)
{
	struct sk_buff *skb = tuntap_alloc_pool_skb(len);

	return skb ?: tuntap_alloc_plain_skb(len);
}

/*
 * TCP frees a packet it has read on the CPU that built it: the packet
 * waits in that CPU's list (skb_attempt_defer_free()) until the CPU next
 * runs the network receive softirq, which on a machine without network
 * traffic may be never, and the pool could not go while its pages wait.
 * So before the pools go, every CPU runs that softirq once, for a NAPI
 * context of our own that has nothing to poll.  The device only carries
 * the NAPI context; it is never registered.
 */
static struct net_device *tuntap_flush_dev;
static struct napi_struct tuntap_flush_napi;
static DECLARE_COMPLETION(tuntap_flushed);

static int tuntap_flush_poll(struct napi_struct *napi, int budget)
{
	napi_complete_done(napi, 0);
	complete(&tuntap_flushed);
	return 0;
}

/*
 * Runs the softirq on this CPU, when BH is enabled again (or in ksoftirqd),
 * and waits for it.  One CPU at a time, since the NAPI context can be
 * scheduled on one only: the hotplug lock serialises the two callers,
 * rmmod holding it for reading and a CPU going down for writing.
 */
static void tuntap_flush_this_cpu(void)
{
	reinit_completion(&tuntap_flushed);
	local_bh_disable();
	napi_schedule(&tuntap_flush_napi);
	local_bh_enable();
	wait_for_completion(&tuntap_flushed);
}

static long tuntap_flush_cpu(void *unused)
{
	tuntap_flush_this_cpu();
	return 0;
}

/*
 * A CPU going offline never runs the softirq again, and 6.1's core does
 * not hand its deferred list to another CPU: flush it on the way down,
 * on that CPU.  A packet read elsewhere in the few moments between this
 * and the CPU's end may still be deferred to it; that is the core's to
 * close.
 */
static int tuntap_cpu_down_prep(unsigned int cpu)
{
	tuntap_flush_this_cpu();
	return 0;
}

static int tuntap_cpuhp_state = -1;

static void tuntap_flush_deferred(void)
{
	int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu)
		work_on_cpu(cpu, tuntap_flush_cpu, NULL);
	if (tuntap_cpuhp_state >= 0)
		cpuhp_remove_state_nocalls_cpuslocked(tuntap_cpuhp_state);
	tuntap_cpuhp_state = -1;
	cpus_read_unlock();
}

int tuntap_pool_init(void)
{
	struct page_pool_params pp = {
		.flags = TUNTAP_PP_FLAGS,
		.pool_size = TUNTAP_POOL_PAGES,
	};
	struct page_pool *pool;
	int cpu, err;

	tuntap_flush_dev = tuntap_alloc_dummy_netdev();
	if (!tuntap_flush_dev)
		return -ENOMEM;
	netif_napi_add(tuntap_flush_dev, &tuntap_flush_napi, tuntap_flush_poll);
	napi_enable(&tuntap_flush_napi);
	for_each_possible_cpu(cpu) {
		pp.nid = cpu_to_node(cpu);
		pool = page_pool_create(&pp);
		if (IS_ERR(pool)) {
			tuntap_pool_exit();
			return PTR_ERR(pool);
		}
		per_cpu(tuntap_pools, cpu) = pool;
	}
	err = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "net/if_tuntap",
					NULL, tuntap_cpu_down_prep);
	if (err < 0) {
		tuntap_pool_exit();
		return err;
	}
	tuntap_cpuhp_state = err;
	return 0;
}

/* After the last unit: what is still in flight keeps its pool alive. */
void tuntap_pool_exit(void)
{
	int cpu;

	tuntap_flush_deferred();
	napi_disable(&tuntap_flush_napi);
	netif_napi_del(&tuntap_flush_napi);
	tuntap_free_dummy_netdev(tuntap_flush_dev);
	for_each_possible_cpu(cpu) {
		page_pool_destroy(per_cpu(tuntap_pools, cpu));
		per_cpu(tuntap_pools, cpu) = NULL;
	}
}
