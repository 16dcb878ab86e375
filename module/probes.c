// SPDX-License-Identifier: GPL-2.0
/*
 * Probes on the kernel's TCP state changes.
 *
 * Every TCP state change goes through one of two functions, both of which
 * also fire the sock:inet_sock_set_state tracepoint:
 *  - inet_sk_state_store(): tcp_set_state() (most changes) and
 *    inet_csk_listen_start() (CLOSE -> LISTEN);
 *  - inet_sk_set_state(): inet_csk_clone_lock() (a child born in SYN_RECV)
 *    and the listen/hash failure paths.
 * A probe at their entry sees the socket still in its old state, and the new
 * state as the second argument.  Probes are ftrace-based at function entry
 * (KPROBES_ON_FTRACE), so the cost is an indirect call, not a trap.
 */

#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>
#include <net/inet_sock.h>
#include <net/sock.h>

#include "compat.h"
#include "probes.h"
#include "stats.h"
#include "track.h"

enum tlc_probe_id {
	TLC_PROBE_STATE_STORE,
	TLC_PROBE_SET_STATE,
	TLC_NPROBES,
};

struct tlc_probe {
	struct kprobe kp;
	bool armed;
};

struct tlc_probe_counts {
	u64 hits[TLC_NPROBES];
	u64 bad_state;
};

static DEFINE_PER_CPU(struct tlc_probe_counts, tlc_probe_counts);

static bool tlc_sk_is_tcp(const struct sock *sk)
{
	return sk->sk_protocol == IPPROTO_TCP && sk->sk_type == SOCK_STREAM &&
	       (sk->sk_family == AF_INET || sk->sk_family == AF_INET6);
}

static void tlc_state_change(struct sock *sk, int newstate)
{
	struct tlc_stats __percpu *pcpu;
	struct tlc_event ev;
	unsigned long flags;
	int oldstate;

	if (!tlc_sk_is_tcp(sk))
		return;
	oldstate = READ_ONCE(sk->sk_state);
	if (!tlc_state_valid(oldstate) || !tlc_state_valid(newstate)) {
		this_cpu_inc(tlc_probe_counts.bad_state);
		return;
	}
	pcpu = tlc_stats_of(sock_net(sk));
	if (!pcpu)
		return;

	local_irq_save(flags);
	tlc_track_change(sk, sock_net(sk), oldstate, newstate, ktime_get_ns(),
			 &ev);
	tlc_stats_record(this_cpu_ptr(pcpu), oldstate, newstate, &ev);
	local_irq_restore(flags);
}

/* inet_sk_state_store(struct sock *sk, int newstate) */
static int tlc_state_store_pre(struct kprobe *p, struct pt_regs *regs)
{
	this_cpu_inc(tlc_probe_counts.hits[TLC_PROBE_STATE_STORE]);
	tlc_state_change((struct sock *)tlc_kprobe_arg(regs, 0),
			 (int)tlc_kprobe_arg(regs, 1));
	return 0;
}

/* inet_sk_set_state(struct sock *sk, int state) */
static int tlc_set_state_pre(struct kprobe *p, struct pt_regs *regs)
{
	this_cpu_inc(tlc_probe_counts.hits[TLC_PROBE_SET_STATE]);
	tlc_state_change((struct sock *)tlc_kprobe_arg(regs, 0),
			 (int)tlc_kprobe_arg(regs, 1));
	return 0;
}

static struct tlc_probe tlc_probes[TLC_NPROBES] = {
	[TLC_PROBE_STATE_STORE] = {
		.kp = {
			.symbol_name	= "inet_sk_state_store",
			.pre_handler	= tlc_state_store_pre,
		},
	},
	[TLC_PROBE_SET_STATE] = {
		.kp = {
			.symbol_name	= "inet_sk_set_state",
			.pre_handler	= tlc_set_state_pre,
		},
	},
};

static u64 tlc_sum_hits(int id)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(tlc_probe_counts, cpu).hits[id];
	return sum;
}

/**
 * tlc_probes_show() - print each probe's state, for the debugfs status file
 * @m: the seq_file
 */
void tlc_probes_show(struct seq_file *m)
{
	u64 bad = 0;
	int i, cpu;

	for (i = 0; i < TLC_NPROBES; i++)
		seq_printf(m, "probe %s %s hits %llu missed %lu\n",
			   tlc_probes[i].kp.symbol_name,
			   tlc_probes[i].armed ? "armed" : "unavailable",
			   tlc_sum_hits(i), tlc_probes[i].kp.nmissed);
	for_each_possible_cpu(cpu)
		bad += per_cpu(tlc_probe_counts, cpu).bad_state;
	seq_printf(m, "bad_state %llu\n", bad);
}

/**
 * tlc_probes_init() - arm every probe
 *
 * Both state-change probes are needed for exact counts: if either cannot be
 * armed, none stays armed and loading fails.
 *
 * Return: 0, or the error of the probe that failed.
 */
int tlc_probes_init(void)
{
	int i, err;

	for (i = 0; i < TLC_NPROBES; i++) {
		err = register_kprobe(&tlc_probes[i].kp);
		if (err) {
			pr_err("cannot probe %s: %d\n",
			       tlc_probes[i].kp.symbol_name, err);
			goto err_unregister;
		}
		tlc_probes[i].armed = true;
	}
	return 0;

err_unregister:
	while (--i >= 0) {
		unregister_kprobe(&tlc_probes[i].kp);
		tlc_probes[i].armed = false;
	}
	return err;
}

/*
 * Disarms every probe and waits (one RCU grace period for the batch) until no
 * handler runs: afterwards none can touch our data.
 */
void tlc_probes_exit(void)
{
	struct kprobe *kps[TLC_NPROBES];
	int i, n = 0;

	for (i = TLC_NPROBES - 1; i >= 0; i--) {
		if (tlc_probes[i].armed)
			kps[n++] = &tlc_probes[i].kp;
		tlc_probes[i].armed = false;
	}
	unregister_kprobes(kps, n);
}
