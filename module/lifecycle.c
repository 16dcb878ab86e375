// SPDX-License-Identifier: GPL-2.0
/*
 * The life of a TCP connection's full socket, from the events the probes
 * deliver: its state changes, the reason its connection ends, and the birth
 * of a listener's child.
 *
 * A client socket is born when it leaves CLOSE (connect()), a listener when
 * it leaves CLOSE for LISTEN.  A server-side connection is born as a request
 * socket (NEW_SYN_RECV) when the SYN arrives (lifecycle_reqsk.c); the child
 * created by the third ACK continues its life in SYN_RECV.  An actively
 * closed connection does not end when its socket goes to CLOSE: a timewait
 * socket takes over, in TIME_WAIT (or FIN_WAIT2 for an orphan waiting for
 * the peer's FIN), and the connection ends when that timewait socket does
 * (lifecycle_tw.c).
 *
 * Every function runs in a probe handler (preemption and interrupts off,
 * maybe softirq): no sleeping, no allocation; all work is bounded.
 */

#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/tcp.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <net/net_namespace.h>
#include <net/request_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "cgroups.h"
#include "compat.h"
#include "lifecycle.h"
#include "lifecycle_priv.h"
#include "listeners.h"
#include "stats.h"
#include "track.h"

static void tlc_owner_current(struct tlc_sock_info *info)
{
	if (!in_task())
		return;
	info->pid = task_tgid_nr(current);
	tlc_task_comm(info->comm, current);
}

/* What a full socket's entry keeps of its SOCK_KEEPOPEN (track.h). */
static u8 tlc_ka_flag(const struct sock *sk)
{
	return sock_flag(sk, SOCK_KEEPOPEN) ? TLC_SF_KA_ON : 0;
}

static DEFINE_PER_CPU(u64, tlc_bad_state);

/*
 * close() with data not read: __tcp_close() frees the receive queue, then
 * goes to CLOSE and sends a RST.  Bytes the sequence numbers say arrived
 * but nobody read, and a receive queue already empty, are that: anywhere
 * else, unread bytes are still queued.  A received FIN (SOCK_DONE) takes a
 * sequence number too.  Only while the reasons probes are armed (they note
 * the other aborts).
 */
static bool tlc_closed_unread(const struct sock *sk, int oldstate,
			      const struct tlc_ctx *ctx)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	s32 unread;

	if (!ctx->aborts_noted ||
	    ((1 << oldstate) & (TCPF_LISTEN | TCPF_SYN_SENT | TCPF_CLOSE)))
		return false;
	unread = (s32)(READ_ONCE(tp->rcv_nxt) - READ_ONCE(tp->copied_seq));
	if (sock_flag(sk, SOCK_DONE))
		unread--;
	return unread > 0 && skb_queue_empty_lockless(&sk->sk_receive_queue);
}

/*
 * An error that closes the socket outside the keepalive timer: a timeout
 * only where the kernel's write timer gave up (tcp_write_err(), whose
 * error may be a soft ICMP error kept before); ECONNABORTED is
 * tcp_abort() (ss -K, bpf_sock_destroy()); anything else, an ICMP error
 * (EHOSTUNREACH...) is "other".  Without the reasons probes, every error
 * is taken for a timeout, as it mostly is.
 */
static int tlc_error_reason(int err, int oldstate, const struct tlc_ctx *ctx)
{
	if (ctx->write_timer || !ctx->aborts_noted)
		return oldstate == TCP_SYN_SENT ? TLC_R_SYN_TIMEOUT :
						  TLC_R_RETRANS_TIMEOUT;
	return err == ECONNABORTED ? TLC_R_ABORTED : TLC_R_OTHER;
}

