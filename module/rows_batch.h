/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Going through a table's pool of rows from process context, a batch of
 * rows per hold of its lock: the cgroups and listeners tables' reads and
 * namespace exits (cgroups.c, listeners.c, listeners_show.c).
 */
#ifndef _TLC_ROWS_BATCH_H
#define _TLC_ROWS_BATCH_H

#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct net;

/* A namespace's rows, as a count of them goes (tlc_rows_batched()). */
struct tlc_rows_of {
	const struct net *net;
	unsigned int n;
};

/* One row, by its index in the pool, under the lock: false stops. */
typedef bool (*tlc_row_fn)(unsigned int i, void *arg);

/**
 * tlc_rows_batched() - call @fn for the rows of a pool, @batch at a time
 * @lock: the table's lock, taken with interrupts off around each batch
 * @n: the pool's rows, 0 .. @n - 1
 * @batch: rows per hold of @lock
 * @fn: called for each row, in order, with @lock held; returns false to
 *	stop (no more rows)
 * @arg: passed to @fn
 *
 * Context: process context; reschedules between batches.
 */
static inline void tlc_rows_batched(raw_spinlock_t *lock, unsigned int n,
				    unsigned int batch, tlc_row_fn fn,
				    void *arg)
{
	unsigned int i, j;
	bool more = true;

	for (i = 0; i < n && more; i += batch) {
		raw_spin_lock_irq(lock);
		for (j = i; j < min(i + batch, n) && more; j++)
			more = fn(j, arg);
		raw_spin_unlock_irq(lock);
		cond_resched();
	}
}

#endif /* _TLC_ROWS_BATCH_H */
