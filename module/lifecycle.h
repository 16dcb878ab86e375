/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each hooked kernel event means for a connection's life: state
 * changes, the hand-over to a timewait socket and its end, the request
 * socket of a half-open handshake, and why the connection ended.
 */
#ifndef _TLC_LIFECYCLE_H
#define _TLC_LIFECYCLE_H

#include <linux/types.h>

struct inet_timewait_sock;
struct net;
struct request_sock;
struct sock;
struct tlc_stats;

/**
 * struct tlc_ctx - what the probes know about the context of a state change
 * @req: at a child's birth, the request socket it completes (or NULL)
 * @req_hashed: @req was a NEW_SYN_RECV socket (not Fast Open or a cookie)
 * @keepalive: the change happens in this socket's keepalive timer
 * @handover: the socket was just handed over to a timewait socket
 * @hint: enum tlc_hint noted for this socket outside the table
 */
struct tlc_ctx {
	const struct request_sock *req;
	bool req_hashed;
	bool keepalive;
	bool handover;
	u8 hint;
};

/* How a timewait socket ended; enum tlc_counter order from TLC_C_TW_*. */
enum tlc_tw_end {
	TLC_TW_EXPIRED,
	TLC_TW_REUSED_CONNECT,
	TLC_TW_REUSED_SYN,
	TLC_TW_RST,
	TLC_TW_NETNS,
	TLC_TW_OTHER,
};

/* How a request socket ended; enum tlc_counter order from TLC_C_REQ_TIMEOUT. */
enum tlc_req_end {
	TLC_REQ_TIMEOUT,
	TLC_REQ_RST,
	TLC_REQ_LISTENER_CLOSED,
	TLC_REQ_NETNS,
	TLC_REQ_OTHER,
};

void tlc_life_state_change(struct sock *sk, int oldstate, int newstate,
			   const struct tlc_ctx *ctx);
bool tlc_life_tw_handover(struct inet_timewait_sock *tw, struct sock *sk);
void tlc_life_tw_rearm(struct inet_timewait_sock *tw);
void tlc_life_tw_end(struct inet_timewait_sock *tw, int how);
void tlc_life_req_birth(struct sock *listener, struct request_sock *req);
void tlc_life_req_synack(const struct sock *listener);
void tlc_life_req_end(const struct request_sock *req, const struct net *net,
		      int how);
void tlc_life_hint(struct sock *sk, u8 hint);
u8 tlc_life_hint_of(const struct sock *sk);
void tlc_life_owner(struct sock *sk);
void tlc_life_port_exhausted(struct net *net);
struct tlc_stats __percpu *tlc_life_ka_timer(struct sock *sk);
void tlc_life_ka_outcome(struct tlc_stats __percpu *pcpu, int outcome);
void tlc_life_ka_probe(struct sock *sk);

#endif /* _TLC_LIFECYCLE_H */
