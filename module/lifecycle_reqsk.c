// SPDX-License-Identifier: GPL-2.0
/*
 * The life of a request socket (NEW_SYN_RECV), from the SYN that creates
 * it to its end: completed by the child the third ACK makes (lifecycle.c
 * gives the child its birth), moved to another listener, or dropped
 * without a child (its timer ran out, a reset, its listener closed).
 *
 * Every function runs in a probe handler (preemption and interrupts off,
 * maybe softirq): no sleeping, no allocation; all work is bounded.
 */

#include <linux/percpu.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <net/net_namespace.h>
#include <net/request_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "lifecycle.h"
#include "lifecycle_priv.h"
#include "listeners.h"
#include "stats.h"
#include "track.h"

/**
 * tlc_life_req_birth() - a SYN created a request socket (NEW_SYN_RECV)
 * @listener: the listener it belongs to
 * @req: the request socket, just hashed
 *
 * Called once inet_csk_reqsk_queue_hash_add() has hashed @req: a request
 * that lost the race with an identical SYN's is freed unhashed, and is
 * neither born nor tracked.  @req is visible to other CPUs already: if it
 * is no longer hashed, it ended before this ran (its end was counted,
 * untimed): it is born, but not tracked.  It can end between that test
 * and the insertion too: its end, which unlinks it before it removes its
 * entry, then found no entry, and the test after the insertion sees it
 * unhashed.
 */
void tlc_life_req_birth(struct sock *listener, struct request_sock *req)
{
	struct tlc_stats __percpu *pcpu = tlc_stats_of(sock_net(listener));
	struct tlc_sock_info info;
	struct tlc_stats *s;
	u64 now;

	if (!pcpu)
		return;
	now = ktime_get_ns();
	s = this_cpu_ptr(pcpu);
	s->ctr[TLC_C_REQ_CREATED]++;
	tlc_listeners_count(listener, TLC_L_REQ_CREATED);
	tlc_stats_move(s, TCP_CLOSE, TCP_NEW_SYN_RECV, false, 0);
	tlc_born(&info, TCP_NEW_SYN_RECV, TLC_KIND_REQ, now);
	if (!sk_hashed(req_to_sk(req)))
		return;
	if (!tlc_track_insert(req, sock_net(listener), &info))
		s->ctr[TLC_C_REQ_UNTRACKED]++;
	else if (!sk_hashed(req_to_sk(req)))
		tlc_track_remove(req, &info);
}

/**
 * tlc_life_req_complete() - a child owns its request socket
 * @child: the child, in SYN_RECV, in the request's place in the hash
 * @req: the request socket, unhashed
 *
 * inet_csk_complete_hashdance() with own_req: of the children of @req (two
 * CPUs can make one each), this one won; the request is completed, once.
 */
void tlc_life_req_complete(struct sock *child, const struct request_sock *req)
{
	struct tlc_stats __percpu *pcpu = tlc_stats_of(sock_net(child));
	struct tlc_sock_info info = {};
	struct tlc_stats *s;
	bool timed;
	u8 old = 0;
	u64 now;

	if (!pcpu || !tlc_track_update_flags(child, 0, TLC_SF_CHILD_PENDING,
					     &old) ||
	    !(old & TLC_SF_CHILD_PENDING))
		return;
	now = ktime_get_ns();
	s = this_cpu_ptr(pcpu);
	timed = tlc_track_remove(req, &info) && info.state == TCP_NEW_SYN_RECV;
	tlc_stats_move(s, TCP_NEW_SYN_RECV, TCP_SYN_RECV, timed,
		       now - info.state_ts);
	s->ctr[TLC_C_REQ_COMPLETED]++;
	s->ctr[TLC_C_PASSIVE_REQSK]++;
	tlc_listeners_count(req->rsk_listener, TLC_L_REQ_COMPLETED);
}

