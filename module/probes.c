// SPDX-License-Identifier: GPL-2.0
/*
 * Probes on the kernel's TCP code.
 *
 * State changes: every one goes through inet_sk_state_store() (from
 * tcp_set_state(), and inet_csk_listen_start() for CLOSE -> LISTEN) or
 * inet_sk_set_state() (a child born in SYN_RECV in inet_csk_clone_lock(),
 * listen/hash failures), and both fire the sock:inet_sock_set_state
 * tracepoint, before the new state is stored.  The module attaches to that
 * tracepoint: a direct call, cheaper than a kprobe, and never dropped (a
 * kprobe hit inside another handler is).
 *
 * The other probes tell what the state changes alone cannot: the timewait
 * socket that takes over an actively closed connection and how it ends, the
 * request socket of a half-open handshake, why a connection closed, who owns
 * it.  Probes group into features; a feature whose hooks this kernel lacks
 * is unavailable as a whole, and says so.
 *
 * Entry probes are ftrace-based (KPROBES_ON_FTRACE): an indirect call, not a
 * trap.  Some facts are only known a little before the state change that
 * needs them; they are passed on in per-CPU markers.  The pairs run on one
 * CPU: both in the same softirq (which does not migrate), or under a lock or
 * with BHs disabled.
 *
 * Every handler runs in one of the framework's wrappers: they check
 * noop_handlers, count the hit and turn interrupts off (a softirq run on an
 * interrupt's exit would change another socket's state in the middle of
 * this one's, or reuse this CPU's markers).
 */

#include <linux/irqflags.h>
#include <linux/kprobes.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/tcp.h>
#include <net/tcp.h>
#include <linux/timer.h>
#include <linux/tracepoint.h>
#include <net/inet_connection_sock.h>
#include <net/inet_timewait_sock.h>
#include <net/net_namespace.h>
#include <net/request_sock.h>
#include <net/sock.h>

#include "compat.h"
#include "lifecycle.h"
#include "probes.h"

static const char * const tlc_feature_names[TLC_NFEATURES] = {
	[TLC_F_STATES]		= "states",
	[TLC_F_TIMEWAIT]	= "timewait",
	[TLC_F_SYNRECV]		= "synrecv",
	[TLC_F_REASONS]		= "reasons",
	[TLC_F_OWNER]		= "owner",
	[TLC_F_PORTS]		= "ports",
};

/*
 * Benchmarking only: every handler returns at once, to measure what the
 * probes themselves cost.  The statistics are then wrong.
 */
static bool tlc_noop;
module_param_named(noop_handlers, tlc_noop, bool, 0644);
MODULE_PARM_DESC(noop_handlers,
		 "benchmarking only: probes stay armed but record nothing (default off)");

/* Optional features left unarmed, to save their cost: a comma list. */
static char tlc_disable[64];
module_param_string(disable_features, tlc_disable, sizeof(tlc_disable), 0444);
MODULE_PARM_DESC(disable_features,
		 "comma-separated optional features not to arm: timewait, synrecv, reasons, owner, ports (default none)");

/**
 * struct tlc_markers - facts noted for the coming state change, per CPU
 * @clone_req: the request socket whose child inet_csk_clone_lock() makes
 * @clone_req_hashed: @clone_req was in the hash (a NEW_SYN_RECV socket)
 * @completed_req: the request socket whose child was just born; its drop
 *	from the queue follows
 * @keepalive_sk: the socket whose keepalive timer runs
 * @ka_probe_sent: that timer sent a keepalive probe
 * @ka_killed: that timer closed the socket
 * @handover_sk: the socket a timewait socket took over, when the table
 *	could not mark it
 * @hint_sk: the socket @hint is for, when the table could not note it
 * @hint: enum tlc_hint, as lifecycle gave it
 */
struct tlc_markers {
	const struct request_sock *clone_req;
	bool clone_req_hashed;
	const struct request_sock *completed_req;
	const struct sock *keepalive_sk;
	bool ka_probe_sent;
	bool ka_killed;
	const struct sock *handover_sk;
	const struct sock *hint_sk;
	u8 hint;
};

static DEFINE_PER_CPU(struct tlc_markers, tlc_markers);

