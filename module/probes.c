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
 */

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
#include "stats.h"
#include "track.h"

enum tlc_feature {
	TLC_F_STATES,		/* required */
	TLC_F_TIMEWAIT,
	TLC_F_SYNRECV,
	TLC_F_REASONS,
	TLC_F_OWNER,
	TLC_F_PORTS,
	TLC_NFEATURES,
};

static const char * const tlc_feature_names[TLC_NFEATURES] = {
	[TLC_F_STATES]		= "states",
	[TLC_F_TIMEWAIT]	= "timewait",
	[TLC_F_SYNRECV]		= "synrecv",
	[TLC_F_REASONS]		= "reasons",
	[TLC_F_OWNER]		= "owner",
	[TLC_F_PORTS]		= "ports",
};

struct tlc_markers {
	const struct request_sock *clone_req;
	bool clone_req_hashed;
	const struct request_sock *completed_req;
	const struct inet_timewait_sock *tw_timer;
	const struct inet_timewait_sock *tw_seg;
	bool tw_seg_rst;
	bool tw_seg_syn;
	const struct request_sock *req_seg;
	bool req_seg_rst;
	const struct sock *keepalive_sk;
	bool ka_probe_sent;
	bool ka_killed;
	const struct sock *handover_sk;
	const struct sock *hint_sk;
	u8 hint;
};

static DEFINE_PER_CPU(struct tlc_markers, tlc_markers);

/* The reasons feature is armed: its probes note the aborts. */
static bool tlc_reasons_armed;

/*
 * Benchmarking only: every handler returns at once, to measure what the
 * probes themselves cost.  The statistics are then wrong.
 */
static bool tlc_noop;
module_param_named(noop_handlers, tlc_noop, bool, 0644);
MODULE_PARM_DESC(noop_handlers,
		 "benchmarking only: probes stay armed but record nothing (default off)");
static DEFINE_PER_CPU(u64, tlc_bad_state);

/* Optional features left unarmed, to save their cost: a comma list. */
static char tlc_disable[64];
module_param_string(disable_features, tlc_disable, sizeof(tlc_disable), 0444);
MODULE_PARM_DESC(disable_features,
		 "comma-separated optional features not to arm: timewait, synrecv, reasons, owner, ports (default none)");

enum tlc_probe_kind {
	TLC_PK_KPROBE,		/* at a function's entry */
	TLC_PK_KRETPROBE,	/* at its entry (optional) and return */
	TLC_PK_TRACEPOINT,
};

struct tlc_probe {
	struct kprobe kp;		/* entry probes */
	struct kretprobe krp;		/* return probes */
	const char *tp_name;		/* tracepoints */
	void *tp_func;
	struct tracepoint *tp;
	u8 kind;
	u8 feature;
	u8 idx;			/* in tlc_probes[] */
	bool armed;
};

#define TLC_MAX_PROBES	24

/* Hits per probe (after noop_handlers), per CPU: never shared. */
static DEFINE_PER_CPU(u64 [TLC_MAX_PROBES], tlc_hits);

static void tlc_hit(const struct tlc_probe *p)
{
	this_cpu_inc(tlc_hits[p->idx]);
}

#define TLC_KP_HIT(probe) tlc_hit(container_of(probe, struct tlc_probe, kp))
#define TLC_KRP_HIT(ri)	\
	tlc_hit(container_of(get_kretprobe(ri), struct tlc_probe, krp))

#define TLC_MARK()	this_cpu_ptr(&tlc_markers)
#define ARG(n)		tlc_kprobe_arg(regs, n)

static bool tlc_sk_is_tcp(const struct sock *sk)
{
	return sk->sk_protocol == IPPROTO_TCP && sk->sk_type == SOCK_STREAM &&
	       (sk->sk_family == AF_INET || sk->sk_family == AF_INET6);
}

/* TCP's timewait sockets live on their namespace's TCP death row. */
static bool tlc_tw_is_tcp(const struct inet_timewait_sock *tw)
{
	return tw->tw_dr == &twsk_net(tw)->ipv4.tcp_death_row;
}

/* ---- states --------------------------------------------------------- */

/*
 * close() with data not read: __tcp_close() frees the receive queue, then
 * goes to CLOSE and sends a RST.  Bytes the sequence numbers say arrived
 * but nobody read, and a receive queue already empty, are that: anywhere
 * else, unread bytes are still queued.  A received FIN (SOCK_DONE) takes a
 * sequence number too.  Only while the reasons feature is armed (it notes
 * the other aborts).
 */
