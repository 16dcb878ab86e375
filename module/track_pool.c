// SPDX-License-Identifier: GPL-2.0
/*
 * The tracking table's free-entry pool.
 *
 * Free entries sit in a per-CPU stash first (its own lock, which only its
 * CPU takes but for stealing), then in the global list, moved in batches:
 * a birth and a death do not share a cache line between CPUs.  A CPU
 * whose stash and the global list are empty steals from the other stashes,
 * so a socket goes untracked only when every entry is in use.  Lock order:
 * bucket, then one stash or the global list, never two of those.
 */

#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/cpumask.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include "track_pool.h"

#define TLC_STASH_MAX	32	/* a fuller stash gives back... */
#define TLC_STASH_BATCH	16	/* ...this many; a refill takes as many */

struct tlc_stash {
	raw_spinlock_t lock;
	u32 head;
	u32 count;
};

static DEFINE_PER_CPU(struct tlc_stash, tlc_stash);

struct tlc_entry *tlc_pool_entries;

static struct {
	raw_spinlock_t lock;
	u32 head;
	unsigned int used;	/* entries out of the list, stashes included */
} tlc_free;

/* Pop one entry off @st, NIL if empty.  Under @st->lock. */
static u32 tlc_stash_pop(struct tlc_stash *st)
{
	u32 idx = st->head;

	if (idx != TLC_NIL) {
		st->head = tlc_entry(idx)->next;
		st->count--;
	}
	return idx;
}

/**
 * tlc_entry_get() - take a free entry
 *
 * From this CPU's stash; else a batch from the global list, the rest of
 * which refills the stash; else one stolen from another CPU's stash.
 *
 * Context: interrupts disabled (the caller holds a bucket lock).
 *
 * Return: the entry's index, or TLC_NIL when there is none.
 */
u32 tlc_entry_get(void)
{
	struct tlc_stash *st = this_cpu_ptr(&tlc_stash);
	u32 idx, first, last, n = 0;
	int cpu;

	raw_spin_lock(&st->lock);
	idx = tlc_stash_pop(st);
	raw_spin_unlock(&st->lock);
	if (idx != TLC_NIL)
		return idx;

	/* Refill: one entry for us, the rest of the batch to the stash. */
	raw_spin_lock(&tlc_free.lock);
	first = tlc_free.head;
	last = TLC_NIL;
	for (idx = first; idx != TLC_NIL && n < TLC_STASH_BATCH;
	     idx = tlc_entry(idx)->next) {
		last = idx;
		n++;
	}
	tlc_free.head = idx;
	tlc_free.used += n;
	raw_spin_unlock(&tlc_free.lock);
	if (n) {
		if (n > 1) {
			raw_spin_lock(&st->lock);
			tlc_entry(last)->next = st->head;
			st->head = tlc_entry(first)->next;
			st->count += n - 1;
			raw_spin_unlock(&st->lock);
		}
		return first;
	}

	/* The global list is empty: another CPU's stash may not be. */
	for_each_possible_cpu(cpu) {
		struct tlc_stash *other = per_cpu_ptr(&tlc_stash, cpu);

		if (other == st || !READ_ONCE(other->count))
			continue;
		raw_spin_lock(&other->lock);
		idx = tlc_stash_pop(other);
		raw_spin_unlock(&other->lock);
		if (idx != TLC_NIL)
			return idx;
	}
	return TLC_NIL;
}

/**
 * tlc_entry_put() - give an entry back
 * @idx: the entry, already unlinked from its chain
 *
 * Its key and namespace are cleared; a stash grown past its limit gives a
 * batch back to the global list.
 *
 * Context: interrupts disabled (the caller holds a bucket lock).
 */
void tlc_entry_put(u32 idx)
{
	struct tlc_stash *st = this_cpu_ptr(&tlc_stash);
	struct tlc_entry *e = tlc_entry(idx);
	u32 first = TLC_NIL, last = TLC_NIL;
	unsigned int n;

	e->key = NULL;
	e->net = NULL;
	raw_spin_lock(&st->lock);
	e->next = st->head;
	st->head = idx;
	if (++st->count > TLC_STASH_MAX) {
		first = st->head;
		last = first;
		for (n = 1; n < TLC_STASH_BATCH; n++)
			last = tlc_entry(last)->next;
		st->head = tlc_entry(last)->next;
		st->count -= TLC_STASH_BATCH;
	}
	raw_spin_unlock(&st->lock);
	if (first == TLC_NIL)
		return;
	raw_spin_lock(&tlc_free.lock);
	tlc_entry(last)->next = tlc_free.head;
	tlc_free.head = first;
	tlc_free.used -= TLC_STASH_BATCH;
	raw_spin_unlock(&tlc_free.lock);
}

/**
 * tlc_pool_used() - how many entries are in use
 *
 * Context: any.  Lockless: racing moves may skew a read.
 *
 * Return: entries neither in the global list nor in a stash.
 */
unsigned int tlc_pool_used(void)
{
	unsigned int used = READ_ONCE(tlc_free.used);
	int cpu;

	/* Entries in the stashes are free; racing moves may skew a read. */
	for_each_possible_cpu(cpu)
		used -= READ_ONCE(per_cpu_ptr(&tlc_stash, cpu)->count);
	return (int)used < 0 ? 0 : used;
}

/**
 * tlc_pool_init() - allocate the entries, all free
 * @capacity: number of entries, at least 1
 *
 * Return: 0 or -ENOMEM.
 */
int tlc_pool_init(unsigned int capacity)
{
	unsigned int i;

	/* Large and never touched by DMA: vmalloc, seen in VmallocUsed. */
	tlc_pool_entries = vcalloc(capacity, sizeof(*tlc_pool_entries));
	if (!tlc_pool_entries)
		goto err_entries;

	for (i = 0; i < capacity; i++)
		tlc_entry(i)->next = i + 1 < capacity ? i + 1 : TLC_NIL;
	raw_spin_lock_init(&tlc_free.lock);
	tlc_free.head = 0;
	tlc_free.used = 0;
	for_each_possible_cpu(i) {
		struct tlc_stash *st = per_cpu_ptr(&tlc_stash, i);

		raw_spin_lock_init(&st->lock);
		st->head = TLC_NIL;
		st->count = 0;
	}
	return 0;

err_entries:
	return -ENOMEM;
}

/**
 * tlc_pool_exit() - free the entries
 *
 * Context: process context, after every probe is unregistered and no
 * reader can run.
 */
void tlc_pool_exit(void)
{
	vfree(tlc_pool_entries);
	tlc_pool_entries = NULL;
}
