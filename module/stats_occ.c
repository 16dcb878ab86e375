// SPDX-License-Identifier: GPL-2.0
/*
 * Occupancy (stats.h): how many tracked sockets of a namespace are in each
 * state, and since when the oldest of them.  The tracking table reports
 * every change (tlc_stats_occupy()), under the entry's bucket lock, into
 * cohorts by the time a socket entered its state: level 0 per CPU, the
 * levels above shared by the namespace; a read (tlc_stats_occupancy())
 * sums them, at the same cost whatever the table's size.
 */

#include <linux/atomic.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "stats.h"

static s64 tlc_occ_pack(u32 cohort, s32 count)
{
	return (s64)(((u64)cohort << 32) | (u32)count);
}

/*
 * Add @delta to @state's count in @cohort of @level (>= 1), or of the
 * first level above that still keeps it.  A slot that holds an older
 * cohort is taken over; what it held goes up a level.
 */
static void tlc_occ_shared_add(struct tlc_occ_shared *sh, int state,
			       unsigned int level, u32 cohort, s32 delta)
{
	while (delta && level < TLC_OCC_LEVELS) {
		atomic64_t *a = &sh->slot[level - 1][state]
					 [cohort % TLC_OCC_SLOTS];
		s64 old = atomic64_read(a), new;
		bool up = false;
		u32 tag;
		s32 n;

		do {
			tag = (u64)old >> 32;
			n = (s32)(u32)old;
			if (tag > cohort) {
				up = true;	/* gone from this level */
				break;
			}
			new = tlc_occ_pack(cohort, tag == cohort ? n + delta :
							      delta);
		} while (!atomic64_try_cmpxchg(a, &old, new));
		if (!up) {
			if (tag == cohort)
				return;
			delta = n;	/* the older cohort moves up */
			cohort = tag;
		}
		level++;
		cohort >>= 1;
	}
	if (delta)
		atomic_add(delta, &sh->overflow[state]);
}

/* Add @delta to @state's count in the cohort of @since, on this CPU. */
static void tlc_occ_add(struct tlc_occ_cpu *oc, struct tlc_occ_shared *sh,
			int state, u64 since, int delta)
{
	u32 cohort = (u32)(since >> TLC_OCC_SHIFT), tag;
	unsigned int i = cohort % TLC_OCC_SLOTS, st;

	tag = oc->tag[i];
	if (tag > cohort) {
		/* Older than this CPU's level 0 keeps. */
		tlc_occ_shared_add(sh, state, 1, cohort >> 1, delta);
		return;
	}
	if (tag < cohort) {
		/* The slot's cohort has aged out of level 0: one level up. */
		for (st = 0; st < TLC_NSTATES; st++) {
			if (!oc->count[st][i])
				continue;
			tlc_occ_shared_add(sh, st, 1, tag >> 1,
					   oc->count[st][i]);
			WRITE_ONCE(oc->count[st][i], 0);
		}
		WRITE_ONCE(oc->tag[i], cohort);
	}
	WRITE_ONCE(oc->count[state][i], oc->count[state][i] + delta);
}

/**
 * tlc_stats_occupy() - a tracked socket leaves a state, enters one, or both
 * @net: its namespace
 * @from: the state it leaves, or -1
 * @from_ts: ktime_get_ns() when it entered @from
 * @to: the state it enters, or -1
 * @to_ts: ktime_get_ns() when it entered @to
 *
 * Called by the socket table as it changes, under the entry's bucket lock:
 * what the states file shows as now and oldest.
 *
 * Context: interrupts disabled.
 */
void tlc_stats_occupy(const struct net *net, int from, u64 from_ts, int to,
		      u64 to_ts)
{
	struct tlc_stats_net *sn = net_generic(net, tlc_stats_net_id);
	struct tlc_stats __percpu *pcpu = READ_ONCE(sn->stats);
	struct tlc_occ_cpu *oc;

	lockdep_assert_irqs_disabled();
	if (!pcpu)
		return;
	oc = &this_cpu_ptr(pcpu)->occ;
	if (tlc_state_valid(from))
		tlc_occ_add(oc, sn->occ, from, from_ts, -1);
	if (tlc_state_valid(to))
		tlc_occ_add(oc, sn->occ, to, to_ts, 1);
}