#define TLC_MARK()	this_cpu_ptr(&tlc_markers)
#define ARG(n)		tlc_kprobe_arg(regs, n)

static bool tlc_sk_is_tcp(const struct sock *sk)
{
	return sk->sk_protocol == IPPROTO_TCP && sk->sk_type == SOCK_STREAM &&
	       (sk->sk_family == AF_INET || sk->sk_family == AF_INET6);
}

/* ---- states --------------------------------------------------------- */

/* The tracepoint's oldstate is the socket's, read here as it stands. */
static void tlc_state_hook(struct sock *sk, int oldstate, int newstate)
{
	struct tlc_markers *mk = TLC_MARK();
	struct tlc_ctx ctx = {};

	if (!tlc_sk_is_tcp(sk))
		return;
	oldstate = READ_ONCE(sk->sk_state);
	if (oldstate == TCP_LISTEN && newstate == TCP_SYN_RECV &&
	    mk->clone_req) {
		ctx.req = mk->clone_req;
		ctx.req_hashed = mk->clone_req_hashed;
		mk->completed_req = mk->clone_req;
		mk->clone_req = NULL;
	}
	if (newstate == TCP_CLOSE) {
		ctx.keepalive = mk->keepalive_sk == sk;
		if (ctx.keepalive)
			mk->ka_killed = true;
		if (mk->handover_sk == sk) {
			ctx.handover = true;
			mk->handover_sk = NULL;
		}
		if (mk->hint_sk == sk) {
			ctx.hint = mk->hint;
			mk->hint_sk = NULL;
		}
		ctx.aborts_noted = tlc_feature_armed(TLC_F_REASONS);
	}
	tlc_life_state_change(sk, oldstate, newstate, &ctx);
}

/* ---- timewait ------------------------------------------------------- */

/* Which timewait socket's timer, or segment, this CPU is in. */
struct tlc_tw_markers {
	const struct inet_timewait_sock *timer;
	const struct inet_timewait_sock *seg;
	bool seg_rst;
	bool seg_syn;
};

static DEFINE_PER_CPU(struct tlc_tw_markers, tlc_tw_markers);

/* TCP's timewait sockets live on their namespace's TCP death row. */
static bool tlc_tw_is_tcp(const struct inet_timewait_sock *tw)
{
	return tw->tw_dr == &twsk_net(tw)->ipv4.tcp_death_row;
}

/* inet_twsk_hashdance[_schedule](tw, sk, hashinfo[, timeo]) */
static void tlc_tw_hashdance_pre(struct pt_regs *regs)
{
	struct inet_timewait_sock *tw = (void *)ARG(0);
	struct sock *sk = (void *)ARG(1);

	if (!tlc_sk_is_tcp(sk))
		return;
	if (!tlc_life_tw_handover(tw, sk))
		TLC_MARK()->handover_sk = sk;
}

/* __inet_twsk_schedule(tw, timeo, rearm) */
static void tlc_tw_schedule_pre(struct pt_regs *regs)
{
	struct inet_timewait_sock *tw = (void *)ARG(0);

	if (ARG(2) && tlc_tw_is_tcp(tw))
		tlc_life_tw_rearm(tw);
}

/* tw_timer_handler(struct timer_list *t): calls inet_twsk_kill() next. */
static void tlc_tw_timer_pre(struct pt_regs *regs)
{
	struct timer_list *t = (void *)ARG(0);

	this_cpu_write(tlc_tw_markers.timer,
		       container_of(t, struct inet_timewait_sock, tw_timer));
}

/* tcp_timewait_state_process(tw, skb, th): a segment for a timewait sock */
static void tlc_tw_segment_pre(struct pt_regs *regs)
{
	struct tlc_tw_markers *mk = this_cpu_ptr(&tlc_tw_markers);
	const struct tcphdr *th = (void *)ARG(2);

	mk->seg = (void *)ARG(0);
	mk->seg_rst = th->rst;
	mk->seg_syn = th->syn;
}

/*
 * inet_twsk_kill(tw): every timewait socket ends here.  The markers that
 * name it go with it.
 */
