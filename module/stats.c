// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace statistics.
 *
 * Every namespace gets a per-CPU struct tlc_stats through pernet_operations.
 * Probe handlers find it with tlc_stats_of() and update their own CPU's copy
 * with interrupts disabled, so no atomics or shared cache lines are needed on
 * the hot path.  Readers add up all CPUs.
 */

#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "stats.h"
#include "procfs.h"
#include "track.h"

struct tlc_net {
	struct tlc_stats __percpu *stats;	/* NULL outside init..pre_exit */
	struct tlc_stats __percpu *to_free;
};

static unsigned int tlc_net_id __read_mostly;

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
	struct tlc_net *tn = net_generic(net, tlc_net_id);

	return READ_ONCE(tn->stats);
}

static unsigned int tlc_bucket_of(u64 ns)
{
	unsigned int b = ns ? ilog2(ns) : 0;

	return min_t(unsigned int, b, TLC_HIST_BUCKETS - 1);
}

static void tlc_dwell_add(struct tlc_dwell *d, u64 ns)
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
 * tlc_stats_record() - account one TCP state change
 * @s: this CPU's statistics of the socket's namespace
 * @oldstate: state before the change
 * @newstate: state after the change
 * @ev: what the tracking table knew about the socket
 *
 * Context: interrupts disabled.
 */
void tlc_stats_record(struct tlc_stats *s, int oldstate, int newstate,
		      const struct tlc_event *ev)
{
	s->trans[oldstate][newstate]++;
	if (ev->untracked)
		s->untracked++;
	if (oldstate == newstate)
		return;
	s->entered[newstate]++;
	/* A new child socket never was in its listener's LISTEN state. */
	if (ev->birth && oldstate != TCP_CLOSE)
		return;
	s->exited[oldstate]++;
	if (oldstate == TCP_CLOSE)
		return;
	if (ev->timed)
		tlc_dwell_add(&s->dwell[oldstate], ev->dwell);
	else
		s->untimed[oldstate]++;
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
 * Return: a kmalloc'ed snapshot the caller kfree()s, or NULL (out of memory,
 * or the namespace is going away).
 */
struct tlc_stats *tlc_stats_sum(const struct net *net)
{
	struct tlc_stats __percpu *pcpu = tlc_stats_of(net);
	struct tlc_stats *sum;
	int cpu, i, j;

	if (!pcpu)
		return NULL;
	sum = kzalloc(sizeof(*sum), GFP_KERNEL);
	if (!sum)
		return NULL;
	for_each_possible_cpu(cpu) {
		const struct tlc_stats *s = per_cpu_ptr(pcpu, cpu);

		for (i = 0; i < TLC_NSTATES; i++) {
			for (j = 0; j < TLC_NSTATES; j++)
				sum->trans[i][j] += READ_ONCE(s->trans[i][j]);
			sum->entered[i] += READ_ONCE(s->entered[i]);
			sum->exited[i] += READ_ONCE(s->exited[i]);
			sum->untimed[i] += READ_ONCE(s->untimed[i]);
			tlc_dwell_merge(&sum->dwell[i], &s->dwell[i]);
		}
		sum->untracked += READ_ONCE(s->untracked);
	}
	return sum;
}

static atomic_t tlc_nets_failed = ATOMIC_INIT(0);

/**
 * tlc_stats_nets_failed() - namespaces left without statistics
 *
 * Return: how many namespaces could not get their statistics or /proc files
 * (out of memory); their TCP traffic is not counted.
 */
int tlc_stats_nets_failed(void)
{
	return atomic_read(&tlc_nets_failed);
}

/*
 * Never fails: a namespace must not fail to come up because of a statistics
 * module.  Without memory it is left uncounted, and that is counted.
 */
static int __net_init tlc_net_init(struct net *net)
{
	struct tlc_net *tn = net_generic(net, tlc_net_id);
	struct tlc_stats __percpu *stats;

	stats = alloc_percpu(struct tlc_stats);
	if (!stats)
		goto err;
	if (tlc_procfs_net_init(net)) {
		free_percpu(stats);
		goto err;
	}
	WRITE_ONCE(tn->stats, stats);
	return 0;
err:
	atomic_inc(&tlc_nets_failed);
	pr_warn_ratelimited("no memory for a network namespace's statistics; its TCP traffic is not counted\n");
	return 0;
}

/* Handlers stop seeing the statistics; pernet core waits an RCU grace period
 * (handlers run with preemption off) before calling tlc_net_exit().
 */
static void __net_exit tlc_net_pre_exit(struct net *net)
{
	struct tlc_net *tn = net_generic(net, tlc_net_id);

	if (!tn->stats)
		return;
	tlc_procfs_net_exit(net);
	tn->to_free = tn->stats;
	WRITE_ONCE(tn->stats, NULL);
}

static void __net_exit tlc_net_exit(struct net *net)
{
	struct tlc_net *tn = net_generic(net, tlc_net_id);

	tlc_track_purge_net(net);
	free_percpu(tn->to_free);
	tn->to_free = NULL;
}

static struct pernet_operations tlc_net_ops = {
	.init		= tlc_net_init,
	.pre_exit	= tlc_net_pre_exit,
	.exit		= tlc_net_exit,
	.id		= &tlc_net_id,
	.size		= sizeof(struct tlc_net),
};

int tlc_stats_init(void)
{
	return register_pernet_subsys(&tlc_net_ops);
}

void tlc_stats_exit(void)
{
	unregister_pernet_subsys(&tlc_net_ops);
}
