// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace statistics.
 *
 * Every namespace gets a per-CPU struct tlc_stats in its slot (struct
 * tlc_stats_net), which netns.c allocates, publishes, unpublishes and frees
 * in the namespace's life.  Probe handlers find it with tlc_stats_of() and
 * update their own CPU's copy with interrupts disabled, so no atomics or
 * shared cache lines are needed on the hot path.  Readers add up all CPUs.
 * What the tracked sockets are now, per state, is stats_occ.c's.
 */

#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "stats.h"

unsigned int tlc_stats_net_id __read_mostly;

static const char * const tlc_state_names[TLC_NSTATES] = {
	[TCP_ESTABLISHED]	= "ESTABLISHED",
	[TCP_SYN_SENT]		= "SYN_SENT",
	[TCP_SYN_RECV]		= "SYN_RECV",
	[TCP_FIN_WAIT1]		= "FIN_WAIT1",
	[TCP_FIN_WAIT2]		= "FIN_WAIT2",
	[TCP_TIME_WAIT]		= "TIME_WAIT",
	[TCP_CLOSE]		= "CLOSE",
	[TCP_CLOSE_WAIT]	= "CLOSE_WAIT",
	[TCP_LAST_ACK]		= "LAST_ACK",
	[TCP_LISTEN]		= "LISTEN",
	[TCP_CLOSING]		= "CLOSING",
	[TCP_NEW_SYN_RECV]	= "NEW_SYN_RECV",
};

static const char * const tlc_reason_names[TLC_NREASONS] = {
	[TLC_R_ORDERLY_ACTIVE]		= "orderly_active",
	[TLC_R_ORDERLY_PASSIVE]		= "orderly_passive",
	[TLC_R_RST_RECEIVED]		= "rst_received",
	[TLC_R_RST_SENT_LINGER0]	= "rst_sent_linger0",
	[TLC_R_RST_SENT_UNREAD]		= "rst_sent_unread",
	[TLC_R_RST_SENT_OTHER]		= "rst_sent_other",
	[TLC_R_RETRANS_TIMEOUT]		= "retrans_timeout",
	[TLC_R_KEEPALIVE_TIMEOUT]	= "keepalive_timeout",
	[TLC_R_SYN_TIMEOUT]		= "syn_timeout",
	[TLC_R_REFUSED]			= "refused",
	[TLC_R_FIN_WAIT2_TIMEOUT]	= "fin_wait2_timeout",
	[TLC_R_NETNS]			= "netns_teardown",
	[TLC_R_OTHER]			= "other",
	[TLC_R_RST_SENT_DATA]		= "rst_sent_data",
	[TLC_R_ABORTED]			= "aborted",
};

static const char * const tlc_counter_names[TLC_NCOUNTERS] = {
	[TLC_C_UNTRACKED]		= "untracked",
	[TLC_C_PORT_EXHAUSTED]		= "port_exhausted",
	[TLC_C_TW_EXPIRED]		= "timewait_expired",
	[TLC_C_TW_REUSED_CONNECT]	= "timewait_reused_connect",
	[TLC_C_TW_REUSED_SYN]		= "timewait_reused_syn",
	[TLC_C_TW_RST]			= "timewait_killed_rst",
	[TLC_C_TW_RST_SENT]		= "timewait_rst_sent",
	[TLC_C_TW_NETNS]		= "timewait_netns",
	[TLC_C_TW_OTHER]		= "timewait_other",
	[TLC_C_REQ_CREATED]		= "synrecv_created",
	[TLC_C_REQ_SYNACK_RTX]		= "synrecv_synack_retrans",
	[TLC_C_REQ_COMPLETED]		= "synrecv_completed",
	[TLC_C_REQ_TIMEOUT]		= "synrecv_timeout",
	[TLC_C_REQ_RST]			= "synrecv_rst",
	[TLC_C_REQ_LISTENER_CLOSED]	= "synrecv_listener_closed",
	[TLC_C_REQ_NETNS]		= "synrecv_netns",
	[TLC_C_REQ_OTHER]		= "synrecv_dropped_other",
	[TLC_C_REQ_UNTRACKED]		= "synrecv_untracked",
	[TLC_C_PASSIVE_REQSK]		= "passive_children_reqsk",
	[TLC_C_PASSIVE_SYNCOOKIE]	= "passive_children_syncookie",
	[TLC_C_PASSIVE_FASTOPEN]	= "passive_children_fastopen",
};