/* Why did this full socket's connection end (it is going to CLOSE)? */
static int tlc_close_reason(const struct sock *sk, int oldstate, u8 hint,
			    const struct tlc_ctx *ctx)
{
	int err = READ_ONCE(sk->sk_err);

	if (!hint)
		hint = ctx->hint;
	/* tcp_reset() for data after close: an error as for a reset */
	if (hint == TLC_HINT_RST_SENT_DATA)
		return TLC_R_RST_SENT_DATA;
	if (err == ECONNREFUSED)
		return TLC_R_REFUSED;
	if (err == ECONNRESET || err == EPIPE || hint == TLC_HINT_RST_RECEIVED)
		return oldstate == TCP_SYN_SENT ? TLC_R_REFUSED :
						  TLC_R_RST_RECEIVED;
	if (ctx->keepalive) {
		if (oldstate == TCP_FIN_WAIT2)
			return TLC_R_FIN_WAIT2_TIMEOUT;
		return err ? TLC_R_KEEPALIVE_TIMEOUT : TLC_R_OTHER;
	}
	if (err)
		return tlc_error_reason(err, oldstate, ctx);
	if (!hint && tlc_closed_unread(sk, oldstate, ctx))
		hint = TLC_HINT_UNREAD;
	switch (hint) {
	case TLC_HINT_LINGER0:
		return TLC_R_RST_SENT_LINGER0;
	case TLC_HINT_UNREAD:
		return TLC_R_RST_SENT_UNREAD;
	case TLC_HINT_DISCONNECT:
		return TLC_R_RST_SENT_OTHER;
	}
	/*
	 * TCP_LINGER2 < 0: no wait in FIN_WAIT2, a reset instead, at close()
	 * (TCPAbortOnLinger) or when the FIN of an orphan is acknowledged.
	 */
	if (oldstate == TCP_FIN_WAIT2 && READ_ONCE(tcp_sk(sk)->linger2) < 0)
		return TLC_R_RST_SENT_OTHER;
	/*
	 * The ACK of an orphan's FIN came with data: tcp_rcv_state_process()
	 * moved it to FIN_WAIT2, then tcp_done() (TCPAbortOnData), and its
	 * caller sends the reset, as tcp_reset() would have in FIN_WAIT2.
	 */
	if (oldstate == TCP_FIN_WAIT2 && ctx->data_after_close)
		return TLC_R_RST_SENT_DATA;
	switch (oldstate) {
	case TCP_LAST_ACK:
		return TLC_R_ORDERLY_PASSIVE;
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
	case TCP_CLOSING:
		return TLC_R_ORDERLY_ACTIVE;
	}
	return TLC_R_OTHER;
}

/*
 * A full socket's connection ended: why, how long it lived, and for a dead
 * peer how long finding out took: from the last segment it sent (for a
 * connect() that never got an answer, from the connect()).
 */
static void tlc_connection_end(struct tlc_stats *s, const struct sock *sk,
			       int oldstate, const struct tlc_sock_info *info,
			       const struct tlc_ctx *ctx, u64 now)
{
	int reason = tlc_close_reason(sk, oldstate, info ? info->hint : 0, ctx);
	u64 birth = info ? info->birth_ts : 0;
	u32 since;

	tlc_stats_end(s, reason, birth, now);
	/* A connection whose birth the module did not see was opened nowhere. */
	if (!info || birth)
		tlc_cgroups_end(sk, reason);
	if (info && (info->flags & TLC_SF_PASSIVE))
		tlc_listeners_end_sk(sk, reason);
	switch (reason) {
	case TLC_R_SYN_TIMEOUT:
		if (birth)
			tlc_stats_detect(s, TLC_DETECT_SYN, now - birth);
		break;
	case TLC_R_KEEPALIVE_TIMEOUT:
	case TLC_R_RETRANS_TIMEOUT:
		since = tcp_jiffies32 - READ_ONCE(tcp_sk(sk)->rcv_tstamp);
		tlc_stats_detect(s, reason == TLC_R_RETRANS_TIMEOUT ?
				 TLC_DETECT_RETRANS : TLC_DETECT_KEEPALIVE,
				 tlc_jiffies_ns(since));
		break;
	}
}

static DEFINE_PER_CPU(u64, tlc_lost[TLC_NLOST]);

static const char * const tlc_lost_names[TLC_NLOST] = {
	[TLC_LOST_CHILD_BIRTH]	= "lost_child_birth",
};

