// SPDX-License-Identifier: GPL-2.0
/*
 * Per-socket tracking table.
 *
 * A fixed pool of max_tracked entries, allocated at load, and a hash table of
 * chains through it, keyed by the socket's address.  Probe handlers never
 * allocate: a socket that finds the pool empty is simply not tracked, and
 * that is counted.  Chains and the free list link entries by index; each
 * hash bucket has its own raw spinlock (raw: handlers run with preemption
 * off, also on PREEMPT_RT), the free list has one more.
 *
 * An entry lives from a socket's birth (it leaves CLOSE, or is created as a
 * listener's child) to its return to CLOSE.  tcp_prot's slab is
 * SLAB_TYPESAFE_BY_RCU, so a freed socket's memory is reused at once: an entry
 * found for a socket that is being born again is stale and is recycled, never
 * trusted.
 */

#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/tcp_states.h>

#include "stats.h"
#include "track.h"

#define TLC_NIL		U32_MAX

/*
 * The key and the namespace are only compared, never dereferenced.
 */
struct tlc_entry {
	const void *key;
	const struct net *net;
	u64 state_ts;
	u64 birth_ts;
	u32 next;
	u8 state;
};

struct tlc_bucket {
	raw_spinlock_t lock;
	u32 head;
};

struct tlc_table {
	struct tlc_entry *entries;
	struct tlc_bucket *buckets;
	unsigned int capacity;
	unsigned int hash_bits;
	raw_spinlock_t free_lock;
	u32 free_head;
	unsigned int used;
	u64 stale;
};

static struct tlc_table tlc_table;

static struct tlc_bucket *tlc_bucket(const void *key)
{
	return &tlc_table.buckets[hash_ptr(key, tlc_table.hash_bits)];
}

static u32 tlc_entry_get(void)
{
	u32 idx;

	raw_spin_lock(&tlc_table.free_lock);
	idx = tlc_table.free_head;
	if (idx != TLC_NIL) {
		tlc_table.free_head = tlc_table.entries[idx].next;
		tlc_table.used++;
	}
	raw_spin_unlock(&tlc_table.free_lock);
	return idx;
}

static void tlc_entry_put(u32 idx)
{
	struct tlc_entry *e = &tlc_table.entries[idx];

	e->key = NULL;
	e->net = NULL;
	raw_spin_lock(&tlc_table.free_lock);
	e->next = tlc_table.free_head;
	tlc_table.free_head = idx;
	tlc_table.used--;
	raw_spin_unlock(&tlc_table.free_lock);
}

/* Find @key in @b; *prevp gets the index of the entry before it (or NIL). */
static u32 tlc_find(struct tlc_bucket *b, const void *key, u32 *prevp)
{
	u32 idx, prev = TLC_NIL;

	for (idx = b->head; idx != TLC_NIL; idx = tlc_table.entries[idx].next) {
		if (tlc_table.entries[idx].key == key)
			break;
		prev = idx;
	}
	*prevp = prev;
	return idx;
}

static void tlc_unlink(struct tlc_bucket *b, u32 idx, u32 prev)
{
	u32 next = tlc_table.entries[idx].next;

	if (prev == TLC_NIL)
		b->head = next;
	else
		tlc_table.entries[prev].next = next;
}

static bool tlc_is_birth(int oldstate, int newstate)
{
	/* connect(), listen(), or a child created by its listener. */
	return oldstate == TCP_CLOSE ||
	       (oldstate == TCP_LISTEN && newstate == TCP_SYN_RECV);
}

/**
 * tlc_track_change() - follow one socket through one state change
 * @sk: the socket (only its address is used)
 * @net: its network namespace (only compared)
 * @oldstate: state it is leaving
 * @newstate: state it is entering
 * @now: ktime_get_ns() of the change
 * @ev: filled with what the table knew; see struct tlc_event
 *
 * Context: any, with interrupts disabled.  Never sleeps or allocates.
 */
void tlc_track_change(const void *sk, const struct net *net, int oldstate,
		      int newstate, u64 now, struct tlc_event *ev)
{
	struct tlc_bucket *b = tlc_bucket(sk);
	struct tlc_entry *e;
	u32 idx, prev;

	memset(ev, 0, sizeof(*ev));
	ev->birth = tlc_is_birth(oldstate, newstate);
	if (oldstate == newstate)
		return;

	raw_spin_lock(&b->lock);
	idx = tlc_find(b, sk, &prev);
	if (idx != TLC_NIL && ev->birth) {
		/* Left by an earlier socket at this address: never trust it. */
		tlc_table.stale++;
		tlc_unlink(b, idx, prev);
		tlc_entry_put(idx);
		idx = TLC_NIL;
	}
	if (idx != TLC_NIL) {
		e = &tlc_table.entries[idx];
		if (e->state == oldstate) {
			ev->timed = true;
			ev->dwell = now - e->state_ts;
		}
		if (newstate == TCP_CLOSE) {
			tlc_unlink(b, idx, prev);
			tlc_entry_put(idx);
			goto out;
		}
	} else {
		if (newstate == TCP_CLOSE)
			goto out;
		idx = tlc_entry_get();
		if (idx == TLC_NIL) {
			ev->untracked = ev->birth;
			goto out;
		}
		e = &tlc_table.entries[idx];
		e->key = sk;
		e->net = net;
		/* Unknown for a socket first seen in mid-life. */
		e->birth_ts = ev->birth ? now : 0;
		e->next = b->head;
		b->head = idx;
	}
	e->state = newstate;
	e->state_ts = now;
out:
	raw_spin_unlock(&b->lock);
}

