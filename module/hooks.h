/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the hook files share: the per-CPU markers that carry a fact from
 * the probe that sees it to the state change that needs it, and the test
 * every hook makes of its socket.
 *
 * Some facts are only known a little before the state change that needs
 * them.  The pairs run on one CPU when both run in the same softirq (which
 * does not migrate) or with BHs disabled; the framework runs each handler
 * with interrupts off, so no softirq changes the markers in the middle of
 * one.  A pair that runs preemptible (a listener's backlog processed by
 * release_sock(), tcp_disconnect() under lock_sock()) can migrate between
 * its two halves: the consumer then finds no marker, and what the marker
 * carried is counted as lost (or, for the close hints, the table carries
 * it for tracked sockets).
 */
#ifndef _TLC_HOOKS_H
#define _TLC_HOOKS_H

#include <linux/in.h>
#include <linux/net.h>
#include <linux/percpu.h>
#include <linux/socket.h>
#include <net/sock.h>

#include "compat.h"

struct inet_timewait_sock;
struct request_sock;

/**
 * struct tlc_markers - facts noted for the coming state change, per CPU
 * @clone_req: the request socket whose child tcp_create_openreq_child()
 *	makes; consumed (cleared) by the child's LISTEN -> SYN_RECV
 * @clone_birth: how that child is born (enum tlc_birth)
 * @seg_req: the request socket tcp_check_req() processes a segment for;
 *	consumed (cleared) by that request socket's drop or child, overwritten
 *	by the next segment
 * @seg_rst: that segment has an RST the request acts on (not one it
 *	ignores: out of window, or answered by a challenge ACK)
 * @keepalive_sk: the socket whose keepalive timer runs
 * @write_timer_sk: the socket whose write timer handler runs
 * @ka_probe_sent: that timer sent a keepalive probe
 * @ka_killed: that timer closed the socket
 * @handover_sk: the socket a timewait socket took over, when the table
 *	could not mark it
 * @hint_sk: the socket @hint is for, when the table could not note it;
 *	consumed by its CLOSE, cleared by any other state change of it (a
 *	new socket at that address)
 * @hint: enum tlc_hint, as lifecycle gave it
 * @mig_oreq: the request socket whose timer runs while its listener is
 *	closed (tcp_migrate_req may move it to another listener); cleared as
 *	the timer returns
 * @mig_nreq: the copy made of it for the new listener, as it replaces it
 *	in the hash
 * @mig_dropped: the timer dropped @mig_oreq instead (the move failed)
 * @rcv_sk: the orphan in FIN_WAIT1 tcp_rcv_state_process() processes a
 *	segment for; consumed by its CLOSE, overwritten by the next segment
 * @rcv_data: that segment has data beyond rcv_nxt (data after close())
 *
 * A marker names the socket it is for, and its consumer checks the name,
 * and clears the marker whether it matched or not when the fact can only
 * be for the event at hand: a socket's memory is reused at once
 * (SLAB_TYPESAFE_BY_RCU), and a marker left behind would be believed by
 * the next socket at that address.
 */
struct tlc_markers {
	const struct request_sock *clone_req;
	u8 clone_birth;
	const struct request_sock *seg_req;
	bool seg_rst;
	const struct sock *keepalive_sk;
	const struct sock *write_timer_sk;
	bool ka_probe_sent;
	bool ka_killed;
	const struct sock *handover_sk;
	const struct sock *hint_sk;
	u8 hint;
	const struct request_sock *mig_oreq;
	struct request_sock *mig_nreq;
	bool mig_dropped;
	const struct sock *rcv_sk;
	bool rcv_data;
};

DECLARE_PER_CPU(struct tlc_markers, tlc_markers);

#define TLC_MARK()	this_cpu_ptr(&tlc_markers)

/* The Nth argument of the probed function, in a handler given @regs. */
#define ARG(n)		tlc_kprobe_arg(regs, n)

static inline bool tlc_sk_is_tcp(const struct sock *sk)
{
	return sk->sk_protocol == IPPROTO_TCP && sk->sk_type == SOCK_STREAM &&
	       (sk->sk_family == AF_INET || sk->sk_family == AF_INET6);
}

#endif /* _TLC_HOOKS_H */
