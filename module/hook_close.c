// SPDX-License-Identifier: GPL-2.0
/*
 * What tells why a connection closes: a reset received (or data after
 * close(), which the kernel answers with one, from tcp_reset() or, for an
 * orphan in FIN_WAIT1, tcp_done()), tcp_disconnect() (close()
 * with linger 0, connect(AF_UNSPEC)), the write timer, where the kernel
 * gives up on an unanswered connection, and the keepalive timer, its
 * probes and what each of its runs did.
 */

#include <linux/percpu.h>
#include <linux/snmp.h>
#include <linux/tcp.h>
#include <linux/timer.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "compat.h"
#include "hooks.h"
#include "lifecycle.h"
#include "probes.h"

/* The table may not hold the socket: the close hears the hint from here. */
static void tlc_hint_marker(struct sock *sk, u8 hint)
{
	struct tlc_markers *mk = TLC_MARK();

	mk->hint_sk = sk;
	mk->hint = hint;
}

/*
 * tcp_reset(sk, skb): for a segment with RST, or for one with data that
 * came after close() or shutdown(SHUT_RD) (TCPAbortOnData: the caller
 * sends the reset).
 */
static void tlc_reset_pre(struct pt_regs *regs)
{
	struct sock *sk = (void *)ARG(0);
	const struct sk_buff *skb = (void *)ARG(1);

	if (!tlc_sk_is_tcp(sk))
		return;
	if (skb && !tcp_hdr(skb)->rst)
		tlc_hint_marker(sk, tlc_life_rst_sent_data(sk));
	else
		tlc_hint_marker(sk, tlc_life_rst_received(sk));
}

/*
 * tcp_rcv_state_process(sk, skb): an orphan in FIN_WAIT1 that gets the ACK
 * of its FIN with data goes to FIN_WAIT2 and closes by tcp_done()
 * (TCPAbortOnData), not tcp_reset(), and the caller sends the reset.  The
 * test of the FIN_WAIT1 case, made here: nothing before it changes
 * rcv_nxt.  Only a fact, no pointer to the segment, is kept.
 */
static void tlc_rcv_state_pre(struct pt_regs *regs)
{
	struct sock *sk = (void *)ARG(0);
	const struct sk_buff *skb = (void *)ARG(1);
	const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	struct tlc_markers *mk;

	if (READ_ONCE(sk->sk_state) != TCP_FIN_WAIT1 ||
	    !sock_flag(sk, SOCK_DEAD) || !tlc_sk_is_tcp(sk))
		return;
	mk = TLC_MARK();
	mk->rcv_sk = sk;
	mk->rcv_data = cb->end_seq != cb->seq &&
		       after(cb->end_seq - tcp_hdr(skb)->fin,
			     READ_ONCE(tcp_sk(sk)->rcv_nxt));
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
 * tcp_write_timer_handler(sk): the retransmission and zero-window probe
 * timers, from the timer or deferred to release_sock(), BHs off either
 * way.  A timeout is a close inside it (tcp_write_err()).
 */
static bool tlc_write_timer_entry(void *data, struct pt_regs *regs)
{
	struct sock *sk = (void *)ARG(0);

	if (!tlc_sk_is_tcp(sk))
		return false;
	TLC_MARK()->write_timer_sk = sk;
	return true;
}

static void tlc_write_timer_ret(void *data, struct pt_regs *regs)
{
	TLC_MARK()->write_timer_sk = NULL;
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

TLC_WRAP_KPROBE(tlc_reset_pre)
TLC_WRAP_KPROBE(tlc_rcv_state_pre)
TLC_WRAP_KPROBE(tlc_disconnect_pre)
TLC_WRAP_ENTRY(tlc_write_timer_entry)
TLC_WRAP_RET(tlc_write_timer_ret)
TLC_WRAP_ENTRY(tlc_keepalive_entry)
TLC_WRAP_RET(tlc_keepalive_ret)
TLC_WRAP_KPROBE(tlc_write_wakeup_pre)

static struct tlc_probe tlc_close_table[] = {
	TLC_KPROBE("tcp_reset", tlc_reset_pre, TLC_F_REASONS),
	TLC_KPROBE("tcp_rcv_state_process", tlc_rcv_state_pre, TLC_F_REASONS),
	TLC_KPROBE("tcp_disconnect", tlc_disconnect_pre, TLC_F_REASONS),
	TLC_KRETPROBE("tcp_write_timer_handler", tlc_write_timer_entry,
		      tlc_write_timer_ret, 0, 0, TLC_F_REASONS),
	TLC_KRETPROBE("tcp_keepalive_timer", tlc_keepalive_entry,
		      tlc_keepalive_ret, sizeof(struct tlc_ka_run), 0,
		      TLC_F_REASONS),
	TLC_KPROBE("tcp_write_wakeup", tlc_write_wakeup_pre, TLC_F_REASONS),
};

const struct tlc_probe_set tlc_close_probes = {
	.probe = tlc_close_table,
	.n = ARRAY_SIZE(tlc_close_table),
};
