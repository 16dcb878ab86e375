// SPDX-License-Identifier: GPL-2.0
/*
 * Connections by listening socket: which service drops SYNs, overflows its
 * accept queue, leaks CLOSE_WAIT.
 *
 * Each listener of a namespace gets a row when it enters LISTEN (or, for
 * one that predates the module, at its first counted event): a stable id
 * (per namespace, ascending, never reused), its address and port, and the
 * counts of its request sockets (created, completed, ended), SYN-ACKs
 * sent again, SYN cookies sent, accept-queue overflows and drops, children
 * accepted and the close reasons of its children.  A row is found by the
 * listener's socket cookie (identity: the socket's memory is reused, its
 * cookie is not), never by its address.  The rows are a pool of
 * max_listeners, over all namespaces, allocated at load; one lock guards
 * them, taken with interrupts off for a bounded time (a hash chain, or a
 * fold).  A listener that closes keeps its row, marked closed, until a
 * read of the file has shown it; the next read folds it into the
 * namespace's "closed" line.  A listener that finds the pool empty folds a
 * closed row (looking at no more than TLC_LST_FOLD_SCAN rows past a clock
 * hand), and failing that is counted in the namespace's "untracked" line,
 * with every event of it.  Both lines are made with the namespace (charged
 * to it), outside the pool.
 *
 * Children carry no row: the tracking table's entry has no room for one.
 * A child is its listener's by address: the row of the same family and
 * local port whose address is the child's or the wildcard, an open row
 * before a closed one, the newest first (listeners sharing a port with
 * SO_REUSEPORT share their children in the newest one's row).  A full
 * socket's end counts only for a child (TLC_SF_PASSIVE), in the "closed"
 * line if its listener's row was folded; a timewait socket's end counts
 * for the row its address finds, if any.
 *
 * The file, with its "now" columns, is listeners_show.c's.
 */

#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sock_diag.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <net/inet_sock.h>
#include <net/inet_timewait_sock.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "listeners.h"
#include "listeners_priv.h"
#include "rows_batch.h"
#include "stats.h"

/* Rows a fold looks at, at most, for a closed one. */
#define TLC_LST_FOLD_SCAN	16

DEFINE_RAW_SPINLOCK(tlc_lst_lock);

struct tlc_lst_table tlc_lst;

static struct hlist_head *tlc_lst_cbucket(const struct net *net, u64 cookie)
{
	return &tlc_lst.cbuckets[hash_64(cookie ^ (u64)(uintptr_t)net,
					 tlc_lst.hash_bits)];
}

static struct hlist_head *tlc_lst_pbucket(const struct net *net, u16 port)
{
	return &tlc_lst.pbuckets[hash_64(port ^ (u64)(uintptr_t)net,
					 tlc_lst.hash_bits)];
}

/* The newest row of (@net, @cookie), or NULL.  Under tlc_lst_lock. */
static struct tlc_lst_row *tlc_lst_by_cookie(const struct net *net,
					     u64 cookie)
{
	struct tlc_lst_row *r;

	hlist_for_each_entry(r, tlc_lst_cbucket(net, cookie), cnode)
		if (r->net == net && r->cookie == cookie)
			return r;
	return NULL;
}

/*
 * The row a child at @a belongs to: same family and port, the child's
 * address or the wildcard; open before closed, exact before wildcard,
 * newest first.  NULL if none.  Under tlc_lst_lock.
 */
static struct tlc_lst_row *tlc_lst_by_addr(const struct net *net,
					   const struct tlc_lst_addr *a)
{
	struct tlc_lst_row *r, *best = NULL;
	int score, best_score = 0;

	hlist_for_each_entry(r, tlc_lst_pbucket(net, a->port), pnode) {
		if (r->net != net || r->local.port != a->port ||
		    r->local.family != a->family)
			continue;
		if (ipv6_addr_equal(&r->local.addr, &a->addr))
			score = 2;
		else if (tlc_lst_addr_any(&r->local))
			score = 1;
		else
			continue;
		if (!(r->flags & TLC_LST_CLOSED))
			score += 4;
		if (score > best_score) {
			best = r;
			best_score = score;
		}
	}
	return best;
}

static void tlc_lst_add(struct tlc_lst_cnt *to, const struct tlc_lst_cnt *from)
{
	int i;

	for (i = 0; i < TLC_L_NCOUNTERS; i++)
		to->cnt[i] += from->cnt[i];
	for (i = 0; i < TLC_NREASONS; i++)
		to->reasons[i] += from->reasons[i];
}