/*
 * A child socket is born in SYN_RECV: completing its request socket, or
 * from a SYN cookie or a Fast Open SYN (no request socket was hashed).
 * Children by birth path sum to the kernel's PassiveOpens.
 *
 * A request socket's child does not complete it yet: it owns the request
 * only once inet_ehash_nolisten() has put it in the request's place, and
 * two children can race for one request (the third ACK and the first data
 * segment on two CPUs), as can a child and the request's drop (its timer,
 * a reset).  Its entry waits with TLC_SF_CHILD_PENDING for
 * tlc_life_req_complete(); a child that closes still pending lost (see
 * tlc_child_lost()).  A child the table cannot hold completes its request
 * at once, as the kernel's PassiveOpens counts it.
 */
static void tlc_child_birth(struct tlc_stats *s, struct sock *sk,
			    const struct tlc_ctx *ctx, u64 now)
{
	struct tlc_sock_info info, req = {};
	bool timed = false;

	tlc_born(&info, TCP_SYN_RECV, TLC_KIND_FULL, now);
	info.flags = TLC_SF_PASSIVE;
	tlc_cgroups_open(sk);
	if (ctx->birth == TLC_BIRTH_REQSK) {
		if (tlc_track_get(ctx->req, &req))
			info.birth_ts = req.birth_ts;
		info.flags |= TLC_SF_CHILD_PENDING;
		/* inet_csk_clone_lock() gives it its request's cookie next. */
		if (tlc_track_insert_as(sk, ctx->req, sock_net(sk), &info))
			return;
		s->ctr[TLC_C_UNTRACKED]++;
		if (tlc_track_remove(ctx->req, &req))
			timed = req.state == TCP_NEW_SYN_RECV;
		tlc_stats_move(s, TCP_NEW_SYN_RECV, TCP_SYN_RECV, timed,
			       now - req.state_ts);
		s->ctr[TLC_C_REQ_COMPLETED]++;
		s->ctr[TLC_C_PASSIVE_REQSK]++;
		tlc_listeners_count(ctx->req->rsk_listener,
				    TLC_L_REQ_COMPLETED);
		return;
	}
	switch (ctx->birth) {
	case TLC_BIRTH_SYNCOOKIE:
	case TLC_BIRTH_FASTOPEN:
		tlc_stats_birth(s, TCP_LISTEN, TCP_SYN_RECV);
		s->ctr[ctx->birth == TLC_BIRTH_SYNCOOKIE ?
		       TLC_C_PASSIVE_SYNCOOKIE : TLC_C_PASSIVE_FASTOPEN]++;
		break;
	default:
		/* Its request socket, if any, stays behind in the table. */
		if (ctx->req_noted)
			this_cpu_inc(tlc_lost[TLC_LOST_CHILD_BIRTH]);
		tlc_stats_birth(s, TCP_LISTEN, TCP_SYN_RECV);
	}
	if (!tlc_track_insert_as(sk, ctx->req, sock_net(sk), &info))
		s->ctr[TLC_C_UNTRACKED]++;
}

/*
 * A child of a request socket closes before it owned the request: it lost
 * the race (inet_ehash_nolisten() found the request gone and closed it),
 * or its creation failed after the clone.  The request is another child's,
 * or still alive, or ended by its drop: it was no birth of a connection
 * from the request.  The kernel counted it in PassiveOpens: a child born
 * of a request socket, LISTEN -> SYN_RECV as a child without one.
 */
static void tlc_child_lost(struct tlc_stats *s)
{
	tlc_stats_birth(s, TCP_LISTEN, TCP_SYN_RECV);
	s->ctr[TLC_C_PASSIVE_REQSK]++;
}

/*
 * A child still pending changes state: it lost (going to CLOSE), or the
 * probe that says it won was missed: then it completes its request
 * untimed (the request's entry stays behind), and the loss is counted.
 */
static void tlc_child_unsettled(struct tlc_stats *s, struct sock *sk,
				int newstate)
{
	if (newstate == TCP_CLOSE) {
		tlc_child_lost(s);
		return;
	}
	this_cpu_inc(tlc_lost[TLC_LOST_CHILD_BIRTH]);
	tlc_track_update_flags(sk, 0, TLC_SF_CHILD_PENDING, NULL);
	tlc_stats_move(s, TCP_NEW_SYN_RECV, TCP_SYN_RECV, false, 0);
	s->ctr[TLC_C_REQ_COMPLETED]++;
	s->ctr[TLC_C_PASSIVE_REQSK]++;
	tlc_listeners_child(sk, TLC_L_REQ_COMPLETED);
}