static void tlc_tw_kill_pre(struct pt_regs *regs)
{
	struct tlc_tw_markers *mk = this_cpu_ptr(&tlc_tw_markers);
	struct inet_timewait_sock *tw = (void *)ARG(0);
	struct tlc_tw_kill kill = {};

	if (!tlc_tw_is_tcp(tw))
		return;
	if (mk->timer == tw) {
		kill.timer = true;
		mk->timer = NULL;
	}
	if (mk->seg == tw) {
		kill.segment = true;
		kill.seg_rst = mk->seg_rst;
		kill.seg_syn = mk->seg_syn;
		mk->seg = NULL;
	}
	tlc_life_tw_kill(tw, &kill);
}

/* ---- synrecv -------------------------------------------------------- */

/* Which request socket a segment being processed on this CPU is for. */
struct tlc_req_markers {
	const struct request_sock *seg;
	bool seg_rst;
};

static DEFINE_PER_CPU(struct tlc_req_markers, tlc_req_markers);

/* inet_csk_reqsk_queue_hash_add(sk, req, timeout) */
static void tlc_req_add_pre(struct pt_regs *regs)
{
	struct sock *sk = (void *)ARG(0);

	if (tlc_sk_is_tcp(sk))
		tlc_life_req_birth(sk, (void *)ARG(1));
}

/* tcp_rtx_synack(sk, req) */
static void tlc_req_synack_pre(struct pt_regs *regs)
{
	tlc_life_req_synack((void *)ARG(0));
}

/* inet_csk_clone_lock(sk, req, prio): the child is born inside. */
static void tlc_clone_pre(struct pt_regs *regs)
{
	struct request_sock *req = (void *)ARG(1);
	struct tlc_markers *mk = TLC_MARK();

	mk->clone_req = req;
	mk->clone_req_hashed = sk_hashed(req_to_sk(req));
}

/* tcp_check_req(sk, skb, req, ...): a segment for a request socket */
static void tlc_check_req_pre(struct pt_regs *regs)
{
	struct tlc_req_markers *mk = this_cpu_ptr(&tlc_req_markers);
	const struct sk_buff *skb = (void *)ARG(1);

	mk->seg = (void *)ARG(2);
	mk->seg_rst = tcp_hdr(skb)->rst;
}

/* inet_csk_reqsk_queue_drop(sk, req): every end but the timer's */
static void tlc_req_drop_pre(struct pt_regs *regs)
{
	struct tlc_req_markers *seg = this_cpu_ptr(&tlc_req_markers);
	struct request_sock *req = (void *)ARG(1);
	struct tlc_markers *mk = TLC_MARK();
	struct sock *sk = (void *)ARG(0);
	struct tlc_req_drop drop = {};

	if (!tlc_sk_is_tcp(sk))
		return;
	if (mk->completed_req == req) {
		drop.completed = true;
		mk->completed_req = NULL;
	}
	drop.seg_rst = seg->seg == req && seg->seg_rst;
	tlc_life_req_drop(sk, req, &drop);
}

/* reqsk_timer_handler(t): retransmits the SYN-ACK, or drops the request */
static bool tlc_req_timer_entry(void *data, struct pt_regs *regs)
{
	struct timer_list *t = (void *)ARG(0);
	struct tlc_req_timer *run = data;
	const struct request_sock *req;

	req = container_of(t, struct request_sock, rsk_timer);
	if (!tlc_sk_is_tcp(req->rsk_listener))
		return false;
	run->req = req;
	run->net = sock_net(req->rsk_listener);
	run->listening = READ_ONCE(req->rsk_listener->sk_state) == TCP_LISTEN;
	return true;
}

static void tlc_req_timer_ret(void *data, struct pt_regs *regs)
{
	tlc_life_req_timer_done(data);
}

/* ---- reasons -------------------------------------------------------- */

/* The table may not hold the socket: the close hears the hint from here. */
static void tlc_hint_marker(struct sock *sk, u8 hint)
{
	struct tlc_markers *mk = TLC_MARK();

	mk->hint_sk = sk;
	mk->hint = hint;
}