/* Fold row @r into its namespace's "closed" line, and free it.  Under the
 * lock.
 */
void tlc_lst_fold(struct tlc_lst_row *r)
{
	struct tlc_lst_ns *ns = tlc_lst_ns_find(r->net);

	if (ns)
		tlc_lst_add(&ns->closed, &r->c);
	hlist_del(&r->cnode);
	hlist_del(&r->pnode);
	r->net = NULL;
	hlist_add_head(&r->cnode, &tlc_lst.free);
	tlc_lst.folded++;
	tlc_lst.used--;
}

/* A free row, folding a closed one if need be, or NULL.  Under the lock. */
static struct tlc_lst_row *tlc_lst_alloc(void)
{
	struct tlc_lst_row *r;
	int i;

	for (i = 0; hlist_empty(&tlc_lst.free) && i < TLC_LST_FOLD_SCAN;
	     i++) {
		r = &tlc_lst.rows[tlc_lst.hand];
		tlc_lst.hand = (tlc_lst.hand + 1) % tlc_lst.capacity;
		if (r->net && (r->flags & TLC_LST_CLOSED))
			tlc_lst_fold(r);
	}
	if (hlist_empty(&tlc_lst.free))
		return NULL;
	r = hlist_entry(tlc_lst.free.first, struct tlc_lst_row, cnode);
	hlist_del(&r->cnode);
	return r;
}

/* Set @r's address from its live listener @sk. */
static void tlc_lst_set_local(struct tlc_lst_row *r, const struct sock *sk)
{
	struct tlc_lst_addr a;

	tlc_lst_addr_of(&a, &sk->__sk_common, READ_ONCE(sk->sk_num));
	if (!memcmp(&a, &r->local, sizeof(a)))
		return;
	hlist_del(&r->pnode);
	r->local = a;
	hlist_add_head(&r->pnode, tlc_lst_pbucket(r->net, a.port));
}

/*
 * A new row for the listener @sk (@cookie), or NULL (counted if @listen:
 * at its listen; a later try for it fails again while the table is full):
 * the namespace's "untracked" line takes its events.  Under the lock.
 */
static struct tlc_lst_row *tlc_lst_new(struct tlc_lst_ns *ns,
				       const struct sock *sk, u64 cookie,
				       bool listen)
{
	struct tlc_lst_row *r = tlc_lst_alloc();

	if (!r) {
		tlc_lst.untracked += listen;
		return NULL;
	}
	memset(r, 0, sizeof(*r));
	r->net = ns->net;
	r->id = ++ns->next_id;
	r->cookie = cookie;
	tlc_lst_addr_of(&r->local, &sk->__sk_common, READ_ONCE(sk->sk_num));
	hlist_add_head(&r->cnode, tlc_lst_cbucket(r->net, cookie));
	hlist_add_head(&r->pnode, tlc_lst_pbucket(r->net, r->local.port));
	tlc_lst.used++;
	return r;
}

/**
 * tlc_listeners_cookie() - a listener's socket cookie, made if need be
 * @listener: the listener, alive
 *
 * Return: its cookie, never 0.
 */
u64 tlc_listeners_cookie(const struct sock *listener)
{
	u32 c[2];

	sock_diag_save_cookie((struct sock *)listener, c);
	return (u64)c[1] << 32 | c[0];
}

/**
 * tlc_listeners_listen() - a socket enters LISTEN
 * @sk: the socket (its port may be chosen only after this)
 *
 * Context: a probe handler, interrupts off; @sk's namespace is counted.
 */
void tlc_listeners_listen(const struct sock *sk)
{
	const struct net *net = sock_net(sk);
	u64 cookie = tlc_listeners_cookie(sk);
	struct tlc_lst_row *r;
	struct tlc_lst_ns *ns;

	raw_spin_lock(&tlc_lst_lock);
	ns = tlc_lst_ns_find(net);
	r = tlc_lst_by_cookie(net, cookie);
	if (ns && (!r || (r->flags & TLC_LST_CLOSED)))
		tlc_lst_new(ns, sk, cookie, true);
	raw_spin_unlock(&tlc_lst_lock);
}

/**
 * tlc_listeners_close() - a listener leaves LISTEN
 * @sk: the socket
 *
 * Context: as tlc_listeners_listen().
 */
void tlc_listeners_close(const struct sock *sk)
{
	u64 cookie = atomic64_read(&sk->sk_cookie);
	struct tlc_lst_row *r;

	if (!cookie)
		return;
	raw_spin_lock(&tlc_lst_lock);
	r = tlc_lst_by_cookie(sock_net(sk), cookie);
	if (r)
		r->flags |= TLC_LST_CLOSED;
	raw_spin_unlock(&tlc_lst_lock);
}