/**
 * tlc_track_purge_net() - forget every socket of a dying namespace
 * @net: the namespace
 *
 * Its sockets are gone; this only drops entries whose socket was freed
 * without passing through CLOSE, so they cannot show up in a namespace that
 * later reuses @net's address.
 *
 * Context: process context, probe handlers may be running.
 */
void tlc_track_purge_net(const struct net *net)
{
	unsigned int i;
	unsigned long flags;

	for (i = 0; i < (1U << tlc_table.hash_bits); i++) {
		struct tlc_bucket *b = &tlc_table.buckets[i];
		u32 idx, prev = TLC_NIL, next;

		raw_spin_lock_irqsave(&b->lock, flags);
		for (idx = b->head; idx != TLC_NIL; idx = next) {
			next = tlc_table.entries[idx].next;
			if (tlc_table.entries[idx].net != net) {
				prev = idx;
				continue;
			}
			tlc_unlink(b, idx, prev);
			tlc_entry_put(idx);
		}
		raw_spin_unlock_irqrestore(&b->lock, flags);
		if (!(i & 1023))
			cond_resched();
	}
}

/**
 * tlc_track_occupancy() - tracked sockets of a namespace, per state
 * @net: the namespace
 * @now: ktime_get_ns() to measure ages against
 * @count: per state, how many tracked sockets are in it (added to)
 * @oldest: per state, the longest time one has been in it (maxed into)
 *
 * Context: process context.  O(max_tracked).
 */
void tlc_track_occupancy(const struct net *net, u64 now,
			 u64 count[], u64 oldest[])
{
	unsigned int i;
	unsigned long flags;

	for (i = 0; i < (1U << tlc_table.hash_bits); i++) {
		struct tlc_bucket *b = &tlc_table.buckets[i];
		u32 idx;

		raw_spin_lock_irqsave(&b->lock, flags);
		for (idx = b->head; idx != TLC_NIL;
		     idx = tlc_table.entries[idx].next) {
			const struct tlc_entry *e = &tlc_table.entries[idx];
			u64 age;

			if (e->net != net)
				continue;
			age = now > e->state_ts ? now - e->state_ts : 0;
			count[e->state]++;
			oldest[e->state] = max(oldest[e->state], age);
		}
		raw_spin_unlock_irqrestore(&b->lock, flags);
		if (!(i & 1023))
			cond_resched();
	}
}

unsigned int tlc_track_capacity(void)
{
	return tlc_table.capacity;
}

unsigned int tlc_track_used(void)
{
	return READ_ONCE(tlc_table.used);
}

u64 tlc_track_stale(void)
{
	return READ_ONCE(tlc_table.stale);
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
	/* Large and never touched by DMA: vmalloc, seen in VmallocUsed. */
	tlc_table.entries = vcalloc(max_tracked, sizeof(*tlc_table.entries));
	if (!tlc_table.entries)
		goto err_entries;
	tlc_table.buckets = vcalloc(nbuckets, sizeof(*tlc_table.buckets));
	if (!tlc_table.buckets)
		goto err_buckets;

	tlc_table.capacity = max_tracked;
	tlc_table.hash_bits = ilog2(nbuckets);
	for (i = 0; i < nbuckets; i++) {
		raw_spin_lock_init(&tlc_table.buckets[i].lock);
		tlc_table.buckets[i].head = TLC_NIL;
	}
	for (i = 0; i < max_tracked; i++)
		tlc_table.entries[i].next = i + 1 < max_tracked ? i + 1 : TLC_NIL;
	raw_spin_lock_init(&tlc_table.free_lock);
	tlc_table.free_head = 0;
	tlc_table.used = 0;
	tlc_table.stale = 0;
	return 0;

err_buckets:
	vfree(tlc_table.entries);
	tlc_table.entries = NULL;
err_entries:
	return -ENOMEM;
}

/* Only after every probe is unregistered and no reader can run. */
void tlc_track_exit(void)
{
	vfree(tlc_table.buckets);
	tlc_table.buckets = NULL;
	vfree(tlc_table.entries);
	tlc_table.entries = NULL;
}
