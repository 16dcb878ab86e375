// SPDX-License-Identifier: GPL-2.0
/*
 * The events that change no state but tell about a connection: who owns it,
 * connect() running out of ports, its keepalive timer's runs and probes, and
 * the aborts noted for its coming close (lifecycle.c gives the reason).
 *
 * Every function runs in a probe handler (preemption and interrupts off,
 * maybe softirq): no sleeping, no allocation; all work is bounded.
 */

#include <linux/errno.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "compat.h"
#include "lifecycle.h"
#include "listeners.h"
#include "stats.h"
#include "track.h"

/* ---- owner and ports ------------------------------------------------ */

/**
 * tlc_life_owner() - the current process accepted @sk: it owns it
 * @sk: the accepted socket
 */
void tlc_life_owner(struct sock *sk)
{
	char comm[TASK_COMM_LEN];

	tlc_task_comm(comm, current);
	tlc_track_set_owner(sk, task_tgid_nr(current), comm);
	tlc_listeners_child(sk, TLC_L_ACCEPTED);
}

/* ---- keepalive ------------------------------------------------------ */

/**
 * tlc_life_ka_set() - SO_KEEPALIVE is set or cleared on a socket
 * @sk: the socket, locked by its owner (its state stays as it is)
 * @on: whether SOCK_KEEPOPEN is to be set, which happens next
 *
 * An ESTABLISHED socket moves to the other side of the keepalive file's
 * established_keepalive_on and _off; in another state its entry's flag
 * is taken again from the socket as it enters ESTABLISHED.
 */
void tlc_life_ka_set(struct sock *sk, bool on)
{
	tlc_track_update_flags(sk, on ? TLC_SF_KA_ON : 0,
			       on ? 0 : TLC_SF_KA_ON, NULL);
}

/**
 * tlc_life_ka_timer() - a socket's keepalive timer starts
 * @sk: the socket
 *
 * A probe sent before, and no longer outstanding, was answered.
 */
void tlc_life_ka_timer(struct sock *sk)
{
	struct tlc_stats __percpu *pcpu = tlc_stats_of(sock_net(sk));
	u8 old = 0;

	if (!pcpu)
		return;
	this_cpu_inc(pcpu->ka[TLC_KA_FIRES]);
	if (!READ_ONCE(inet_csk(sk)->icsk_probes_out) &&
	    tlc_track_update_flags(sk, 0, TLC_SF_KA_PROBING, &old) &&
	    (old & TLC_SF_KA_PROBING))
		this_cpu_inc(pcpu->ka[TLC_KA_ANSWERED]);
}

/**
 * tlc_life_ka_probe() - a keepalive probe is sent
 * @sk: the socket
 */
void tlc_life_ka_probe(struct sock *sk)
{
	struct tlc_stats __percpu *pcpu = tlc_stats_of(sock_net(sk));

	if (!pcpu)
		return;
	this_cpu_inc(pcpu->ka[TLC_KA_PROBES]);
	tlc_track_update_flags(sk, TLC_SF_KA_PROBING, 0, NULL);
}

/**
 * tlc_life_ka_timer_done() - what a keepalive timer run did
 * @run: the socket as the timer found it, and what happened during the run
 *
 * What the timer would do is read from the socket as it started: a socket
 * a process holds is tried again later.  An orphan in FIN_WAIT2 timed out
 * here is no keepalive kill.
 */
void tlc_life_ka_timer_done(const struct tlc_ka_run *run)
{
	struct tlc_stats __percpu *pcpu = tlc_stats_of(run->net);
	int outcome;

	if (!pcpu)
		return;
	if (run->state == TCP_FIN_WAIT2 && run->orphan)
		outcome = TLC_KA_FIN_WAIT2;
	else if (run->killed)
		outcome = TLC_KA_KILLED;
	else if (run->probe_sent)
		outcome = TLC_KA_PROBE_SENT;
	else if (!run->keepopen || run->owned ||
		 (run->state != TCP_ESTABLISHED &&
		  run->state != TCP_CLOSE_WAIT))
		outcome = TLC_KA_OTHER;
	else if (run->in_flight)
		outcome = TLC_KA_IN_FLIGHT;
	else
		outcome = TLC_KA_NOT_DUE;
	this_cpu_inc(pcpu->ka[outcome]);
}

