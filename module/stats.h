/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per network namespace, per-CPU statistics: the transition matrix, per-state
 * entry/exit counts and log2 dwell-time histograms.
 */
#ifndef _TLC_STATS_H
#define _TLC_STATS_H

#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/types.h>
#include <net/tcp_states.h>

#include "compat.h"

struct net;

/* Index of every per-state array: the kernel's TCP state number, 0 unused. */
#define TLC_NSTATES		(TCP_NEW_SYN_RECV + 1)
#define TLC_FIRST_STATE		TCP_ESTABLISHED

/* Bucket N holds dwells d with 2^N <= d < 2^(N + 1) ns; the last is open. */
#define TLC_HIST_BUCKETS	48

/* Version of the /proc file formats (Documentation/tcp_lifecycle.rst). */
#define TLC_FORMAT_VERSION	1
/* The keepalive file's: 2 has no idle histograms (keepalive_idle has). */
#define TLC_KEEPALIVE_VERSION	2

/*
 * Jiffies to ns without jiffies_to_nsecs(), which goes through 32-bit
 * microseconds and wraps after ~71 minutes (keepalive_time is 2 hours).
 */
static inline u64 tlc_jiffies_ns(unsigned long j)
{
	return jiffies64_to_nsecs(j);
}

static inline bool tlc_state_valid(int state)
{
	return state >= TLC_FIRST_STATE && state < TLC_NSTATES;
}

/*
 * Occupancy: how many tracked sockets of a namespace are in each state and
 * since when the oldest of them, kept as the table changes (stats_occ.c), so
 * that reading it costs the same at any table size.  A socket counts in the
 * cohort of the time it entered its state: cohorts of level 0 are 2^28 ns
 * (268 ms) wide, each level's twice the one below; every level keeps its
 * TLC_OCC_SLOTS newest cohorts, an older one is folded into the level
 * above.  Level 0 is per CPU (a state change is counted where it happens),
 * the levels above are the namespace's, shared: they change only when a
 * cohort ages out of level 0 or a socket leaves a state it entered more
 * than TLC_OCC_SLOTS cohorts (4 s) ago.
 */
#define TLC_OCC_SHIFT		28
#define TLC_OCC_SLOTS		16
#define TLC_OCC_LEVELS		21	/* 0 per CPU; the top keeps 2^52 ns */

/* One CPU's level 0: cohort numbers (time >> TLC_OCC_SHIFT) and counts. */
struct tlc_occ_cpu {
	u32 tag[TLC_OCC_SLOTS];
	s32 count[TLC_NSTATES][TLC_OCC_SLOTS];
};

/*
 * The shared levels 1.. of a namespace: each slot its cohort number (high
 * half) and count (low half, s32), changed together; then the sockets
 * older than the top level keeps.
 */
struct tlc_occ_shared {
	atomic64_t slot[TLC_OCC_LEVELS - 1][TLC_NSTATES][TLC_OCC_SLOTS];
	atomic_t overflow[TLC_NSTATES];
};

struct tlc_dwell {
	u64 count;
	u64 sum;
	u64 min;
	u64 max;
	u64 bucket[TLC_HIST_BUCKETS];
};

/* Why a connection ended (Documentation/tcp_lifecycle.rst, "reasons"). */
enum tlc_reason {
	TLC_R_ORDERLY_ACTIVE,
	TLC_R_ORDERLY_PASSIVE,
	TLC_R_RST_RECEIVED,
	TLC_R_RST_SENT_LINGER0,
	TLC_R_RST_SENT_UNREAD,
	TLC_R_RST_SENT_OTHER,
	TLC_R_RETRANS_TIMEOUT,
	TLC_R_KEEPALIVE_TIMEOUT,
	TLC_R_SYN_TIMEOUT,
	TLC_R_REFUSED,
	TLC_R_FIN_WAIT2_TIMEOUT,
	TLC_R_NETNS,
	TLC_R_OTHER,
	TLC_R_RST_SENT_DATA,
	TLC_R_ABORTED,
	TLC_NREASONS,
};

/* Event counters of the "counters" file, in its order. */
enum tlc_counter {
	TLC_C_UNTRACKED,
	TLC_C_PORT_EXHAUSTED,
	TLC_C_TW_EXPIRED,
	TLC_C_TW_REUSED_CONNECT,
	TLC_C_TW_REUSED_SYN,
	TLC_C_TW_RST,
	TLC_C_TW_RST_SENT,
	TLC_C_TW_NETNS,
	TLC_C_TW_OTHER,
	TLC_C_REQ_CREATED,
	TLC_C_REQ_SYNACK_RTX,
	TLC_C_REQ_COMPLETED,
	TLC_C_REQ_TIMEOUT,
	TLC_C_REQ_RST,
	TLC_C_REQ_LISTENER_CLOSED,
	TLC_C_REQ_NETNS,
	TLC_C_REQ_OTHER,
	TLC_C_REQ_UNTRACKED,
	TLC_C_PASSIVE_REQSK,
	TLC_C_PASSIVE_SYNCOOKIE,
	TLC_C_PASSIVE_FASTOPEN,
	TLC_NCOUNTERS,
};

