/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per network namespace, per-CPU statistics: the transition matrix, per-state
 * entry/exit counts and log2 dwell-time histograms.
 */
#ifndef _TLC_STATS_H
#define _TLC_STATS_H

#include <linux/types.h>
#include <net/tcp_states.h>

struct net;

/* Index of every per-state array: the kernel's TCP state number, 0 unused. */
#define TLC_NSTATES		(TCP_NEW_SYN_RECV + 1)
#define TLC_FIRST_STATE		TCP_ESTABLISHED

/* Bucket N holds dwells d with 2^N <= d < 2^(N + 1) ns; the last is open. */
#define TLC_HIST_BUCKETS	48

/* Version of the /proc file formats (Documentation/tcp_lifecycle.rst). */
#define TLC_FORMAT_VERSION	1

static inline bool tlc_state_valid(int state)
{
	return state >= TLC_FIRST_STATE && state < TLC_NSTATES;
}

struct tlc_dwell {
	u64 count;
	u64 sum;
	u64 min;
	u64 max;
	u64 bucket[TLC_HIST_BUCKETS];
};

/*
 * One CPU's share of a namespace's statistics.  Only that CPU writes it, with
 * interrupts off; readers sum all CPUs and tolerate a slightly stale view.
 */
struct tlc_stats {
	u64 trans[TLC_NSTATES][TLC_NSTATES];
	u64 entered[TLC_NSTATES];
	u64 exited[TLC_NSTATES];
	u64 untimed[TLC_NSTATES];
	struct tlc_dwell dwell[TLC_NSTATES];
	u64 untracked;
};

/**
 * struct tlc_event - what the tracking table made of one state change
 * @dwell: time spent in the old state, valid when @timed
 * @timed: the old state's entry time was known
 * @birth: the socket started a new life (left CLOSE, or is a new child)
 * @untracked: a birth found the table full
 */
struct tlc_event {
	u64 dwell;
	bool timed;
	bool birth;
	bool untracked;
};

const char *tlc_state_name(int state);

struct tlc_stats __percpu *tlc_stats_of(const struct net *net);
void tlc_stats_record(struct tlc_stats *s, int oldstate, int newstate,
		      const struct tlc_event *ev);
struct tlc_stats *tlc_stats_sum(const struct net *net);
int tlc_stats_nets_failed(void);

int tlc_stats_init(void);
void tlc_stats_exit(void);

#endif /* _TLC_STATS_H */
