// SPDX-License-Identifier: GPL-2.0
/*
 * Per-socket tracking table.
 *
 * A fixed pool of max_tracked entries, allocated at load, and a hash table of
 * chains through it, keyed by the socket's address.  Probe handlers never
 * allocate: a socket that finds the pool empty is simply not tracked, and
 * the caller counts that.  Chains and the free lists link entries by index;
 * each hash bucket has its own raw spinlock (raw: handlers run with
 * preemption off, also on PREEMPT_RT).  No path holds two bucket locks at
 * once.  The pool's free entries are track_pool.c's, taken and given back
 * under a bucket lock.
 *
 * Keys are full sockets, timewait sockets and request sockets.  All three
 * slabs are SLAB_TYPESAFE_BY_RCU: memory is reused at once, and a slab page
 * is freed an RCU grace period after its last object.  An entry whose end
 * no probe saw (a missed kprobe, the arming window at load) outlives its
 * socket, maybe its page: a key is never dereferenced after the handler
 * that inserted it returns.  Each entry keeps, from its birth, the socket's
 * cookie (the low half: sockets at one address in one namespace are told
 * apart), so that tlc_track_lookup() can judge an entry for a socket found
 * alive elsewhere (in the kernel's hash tables): a mismatch is a stale
 * entry, removed and counted.  A birth replaces whatever entry it finds,
 * counted the same way.
 *
 * Every change of an entry's namespace, state, kind or state time goes
 * through tlc_occupy(), under the entry's bucket lock: stats_occ.c and
 * stats.c keep from it, per namespace, how many entries are in each state
 * and since when, and how many ESTABLISHED ones have keepalive on or off
 * (TLC_SF_KA_ON), so that the summary files never walk the table.
 */

#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/sock_diag.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "stats.h"
#include "track.h"
#include "track_pool.h"

struct tlc_bucket {
	raw_spinlock_t lock;
	u32 head;
};

struct tlc_table {
	struct tlc_bucket *buckets;
	unsigned int capacity;
	unsigned int hash_bits;
	atomic64_t stale;	/* bumped under different bucket locks */
};

static struct tlc_table tlc_table;

/*
 * Testing only (debugfs fault_keep_entries, root): the next N ends of
 * tracked sockets leave their entries behind, as a missed end probe does.
 */
atomic_t tlc_track_fault_keep = ATOMIC_INIT(0);

/* Whether this end is to leave its entry behind (see above). */
static bool tlc_fault_keep(void)
{
	return atomic_read(&tlc_track_fault_keep) > 0 &&
	       atomic_dec_if_positive(&tlc_track_fault_keep) >= 0;
}

/*
 * An entry's side in its namespace's established_keepalive_on/_off (kept
 * by stats.c): a full socket in ESTABLISHED, by the TLC_SF_KA_ON its entry
 * holds; -1 for any other entry (or none).
 */
static int tlc_keepopen_side(const struct tlc_sock_info *info)
{
	if (!info || info->kind != TLC_KIND_FULL ||
	    info->state != TCP_ESTABLISHED)
		return -1;
	return info->flags & TLC_SF_KA_ON ? TLC_KEEPOPEN_ON : TLC_KEEPOPEN_OFF;
}

/* The keepalive side of tlc_occupy(), alone for a change of flags. */
static void tlc_occupy_keepopen(const struct net *net,
				const struct tlc_sock_info *from,
				const struct tlc_sock_info *to)
{
	int fk = tlc_keepopen_side(from), tk = tlc_keepopen_side(to);

	if (fk != tk)
		tlc_stats_keepopen(net, fk, tk);
}

/*
 * Entries leave (@from) or enter (@to) their namespace's occupancy (the
 * states file's now and oldest, kept by stats_occ.c; the keepalive file's
 * established sockets, kept by stats.c), either may be NULL: every change
 * of an entry's namespace, state, kind, state_ts or TLC_SF_KA_ON goes
 * through here (or tlc_occupy_keepopen()), under its bucket lock.  A full
 * socket handed over to a timewait socket is counted as that timewait
 * socket.
 */