/* tcp_reset(sk, skb) */
static void tlc_reset_pre(struct pt_regs *regs)
{
	struct sock *sk = (void *)ARG(0);

	if (tlc_sk_is_tcp(sk))
		tlc_hint_marker(sk, tlc_life_rst_received(sk));
}

/* tcp_disconnect(sk, flags) */
static void tlc_disconnect_pre(struct pt_regs *regs)
{
	struct sock *sk = (void *)ARG(0);
	u8 hint;

	if (!tlc_sk_is_tcp(sk))
		return;
	hint = tlc_life_disconnect(sk);
	if (hint)
		tlc_hint_marker(sk, hint);
}

/*
 * tcp_keepalive_timer(t): also times out orphaned FIN_WAIT2 sockets.  The
 * socket is read before the timer takes its lock (hence the owner flag
 * without lockdep's check).
 */
static bool tlc_keepalive_entry(void *data, struct pt_regs *regs)
{
	struct sock *sk = tlc_keepalive_timer_sk((void *)ARG(0));
	struct tlc_markers *mk = TLC_MARK();
	struct tlc_ka_run *run = data;

	if (!tlc_sk_is_tcp(sk))
		return false;
	mk->keepalive_sk = sk;
	mk->ka_probe_sent = false;
	mk->ka_killed = false;
	tlc_life_ka_timer(sk);
	run->net = sock_net(sk);
	run->state = READ_ONCE(sk->sk_state);
	run->orphan = sock_flag(sk, SOCK_DEAD);
	run->keepopen = sock_flag(sk, SOCK_KEEPOPEN);
	run->owned = sock_owned_by_user_nocheck(sk);
	run->in_flight = READ_ONCE(tcp_sk(sk)->packets_out) ||
			 !tcp_write_queue_empty(sk);
	return true;
}

/* The socket may be gone by now: only what the entry saved is used. */
static void tlc_keepalive_ret(void *data, struct pt_regs *regs)
{
	struct tlc_markers *mk = TLC_MARK();
	struct tlc_ka_run *run = data;

	mk->keepalive_sk = NULL;
	run->probe_sent = mk->ka_probe_sent;
	run->killed = mk->ka_killed;
	tlc_life_ka_timer_done(run);
}

/* tcp_write_wakeup(sk, mib): a keepalive probe when mib says so */
static void tlc_write_wakeup_pre(struct pt_regs *regs)
{
	struct sock *sk = (void *)ARG(0);

	if ((int)ARG(1) != LINUX_MIB_TCPKEEPALIVE ||
	    READ_ONCE(sk->sk_state) == TCP_CLOSE)
		return;
	TLC_MARK()->ka_probe_sent = true;
	tlc_life_ka_probe(sk);
}

/* ---- owner and ports ------------------------------------------------ */

/* inet_csk_accept() returns the accepted child, in its caller's context */
static void tlc_accept_ret(void *data, struct pt_regs *regs)
{
	struct sock *sk = (void *)tlc_kprobe_ret(regs);

	if (sk && tlc_sk_is_tcp(sk))
		tlc_life_owner(sk);
}

/* inet_hash_connect(death_row, sk): -EADDRNOTAVAIL: no local port free */
static bool tlc_hash_connect_entry(void *data, struct pt_regs *regs)
{
	struct sock *sk = (void *)ARG(1);

	if (!tlc_sk_is_tcp(sk))
		return false;
	*(const struct net **)data = sock_net(sk);
	return true;
}

/* an int: the upper half of the register is not sign-extended */
static void tlc_hash_connect_ret(void *data, struct pt_regs *regs)
{
	tlc_life_hash_connect(*(const struct net **)data,
			      (int)tlc_kprobe_ret(regs));
}

#define TLC_MAX_PROBES	24

/* Hits per probe (after noop_handlers), per CPU: never shared. */
static DEFINE_PER_CPU(u64 [TLC_MAX_PROBES], tlc_hits);

static void tlc_hit(const struct tlc_probe *p)
{
	this_cpu_inc(tlc_hits[p->idx]);
}

/* ---- the wrappers --------------------------------------------------- */

static int tlc_kp_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct tlc_probe *p = container_of(kp, struct tlc_probe, kp);
	unsigned long flags;

	if (READ_ONCE(tlc_noop))
		return 0;
	tlc_hit(p);
	local_irq_save(flags);
	p->pre(regs);
	local_irq_restore(flags);
	return 0;
}