static bool tlc_closed_unread(const struct sock *sk, int oldstate)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	s32 unread;

	if (!tlc_reasons_armed ||
	    ((1 << oldstate) & (TCPF_LISTEN | TCPF_SYN_SENT | TCPF_CLOSE)))
		return false;
	unread = (s32)(READ_ONCE(tp->rcv_nxt) - READ_ONCE(tp->copied_seq));
	if (sock_flag(sk, SOCK_DONE))
		unread--;
	return unread > 0 && skb_queue_empty_lockless(&sk->sk_receive_queue);
}

static void tlc_state_change(struct sock *sk, int newstate)
{
	struct tlc_markers *mk = TLC_MARK();
	struct tlc_ctx ctx = {};
	int oldstate;

	if (!tlc_sk_is_tcp(sk))
		return;
	oldstate = READ_ONCE(sk->sk_state);
	if (!tlc_state_valid(oldstate) || !tlc_state_valid(newstate)) {
		this_cpu_inc(tlc_bad_state);
		return;
	}
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
		} else if (tlc_closed_unread(sk, oldstate)) {
			ctx.hint = TLC_HINT_UNREAD;
		}
	}
	tlc_life_state_change(sk, oldstate, newstate, &ctx);
}

/*
 * sock:inet_sock_set_state(sk, oldstate, newstate), called with preemption
 * off.  Interrupts off too: a softirq run on an interrupt's exit would
 * change another socket's state in the middle of this one's.
 */
static void tlc_tp_set_state(void *data, const struct sock *sk,
			     const int oldstate, const int newstate)
{
	unsigned long flags;

	if (READ_ONCE(tlc_noop))
		return;
	tlc_hit(data);
	local_irq_save(flags);
	tlc_state_change((struct sock *)sk, newstate);
	local_irq_restore(flags);
}

/* ---- timewait ------------------------------------------------------- */

/* inet_twsk_hashdance[_schedule](tw, sk, hashinfo[, timeo]) */
static int tlc_tw_hashdance_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct inet_timewait_sock *tw = (void *)ARG(0);
	struct sock *sk = (void *)ARG(1);

	if (READ_ONCE(tlc_noop))
		return 0;
	TLC_KP_HIT(p);
	if (!tlc_sk_is_tcp(sk))
		return 0;
	if (!tlc_life_tw_handover(tw, sk))
		TLC_MARK()->handover_sk = sk;
	return 0;
}

/* __inet_twsk_schedule(tw, timeo, rearm) */
static int tlc_tw_schedule_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct inet_timewait_sock *tw = (void *)ARG(0);

	if (READ_ONCE(tlc_noop))
		return 0;
	TLC_KP_HIT(p);
	if (ARG(2) && tlc_tw_is_tcp(tw))
		tlc_life_tw_rearm(tw);
	return 0;
}

/* tw_timer_handler(struct timer_list *t): calls inet_twsk_kill() next. */
static int tlc_tw_timer_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct timer_list *t = (void *)ARG(0);

	if (READ_ONCE(tlc_noop))
		return 0;
	TLC_KP_HIT(p);
	TLC_MARK()->tw_timer = container_of(t, struct inet_timewait_sock,
					    tw_timer);
	return 0;
}

/* tcp_timewait_state_process(tw, skb, th): a segment for a timewait sock */
static int tlc_tw_segment_pre(struct kprobe *p, struct pt_regs *regs)
{
	const struct tcphdr *th = (void *)ARG(2);
	struct tlc_markers *mk = TLC_MARK();

	if (READ_ONCE(tlc_noop))
		return 0;
	TLC_KP_HIT(p);
	mk->tw_seg = (void *)ARG(0);
	mk->tw_seg_rst = th->rst;
	mk->tw_seg_syn = th->syn;
	return 0;
}

/* inet_twsk_kill(tw): every timewait socket ends here. */
static int tlc_tw_kill_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct inet_timewait_sock *tw = (void *)ARG(0);
	struct tlc_markers *mk = TLC_MARK();
	int how;

	if (READ_ONCE(tlc_noop))
		return 0;
	TLC_KP_HIT(p);
	if (!tlc_tw_is_tcp(tw))
		return 0;
	if (mk->tw_timer == tw) {
		how = TLC_TW_EXPIRED;
		mk->tw_timer = NULL;
	} else if (!check_net(twsk_net(tw))) {
		how = TLC_TW_NETNS;
	} else if (in_task()) {
		/* tcp_tw_reuse in connect(), or sock_diag destroy */
		how = TLC_TW_REUSED_CONNECT;
	} else if (mk->tw_seg == tw) {
		how = mk->tw_seg_rst ? TLC_TW_RST :
		      mk->tw_seg_syn ? TLC_TW_REUSED_SYN : TLC_TW_OTHER;
		mk->tw_seg = NULL;
	} else {
		how = TLC_TW_OTHER;
	}
	tlc_life_tw_end(tw, how);
	return 0;
}

