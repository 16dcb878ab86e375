// SPDX-License-Identifier: GPL-2.0
/*
 * The request socket of a half-open handshake: its birth with the SYN once
 * hashed, its SYN-ACKs sent again, the child that completes it (the one
 * that takes its place in the hash, of two that may race; and the
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
#include "listeners.h"
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
 * inet_csk_clone_lock()).  A Fast Open child is made from the SYN; its
 * request socket was never hashed.  Otherwise tcp_check_req() makes it,
 * for a request found in the hash (another CPU's child of the same
 * request may have replaced it there since), or the ACK of a SYN cookie
 * does, for a request never hashed.
 */
static void tlc_clone_pre(struct pt_regs *regs)
{
	struct request_sock *req = (void *)ARG(1);
	const struct sk_buff *skb = (void *)ARG(2);
	struct tlc_markers *mk = TLC_MARK();
	bool checked = mk->seg_req == req;

	mk->clone_req = req;
	if (checked)
		mk->seg_req = NULL;
	if (tcp_hdr(skb)->syn)
		mk->clone_birth = TLC_BIRTH_FASTOPEN;
	else if (checked || sk_hashed(req_to_sk(req)))
		mk->clone_birth = TLC_BIRTH_REQSK;
	else
		mk->clone_birth = TLC_BIRTH_SYNCOOKIE;
}

/*
 * inet_csk_complete_hashdance(sk, child, req, own_req): tcp_check_req()
 * hands over the child it made; own_req says whether inet_ehash_nolisten()
 * put it in the request's place.  A child that did not is closed already.
 */
static void tlc_hashdance_pre(struct pt_regs *regs)
{
	struct sock *child = (void *)ARG(1);

	if ((u8)ARG(3) && tlc_sk_is_tcp(child))	/* bool own_req */
		tlc_life_req_complete(child, (void *)ARG(2));
}

/*
 * tcp_check_req(sk, skb, req, fastopen, ...): a segment for a request
 * socket found in the hash, or (fastopen) for a Fast Open child's, which
 * never was there and makes no child.  Its reset counts only if
 * tcp_check_req() acts on it: at exactly rcv_nxt (RFC 5961 3.2); any other
 * it ignores (out of window) or answers with a challenge ACK, keeping the
 * request, and the marker, only overwritten by the next segment, must not
 * blame that request's (or the next one's at its address) later drop on it.
 */
static void tlc_check_req_pre(struct pt_regs *regs)
{
	const struct request_sock *req = (void *)ARG(2);
	const struct sk_buff *skb = (void *)ARG(1);
	const struct tcphdr *th = tcp_hdr(skb);
	struct tlc_markers *mk = TLC_MARK();

	if ((u8)ARG(3))		/* bool fastopen: its low byte */
		return;

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

	if (mk->mig_oreq == req)
		mk->mig_dropped = true;
	if (!tlc_sk_is_tcp(sk))
		return false;
	seg_rst = mk->seg_req == req && mk->seg_rst;
	mk->seg_req = NULL;
	if (!sk_hashed(req_to_sk(req)))
		return false;
	drop->req = req;
	drop->net = sock_net(sk);
	drop->listener_cookie = tlc_listeners_cookie(sk);
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

/*
 * reqsk_timer_handler(t): a request socket's timer.  With its listener
 * closed and tcp_migrate_req set, it may move the request to another
 * listener of the reuseport group: a copy (inet_reqsk_clone()) takes its
 * place in the hash (inet_ehash_insert()), and the old one is freed
 * without a drop.  It is the same request, at a new address.  The move
 * failed if the timer dropped the old one.
 */
static bool tlc_req_timer_entry(void *data, struct pt_regs *regs)
{
	struct request_sock *req = container_of((struct timer_list *)ARG(0),
						struct request_sock, rsk_timer);
	const struct sock *listener = req->rsk_listener;
	struct tlc_markers *mk = TLC_MARK();

	if (inet_sk_state_load(listener) == TCP_LISTEN ||
	    !tlc_sk_is_tcp(listener))
		return false;
	mk->mig_oreq = req;
	mk->mig_nreq = NULL;
	mk->mig_dropped = false;
	*(struct request_sock **)data = req;
	return true;
}

static void tlc_req_timer_ret(void *data, struct pt_regs *regs)
{
	struct tlc_markers *mk = TLC_MARK();

	if (mk->mig_oreq != *(struct request_sock **)data)
		return;
	if (mk->mig_nreq && !mk->mig_dropped)
		tlc_life_req_migrate(mk->mig_oreq, mk->mig_nreq);
	mk->mig_oreq = NULL;
}

/* inet_ehash_insert(sk, osk, found_dup_sk): osk's copy replaces it. */
static void tlc_ehash_insert_pre(struct pt_regs *regs)
{
	struct tlc_markers *mk = TLC_MARK();

	if (mk->mig_oreq && (void *)ARG(1) == mk->mig_oreq)
		mk->mig_nreq = (void *)ARG(0);
}

TLC_WRAP_ENTRY(tlc_req_add_entry)
TLC_WRAP_RET(tlc_req_add_ret)
TLC_WRAP_KPROBE(tlc_req_synack_pre)
TLC_WRAP_KPROBE(tlc_clone_pre)
TLC_WRAP_KPROBE(tlc_hashdance_pre)
TLC_WRAP_KPROBE(tlc_check_req_pre)
TLC_WRAP_ENTRY(tlc_req_drop_entry)
TLC_WRAP_RET(tlc_req_drop_ret)
TLC_WRAP_ENTRY(tlc_req_timer_entry)
TLC_WRAP_RET(tlc_req_timer_ret)
TLC_WRAP_KPROBE(tlc_ehash_insert_pre)

static struct tlc_probe tlc_reqsk_table[] = {
	TLC_KRETPROBE("inet_csk_reqsk_queue_hash_add", tlc_req_add_entry,
		      tlc_req_add_ret, sizeof(struct tlc_req_add), 0,
		      TLC_F_SYNRECV),
	TLC_KPROBE("tcp_rtx_synack", tlc_req_synack_pre, TLC_F_SYNRECV),
	TLC_KPROBE("tcp_create_openreq_child", tlc_clone_pre, TLC_F_SYNRECV),
	TLC_KPROBE("inet_csk_complete_hashdance", tlc_hashdance_pre,
		   TLC_F_SYNRECV),
	TLC_KPROBE("tcp_check_req", tlc_check_req_pre, TLC_F_SYNRECV),
	TLC_KRETPROBE("__inet_csk_reqsk_queue_drop", tlc_req_drop_entry,
		      tlc_req_drop_ret, sizeof(struct tlc_req_drop), 0,
		      TLC_F_SYNRECV),
	TLC_KRETPROBE("reqsk_timer_handler", tlc_req_timer_entry,
		      tlc_req_timer_ret, sizeof(struct request_sock *), 0,
		      TLC_F_SYNRECV),
	TLC_KPROBE("inet_ehash_insert", tlc_ehash_insert_pre, TLC_F_SYNRECV),
};

const struct tlc_probe_set tlc_reqsk_probes = {
	.probe = tlc_reqsk_table,
	.n = ARRAY_SIZE(tlc_reqsk_table),
};