static struct tlc_probe *tlc_krp_probe(struct kretprobe_instance *ri)
{
	return container_of(get_kretprobe(ri), struct tlc_probe, krp);
}

/*
 * Non-zero skips the call: no return handler then, and its data, never
 * filled, is never read.  A return probe's hit is its return: one that
 * will not return to us is counted here.
 */
static int tlc_krp_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct tlc_probe *p = tlc_krp_probe(ri);
	unsigned long flags;
	bool run;

	if (READ_ONCE(tlc_noop))
		return 1;
	if (!p->entry)
		return 0;
	local_irq_save(flags);
	run = p->entry(ri->data, regs);
	local_irq_restore(flags);
	if (!run)
		tlc_hit(p);
	return !run;
}

static int tlc_krp_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct tlc_probe *p = tlc_krp_probe(ri);
	unsigned long flags;

	tlc_hit(p);
	local_irq_save(flags);
	p->ret(ri->data, regs);
	local_irq_restore(flags);
	return 0;
}

/* sock:inet_sock_set_state(sk, oldstate, newstate), preemption off */
static void tlc_tp_state(void *data, const struct sock *sk,
			 const int oldstate, const int newstate)
{
	struct tlc_probe *p = data;
	unsigned long flags;

	if (READ_ONCE(tlc_noop))
		return;
	tlc_hit(p);
	local_irq_save(flags);
	p->state((struct sock *)sk, oldstate, newstate);
	local_irq_restore(flags);
}

/* ---- registration --------------------------------------------------- */

static struct tlc_probe tlc_probes[] = {
	TLC_TRACEPOINT("inet_sock_set_state", tlc_state_hook, TLC_F_STATES),

	TLC_KPROBE(TLC_SYM_TW_HASHDANCE, tlc_tw_hashdance_pre, TLC_F_TIMEWAIT),
	TLC_KPROBE("__inet_twsk_schedule", tlc_tw_schedule_pre, TLC_F_TIMEWAIT),
	TLC_KPROBE("tw_timer_handler", tlc_tw_timer_pre, TLC_F_TIMEWAIT),
	TLC_KPROBE("tcp_timewait_state_process", tlc_tw_segment_pre,
		   TLC_F_TIMEWAIT),
	TLC_KPROBE("inet_twsk_kill", tlc_tw_kill_pre, TLC_F_TIMEWAIT),

	TLC_KPROBE("inet_csk_reqsk_queue_hash_add", tlc_req_add_pre,
		   TLC_F_SYNRECV),
	TLC_KPROBE("tcp_rtx_synack", tlc_req_synack_pre, TLC_F_SYNRECV),
	TLC_KPROBE("inet_csk_clone_lock", tlc_clone_pre, TLC_F_SYNRECV),
	TLC_KPROBE("tcp_check_req", tlc_check_req_pre, TLC_F_SYNRECV),
	TLC_KPROBE("inet_csk_reqsk_queue_drop", tlc_req_drop_pre,
		   TLC_F_SYNRECV),
	TLC_KRETPROBE("reqsk_timer_handler", tlc_req_timer_entry,
		      tlc_req_timer_ret, sizeof(struct tlc_req_timer), 0,
		      TLC_F_SYNRECV),

	TLC_KPROBE("tcp_reset", tlc_reset_pre, TLC_F_REASONS),
	TLC_KPROBE("tcp_disconnect", tlc_disconnect_pre, TLC_F_REASONS),
	TLC_KRETPROBE("tcp_keepalive_timer", tlc_keepalive_entry,
		      tlc_keepalive_ret, sizeof(struct tlc_ka_run), 0,
		      TLC_F_REASONS),
	TLC_KPROBE("tcp_write_wakeup", tlc_write_wakeup_pre, TLC_F_REASONS),

	/* accept() sleeps: room for many callers at once */
	TLC_KRETPROBE("inet_csk_accept", NULL, tlc_accept_ret, 0, 512,
		      TLC_F_OWNER),