/**
 * tlc_life_state_change() - a full socket changes state
 * @sk: the socket, still in @oldstate
 * @oldstate: its state
 * @newstate: the state it enters
 * @ctx: what the probes know of the context
 */
void tlc_life_state_change(struct sock *sk, int oldstate, int newstate,
			   const struct tlc_ctx *ctx)
{
	struct tlc_stats __percpu *pcpu;
	struct tlc_sock_info info;
	struct tlc_stats *s;
	bool tracked;
	u64 now;

	if (!tlc_state_valid(oldstate) || !tlc_state_valid(newstate)) {
		this_cpu_inc(tlc_bad_state);
		return;
	}
	pcpu = tlc_stats_of(sock_net(sk));
	if (!pcpu)
		return;
	now = ktime_get_ns();
	s = this_cpu_ptr(pcpu);
	s->raw[oldstate][newstate]++;
	if (oldstate == newstate)
		return;

	if (oldstate == TCP_LISTEN && newstate == TCP_SYN_RECV) {
		tlc_child_birth(s, sk, ctx, now);
		return;
	}
	if (oldstate == TCP_CLOSE) {
		tlc_born(&info, newstate, TLC_KIND_FULL, now);
		info.flags = tlc_ka_flag(sk);
		tlc_owner_current(&info);
		tlc_stats_move(s, TCP_CLOSE, newstate, false, 0);
		if (newstate != TCP_LISTEN)
			tlc_cgroups_open(sk);
		else
			tlc_listeners_listen(sk);
		if (!tlc_track_insert(sk, sock_net(sk), &info))
			s->ctr[TLC_C_UNTRACKED]++;
		return;
	}

	tracked = tlc_track_set_state(sk, newstate, now, tlc_ka_flag(sk), &info);
	if (tracked && (info.flags & TLC_SF_CHILD_PENDING))
		tlc_child_unsettled(s, sk, newstate);
	/* The timewait socket took the move and will end the connection. */
	if (tracked ? info.kind == TLC_KIND_HANDOVER : ctx->handover)
		return;
	tlc_stats_move(s, oldstate, newstate,
		       tracked && info.state == oldstate, now - info.state_ts);
	if (newstate == TCP_CLOSE) {
		if (oldstate == TCP_LISTEN)
			tlc_listeners_close(sk);
		if (ctx->no_port)
			s->ctr[TLC_C_PORT_EXHAUSTED]++;
		if (oldstate != TCP_LISTEN)
			tlc_connection_end(s, sk, oldstate, tracked ? &info : NULL,
					   ctx, now);
	} else if (!tracked) {
		/* First seen in mid-life: times from now on, birth unknown. */
		tlc_born(&info, newstate, TLC_KIND_FULL, now);
		info.birth_ts = 0;
		info.flags = tlc_ka_flag(sk);
		tlc_track_insert(sk, sock_net(sk), &info);
	}
}

/**
 * tlc_life_lost() - how often the module lost track, one way
 * @what: enum tlc_lost
 *
 * Return: the count, module-wide.
 */
u64 tlc_life_lost(int what)
{
	if (what < 0 || what >= TLC_NLOST)
		return 0;
	return TLC_PERCPU_SUM(tlc_lost[what]);
}

/**
 * tlc_life_lost_name() - the status line's name of one way to lose track
 * @what: enum tlc_lost
 *
 * Return: the name, "lost_..." (or "lost_unknown").
 */
const char *tlc_life_lost_name(int what)
{
	return what >= 0 && what < TLC_NLOST ? tlc_lost_names[what] :
					       "lost_unknown";
}

/**
 * tlc_life_bad_states() - state changes the module could not use
 *
 * Return: how many went to or from a state number it does not know.
 */
u64 tlc_life_bad_states(void)
{
	return TLC_PERCPU_SUM(tlc_bad_state);
}