static const char * const tlc_ka_names[TLC_NKA] = {
	[TLC_KA_FIRES]		= "timer_runs",
	[TLC_KA_PROBE_SENT]	= "timer_sent_probe",
	[TLC_KA_NOT_DUE]	= "timer_not_due",
	[TLC_KA_IN_FLIGHT]	= "timer_data_in_flight",
	[TLC_KA_FIN_WAIT2]	= "timer_fin_wait2",
	[TLC_KA_KILLED]		= "timer_killed",
	[TLC_KA_OTHER]		= "timer_other",
	[TLC_KA_PROBES]		= "probes_sent",
	[TLC_KA_ANSWERED]	= "probes_answered",
};

static const char * const tlc_detect_names[TLC_NDETECT] = {
	[TLC_DETECT_KEEPALIVE]	= "keepalive",
	[TLC_DETECT_RETRANS]	= "retrans",
	[TLC_DETECT_SYN]	= "syn",
};

const char *tlc_ka_name(int ka)
{
	return ka >= 0 && ka < TLC_NKA ? tlc_ka_names[ka] : "unknown";
}

const char *tlc_detect_name(int how)
{
	return how >= 0 && how < TLC_NDETECT ? tlc_detect_names[how] :
					      "unknown";
}

#ifdef TLC_HAVE_RST_REASON
/* The kernel's own list of its reasons, as the tracepoint prints them. */
#define TLC_RST_NAME(r)		{ SK_RST_REASON_##r, #r },
#define TLC_RST_NAME_END(r)
static const struct {
	int reason;
	const char *name;
} tlc_rst_reason_names[] = {
	DEFINE_RST_REASON(TLC_RST_NAME, TLC_RST_NAME_END)
};

#undef TLC_RST_NAME
#undef TLC_RST_NAME_END
#endif

/**
 * tlc_rst_reason_name() - the kernel's name of a reset reason
 * @reason: enum sk_rst_reason
 *
 * Return: its name as the kernel spells it, without SK_RST_REASON_ and in
 * upper case, or NULL for a reason this kernel does not have.
 */
const char *tlc_rst_reason_name(int reason)
{
#ifdef TLC_HAVE_RST_REASON
	int i;

	for (i = 0; i < ARRAY_SIZE(tlc_rst_reason_names); i++)
		if (tlc_rst_reason_names[i].reason == reason)
			return tlc_rst_reason_names[i].name;
#endif
	return NULL;
}

const char *tlc_reason_name(int reason)
{
	return reason >= 0 && reason < TLC_NREASONS ?
	       tlc_reason_names[reason] : "unknown";
}

const char *tlc_counter_name(int counter)
{
	return counter >= 0 && counter < TLC_NCOUNTERS ?
	       tlc_counter_names[counter] : "unknown";
}

/**
 * tlc_state_name() - the name of a TCP state, as used in every file format
 * @state: kernel TCP state number
 *
 * Return: the name, or "UNKNOWN" for a number outside the known states.
 */
const char *tlc_state_name(int state)
{
	return tlc_state_valid(state) ? tlc_state_names[state] : "UNKNOWN";
}

/**
 * tlc_stats_of() - the per-CPU statistics of a network namespace
 * @net: the namespace
 *
 * Callable from probe handlers (preemption disabled).
 *
 * Return: the statistics, or NULL while the namespace is being set up or torn
 * down.
 */
struct tlc_stats __percpu *tlc_stats_of(const struct net *net)
{
	struct tlc_stats_net *sn = net_generic(net, tlc_stats_net_id);

	return READ_ONCE(sn->stats);
}

static unsigned int tlc_bucket_of(u64 ns)
{
	unsigned int b = ns ? ilog2(ns) : 0;

	return min_t(unsigned int, b, TLC_HIST_BUCKETS - 1);
}

/**
 * tlc_dwell_add() - add one duration to a log2 histogram
 * @d: the histogram
 * @ns: the duration
 */
void tlc_dwell_add(struct tlc_dwell *d, u64 ns)
{
	if (!d->count || ns < d->min)
		d->min = ns;
	if (ns > d->max)
		d->max = ns;
	d->count++;
	d->sum += ns;
	d->bucket[tlc_bucket_of(ns)]++;
}