	TLC_KRETPROBE("inet_hash_connect", tlc_hash_connect_entry,
		      tlc_hash_connect_ret, sizeof(struct net *), 64,
		      TLC_F_PORTS),
};

enum tlc_feature_status {
	TLC_FS_UNAVAILABLE,
	TLC_FS_AVAILABLE,
	TLC_FS_DISABLED,
};

static const char * const tlc_feature_status_names[] = {
	[TLC_FS_UNAVAILABLE]	= "unavailable",
	[TLC_FS_AVAILABLE]	= "available",
	[TLC_FS_DISABLED]	= "disabled",
};

static u8 tlc_feature_status[TLC_NFEATURES];

/* Whether @feature's probes are all armed: from its arming until exit. */
bool tlc_feature_armed(enum tlc_feature feature)
{
	return READ_ONCE(tlc_feature_status[feature]) == TLC_FS_AVAILABLE;
}

/* A tracepoint calls every function attached: nothing is ever missed. */
static unsigned long tlc_probe_missed(const struct tlc_probe *p)
{
	switch (p->kind) {
	case TLC_PK_KRETPROBE:
		return p->krp.nmissed + p->krp.kp.nmissed;
	case TLC_PK_TRACEPOINT:
		return 0;
	}
	return p->kp.nmissed;
}

struct tlc_tp_lookup {
	const char *name;
	struct tracepoint *tp;
};

static void tlc_tp_match(struct tracepoint *tp, void *priv)
{
	struct tlc_tp_lookup *l = priv;

	if (!strcmp(tp->name, l->name))
		l->tp = tp;
}

/* Tracepoints of the kernel proper are not exported one by one. */
static int tlc_tp_arm(struct tlc_probe *p)
{
	struct tlc_tp_lookup l = { .name = p->name };

	for_each_kernel_tracepoint(tlc_tp_match, &l);
	if (!l.tp)
		return -ENOENT;
	p->tp = l.tp;
	return tracepoint_probe_register(p->tp, tlc_tp_state, p);
}

static int tlc_probe_arm(struct tlc_probe *p)
{
	int err;

	switch (p->kind) {
	case TLC_PK_KRETPROBE:
		p->krp.kp.symbol_name = p->name;
		p->krp.entry_handler = tlc_krp_entry;
		p->krp.handler = tlc_krp_ret;
		err = register_kretprobe(&p->krp);
		break;
	case TLC_PK_TRACEPOINT:
		err = tlc_tp_arm(p);
		break;
	default:
		p->kp.symbol_name = p->name;
		p->kp.pre_handler = tlc_kp_pre;
		err = register_kprobe(&p->kp);
	}
	p->armed = !err;
	return err;
}

/* Only for a feature failing to arm: nothing has run that matters. */
static void tlc_probe_disarm(struct tlc_probe *p)
{
	if (!p->armed)
		return;
	switch (p->kind) {
	case TLC_PK_KRETPROBE:
		unregister_kretprobe(&p->krp);
		break;
	case TLC_PK_TRACEPOINT:
		tracepoint_probe_unregister(p->tp, tlc_tp_state, p);
		tracepoint_synchronize_unregister();
		break;
	default:
		unregister_kprobe(&p->kp);
	}
	p->armed = false;
}

/**
 * tlc_probes_show() - print each feature and probe, for the status file
 * @m: the seq_file
 */
void tlc_probes_show(struct seq_file *m)
{
	int i, cpu;

	for (i = 0; i < TLC_NFEATURES; i++)
		seq_printf(m, "feature %s %s\n", tlc_feature_names[i],
			   tlc_feature_status_names[tlc_feature_status[i]]);
	for (i = 0; i < ARRAY_SIZE(tlc_probes); i++) {
		const struct tlc_probe *p = &tlc_probes[i];

		u64 hits = 0;

		for_each_possible_cpu(cpu)
			hits += per_cpu(tlc_hits[i], cpu);
		seq_printf(m, "probe %s %s %s missed %lu hits %llu\n",
			   p->name, tlc_feature_names[p->feature],
			   p->armed ? "armed" :
			   tlc_feature_status[p->feature] == TLC_FS_DISABLED ?
			   "disabled" : "unavailable",
			   tlc_probe_missed(p), hits);
	}
	seq_printf(m, "bad_state %llu\n", tlc_life_bad_states());
}

