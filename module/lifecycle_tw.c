// SPDX-License-Identifier: GPL-2.0
/*
 * The end of an actively closed connection: a timewait socket takes over
 * from its full socket (in TIME_WAIT, or FIN_WAIT2 for an orphan waiting
 * for the peer's FIN), may move from FIN_WAIT2 to TIME_WAIT, and its end
 * is the connection's.
 *
 * Every function runs in a probe handler (preemption and interrupts off,
 * maybe softirq): no sleeping, no allocation; all work is bounded.
 */

#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <net/inet_timewait_sock.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "cgroups.h"
#include "lifecycle.h"
#include "lifecycle_priv.h"
#include "listeners.h"
#include "stats.h"
#include "track.h"

/**
 * tlc_life_tw_handover() - a timewait socket takes over a full socket
 * @tw: the new timewait socket, in TIME_WAIT or FIN_WAIT2 (its substate)
 * @sk: the full socket, in FIN_WAIT1, FIN_WAIT2 or CLOSING; it goes to CLOSE
 *	next, which is not the connection's end
 *
 * Return: whether @sk is marked in the table as handed over; if not, the
 * caller must tell the coming CLOSE apart by other means.
 */
bool tlc_life_tw_handover(struct inet_timewait_sock *tw, struct sock *sk)
{
	struct tlc_stats __percpu *pcpu = tlc_stats_of(sock_net(sk));
	struct tlc_sock_info info, handover;
	int oldstate = READ_ONCE(sk->sk_state);
	int substate = READ_ONCE(tw->tw_substate);
	bool tracked, marked, passive;
	struct tlc_stats *s;
	u64 now;

	if (!pcpu || !tlc_state_valid(oldstate) || !tlc_state_valid(substate))
		return false;
	now = ktime_get_ns();
	s = this_cpu_ptr(pcpu);
	tracked = tlc_track_remove(sk, &info);
	if (!tracked) {
		tlc_born(&info, oldstate, TLC_KIND_FULL, now);
		info.birth_ts = 0;
	}
	passive = tracked && (info.flags & TLC_SF_PASSIVE);
	if (oldstate != substate) {
		tlc_stats_move(s, oldstate, substate, tracked,
			       now - info.state_ts);
		info.state_ts = now;
	}
	handover = info;
	handover.kind = TLC_KIND_HANDOVER;
	marked = tlc_track_insert(sk, sock_net(sk), &handover);
	info.state = substate;
	info.kind = TLC_KIND_TW;
	/*
	 * In place of the hint and flags: a timewait socket has no cgroup.
	 * A connection whose birth the module did not see was opened nowhere.
	 */
	info.cg_row = tracked && !info.birth_ts ? TLC_CG_ROW_NONE :
		      tlc_cgroups_handover(sk);
	if (!tlc_track_insert(tw, sock_net(sk), &info)) {
		s->ctr[TLC_C_UNTRACKED]++;
		/* Its end will not know the row: the connection ends here. */
		tlc_cgroups_end_row(sock_net(sk), info.cg_row,
				    TLC_R_ORDERLY_ACTIVE);
		if (passive)
			tlc_listeners_end_sk(sk, TLC_R_ORDERLY_ACTIVE);
	}
	return marked;
}

/**
 * tlc_life_tw_rearm() - a timewait socket's timer is re-armed
 * @tw: the socket
 *
 * An orphan in FIN_WAIT2 that receives the peer's FIN enters TIME_WAIT
 * here (tcp_timewait_state_process() changed the substate just before).
 */
void tlc_life_tw_rearm(struct inet_timewait_sock *tw)
{
	struct tlc_stats __percpu *pcpu = tlc_stats_of(twsk_net(tw));
	struct tlc_sock_info info;
	u64 now;

	if (!pcpu || READ_ONCE(tw->tw_substate) != TCP_TIME_WAIT)
		return;
	now = ktime_get_ns();
	/* Test and move in one step: two FINs on two CPUs move it once. */
	if (tlc_track_move_state(tw, TCP_FIN_WAIT2, TCP_TIME_WAIT, now, &info)) {
		tlc_stats_move(this_cpu_ptr(pcpu), TCP_FIN_WAIT2,
			       TCP_TIME_WAIT, true, now - info.state_ts);
	}
}

/* How a timewait socket ended (its TLC_C_TW_* counter), from the context. */
static int tlc_tw_end(const struct inet_timewait_sock *tw,
		      const struct tlc_tw_kill *kill)
{
	if (kill->timer)
		return TLC_C_TW_EXPIRED;
	if (!check_net(twsk_net(tw)))
		return TLC_C_TW_NETNS;
	/* tcp_tw_reuse in connect(), or sock_diag destroy */
	if (in_task())
		return TLC_C_TW_REUSED_CONNECT;
	if (kill->segment && kill->rst_sent)
		return TLC_C_TW_RST_SENT;
	if (kill->segment)
		return kill->seg_rst ? TLC_C_TW_RST :
		       kill->seg_syn ? TLC_C_TW_REUSED_SYN : TLC_C_TW_OTHER;
	return TLC_C_TW_OTHER;
}

/**
 * tlc_life_tw_kill() - a timewait socket ends, and with it its connection
 * @tw: the socket
 * @kill: the context of its end
 */
void tlc_life_tw_kill(struct inet_timewait_sock *tw,
		      const struct tlc_tw_kill *kill)
{
	struct tlc_stats __percpu *pcpu = tlc_stats_of(twsk_net(tw));
	int state = READ_ONCE(tw->tw_substate), reason, end;
	struct tlc_sock_info info;
	struct tlc_stats *s;
	bool tracked;
	u64 now;

	if (!pcpu || !tlc_state_valid(state))
		return;
	end = tlc_tw_end(tw, kill);
	now = ktime_get_ns();
	s = this_cpu_ptr(pcpu);
	tracked = tlc_track_remove(tw, &info);
	s->ctr[end]++;
	tlc_stats_move(s, state, TCP_CLOSE, tracked && info.state == state,
		       now - info.state_ts);
	if (end == TLC_C_TW_RST_SENT)
		reason = TLC_R_RST_SENT_DATA;
	else if (state == TCP_FIN_WAIT2 && end == TLC_C_TW_EXPIRED)
		reason = TLC_R_FIN_WAIT2_TIMEOUT;
	else if (state == TCP_FIN_WAIT2 && end == TLC_C_TW_NETNS)
		reason = TLC_R_NETNS;
	else if (state == TCP_FIN_WAIT2 && end == TLC_C_TW_RST)
		reason = TLC_R_RST_RECEIVED;
	else
		reason = TLC_R_ORDERLY_ACTIVE;
	tlc_stats_end(s, reason, tracked ? info.birth_ts : 0, now);
	/* Untracked, it ended at its handover, or predates the module. */
	if (tracked) {
		tlc_cgroups_end_row(twsk_net(tw), info.cg_row, reason);
		tlc_listeners_end_tw(tw, reason);
	}
}