/* Counts by cohort, each at the lowest level that keeps it as of a read. */
struct tlc_occ_bins {
	s64 bin[TLC_OCC_LEVELS][TLC_OCC_SLOTS];
	s64 overflow;
};

/* Add @n of @cohort of @level to @b: where a read at @now keeps it. */
static void tlc_occ_bin_add(struct tlc_occ_bins *b, u64 now,
			    unsigned int level, u32 cohort, s64 n)
{
	u32 cur = (u32)(now >> TLC_OCC_SHIFT) >> level;

	for (; level < TLC_OCC_LEVELS; level++, cohort >>= 1, cur >>= 1) {
		if (cohort + TLC_OCC_SLOTS > cur) {
			b->bin[level][cohort % TLC_OCC_SLOTS] += n;
			return;
		}
	}
	b->overflow += n;
}

/* The oldest cohort that holds a socket: its start's age at @now. */
static u64 tlc_occ_oldest(const struct tlc_occ_bins *b, u64 now)
{
	s64 level, j, cur, c;

	for (level = TLC_OCC_LEVELS - 1; level >= 0; level--) {
		cur = (now >> TLC_OCC_SHIFT) >> level;
		for (j = TLC_OCC_SLOTS - 1; j >= 0; j--) {
			c = cur - j;
			if (c < 0)
				continue;
			/* Beyond the top level: as old as it keeps. */
			if (b->bin[level][c % TLC_OCC_SLOTS] > 0 ||
			    (level == TLC_OCC_LEVELS - 1 && b->overflow > 0))
				return now - min_t(u64, now,
						   (u64)c << (TLC_OCC_SHIFT +
							      level));
		}
	}
	return 0;
}

/**
 * tlc_stats_occupancy() - a namespace's tracked sockets per state
 * @net: the namespace
 * @now: ktime_get_ns() of the read
 * @count: filled, TLC_NSTATES entries: sockets in each state
 * @oldest: filled, TLC_NSTATES entries: the age at @now of the oldest
 *	cohort holding a socket in the state (0 if none): at least how long
 *	the oldest has been in it, at most 2^28 ns or 2/15 of that more
 *	(Documentation/tcp_lifecycle.rst, "states")
 *
 * O(possible CPUs), whatever the table's size.
 *
 * Context: process context; may sleep.
 *
 * Return: 0, or -ENOMEM (out of memory, or the namespace is going away).
 */
int tlc_stats_occupancy(const struct net *net, u64 now, u64 *count,
			u64 *oldest)
{
	struct tlc_stats_net *sn = net_generic(net, tlc_stats_net_id);
	struct tlc_stats __percpu *pcpu = tlc_stats_of(net);
	struct tlc_occ_bins *b;
	unsigned int level, i;
	int cpu, state;
	s64 total, v;

	if (!pcpu)
		return -ENOMEM;
	b = kmalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	for (state = 0; state < TLC_NSTATES; state++) {
		memset(b, 0, sizeof(*b));
		for_each_possible_cpu(cpu) {
			const struct tlc_occ_cpu *oc = &per_cpu_ptr(pcpu, cpu)->occ;

			for (i = 0; i < TLC_OCC_SLOTS; i++) {
				v = READ_ONCE(oc->count[state][i]);
				if (v)
					tlc_occ_bin_add(b, now, 0,
							READ_ONCE(oc->tag[i]), v);
			}
		}
		for (level = 1; level < TLC_OCC_LEVELS; level++) {
			for (i = 0; i < TLC_OCC_SLOTS; i++) {
				v = atomic64_read(&sn->occ->slot[level - 1]
							       [state][i]);
				if ((s32)(u32)v)
					tlc_occ_bin_add(b, now, level,
							(u64)v >> 32,
							(s32)(u32)v);
			}
		}
		b->overflow += atomic_read(&sn->occ->overflow[state]);
		total = b->overflow;
		for (level = 0; level < TLC_OCC_LEVELS; level++)
			for (i = 0; i < TLC_OCC_SLOTS; i++)
				total += b->bin[level][i];
		/* Others' changes in flight can make a sum negative. */
		count[state] = max_t(s64, total, 0);
		oldest[state] = total > 0 ? tlc_occ_oldest(b, now) : 0;
	}
	kfree(b);
	return 0;
}