/* Arm every probe of @feature, or none. */
static int tlc_feature_arm(int feature)
{
	int i, err = 0;

	for (i = 0; i < ARRAY_SIZE(tlc_probes) && !err; i++) {
		if (tlc_probes[i].feature != feature)
			continue;
		err = tlc_probe_arm(&tlc_probes[i]);
		if (err)
			pr_warn("cannot probe %s (%d): %s unavailable\n",
				tlc_probes[i].name, err,
				tlc_feature_names[feature]);
	}
	if (err) {
		for (i = 0; i < ARRAY_SIZE(tlc_probes); i++)
			if (tlc_probes[i].feature == feature)
				tlc_probe_disarm(&tlc_probes[i]);
	}
	tlc_feature_status[feature] = err ? TLC_FS_UNAVAILABLE :
					    TLC_FS_AVAILABLE;
	return err;
}

/* disable_features: which optional features to leave out, as a mask. */
static int tlc_parse_disabled(unsigned int *mask)
{
	char buf[sizeof(tlc_disable)], *p = buf, *tok;
	int f;

	*mask = 0;
	strscpy(buf, tlc_disable, sizeof(buf));
	while ((tok = strsep(&p, ",")) != NULL) {
		tok = strim(tok);
		if (!*tok)
			continue;
		for (f = TLC_F_STATES + 1; f < TLC_NFEATURES; f++)
			if (!strcmp(tok, tlc_feature_names[f]))
				break;
		if (f == TLC_NFEATURES) {
			pr_err("disable_features: no optional feature \"%s\"\n",
			       tok);
			return -EINVAL;
		}
		*mask |= BIT(f);
	}
	return 0;
}

/**
 * tlc_probes_init() - arm every probe
 *
 * The state changes are needed for exact counts: without them loading
 * fails.  Any other feature the kernel cannot support is left unavailable,
 * and those named in disable_features are not armed.
 *
 * Return: 0, -EINVAL for a bad disable_features, or the error of the
 * state-change tracepoint.
 */
int tlc_probes_init(void)
{
	unsigned int disabled;
	int f, err;

	BUILD_BUG_ON(ARRAY_SIZE(tlc_probes) > TLC_MAX_PROBES);
	err = tlc_parse_disabled(&disabled);
	if (err)
		return err;
	for (f = 0; f < ARRAY_SIZE(tlc_probes); f++)
		tlc_probes[f].idx = f;
	for (f = TLC_NFEATURES - 1; f > TLC_F_STATES; f--) {
		if (disabled & BIT(f))
			tlc_feature_status[f] = TLC_FS_DISABLED;
		else
			tlc_feature_arm(f);
	}
	/* Last: from now on every event is seen whole. */
	err = tlc_feature_arm(TLC_F_STATES);
	if (err)
		tlc_probes_exit();
	return err;
}

/*
 * Disarms every probe, the state changes first, then waits until no
 * handler runs (an RCU grace period per batch of kprobes, and the
 * tracepoints' own): afterwards none can touch our data.
 */
void tlc_probes_exit(void)
{
	struct kretprobe *krps[ARRAY_SIZE(tlc_probes)];
	struct kprobe *kps[ARRAY_SIZE(tlc_probes)];
	int i, nk = 0, nr = 0;
	bool tps = false;

	for (i = 0; i < ARRAY_SIZE(tlc_probes); i++) {
		struct tlc_probe *p = &tlc_probes[i];

		if (!p->armed)
			continue;
		switch (p->kind) {
		case TLC_PK_KRETPROBE:
			krps[nr++] = &p->krp;
			break;
		case TLC_PK_TRACEPOINT:
			tracepoint_probe_unregister(p->tp, tlc_tp_state, p);
			tps = true;
			break;
		default:
			kps[nk++] = &p->kp;
		}
		p->armed = false;
	}
	unregister_kprobes(kps, nk);
	unregister_kretprobes(krps, nr);
	if (tps)
		tracepoint_synchronize_unregister();
	memset(tlc_feature_status, 0, sizeof(tlc_feature_status));
}