/* ---- resets sent ---------------------------------------------------- */

static DEFINE_PER_CPU(u64, tlc_lost_resets);

/**
 * tlc_life_rst_sent() - the kernel sent a reset (tcp:tcp_send_reset)
 * @net: the namespace it was sent from, NULL if not known
 * @reason: the kernel's reason, enum sk_rst_reason
 *
 * Counted per namespace and reason.  One without a namespace, or with a
 * reason past the build tree's enum, is counted lost.
 */
void tlc_life_rst_sent(const struct net *net, unsigned int reason)
{
	struct tlc_stats __percpu *pcpu;

	if (!net || reason >= TLC_NRST_REASONS) {
		this_cpu_inc(tlc_lost_resets);
		return;
	}
	pcpu = tlc_stats_of(net);
	if (pcpu)
		this_cpu_inc(pcpu->rst[reason]);
}

/**
 * tlc_life_lost_resets() - resets sent that the module could not count
 *
 * Return: how many, since the load.
 */
u64 tlc_life_lost_resets(void)
{
	return TLC_PERCPU_SUM(tlc_lost_resets);
}

/* ---- aborts --------------------------------------------------------- */

/**
 * tlc_life_rst_received() - a reset was received (tcp_reset())
 * @sk: the socket
 *
 * Return: the hint to give the coming close in &tlc_ctx.hint.
 */
u8 tlc_life_rst_received(struct sock *sk)
{
	tlc_track_set_hint(sk, TLC_HINT_RST_RECEIVED);
	return TLC_HINT_RST_RECEIVED;
}

/**
 * tlc_life_rst_sent_data() - data came for a socket that stopped reading
 * @sk: the socket, in FIN_WAIT1 or FIN_WAIT2 after close() or
 *	shutdown(SHUT_RD)
 *
 * tcp_rcv_state_process() counts TCPAbortOnData and calls tcp_reset() for
 * a segment that has no RST: the socket closes as if reset, and its caller
 * sends the reset.
 *
 * Return: the hint to give the coming close in &tlc_ctx.hint.
 */
u8 tlc_life_rst_sent_data(struct sock *sk)
{
	tlc_track_set_hint(sk, TLC_HINT_RST_SENT_DATA);
	return TLC_HINT_RST_SENT_DATA;
}

/**
 * tlc_life_disconnect() - tcp_disconnect() is called
 * @sk: the socket
 *
 * From close() of a socket with linger 0 and no unread data (__tcp_close()
 * set every shutdown bit first), or connect(AF_UNSPEC).  A
 * shutdown(SHUT_RDWR) linger-0 socket disconnected by connect(AF_UNSPEC)
 * counts as linger 0 too.
 *
 * A socket in CLOSE already (connect() failed and its error path calls
 * tcp_disconnect()) sends nothing and changes no state: no close follows
 * to take a hint, which would wait for the next socket at this address.
 *
 * Return: the hint to give the coming close in &tlc_ctx.hint, 0 if the
 * close is classified already (a RST received first) or none follows.
 */
u8 tlc_life_disconnect(struct sock *sk)
{
	struct tlc_sock_info info;
	u8 hint;

	if (READ_ONCE(sk->sk_state) == TCP_CLOSE)
		return TLC_HINT_NONE;
	if (tlc_track_get(sk, &info) && info.hint != TLC_HINT_NONE)
		return TLC_HINT_NONE;
	if (READ_ONCE(sk->sk_shutdown) == SHUTDOWN_MASK &&
	    sock_flag(sk, SOCK_LINGER) && !READ_ONCE(sk->sk_lingertime) &&
	    !tcp_sk(sk)->repair)
		hint = TLC_HINT_LINGER0;
	else
		hint = TLC_HINT_DISCONNECT;
	tlc_track_set_hint(sk, hint);
	return hint;
}