static void tlc_occupy(const struct net *net, const struct tlc_sock_info *from,
		       const struct tlc_sock_info *to)
{
	int fs = from && from->kind != TLC_KIND_HANDOVER ? from->state : -1;
	int ts = to && to->kind != TLC_KIND_HANDOVER ? to->state : -1;

	if (fs >= 0 || ts >= 0)
		tlc_stats_occupy(net, fs, from ? from->state_ts : 0, ts,
				 to ? to->state_ts : 0);
	tlc_occupy_keepopen(net, from, to);
}

static struct tlc_bucket *tlc_bucket(const void *key)
{
	return &tlc_table.buckets[hash_ptr(key, tlc_table.hash_bits)];
}

/*
 * Lock @key's bucket and find @key in it: its index, or NIL if it is not
 * tracked.  *bp gets the bucket, to unlock with tlc_unlock(); *prevp the
 * index of the entry before it (NIL if it is the first).  Interrupts are off.
 */
static u32 tlc_lock_find(const void *key, struct tlc_bucket **bp, u32 *prevp)
	__acquires(&(*bp)->lock)
{
	struct tlc_bucket *b = tlc_bucket(key);
	u32 idx, prev = TLC_NIL;

	lockdep_assert_irqs_disabled();
	raw_spin_lock(&b->lock);
	for (idx = b->head; idx != TLC_NIL; idx = tlc_entry(idx)->next) {
		if (tlc_entry(idx)->key == key)
			break;
		prev = idx;
	}
	*bp = b;
	*prevp = prev;
	return idx;
}

/* Unlock what tlc_lock_find() locked; whether it found an entry. */
static bool tlc_unlock(struct tlc_bucket *b, u32 idx)
	__releases(&b->lock)
{
	raw_spin_unlock(&b->lock);
	return idx != TLC_NIL;
}

static void tlc_unlink(struct tlc_bucket *b, u32 idx, u32 prev)
{
	u32 next = tlc_entry(idx)->next;

	if (prev == TLC_NIL)
		b->head = next;
	else
		tlc_entry(prev)->next = next;
}

/**
 * tlc_track_insert_as() - start tracking a socket that takes another's cookie
 * @key: the socket
 * @id: the live socket whose cookie @key carries, or will carry (a child
 *	takes its request socket's once it is born); NULL: not known
 * @net: its namespace
 * @info: what to record
 *
 * An entry already there for @key belonged to an earlier socket at the same
 * address: it is replaced, and counted as stale.  @key and @id must be live
 * full, timewait or request sockets (all begin with struct sock_common):
 * @id's cookie is made now, if nothing asked for it yet, and kept as the
 * entry's identity.  Without @id, the first tlc_track_lookup() takes the
 * cookie the socket has then.
 *
 * Context: any, interrupts disabled.
 *
 * Return: false if the table is full.
 */
bool tlc_track_insert_as(const void *key, const void *id,
			 const struct net *net,
			 const struct tlc_sock_info *info)
{
	struct tlc_bucket *b;
	struct tlc_entry *e;
	u32 cookie[2] = {}, prev, idx;

	/* As inet_diag does for timewait and request sockets too. */
	if (id)
		sock_diag_save_cookie((struct sock *)id, cookie);
	idx = tlc_lock_find(key, &b, &prev);
	if (idx != TLC_NIL) {
		atomic64_inc(&tlc_table.stale);
		tlc_occupy(tlc_entry(idx)->net, &tlc_entry(idx)->info, NULL);
	} else {
		idx = tlc_entry_get();
		if (idx == TLC_NIL)
			return tlc_unlock(b, idx);
		tlc_entry(idx)->next = b->head;
		b->head = idx;
	}
	e = tlc_entry(idx);
	e->key = key;
	e->net = net;
	e->info = *info;
	e->cookie = cookie[0];
	tlc_occupy(net, NULL, info);
	return tlc_unlock(b, idx);
}

/**
 * tlc_track_insert() - start tracking a socket
 * @key: the socket, live: its own cookie is its identity
 * @net: its namespace
 * @info: what to record
 *
 * As tlc_track_insert_as().
 *
 * Context: any, interrupts disabled.
 *
 * Return: false if the table is full.
 */
bool tlc_track_insert(const void *key, const struct net *net,
		      const struct tlc_sock_info *info)
{
	return tlc_track_insert_as(key, key, net, info);
}

/**
 * tlc_track_get() - copy what the table knows about a socket
 * @key: the socket
 * @info: filled if it is tracked
 *
 * Context: any, interrupts disabled.
 *
 * Return: whether it is tracked.
 */