/**
 * tlc_life_req_migrate() - a request socket moved to another listener
 * @oreq: the request socket, unhashed and being freed (only its address
 *	is used)
 * @nreq: its copy for the other listener, hashed in its place
 *
 * reqsk_timer_handler() with tcp_migrate_req (TCPMigrateReqSuccess): the
 * request lives on at @nreq, neither born again nor ended.  @nreq is
 * visible to other CPUs already: a child may have completed it, or a
 * drop ended it, before or while its entry moves (as for a birth, see
 * tlc_life_req_birth()); then it has no entry to keep.
 */
void tlc_life_req_migrate(const struct request_sock *oreq,
			  struct request_sock *nreq)
{
	const struct net *net = sock_net(req_to_sk(nreq));
	struct tlc_stats __percpu *pcpu = tlc_stats_of(net);
	struct tlc_sock_info info;

	if (!pcpu || !tlc_track_remove(oreq, &info))
		return;
	if (!sk_hashed(req_to_sk(nreq)))
		return;
	if (!tlc_track_insert(nreq, net, &info))
		this_cpu_inc(pcpu->ctr[TLC_C_REQ_UNTRACKED]);
	else if (!sk_hashed(req_to_sk(nreq)))
		tlc_track_remove(nreq, &info);
}

/**
 * tlc_life_req_synack() - a request socket's SYN-ACK is sent again
 * @listener: the listener the request socket belongs to
 */
void tlc_life_req_synack(const struct sock *listener)
{
	struct tlc_stats __percpu *pcpu = tlc_stats_of(sock_net(listener));

	if (!pcpu)
		return;
	this_cpu_inc(pcpu->ctr[TLC_C_REQ_SYNACK_RTX]);
	tlc_listeners_count(listener, TLC_L_SYNACK_RETRANS);
}

/*
 * A request socket ended without a child, @end its TLC_C_REQ_* counter;
 * only its address is used.
 */
static void tlc_req_end(const struct request_sock *req, const struct net *net,
			int end)
{
	struct tlc_stats __percpu *pcpu = tlc_stats_of(net);
	struct tlc_sock_info info;
	struct tlc_stats *s;
	bool tracked;
	u64 now;

	if (!pcpu)
		return;
	now = ktime_get_ns();
	s = this_cpu_ptr(pcpu);
	tracked = tlc_track_remove(req, &info);
	s->ctr[end]++;
	tlc_stats_move(s, TCP_NEW_SYN_RECV, TCP_CLOSE,
		       tracked && info.state == TCP_NEW_SYN_RECV,
		       now - info.state_ts);
}

/**
 * tlc_life_req_drop() - a request socket was unlinked without a child
 * @drop: the drop, as it started
 *
 * __inet_csk_reqsk_queue_drop() unlinked it (a child replaces its request
 * in the hash itself, before the drop that follows): every end of a
 * request socket, counted once even when two CPUs drop it at once.  Its
 * memory is SLAB_TYPESAFE_BY_RCU: only its address is used.
 */
void tlc_life_req_drop(const struct tlc_req_drop *drop)
{
	int end;

	if (drop->timer)
		end = drop->listening ? TLC_C_REQ_TIMEOUT :
					TLC_C_REQ_LISTENER_CLOSED;
	else if (!drop->net_alive)
		end = TLC_C_REQ_NETNS;
	else if (drop->seg_rst)
		end = TLC_C_REQ_RST;
	else if (!drop->listening)
		end = TLC_C_REQ_LISTENER_CLOSED;
	else
		end = TLC_C_REQ_OTHER;
	tlc_req_end(drop->req, drop->net, end);
	tlc_listeners_count_cookie(drop->net, drop->listener_cookie,
				   end == TLC_C_REQ_TIMEOUT ? TLC_L_REQ_TIMEOUT :
				   end == TLC_C_REQ_RST ? TLC_L_REQ_RST :
				   TLC_L_REQ_OTHER, 1);
}