/* ---- synrecv -------------------------------------------------------- */

/* inet_csk_reqsk_queue_hash_add(sk, req, timeout) */
static int tlc_req_add_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (void *)ARG(0);

	if (READ_ONCE(tlc_noop))
		return 0;
	TLC_KP_HIT(p);
	if (tlc_sk_is_tcp(sk))
		tlc_life_req_birth(sk, (void *)ARG(1));
	return 0;
}

/* tcp_rtx_synack(sk, req) */
static int tlc_req_synack_pre(struct kprobe *p, struct pt_regs *regs)
{
	if (READ_ONCE(tlc_noop))
		return 0;
	TLC_KP_HIT(p);
	tlc_life_req_synack((void *)ARG(0));
	return 0;
}

/* inet_csk_clone_lock(sk, req, prio): the child is born inside. */
static int tlc_clone_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct request_sock *req = (void *)ARG(1);
	struct tlc_markers *mk = TLC_MARK();

	if (READ_ONCE(tlc_noop))
		return 0;
	TLC_KP_HIT(p);
	mk->clone_req = req;
	mk->clone_req_hashed = sk_hashed(req_to_sk(req));
	return 0;
}

/* tcp_check_req(sk, skb, req, ...): a segment for a request socket */
static int tlc_check_req_pre(struct kprobe *p, struct pt_regs *regs)
{
	const struct sk_buff *skb = (void *)ARG(1);
	struct tlc_markers *mk = TLC_MARK();

	if (READ_ONCE(tlc_noop))
		return 0;
	TLC_KP_HIT(p);
	mk->req_seg = (void *)ARG(2);
	mk->req_seg_rst = tcp_hdr(skb)->rst;
	return 0;
}

/* inet_csk_reqsk_queue_drop(sk, req): every end but the timer's */
static int tlc_req_drop_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (void *)ARG(0);
	struct request_sock *req = (void *)ARG(1);
	struct tlc_markers *mk = TLC_MARK();
	int how;

	if (READ_ONCE(tlc_noop))
		return 0;
	TLC_KP_HIT(p);
	if (!tlc_sk_is_tcp(sk))
		return 0;
	if (mk->completed_req == req) {
		/* Its child was born: not an end. */
		mk->completed_req = NULL;
		return 0;
	}
	if (!sk_hashed(req_to_sk(req)))
		return 0;	/* not in the hash: dropped already */
	if (!check_net(sock_net(sk)))
		how = TLC_REQ_NETNS;
	else if (mk->req_seg == req && mk->req_seg_rst)
		how = TLC_REQ_RST;
	else if (READ_ONCE(sk->sk_state) != TCP_LISTEN)
		how = TLC_REQ_LISTENER_CLOSED;
	else
		how = TLC_REQ_OTHER;
	tlc_life_req_end(req, sock_net(sk), how);
	return 0;
}

struct tlc_req_timer {
	const struct request_sock *req;
	const struct net *net;
	bool listening;
};

/* reqsk_timer_handler(t): retransmits the SYN-ACK, or drops the request */
static int tlc_req_timer_entry(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct tlc_req_timer *d = (void *)ri->data;
	struct timer_list *t = (void *)ARG(0);
	const struct request_sock *req;

	if (READ_ONCE(tlc_noop))
		return 0;
	req = container_of(t, struct request_sock, rsk_timer);
	d->req = tlc_sk_is_tcp(req->rsk_listener) ? req : NULL;
	d->net = sock_net(req->rsk_listener);
	d->listening = READ_ONCE(req->rsk_listener->sk_state) == TCP_LISTEN;
	return 0;
}

/*
 * Still armed: it lives on.  Otherwise it was dropped; its memory is
 * SLAB_TYPESAFE_BY_RCU and this is still the timer's softirq, so the timer
 * can be read, but nothing it points to.
 */
static int tlc_req_timer_ret(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct tlc_req_timer *d = (void *)ri->data;

	if (READ_ONCE(tlc_noop))
		return 0;
	TLC_KRP_HIT(ri);
	if (d->req && !timer_pending(&d->req->rsk_timer))
		tlc_life_req_end(d->req, d->net, d->listening ? TLC_REQ_TIMEOUT :
						 TLC_REQ_LISTENER_CLOSED);
	return 0;
}