bool tlc_track_get(const void *key, struct tlc_sock_info *info)
{
	struct tlc_bucket *b;
	u32 prev, idx = tlc_lock_find(key, &b, &prev);

	if (idx != TLC_NIL)
		*info = tlc_entry(idx)->info;
	return tlc_unlock(b, idx);
}

/**
 * tlc_track_remove() - stop tracking a socket
 * @key: the socket
 * @info: filled with its last record if it was tracked (may be NULL)
 *
 * Context: any, interrupts disabled.
 *
 * Return: whether it was tracked.
 */
bool tlc_track_remove(const void *key, struct tlc_sock_info *info)
{
	struct tlc_bucket *b;
	u32 prev, idx = tlc_lock_find(key, &b, &prev);

	if (idx != TLC_NIL) {
		if (info)
			*info = tlc_entry(idx)->info;
		if (!tlc_fault_keep()) {
			tlc_occupy(tlc_entry(idx)->net, &tlc_entry(idx)->info,
				   NULL);
			tlc_unlink(b, idx, prev);
			tlc_entry_put(idx);
		}
	}
	return tlc_unlock(b, idx);
}

/*
 * Move a tracked socket to @to (TCP_CLOSE: its entry ends) if it is in
 * @from (-1: any state), in one step under its bucket's lock; entering
 * ESTABLISHED, its TLC_SF_KA_ON becomes @ka_on's.  Returns whether it was
 * tracked (and in @from).
 */
static bool tlc_track_change(const void *key, int from, int to, u64 now,
			     u8 ka_on, struct tlc_sock_info *before)
{
	struct tlc_bucket *b;
	struct tlc_entry *e;
	u32 prev, idx = tlc_lock_find(key, &b, &prev);

	if (idx == TLC_NIL)
		return tlc_unlock(b, idx);
	e = tlc_entry(idx);
	if (from >= 0 && e->info.state != from)
		return tlc_unlock(b, TLC_NIL);
	*before = e->info;
	if (to != TCP_CLOSE) {
		e->info.state = to;
		e->info.state_ts = now;
		if (to == TCP_ESTABLISHED && e->info.kind == TLC_KIND_FULL)
			e->info.flags = (e->info.flags & ~TLC_SF_KA_ON) |
					(ka_on & TLC_SF_KA_ON);
		tlc_occupy(e->net, before, &e->info);
	} else if (!tlc_fault_keep()) {
		tlc_occupy(e->net, before, NULL);
		tlc_unlink(b, idx, prev);
		tlc_entry_put(idx);
	}
	return tlc_unlock(b, idx);
}

/**
 * tlc_track_set_state() - a tracked socket enters a new state
 * @key: the socket
 * @state: the new state; TCP_CLOSE ends the entry
 * @now: ktime_get_ns() of the change
 * @ka_on: TLC_SF_KA_ON if the socket has SOCK_KEEPOPEN now, else 0: what
 *	a full socket's entry keeps if @state is ESTABLISHED
 * @before: filled with the record before the change
 *
 * Context: any, interrupts disabled.
 *
 * Return: whether the socket was tracked.
 */
bool tlc_track_set_state(const void *key, int state, u64 now, u8 ka_on,
			 struct tlc_sock_info *before)
{
	return tlc_track_change(key, -1, state, now, ka_on, before);
}

/**
 * tlc_track_move_state() - a tracked socket goes from one state to another
 * @key: the socket
 * @from: the state it must be in
 * @to: the state it enters (not TCP_CLOSE)
 * @now: ktime_get_ns() of the change
 * @before: filled with the record before the change
 *
 * The test and the change are one step: of two CPUs seeing the same move,
 * one makes it.
 *
 * Context: any, interrupts disabled.
 *
 * Return: whether the socket was tracked in @from and is now in @to.
 */
bool tlc_track_move_state(const void *key, int from, int to, u64 now,
			  struct tlc_sock_info *before)
{
	return tlc_track_change(key, from, to, now, 0, before);
}

