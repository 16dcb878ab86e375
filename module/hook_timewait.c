// SPDX-License-Identifier: GPL-2.0
/*
 * The timewait socket that takes over an actively closed connection, and
 * the context of its end: its own timer, a segment for it (RST, or a SYN
 * reusing its ports), or another path.
 */

#include <linux/percpu.h>
#include <linux/tcp.h>
#include <linux/timer.h>
#include <net/inet_timewait_sock.h>
#include <net/net_namespace.h>
#include <net/tcp.h>

#include "compat.h"
#include "hooks.h"
#include "lifecycle.h"
#include "probes.h"

/*
 * Which timewait socket's timer, or segment, this CPU is in; the segment's
 * verdict once tcp_timewait_state_process() returned.
 */
struct tlc_tw_markers {
	const struct inet_timewait_sock *timer;
	const struct inet_timewait_sock *seg;
	bool seg_rst;
	bool seg_syn;
	bool seg_rst_sent;
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

/*
 * tcp_timewait_state_process(tw, skb, th, ...): a segment for a timewait
 * socket.  The call's data is the socket.
 */
static bool tlc_tw_segment_entry(void *data, struct pt_regs *regs)
{
	struct tlc_tw_markers *mk = this_cpu_ptr(&tlc_tw_markers);
	const struct tcphdr *th = (void *)ARG(2);

	mk->seg = (void *)ARG(0);
	mk->seg_rst = th->rst;
	mk->seg_syn = th->syn;
	mk->seg_rst_sent = false;
	*(const struct inet_timewait_sock **)data = mk->seg;
	return true;
}

/*
 * TCP_TW_RST (data, or a SYN, for an orphan in FIN_WAIT2 after close()):
 * the caller, tcp_v4_rcv() or tcp_v6_rcv(), sends a reset and kills the
 * socket next, on this CPU.  A socket killed inside, by an RST, has
 * cleared the marker already.
 */
static void tlc_tw_segment_ret(void *data, struct pt_regs *regs)
{
	struct tlc_tw_markers *mk = this_cpu_ptr(&tlc_tw_markers);

	if (mk->seg && mk->seg == *(const struct inet_timewait_sock **)data &&
	    (int)tlc_kprobe_ret(regs) == TCP_TW_RST)
		mk->seg_rst_sent = true;
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
		kill.rst_sent = mk->seg_rst_sent;
		mk->seg = NULL;
	}
	tlc_life_tw_kill(tw, &kill);
}

TLC_WRAP_KPROBE(tlc_tw_hashdance_pre)
TLC_WRAP_KPROBE(tlc_tw_schedule_pre)
TLC_WRAP_KPROBE(tlc_tw_timer_pre)
TLC_WRAP_ENTRY(tlc_tw_segment_entry)
TLC_WRAP_RET(tlc_tw_segment_ret)
TLC_WRAP_KPROBE(tlc_tw_kill_pre)

static struct tlc_probe tlc_timewait_table[] = {
	TLC_KPROBE(TLC_SYM_TW_HASHDANCE, tlc_tw_hashdance_pre, TLC_F_TIMEWAIT),
	TLC_KPROBE("__inet_twsk_schedule", tlc_tw_schedule_pre, TLC_F_TIMEWAIT),
	TLC_KPROBE("tw_timer_handler", tlc_tw_timer_pre, TLC_F_TIMEWAIT),
	TLC_KRETPROBE("tcp_timewait_state_process", tlc_tw_segment_entry,
		      tlc_tw_segment_ret, sizeof(struct inet_timewait_sock *),
		      0, TLC_F_TIMEWAIT),
	TLC_KPROBE("inet_twsk_kill", tlc_tw_kill_pre, TLC_F_TIMEWAIT),
};

const struct tlc_probe_set tlc_timewait_probes = {
	.probe = tlc_timewait_table,
	.n = ARRAY_SIZE(tlc_timewait_table),
};