/* ---- reasons -------------------------------------------------------- */

static void tlc_hint(struct sock *sk, u8 hint)
{
	struct tlc_markers *mk = TLC_MARK();

	if (!tlc_sk_is_tcp(sk))
		return;
	tlc_life_hint(sk, hint);
	mk->hint_sk = sk;
	mk->hint = hint;
}

/* tcp_reset(sk, skb) */
static int tlc_reset_pre(struct kprobe *p, struct pt_regs *regs)
{
	if (READ_ONCE(tlc_noop))
		return 0;
	TLC_KP_HIT(p);
	tlc_hint((void *)ARG(0), TLC_HINT_RST_RECEIVED);
	return 0;
}

/*
 * tcp_disconnect(sk, flags): from close() of a socket with linger 0 and no
 * unread data (__tcp_close() set every shutdown bit first), or
 * connect(AF_UNSPEC).  A shutdown(SHUT_RDWR) linger-0 socket disconnected
 * by connect(AF_UNSPEC) counts as linger 0 too.
 */
static int tlc_disconnect_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (void *)ARG(0);

	if (READ_ONCE(tlc_noop))
		return 0;
	TLC_KP_HIT(p);
	/* Already classified (a RST received first). */
	if (tlc_life_hint_of(sk) != TLC_HINT_NONE)
		return 0;
	if (READ_ONCE(sk->sk_shutdown) == SHUTDOWN_MASK &&
	    sock_flag(sk, SOCK_LINGER) && !READ_ONCE(sk->sk_lingertime) &&
	    !tcp_sk(sk)->repair)
		tlc_hint(sk, TLC_HINT_LINGER0);
	else
		tlc_hint(sk, TLC_HINT_DISCONNECT);
	return 0;
}

/* tcp_keepalive_timer(t): also times out orphaned FIN_WAIT2 sockets */
struct tlc_ka_run {
	struct tlc_stats __percpu *pcpu;
	u8 outcome;		/* unless a probe is sent or the socket killed */
};

static int tlc_keepalive_entry(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct sock *sk = tlc_keepalive_timer_sk((void *)ARG(0));
	struct tlc_ka_run *run = (void *)ri->data;
	struct tlc_markers *mk = TLC_MARK();
	int state = READ_ONCE(sk->sk_state);

	run->pcpu = NULL;
	if (READ_ONCE(tlc_noop))
		return 0;
	mk->keepalive_sk = sk;
	mk->ka_probe_sent = false;
	mk->ka_killed = false;
	run->pcpu = tlc_sk_is_tcp(sk) ? tlc_life_ka_timer(sk) : NULL;
	/*
	 * What the timer will do, read before it takes the socket's lock
	 * (hence the owner flag without lockdep's check): a socket a
	 * process holds is tried again later.
	 */
	if (state == TCP_FIN_WAIT2 && sock_flag(sk, SOCK_DEAD))
		run->outcome = TLC_KA_FIN_WAIT2;
	else if (!sock_flag(sk, SOCK_KEEPOPEN) ||
		 sock_owned_by_user_nocheck(sk) ||
		 (state != TCP_ESTABLISHED && state != TCP_CLOSE_WAIT))
		run->outcome = TLC_KA_OTHER;
	else if (READ_ONCE(tcp_sk(sk)->packets_out) ||
		 !tcp_write_queue_empty(sk))
		run->outcome = TLC_KA_IN_FLIGHT;
	else
		run->outcome = TLC_KA_NOT_DUE;
	return 0;
}

/* The socket may be gone by now: only what the entry saved is used. */
static int tlc_keepalive_ret(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct tlc_ka_run *run = (void *)ri->data;
	struct tlc_markers *mk = TLC_MARK();

	if (READ_ONCE(tlc_noop))
		return 0;
	TLC_KRP_HIT(ri);
	mk->keepalive_sk = NULL;
	if (!run->pcpu)
		return 0;
	/* An orphan in FIN_WAIT2 timed out here is no keepalive kill. */
	tlc_life_ka_outcome(run->pcpu,
			    run->outcome == TLC_KA_FIN_WAIT2 ? TLC_KA_FIN_WAIT2 :
			    mk->ka_killed ? TLC_KA_KILLED :
			    mk->ka_probe_sent ? TLC_KA_PROBE_SENT :
			    run->outcome);
	return 0;
}