/**
 * tlc_track_lookup() - what the table knows about a socket found alive
 * @key: the socket, alive for as long as the caller holds it (in the
 *	kernel's hash tables under their bucket lock, or by a reference)
 * @net: its namespace
 * @cookie: its cookie now
 * @kind: what it is: TLC_KIND_FULL, TLC_KIND_TW or TLC_KIND_REQ
 * @info: filled if it is tracked
 *
 * An entry at @key whose namespace, cookie or kind is not the socket's
 * belonged to an earlier socket whose end was missed: it is removed, and
 * counted as stale.  A full socket's entry may say TLC_KIND_HANDOVER: its
 * timewait socket is about to take its place.  An entry born without its
 * cookie takes this one.
 *
 * Context: process or softirq context; takes the bucket lock with
 * interrupts off.
 *
 * Return: whether @key is tracked as this socket.
 */
bool tlc_track_lookup(const void *key, const struct net *net, u64 cookie,
		      u8 kind, struct tlc_sock_info *info)
{
	struct tlc_bucket *b;
	struct tlc_entry *e;
	unsigned long flags;
	u32 prev, idx;

	local_irq_save(flags);
	idx = tlc_lock_find(key, &b, &prev);
	if (idx != TLC_NIL) {
		e = tlc_entry(idx);
		if (!e->cookie)
			e->cookie = (u32)cookie;	/* its first sight */
		if (e->net == net && e->cookie == (u32)cookie &&
		    (e->info.kind == kind || (kind == TLC_KIND_FULL &&
		     e->info.kind == TLC_KIND_HANDOVER))) {
			*info = e->info;
		} else {
			atomic64_inc(&tlc_table.stale);
			tlc_occupy(e->net, &e->info, NULL);
			tlc_unlink(b, idx, prev);
			tlc_entry_put(idx);
			idx = TLC_NIL;
		}
	}
	tlc_unlock(b, idx);
	local_irq_restore(flags);
	return idx != TLC_NIL;
}

/**
 * tlc_track_set_hint() - note why a tracked socket is about to close
 * @key: the socket
 * @hint: enum tlc_hint
 *
 * Context: any, interrupts disabled.
 *
 * Return: whether the socket is tracked.
 */
bool tlc_track_set_hint(const void *key, u8 hint)
{
	struct tlc_bucket *b;
	u32 prev, idx = tlc_lock_find(key, &b, &prev);

	if (idx != TLC_NIL)
		tlc_entry(idx)->info.hint = hint;
	return tlc_unlock(b, idx);
}

/**
 * tlc_track_set_owner() - record the process that owns a tracked socket
 * @key: the socket
 * @pid: its tgid
 * @comm: its command
 *
 * Context: any, interrupts disabled.
 *
 * Return: whether the socket is tracked.
 */
bool tlc_track_set_owner(const void *key, u32 pid, const char *comm)
{
	struct tlc_bucket *b;
	struct tlc_entry *e;
	u32 prev, idx = tlc_lock_find(key, &b, &prev);

	if (idx != TLC_NIL) {
		e = tlc_entry(idx);
		e->info.pid = pid;
		memcpy(e->info.comm, comm, TASK_COMM_LEN);
	}
	return tlc_unlock(b, idx);
}

/**
 * tlc_track_update_flags() - set and clear flags of a tracked full socket
 * @key: the socket
 * @set: TLC_SF_* bits to set
 * @clear: TLC_SF_* bits to clear
 * @old: filled with the flags before (may be NULL)
 *
 * A timewait entry at @key (stale: a full socket is never at a timewait
 * socket's address while that one lives) keeps its cgroup row there: it
 * is left alone.
 *
 * Context: any, interrupts disabled.
 *
 * Return: whether the socket is tracked, as a full socket.
 */
bool tlc_track_update_flags(const void *key, u8 set, u8 clear, u8 *old)
{
	struct tlc_bucket *b;
	struct tlc_entry *e;
	u32 prev, idx = tlc_lock_find(key, &b, &prev);

	if (idx != TLC_NIL && tlc_entry(idx)->info.kind == TLC_KIND_TW)
		idx = TLC_NIL;
	if (idx != TLC_NIL) {
		struct tlc_sock_info before;

		e = tlc_entry(idx);
		before = e->info;
		if (old)
			*old = e->info.flags;
		e->info.flags = (e->info.flags & ~clear) | set;
		if ((before.flags ^ e->info.flags) & TLC_SF_KA_ON)
			tlc_occupy_keepopen(e->net, &before, &e->info);
	}
	return tlc_unlock(b, idx);
}