/**
 * tlc_listeners_count() - count one event of a listener
 * @listener: the listener, alive
 * @what: enum tlc_lst_counter
 *
 * A listener without a row (it predates the module) gets one now.
 *
 * Context: as tlc_listeners_listen().
 */
void tlc_listeners_count(const struct sock *listener, int what)
{
	const struct net *net = sock_net(listener);
	u64 cookie = tlc_listeners_cookie(listener);
	struct tlc_lst_row *r;
	struct tlc_lst_ns *ns;

	if (what < 0 || what >= TLC_L_NCOUNTERS)
		return;
	raw_spin_lock(&tlc_lst_lock);
	ns = tlc_lst_ns_find(net);
	r = tlc_lst_by_cookie(net, cookie);
	if (ns && !r && inet_sk_state_load(listener) == TCP_LISTEN)
		r = tlc_lst_new(ns, listener, cookie, false);
	if (r && !(r->flags & TLC_LST_CLOSED))
		tlc_lst_set_local(r, listener);
	if (r)
		r->c.cnt[what]++;
	else if (ns)
		ns->untracked.cnt[what]++;
	raw_spin_unlock(&tlc_lst_lock);
}

/**
 * tlc_listeners_count_cookie() - count events of a listener by its cookie
 * @net: its namespace
 * @cookie: its cookie (tlc_listeners_cookie())
 * @what: enum tlc_lst_counter
 * @n: how many
 *
 * For a listener that may be gone: no row is made.
 *
 * Context: as tlc_listeners_listen().
 */
void tlc_listeners_count_cookie(const struct net *net, u64 cookie, int what,
				u64 n)
{
	struct tlc_lst_row *r;
	struct tlc_lst_ns *ns;

	if (what < 0 || what >= TLC_L_NCOUNTERS)
		return;
	raw_spin_lock(&tlc_lst_lock);
	r = tlc_lst_by_cookie(net, cookie);
	if (r) {
		r->c.cnt[what] += n;
	} else {
		ns = tlc_lst_ns_find(net);
		if (ns)
			ns->untracked.cnt[what] += n;
	}
	raw_spin_unlock(&tlc_lst_lock);
}

/*
 * A child at @a: count @what (or, @reason >= 0, an end) in its row; a
 * known child without a row in "closed".  Under no lock.
 */
static void tlc_lst_child(const struct net *net, const struct tlc_lst_addr *a,
			  int what, int reason, bool child)
{
	struct tlc_lst_cnt *c = NULL;
	struct tlc_lst_row *r;
	struct tlc_lst_ns *ns;

	raw_spin_lock(&tlc_lst_lock);
	r = tlc_lst_by_addr(net, a);
	if (r) {
		c = &r->c;
	} else if (child) {
		ns = tlc_lst_ns_find(net);
		if (ns)
			c = &ns->closed;
	}
	if (c && reason >= 0)
		c->reasons[reason]++;
	else if (c)
		c->cnt[what]++;
	raw_spin_unlock(&tlc_lst_lock);
}

/**
 * tlc_listeners_child() - count an event of a listener's child
 * @child: the child, alive, hashed
 * @what: enum tlc_lst_counter
 *
 * Context: as tlc_listeners_listen().
 */
void tlc_listeners_child(const struct sock *child, int what)
{
	struct tlc_lst_addr a;

	if (what < 0 || what >= TLC_L_NCOUNTERS)
		return;
	tlc_lst_addr_of(&a, &child->__sk_common,
			ntohs(READ_ONCE(inet_sk(child)->inet_sport)));
	tlc_lst_child(sock_net(child), &a, what, -1, true);
}

/**
 * tlc_listeners_end_sk() - a listener's child ended as a full socket
 * @child: the child (its local port number may be 0 by now: its source
 *	port is not)
 * @reason: enum tlc_reason
 *
 * Context: as tlc_listeners_listen().
 */
void tlc_listeners_end_sk(const struct sock *child, int reason)
{
	struct tlc_lst_addr a;

	if (reason < 0 || reason >= TLC_NREASONS)
		return;
	tlc_lst_addr_of(&a, &child->__sk_common,
			ntohs(READ_ONCE(inet_sk(child)->inet_sport)));
	tlc_lst_child(sock_net(child), &a, 0, reason, true);
}

/**
 * tlc_listeners_end_tw() - a timewait socket ended: if its address is a
 *	listener's, it was that listener's child
 * @tw: the timewait socket
 * @reason: enum tlc_reason
 *
 * Context: as tlc_listeners_listen().
 */