/* tcp_write_wakeup(sk, mib): a keepalive probe when mib says so */
static int tlc_write_wakeup_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (void *)ARG(0);

	if (READ_ONCE(tlc_noop))
		return 0;
	TLC_KP_HIT(p);
	if ((int)ARG(1) != LINUX_MIB_TCPKEEPALIVE ||
	    READ_ONCE(sk->sk_state) == TCP_CLOSE)
		return 0;
	TLC_MARK()->ka_probe_sent = true;
	tlc_life_ka_probe(sk);
	return 0;
}

/* ---- owner ---------------------------------------------------------- */

/* inet_csk_accept() returns the accepted child, in its caller's context */
static int tlc_accept_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct sock *sk = (void *)tlc_kprobe_ret(regs);

	if (READ_ONCE(tlc_noop))
		return 0;
	TLC_KRP_HIT(ri);
	if (sk && tlc_sk_is_tcp(sk))
		tlc_life_owner(sk);
	return 0;
}

/* ---- ports ---------------------------------------------------------- */

/* inet_hash_connect(death_row, sk): -EADDRNOTAVAIL: no local port free */
static int tlc_hash_connect_entry(struct kretprobe_instance *ri,
				  struct pt_regs *regs)
{
	struct sock *sk = (void *)ARG(1);

	if (READ_ONCE(tlc_noop))
		return 0;
	*(struct net **)ri->data = tlc_sk_is_tcp(sk) ? sock_net(sk) : NULL;
	return 0;
}

static int tlc_hash_connect_ret(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	struct net *net = *(struct net **)ri->data;

	if (READ_ONCE(tlc_noop))
		return 0;
	TLC_KRP_HIT(ri);
	/* an int: the upper half of the register is not sign-extended */
	if (net && (int)tlc_kprobe_ret(regs) == -EADDRNOTAVAIL)
		tlc_life_port_exhausted(net);
	return 0;
}

/* ---- registration --------------------------------------------------- */

#define TLC_KPROBE(sym, handler, feat) {				\
	.kp = { .symbol_name = (sym), .pre_handler = (handler) },	\
	.kind = TLC_PK_KPROBE,						\
	.feature = (feat),						\
}

#define TLC_KRETPROBE(sym, entry, ret, size, active, feat) {		\
	.krp = {							\
		.kp = { .symbol_name = (sym) },				\
		.entry_handler = (entry),				\
		.handler = (ret),					\
		.data_size = (size),					\
		.maxactive = (active),					\
	},								\
	.kind = TLC_PK_KRETPROBE,					\
	.feature = (feat),						\
}

#define TLC_TRACEPOINT(name, func, feat) {				\
	.tp_name = (name),						\
	.tp_func = (func),						\
	.kind = TLC_PK_TRACEPOINT,					\
	.feature = (feat),						\
}

static struct tlc_probe tlc_probes[] = {
	TLC_TRACEPOINT("inet_sock_set_state", tlc_tp_set_state, TLC_F_STATES),

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

static const char *tlc_probe_name(const struct tlc_probe *p)
{
	switch (p->kind) {
	case TLC_PK_KRETPROBE:
		return p->krp.kp.symbol_name;
	case TLC_PK_TRACEPOINT:
		return p->tp_name;
	}
	return p->kp.symbol_name;
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
	struct tlc_tp_lookup l = { .name = p->tp_name };

	for_each_kernel_tracepoint(tlc_tp_match, &l);
	if (!l.tp)
		return -ENOENT;
	p->tp = l.tp;
	return tracepoint_probe_register(p->tp, p->tp_func, p);
}

static int tlc_probe_arm(struct tlc_probe *p)
{
	int err;

	switch (p->kind) {
	case TLC_PK_KRETPROBE:
		err = register_kretprobe(&p->krp);
		break;
	case TLC_PK_TRACEPOINT:
		err = tlc_tp_arm(p);
		break;
	default:
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
		tracepoint_probe_unregister(p->tp, p->tp_func, p);
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
	u64 bad = 0;
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
			   tlc_probe_name(p), tlc_feature_names[p->feature],
			   p->armed ? "armed" :
			   tlc_feature_status[p->feature] == TLC_FS_DISABLED ?
			   "disabled" : "unavailable",
			   tlc_probe_missed(p), hits);
	}
	for_each_possible_cpu(cpu)
		bad += per_cpu(tlc_bad_state, cpu);
	seq_printf(m, "bad_state %llu\n", bad);
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
				tlc_probe_name(&tlc_probes[i]), err,
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
	tlc_reasons_armed = tlc_feature_status[TLC_F_REASONS] ==
			    TLC_FS_AVAILABLE;
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
			tracepoint_probe_unregister(p->tp, p->tp_func, p);
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
	tlc_reasons_armed = false;
}
