// SPDX-License-Identifier: GPL-2.0
/*
 * The request socket of a half-open handshake: its birth with the SYN once
 * hashed, its SYN-ACKs sent again, the child that completes it (and the
 * children born without one: SYN cookies, Fast Open), and the context of
 * its end (its timer, a segment with RST, its listener closing), counted
 * where the kernel unlinks it.
 */

#include <linux/percpu.h>
#include <linux/tcp.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <net/request_sock.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "compat.h"
#include "hooks.h"
#include "lifecycle.h"
#include "probes.h"

/* inet_csk_reqsk_queue_hash_add(sk, req, ...), as it started */
struct tlc_req_add {
	struct sock *listener;
	struct request_sock *req;
};

static bool tlc_req_add_entry(void *data, struct pt_regs *regs)
{
	struct tlc_req_add *add = data;

	add->listener = (void *)ARG(0);
	add->req = (void *)ARG(1);
	return tlc_sk_is_tcp(add->listener);
}

/* The request is born only if it was hashed (and freed otherwise). */
static void tlc_req_add_ret(void *data, struct pt_regs *regs)
{
	struct tlc_req_add *add = data;

	if (tlc_reqsk_hash_added(regs))
		tlc_life_req_birth(add->listener, add->req);
}

/* tcp_rtx_synack(sk, req) */
static void tlc_req_synack_pre(struct pt_regs *regs)
{
	tlc_life_req_synack((void *)ARG(0));
}

/*
 * tcp_create_openreq_child(sk, req, skb): the child is born inside (in
 * inet_csk_clone_lock()).  Its request socket was hashed (NEW_SYN_RECV), or
 * never was: a Fast Open child is made from the SYN, a SYN cookie's from
 * the ACK.
 */
static void tlc_clone_pre(struct pt_regs *regs)
{
	struct request_sock *req = (void *)ARG(1);
	const struct sk_buff *skb = (void *)ARG(2);
	struct tlc_markers *mk = TLC_MARK();

	mk->clone_req = req;
	if (sk_hashed(req_to_sk(req)))
		mk->clone_birth = TLC_BIRTH_REQSK;
	else if (tcp_hdr(skb)->syn)
		mk->clone_birth = TLC_BIRTH_FASTOPEN;
	else
		mk->clone_birth = TLC_BIRTH_SYNCOOKIE;
}

/*
 * tcp_check_req(sk, skb, req, ...): a segment for a request socket.  Its
 * reset counts only if tcp_check_req() acts on it: at exactly rcv_nxt (RFC
 * 5961 3.2); any other it ignores (out of window) or answers with a
 * challenge ACK, keeping the request, and the marker, that is only
 * overwritten by the next segment, must not blame that request's (or the
 * next one's at its address) later drop on it.
 */
static void tlc_check_req_pre(struct pt_regs *regs)
{
	const struct request_sock *req = (void *)ARG(2);
	const struct sk_buff *skb = (void *)ARG(1);
	const struct tcphdr *th = tcp_hdr(skb);
	struct tlc_markers *mk = TLC_MARK();

	mk->seg_req = req;
	mk->seg_rst = th->rst &&
		      ntohl(th->seq) == READ_ONCE(tcp_rsk(req)->rcv_nxt);
}

/*
 * __inet_csk_reqsk_queue_drop(sk, req, from_timer): every drop, the
 * timer's too.  The exported inet_csk_reqsk_queue_drop() only jumps here,
 * and inet_csk_reqsk_queue_drop_and_put() (a listener gone, a namespace
 * purged) calls this directly: a probe on either exported function misses
 * drops.  A request still hashed may end here; whether it did is the
 * return value (unlinked), as for the kernel's EmbryonicRsts: two CPUs
 * can drop one request at once (two resets, a reset and the timer).  One
 * no longer hashed was replaced by its child or ended already: no return
 * probe for it.
 */
static bool tlc_req_drop_entry(void *data, struct pt_regs *regs)
{
	struct request_sock *req = (void *)ARG(1);
	struct tlc_markers *mk = TLC_MARK();
	struct sock *sk = (void *)ARG(0);
	struct tlc_req_drop *drop = data;
	bool seg_rst;

	if (!tlc_sk_is_tcp(sk))
		return false;
	seg_rst = mk->seg_req == req && mk->seg_rst;
	mk->seg_req = NULL;
	if (!sk_hashed(req_to_sk(req)))
		return false;
	drop->req = req;
	drop->net = sock_net(sk);
	drop->timer = (u8)ARG(2);	/* bool from_timer: its low byte */
	drop->seg_rst = seg_rst;
	drop->listening = READ_ONCE(sk->sk_state) == TCP_LISTEN;
	drop->net_alive = check_net(drop->net);
	return true;
}

static void tlc_req_drop_ret(void *data, struct pt_regs *regs)
{
	if ((u8)tlc_kprobe_ret(regs))	/* bool unlinked: its low byte */
		tlc_life_req_drop(data);
}

TLC_WRAP_ENTRY(tlc_req_add_entry)
TLC_WRAP_RET(tlc_req_add_ret)
TLC_WRAP_KPROBE(tlc_req_synack_pre)
TLC_WRAP_KPROBE(tlc_clone_pre)
TLC_WRAP_KPROBE(tlc_check_req_pre)
TLC_WRAP_ENTRY(tlc_req_drop_entry)
TLC_WRAP_RET(tlc_req_drop_ret)

static struct tlc_probe tlc_reqsk_table[] = {
	TLC_KRETPROBE("inet_csk_reqsk_queue_hash_add", tlc_req_add_entry,
		      tlc_req_add_ret, sizeof(struct tlc_req_add), 0,
		      TLC_F_SYNRECV),
	TLC_KPROBE("tcp_rtx_synack", tlc_req_synack_pre, TLC_F_SYNRECV),
	TLC_KPROBE("tcp_create_openreq_child", tlc_clone_pre, TLC_F_SYNRECV),
	TLC_KPROBE("tcp_check_req", tlc_check_req_pre, TLC_F_SYNRECV),
	TLC_KRETPROBE("__inet_csk_reqsk_queue_drop", tlc_req_drop_entry,
		      tlc_req_drop_ret, sizeof(struct tlc_req_drop), 0,
		      TLC_F_SYNRECV),
};

const struct tlc_probe_set tlc_reqsk_probes = {
	.probe = tlc_reqsk_table,
	.n = ARRAY_SIZE(tlc_reqsk_table),
};