/**
 * tlc_stats_move() - a socket moves from one state of its life to another
 * @s: this CPU's statistics of the socket's namespace
 * @from: the state it leaves
 * @to: the state it enters
 * @timed: @dwell is known
 * @dwell: ns spent in @from
 *
 * Dwell in CLOSE (a socket that is not a connection) is not measured.
 *
 * Context: interrupts disabled.
 */
void tlc_stats_move(struct tlc_stats *s, int from, int to, bool timed,
		    u64 dwell)
{
	lockdep_assert_irqs_disabled();
	s->life[from][to]++;
	s->entered[to]++;
	s->exited[from]++;
	if (from == TCP_CLOSE)
		return;
	if (timed)
		tlc_dwell_add(&s->dwell[from], dwell);
	else
		s->untimed[from]++;
}

/**
 * tlc_stats_birth() - a socket is created in state @to by a @from socket
 * @s: this CPU's statistics of the socket's namespace
 * @from: the listener's state (a child never was in it)
 * @to: the new socket's first state
 *
 * Context: interrupts disabled.
 */
void tlc_stats_birth(struct tlc_stats *s, int from, int to)
{
	lockdep_assert_irqs_disabled();
	s->life[from][to]++;
	s->entered[to]++;
}

/**
 * tlc_stats_end() - a connection ended
 * @s: this CPU's statistics of its namespace
 * @reason: enum tlc_reason
 * @birth_ts: ktime_get_ns() of its birth, 0 if unknown
 * @now: ktime_get_ns() of its end
 *
 * Context: interrupts disabled.
 */
void tlc_stats_end(struct tlc_stats *s, int reason, u64 birth_ts, u64 now)
{
	lockdep_assert_irqs_disabled();
	if (birth_ts && now >= birth_ts)
		tlc_dwell_add(&s->lifetime[reason], now - birth_ts);
	else
		s->lifetime_unknown[reason]++;
}

/**
 * tlc_stats_detect() - a dead peer was found
 * @s: this CPU's statistics of the connection's namespace
 * @how: enum tlc_detect
 * @ns: time from the peer's last segment (or the first SYN) to the abort
 *
 * Context: interrupts disabled.
 */
void tlc_stats_detect(struct tlc_stats *s, int how, u64 ns)
{
	lockdep_assert_irqs_disabled();
	tlc_dwell_add(&s->detect[how], ns);
}

static void tlc_dwell_merge(struct tlc_dwell *to, const struct tlc_dwell *from)
{
	unsigned int i;

	if (!from->count)
		return;
	if (!to->count || from->min < to->min)
		to->min = from->min;
	if (from->max > to->max)
		to->max = from->max;
	to->count += from->count;
	to->sum += from->sum;
	for (i = 0; i < TLC_HIST_BUCKETS; i++)
		to->bucket[i] += from->bucket[i];
}

/**
 * tlc_stats_sum() - add up a namespace's statistics over all CPUs
 * @net: the namespace
 *
 * Context: process context; may sleep.
 *
 * Return: a snapshot the caller kvfree()s (some 15 KiB: vmalloc'ed when no
 * order-2 page is free), or NULL (out of memory, or the namespace is going
 * away).
 */
struct tlc_stats *tlc_stats_sum(const struct net *net)
{
	struct tlc_stats __percpu *pcpu = tlc_stats_of(net);
	struct tlc_stats *sum;
	int cpu, i, j;

