/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each hooked kernel event means for a connection's life.  The hooks
 * (hook_*.c) capture facts and call one of the events below; lifecycle.c
 * (full sockets), lifecycle_reqsk.c (request sockets), lifecycle_tw.c
 * (timewait sockets) and lifecycle_notes.c (the events that change no
 * state) decide what they mean (the close reason, how a timewait or
 * request socket ended, what a keepalive timer run did) and update the
 * tracking table and the namespace's statistics.  Every event is called
 * with interrupts off.
 */
#ifndef _TLC_LIFECYCLE_H
#define _TLC_LIFECYCLE_H

#include <linux/percpu.h>
#include <linux/types.h>

/* The sum over every possible CPU of the per-CPU u64 @var: a read side. */
#define TLC_PERCPU_SUM(var) ({					\
	u64 __sum = 0;						\
	int __cpu;						\
								\
	for_each_possible_cpu(__cpu)				\
		__sum += per_cpu(var, __cpu);			\
	__sum;							\
})

struct inet_timewait_sock;
struct net;
struct request_sock;
struct sock;

/*
 * How a child socket was born (LISTEN -> SYN_RECV): from a request socket
 * that was hashed (NEW_SYN_RECV), from a SYN cookie's ACK, or from a Fast
 * Open SYN; unknown when the probe that tells was missed.
 */
enum tlc_birth {
	TLC_BIRTH_UNKNOWN,
	TLC_BIRTH_REQSK,
	TLC_BIRTH_SYNCOOKIE,
	TLC_BIRTH_FASTOPEN,
};

/*
 * Where the module knows it lost track of a request socket or a child's
 * (the debugfs status's lost_* lines; each must stay 0).
 */
enum tlc_lost {
	TLC_LOST_CHILD_BIRTH,
	TLC_NLOST,
};

/**
 * struct tlc_ctx - what the probes know about the context of a state change
 * @req: at a child's birth, the request socket it completes (or NULL)
 * @birth: at a child's birth, how it was born (enum tlc_birth)
 * @req_noted: the synrecv probes are armed: every child's birth is noted
 * @keepalive: the change happens in this socket's keepalive timer
 * @write_timer: ... in its write (retransmission, probe) timer's handler,
 *	where the kernel gives up on an unanswered connection
 * @handover: the socket was just handed over to a timewait socket
 * @aborts_noted: the reasons probes are armed: every abort they see leaves
 *	a hint
 * @no_port: a connect() found no local port (SYN_SENT -> CLOSE unhashed)
 * @hint: a hint noted for this socket outside the table (0: none), as
 *	tlc_life_rst_received() or tlc_life_disconnect() gave it
 * @data_after_close: the change happens while a segment with data is
 *	processed for this socket, an orphan that was in FIN_WAIT1
 */
struct tlc_ctx {
	const struct request_sock *req;
	u8 birth;
	bool req_noted;
	bool keepalive;
	bool write_timer;
	bool handover;
	bool aborts_noted;
	bool no_port;
	u8 hint;
	bool data_after_close;
};

/**
 * struct tlc_tw_kill - the context of a timewait socket's end
 * @timer: in the socket's own timer
 * @segment: while a segment for the socket is processed
 * @seg_rst: that segment has RST
 * @seg_syn: that segment has SYN
 * @rst_sent: tcp_timewait_state_process() answered that segment with
 *	TCP_TW_RST: the kernel resets the peer and kills the socket
 */
struct tlc_tw_kill {
	bool timer;
	bool segment;
	bool seg_rst;
	bool seg_syn;
	bool rst_sent;
};

/**
 * struct tlc_req_drop - a request socket's drop, as it started
 * @req: the request socket (after the drop, only its address is used)
 * @net: its listener's namespace
 * @timer: in the request's own timer (its SYN-ACKs ran out, or it found
 *	the listener closed)
 * @seg_rst: a segment with RST for it is being processed
 * @listening: the listener was listening
 * @net_alive: the namespace was not being dismantled
 * @listener_cookie: the listener's cookie (tlc_listeners_cookie())
 */
