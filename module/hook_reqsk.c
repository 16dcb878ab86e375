// SPDX-License-Identifier: GPL-2.0
/*
 * The request socket of a half-open handshake: its birth with the SYN, its
 * SYN-ACKs sent again, the child that completes it, and the context of its
 * end (its timer, a segment with RST, its listener closing).
 */

#include <linux/percpu.h>
#include <linux/tcp.h>
#include <linux/timer.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <net/request_sock.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "compat.h"
#include "hooks.h"
#include "lifecycle.h"
#include "probes.h"

/* Which request socket a segment being processed on this CPU is for. */
struct tlc_req_markers {
	const struct request_sock *seg;
	bool seg_rst;
};

static DEFINE_PER_CPU(struct tlc_req_markers, tlc_req_markers);

/* inet_csk_reqsk_queue_hash_add(sk, req, timeout) */
static void tlc_req_add_pre(struct pt_regs *regs)
{
	struct sock *sk = (void *)ARG(0);

	if (tlc_sk_is_tcp(sk))
		tlc_life_req_birth(sk, (void *)ARG(1));
}

/* tcp_rtx_synack(sk, req) */
static void tlc_req_synack_pre(struct pt_regs *regs)
{
	tlc_life_req_synack((void *)ARG(0));
}

/* inet_csk_clone_lock(sk, req, prio): the child is born inside. */
static void tlc_clone_pre(struct pt_regs *regs)
{
	struct request_sock *req = (void *)ARG(1);
	struct tlc_markers *mk = TLC_MARK();

	mk->clone_req = req;
	mk->clone_req_hashed = sk_hashed(req_to_sk(req));
}

/* tcp_check_req(sk, skb, req, ...): a segment for a request socket */
static void tlc_check_req_pre(struct pt_regs *regs)
{
	struct tlc_req_markers *mk = this_cpu_ptr(&tlc_req_markers);
	const struct sk_buff *skb = (void *)ARG(1);

	mk->seg = (void *)ARG(2);
	mk->seg_rst = tcp_hdr(skb)->rst;
}

/* inet_csk_reqsk_queue_drop(sk, req): every end but the timer's */
static void tlc_req_drop_pre(struct pt_regs *regs)
{
	struct tlc_req_markers *seg = this_cpu_ptr(&tlc_req_markers);
	struct request_sock *req = (void *)ARG(1);
	struct tlc_markers *mk = TLC_MARK();
	struct sock *sk = (void *)ARG(0);
	struct tlc_req_drop drop = {};

	if (!tlc_sk_is_tcp(sk))
		return;
	if (mk->completed_req == req) {
		drop.completed = true;
		mk->completed_req = NULL;
	}
	drop.seg_rst = seg->seg == req && seg->seg_rst;
	tlc_life_req_drop(sk, req, &drop);
}

/* reqsk_timer_handler(t): retransmits the SYN-ACK, or drops the request */
static bool tlc_req_timer_entry(void *data, struct pt_regs *regs)
{
	struct timer_list *t = (void *)ARG(0);
	struct tlc_req_timer *run = data;
	const struct request_sock *req;

	req = container_of(t, struct request_sock, rsk_timer);
	if (!tlc_sk_is_tcp(req->rsk_listener))
		return false;
	run->req = req;
	run->net = sock_net(req->rsk_listener);
	run->listening = READ_ONCE(req->rsk_listener->sk_state) == TCP_LISTEN;
	return true;
}

static void tlc_req_timer_ret(void *data, struct pt_regs *regs)
{
	tlc_life_req_timer_done(data);
}

TLC_WRAP_KPROBE(tlc_req_add_pre)
TLC_WRAP_KPROBE(tlc_req_synack_pre)
TLC_WRAP_KPROBE(tlc_clone_pre)
TLC_WRAP_KPROBE(tlc_check_req_pre)
TLC_WRAP_KPROBE(tlc_req_drop_pre)
TLC_WRAP_ENTRY(tlc_req_timer_entry)
TLC_WRAP_RET(tlc_req_timer_ret)

static struct tlc_probe tlc_reqsk_table[] = {
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
};

const struct tlc_probe_set tlc_reqsk_probes = {
	.probe = tlc_reqsk_table,
	.n = ARRAY_SIZE(tlc_reqsk_table),
};
