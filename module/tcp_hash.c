// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's TCP hash tables of a namespace, walked: the listeners'
 * buckets (lhash2), then the established ones (ehash: full, timewait and
 * request sockets), numbered in that order.  Each bucket is walked under
 * its own lock, taken with BHs off, and only while it is not empty; what
 * the tables look like is compat.h's to know.
 */

#include <linux/sched.h>
#include <linux/spinlock.h>
#include <net/inet_hashtables.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "compat.h"
#include "tcp_hash.h"

/**
 * tlc_hash_buckets() - how many buckets a namespace's walk goes through
 * @net: the namespace
 *
 * Return: the listener buckets and the established ones; bucket numbers
 * run from 0, listeners first.
 */
unsigned int tlc_hash_buckets(const struct net *net)
{
	const struct inet_hashinfo *h = tlc_tcp_hashinfo(net);

	return tlc_lhash2_buckets(h) + tlc_ehash_buckets(h);
}

/**
 * tlc_hash_walk_bucket() - call @fn for each socket of @net in one bucket
 * @net: the namespace
 * @i: the bucket, below tlc_hash_buckets()
 * @fn: called with the bucket locked and BHs off (see tlc_hash_fn)
 * @arg: passed to @fn
 *
 * Context: process context or softirq; BHs are disabled for the walk.
 */
void tlc_hash_walk_bucket(const struct net *net, unsigned int i,
			  tlc_hash_fn fn, void *arg)
{
	struct inet_hashinfo *h = tlc_tcp_hashinfo(net);
	struct hlist_nulls_head *head;
	struct hlist_nulls_node *node;
	spinlock_t *lock;	/* the bucket's lock, the kernel's */
	struct sock *sk;

	if (i < tlc_lhash2_buckets(h))
		head = tlc_lhash2_bucket(h, i, &lock);
	else
		head = tlc_ehash_bucket(h, i - tlc_lhash2_buckets(h), &lock);
	if (hlist_nulls_empty(head))
		return;
	spin_lock_bh(lock);
	sk_nulls_for_each(sk, node, head)
		if (net_eq(sock_net(sk), net))
			fn(sk, arg);
	spin_unlock_bh(lock);
}

/**
 * tlc_hash_walk() - call @fn for every socket of @net in the hash tables
 * @net: the namespace
 * @fn: called with a bucket locked and BHs off (see tlc_hash_fn)
 * @arg: passed to @fn
 *
 * Context: process context (it reschedules every 1024 buckets).
 * O(the kernel's TCP hash tables).
 */
void tlc_hash_walk(const struct net *net, tlc_hash_fn fn, void *arg)
{
	unsigned int i, n = tlc_hash_buckets(net);

	for (i = 0; i < n; i++) {
		tlc_hash_walk_bucket(net, i, fn, arg);
		if (!(i & 1023))
			cond_resched();
	}
}