/* Keepalive timer runs, by what they did; then probe outcomes. */
enum tlc_ka {
	TLC_KA_FIRES,
	TLC_KA_PROBE_SENT,
	TLC_KA_NOT_DUE,
	TLC_KA_IN_FLIGHT,
	TLC_KA_FIN_WAIT2,
	TLC_KA_KILLED,
	TLC_KA_OTHER,
	TLC_KA_PROBES,
	TLC_KA_ANSWERED,
	TLC_NKA,
};

/* How a dead peer was found: time from its last segment to the abort. */
enum tlc_detect {
	TLC_DETECT_KEEPALIVE,
	TLC_DETECT_RETRANS,
	TLC_DETECT_SYN,
	TLC_NDETECT,
};

/*
 * Tracked ESTABLISHED full sockets by their SOCK_KEEPOPEN, kept as the
 * table changes (tlc_stats_keepopen()): per CPU, the changes made there;
 * only their sum over CPUs is a count.
 */
enum tlc_keepopen {
	TLC_KEEPOPEN_OFF,
	TLC_KEEPOPEN_ON,
	TLC_NKEEPOPEN,
};

/*
 * One CPU's share of a namespace's statistics.  Only that CPU writes it, with
 * interrupts off; readers sum all CPUs and tolerate a slightly stale view.
 * raw[][] counts state changes as the kernel makes them (as the
 * sock:inet_sock_set_state tracepoint sees them); everything else follows
 * a connection's life, TIME_WAIT and NEW_SYN_RECV included; rst[] counts
 * the resets sent, by the kernel's reason (enum sk_rst_reason); occ and
 * keepopen[] what the tracked sockets are now (stats_occ.c, stats.c).
 */
struct tlc_stats {
	u64 raw[TLC_NSTATES][TLC_NSTATES];
	u64 life[TLC_NSTATES][TLC_NSTATES];
	u64 entered[TLC_NSTATES];
	u64 exited[TLC_NSTATES];
	u64 untimed[TLC_NSTATES];
	struct tlc_dwell dwell[TLC_NSTATES];
	struct tlc_dwell lifetime[TLC_NREASONS];
	u64 lifetime_unknown[TLC_NREASONS];
	u64 ctr[TLC_NCOUNTERS];
	u64 ka[TLC_NKA];
	struct tlc_dwell detect[TLC_NDETECT];
	u64 rst[TLC_NRST_REASONS];
	struct tlc_occ_cpu occ;
	s64 keepopen[TLC_NKEEPOPEN];
};

/*
 * A namespace's slot (net_generic()) for its statistics: netns.c registers
 * it (pernet_operations .id and .size), only stats.c reads or writes it.
 */
struct tlc_stats_net {
	struct tlc_stats __percpu *stats;	/* seen by handlers, or NULL */
	struct tlc_stats __percpu *owned;	/* from alloc until free */
	struct tlc_occ_shared *occ;		/* from alloc until free */
};

extern unsigned int tlc_stats_net_id;

const char *tlc_state_name(int state);
const char *tlc_reason_name(int reason);
const char *tlc_counter_name(int counter);
const char *tlc_rst_reason_name(int reason);

struct tlc_stats __percpu *tlc_stats_of(const struct net *net);
void tlc_stats_move(struct tlc_stats *s, int from, int to, bool timed,
		    u64 dwell);
void tlc_stats_birth(struct tlc_stats *s, int from, int to);
void tlc_stats_end(struct tlc_stats *s, int reason, u64 birth_ts, u64 now);
void tlc_stats_detect(struct tlc_stats *s, int how, u64 ns);
const char *tlc_ka_name(int ka);
const char *tlc_detect_name(int how);
void tlc_dwell_add(struct tlc_dwell *d, u64 ns);
struct tlc_stats *tlc_stats_sum(const struct net *net);
void tlc_stats_occupy(const struct net *net, int from, u64 from_ts, int to,
		      u64 to_ts);
int tlc_stats_occupancy(const struct net *net, u64 now, u64 *count,
			u64 *oldest);
void tlc_stats_keepopen(const struct net *net, int from, int to);

int tlc_stats_net_alloc(struct net *net);
void tlc_stats_net_publish(struct net *net);
void tlc_stats_net_unpublish(struct net *net);
void tlc_stats_net_free(struct net *net);

#endif /* _TLC_STATS_H */