	if (!pcpu)
		return NULL;
	sum = kvzalloc(sizeof(*sum), GFP_KERNEL);
	if (!sum)
		return NULL;
	for_each_possible_cpu(cpu) {
		const struct tlc_stats *s = per_cpu_ptr(pcpu, cpu);

		for (i = 0; i < TLC_NSTATES; i++) {
			for (j = 0; j < TLC_NSTATES; j++) {
				sum->raw[i][j] += READ_ONCE(s->raw[i][j]);
				sum->life[i][j] += READ_ONCE(s->life[i][j]);
			}
			sum->entered[i] += READ_ONCE(s->entered[i]);
			sum->exited[i] += READ_ONCE(s->exited[i]);
			sum->untimed[i] += READ_ONCE(s->untimed[i]);
			tlc_dwell_merge(&sum->dwell[i], &s->dwell[i]);
		}
		for (i = 0; i < TLC_NREASONS; i++) {
			tlc_dwell_merge(&sum->lifetime[i], &s->lifetime[i]);
			sum->lifetime_unknown[i] +=
				READ_ONCE(s->lifetime_unknown[i]);
		}
		for (i = 0; i < TLC_NCOUNTERS; i++)
			sum->ctr[i] += READ_ONCE(s->ctr[i]);
		for (i = 0; i < TLC_NKA; i++)
			sum->ka[i] += READ_ONCE(s->ka[i]);
		for (i = 0; i < TLC_NDETECT; i++)
			tlc_dwell_merge(&sum->detect[i], &s->detect[i]);
		for (i = 0; i < TLC_NRST_REASONS; i++)
			sum->rst[i] += READ_ONCE(s->rst[i]);
		for (i = 0; i < TLC_NKEEPOPEN; i++)
			sum->keepopen[i] += READ_ONCE(s->keepopen[i]);
	}
	/* A change counted on one CPU, undone on another: not read yet. */
	for (i = 0; i < TLC_NKEEPOPEN; i++)
		sum->keepopen[i] = max_t(s64, sum->keepopen[i], 0);
	return sum;
}

/**
 * tlc_stats_keepopen() - a tracked ESTABLISHED socket's SOCK_KEEPOPEN side
 * @net: its namespace
 * @from: the side (enum tlc_keepopen) it leaves, or -1
 * @to: the side it enters, or -1
 *
 * Called by the socket table as it changes, under the entry's bucket lock:
 * what the keepalive file shows as established_keepalive_on and _off.
 * Each CPU keeps the changes made there, summed at read.
 *
 * Context: interrupts disabled.
 */
void tlc_stats_keepopen(const struct net *net, int from, int to)
{
	struct tlc_stats __percpu *pcpu = tlc_stats_of(net);
	struct tlc_stats *s;

	lockdep_assert_irqs_disabled();
	if (!pcpu)
		return;
	s = this_cpu_ptr(pcpu);
	if (from >= 0 && from < TLC_NKEEPOPEN)
		WRITE_ONCE(s->keepopen[from], s->keepopen[from] - 1);
	if (to >= 0 && to < TLC_NKEEPOPEN)
		WRITE_ONCE(s->keepopen[to], s->keepopen[to] + 1);
}

/**
 * tlc_stats_net_alloc() - allocate a namespace's statistics, unpublished
 * @net: the namespace
 *
 * Context: process context; may sleep.
 *
 * Return: 0 or -ENOMEM.
 */
int tlc_stats_net_alloc(struct net *net)
{
	struct tlc_stats_net *sn = net_generic(net, tlc_stats_net_id);

	/* Charged to the namespace's creator: any user can make namespaces. */
	sn->owned = alloc_percpu_gfp(struct tlc_stats, GFP_KERNEL_ACCOUNT);
	if (!sn->owned)
		return -ENOMEM;
	sn->occ = kvzalloc(sizeof(*sn->occ), GFP_KERNEL_ACCOUNT);
	if (!sn->occ) {
		free_percpu(sn->owned);
		sn->owned = NULL;
		return -ENOMEM;
	}
	return 0;
}

/**
 * tlc_stats_net_publish() - let tlc_stats_of() return the statistics
 * @net: the namespace, after tlc_stats_net_alloc() succeeded
 */
void tlc_stats_net_publish(struct net *net)
{
	struct tlc_stats_net *sn = net_generic(net, tlc_stats_net_id);

	WRITE_ONCE(sn->stats, sn->owned);
}

/**
 * tlc_stats_net_unpublish() - make tlc_stats_of() return NULL again
 * @net: the namespace
 *
 * Handlers that found the statistics may still update them until an RCU
 * grace period has passed (they run with preemption off).
 */
void tlc_stats_net_unpublish(struct net *net)
{
	struct tlc_stats_net *sn = net_generic(net, tlc_stats_net_id);

	WRITE_ONCE(sn->stats, NULL);
}

/**
 * tlc_stats_net_free() - free a namespace's statistics
 * @net: the namespace, unpublished for an RCU grace period (or never)
 */
void tlc_stats_net_free(struct net *net)
{
	struct tlc_stats_net *sn = net_generic(net, tlc_stats_net_id);

	free_percpu(sn->owned);
	sn->owned = NULL;
	kvfree(sn->occ);
	sn->occ = NULL;
}