struct tlc_req_drop {
	const struct request_sock *req;
	const struct net *net;
	u64 listener_cookie;
	bool timer;
	bool seg_rst;
	bool listening;
	bool net_alive;
};

/**
 * struct tlc_ka_run - a keepalive timer run (tcp_keepalive_timer())
 * @net: the socket's namespace (the socket may be gone at the end)
 * @state: the socket's state as the timer started
 * @orphan: it was orphaned (SOCK_DEAD)
 * @keepopen: SO_KEEPALIVE was set
 * @owned: a process held the socket: the timer tries again later
 * @in_flight: data was unacknowledged or queued
 * @probe_sent: during the run, a keepalive probe was sent
 * @killed: during the run, the socket went to CLOSE
 */
struct tlc_ka_run {
	const struct net *net;
	u8 state;
	bool orphan;
	bool keepopen;
	bool owned;
	bool in_flight;
	bool probe_sent;
	bool killed;
};

/*
 * Every event the module understands, in the order of a connection's life.
 */

/* A full socket changes state (sock:inet_sock_set_state). */
void tlc_life_state_change(struct sock *sk, int oldstate, int newstate,
			   const struct tlc_ctx *ctx);

/* A SYN created a request socket (NEW_SYN_RECV), and it was hashed. */
void tlc_life_req_birth(struct sock *listener, struct request_sock *req);
/* A child took its request socket's place in the hash: it completes it. */
void tlc_life_req_complete(struct sock *child, const struct request_sock *req);
/* A request socket moved to another listener: @nreq replaced @oreq. */
void tlc_life_req_migrate(const struct request_sock *oreq,
			  struct request_sock *nreq);
/* A request socket's SYN-ACK is sent again. */
void tlc_life_req_synack(const struct sock *listener);
/* A request socket was unlinked from the hash without a child: it ends. */
void tlc_life_req_drop(const struct tlc_req_drop *drop);

/* The current process accepted a socket. */
void tlc_life_owner(struct sock *sk);

/* SO_KEEPALIVE is about to be set (@on) or cleared on a socket. */
void tlc_life_ka_set(struct sock *sk, bool on);
/* A socket's keepalive timer starts. */
void tlc_life_ka_timer(struct sock *sk);
/* A keepalive probe is sent. */
void tlc_life_ka_probe(struct sock *sk);
/* A keepalive timer run ends: what it did. */
void tlc_life_ka_timer_done(const struct tlc_ka_run *run);

/* A reset was received: the hint for the coming close. */
u8 tlc_life_rst_received(struct sock *sk);
/* Data came after close() or shutdown(SHUT_RD): the kernel resets. */
u8 tlc_life_rst_sent_data(struct sock *sk);
/* tcp_disconnect(): the hint for the coming close, 0 if already known. */
u8 tlc_life_disconnect(struct sock *sk);

/* The kernel sent a reset, for @reason (enum sk_rst_reason). */
void tlc_life_rst_sent(const struct net *net, unsigned int reason);
/* Resets the module could not count (no namespace, unknown reason). */
u64 tlc_life_lost_resets(void);

/* A timewait socket takes over an actively closed connection. */
bool tlc_life_tw_handover(struct inet_timewait_sock *tw, struct sock *sk);
/* A timewait socket's timer is re-armed (FIN_WAIT2 -> TIME_WAIT). */
void tlc_life_tw_rearm(struct inet_timewait_sock *tw);
/* A timewait socket ends, and with it its connection. */
void tlc_life_tw_kill(struct inet_timewait_sock *tw,
		      const struct tlc_tw_kill *kill);

/* State changes to or from a state number the module does not know. */
u64 tlc_life_bad_states(void);
/* How often the module lost track (enum tlc_lost), and each one's name. */
u64 tlc_life_lost(int what);
const char *tlc_life_lost_name(int what);

#endif /* _TLC_LIFECYCLE_H */