void tlc_listeners_end_tw(const struct inet_timewait_sock *tw, int reason)
{
	struct tlc_lst_addr a;

	if (reason < 0 || reason >= TLC_NREASONS)
		return;
	tlc_lst_addr_of(&a, &tw->__tw_common, ntohs(tw->tw_sport));
	tlc_lst_child(twsk_net(tw), &a, 0, reason, false);
}

/**
 * tlc_listeners_lost_mib() - an overflow or drop could not be attributed
 *
 * Context: as tlc_listeners_listen().
 */
void tlc_listeners_lost_mib(void)
{
	raw_spin_lock(&tlc_lst_lock);
	tlc_lst.lost_mib++;
	raw_spin_unlock(&tlc_lst_lock);
}

/* ---- namespaces and the module -------------------------------------- */

/**
 * tlc_listeners_net_init() - give a namespace its "closed" and "untracked"
 *	lines
 * @net: the namespace, before its statistics are published
 *
 * Return: 0 or -ENOMEM.
 */
int tlc_listeners_net_init(struct net *net)
{
	struct tlc_lst_ns *ns = kzalloc(sizeof(*ns), GFP_KERNEL_ACCOUNT);

	if (!ns)
		return -ENOMEM;
	ns->net = net;
	raw_spin_lock_irq(&tlc_lst_lock);
	hlist_add_head(&ns->node,
		       &tlc_lst.nsbuckets[hash_ptr(net, TLC_LST_NS_BITS)]);
	raw_spin_unlock_irq(&tlc_lst_lock);
	return 0;
}

/* Row @i back to the free list if it is namespace @arg's. */
static bool tlc_lst_free_row(unsigned int i, void *arg)
{
	struct tlc_lst_row *r = &tlc_lst.rows[i];

	if (r->net != arg)
		return true;
	hlist_del(&r->cnode);
	hlist_del(&r->pnode);
	r->net = NULL;
	hlist_add_head(&r->cnode, &tlc_lst.free);
	tlc_lst.used--;
	return true;
}

/**
 * tlc_listeners_net_exit() - forget a namespace's rows
 * @net: the namespace, no longer seen by any handler
 */
void tlc_listeners_net_exit(struct net *net)
{
	struct tlc_lst_ns *ns;

	tlc_rows_batched(&tlc_lst_lock, tlc_lst.capacity, TLC_LST_COPY_BATCH,
			 tlc_lst_free_row, net);
	raw_spin_lock_irq(&tlc_lst_lock);
	ns = tlc_lst_ns_find(net);
	if (ns)
		hlist_del(&ns->node);
	raw_spin_unlock_irq(&tlc_lst_lock);
	kfree(ns);
}

/**
 * tlc_listeners_init() - allocate the table
 * @max_listeners: rows, 1..TLC_MAX_LISTENERS_LIMIT
 *
 * Return: 0 or -ENOMEM.
 */
int tlc_listeners_init(unsigned int max_listeners)
{
	unsigned int i;

	tlc_lst.capacity = max_listeners;
	tlc_lst.hash_bits = ilog2(roundup_pow_of_two(max_listeners)) + 1;
	tlc_lst.rows = vzalloc(array_size(max_listeners,
					  sizeof(*tlc_lst.rows)));
	tlc_lst.cbuckets = kvcalloc(1U << tlc_lst.hash_bits,
				    sizeof(*tlc_lst.cbuckets), GFP_KERNEL);
	tlc_lst.pbuckets = kvcalloc(1U << tlc_lst.hash_bits,
				    sizeof(*tlc_lst.pbuckets), GFP_KERNEL);
	if (!tlc_lst.rows || !tlc_lst.cbuckets || !tlc_lst.pbuckets) {
		tlc_listeners_exit();
		return -ENOMEM;
	}
	INIT_HLIST_HEAD(&tlc_lst.free);
	for (i = max_listeners; i-- > 0;)
		hlist_add_head(&tlc_lst.rows[i].cnode, &tlc_lst.free);
	return 0;
}

/**
 * tlc_listeners_exit() - free the table
 *
 * Every namespace has gone (tlc_listeners_net_exit()) before.
 */
void tlc_listeners_exit(void)
{
	kvfree(tlc_lst.pbuckets);
	kvfree(tlc_lst.cbuckets);
	vfree(tlc_lst.rows);
	tlc_lst.pbuckets = NULL;
	tlc_lst.cbuckets = NULL;
	tlc_lst.rows = NULL;
}