/**
 * tlc_track_walk_bucket() - call @fn for a namespace's sockets in one bucket
 * @bucket: bucket index, below tlc_track_buckets()
 * @net: the namespace
 * @fn: called with the bucket lock held and interrupts off: it must not
 *	sleep nor call back into the table, nor read the socket at @key (see
 *	the top of this file)
 * @arg: passed to @fn
 *
 * Context: process context.
 */
void tlc_track_walk_bucket(unsigned int bucket, const struct net *net,
			   tlc_walk_fn fn, void *arg)
{
	struct tlc_bucket *b = &tlc_table.buckets[bucket];
	unsigned long flags;
	u32 idx;

	raw_spin_lock_irqsave(&b->lock, flags);
	for (idx = b->head; idx != TLC_NIL; idx = tlc_entry(idx)->next) {
		const struct tlc_entry *e = tlc_entry(idx);

		if (e->net == net)
			fn(e->key, &e->info, arg);
	}
	raw_spin_unlock_irqrestore(&b->lock, flags);
}

/**
 * tlc_track_walk() - call @fn for every tracked socket of a namespace
 * @net: the namespace
 * @fn: as for tlc_track_walk_bucket()
 * @arg: passed to @fn
 *
 * Context: process context.  O(max_tracked).
 */
void tlc_track_walk(const struct net *net, tlc_walk_fn fn, void *arg)
{
	unsigned int i;

	for (i = 0; i < tlc_track_buckets(); i++) {
		tlc_track_walk_bucket(i, net, fn, arg);
		if (!(i & 1023))
			cond_resched();
	}
}

/**
 * tlc_track_purge_net() - forget every socket of a dying namespace
 * @net: the namespace
 *
 * Its sockets are gone; this drops entries whose socket ended unseen, so
 * they cannot show up in a namespace that later reuses @net's address.
 *
 * Context: process context, probe handlers may be running.
 */
void tlc_track_purge_net(const struct net *net)
{
	unsigned int i;
	unsigned long flags;

	for (i = 0; i < tlc_track_buckets(); i++) {
		struct tlc_bucket *b = &tlc_table.buckets[i];
		u32 idx, prev = TLC_NIL, next;

		raw_spin_lock_irqsave(&b->lock, flags);
		for (idx = b->head; idx != TLC_NIL; idx = next) {
			next = tlc_entry(idx)->next;
			if (tlc_entry(idx)->net != net) {
				prev = idx;
				continue;
			}
			tlc_occupy(net, &tlc_entry(idx)->info, NULL);
			tlc_unlink(b, idx, prev);
			tlc_entry_put(idx);
		}
		raw_spin_unlock_irqrestore(&b->lock, flags);
		if (!(i & 1023))
			cond_resched();
	}
}

unsigned int tlc_track_buckets(void)
{
	return 1U << tlc_table.hash_bits;
}

unsigned int tlc_track_capacity(void)
{
	return tlc_table.capacity;
}

unsigned int tlc_track_used(void)
{
	return tlc_pool_used();
}

u64 tlc_track_stale(void)
{
	return atomic64_read(&tlc_table.stale);
}

/**
 * tlc_track_init() - allocate the table
 * @max_tracked: number of entries, at least 1
 *
 * Return: 0 or -ENOMEM.
 */
int tlc_track_init(unsigned int max_tracked)
{
	unsigned int i, nbuckets;

	nbuckets = roundup_pow_of_two(max(max_tracked, 16U));
	if (tlc_pool_init(max_tracked))
		goto err_pool;
	/* Large and never touched by DMA: vmalloc, seen in VmallocUsed. */
	tlc_table.buckets = vcalloc(nbuckets, sizeof(*tlc_table.buckets));
	if (!tlc_table.buckets)
		goto err_buckets;

	tlc_table.capacity = max_tracked;
	tlc_table.hash_bits = ilog2(nbuckets);
	for (i = 0; i < nbuckets; i++) {
		raw_spin_lock_init(&tlc_table.buckets[i].lock);
		tlc_table.buckets[i].head = TLC_NIL;
	}
	atomic64_set(&tlc_table.stale, 0);
	return 0;

err_buckets:
	tlc_pool_exit();
err_pool:
	return -ENOMEM;
}

/* Only after every probe is unregistered and no reader can run. */
void tlc_track_exit(void)
{
	vfree(tlc_table.buckets);
	tlc_table.buckets = NULL;
	tlc_pool_exit();
}
