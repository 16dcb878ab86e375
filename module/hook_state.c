// SPDX-License-Identifier: GPL-2.0
/*
 * The state changes.  Every one goes through inet_sk_state_store() (from
 * tcp_set_state(), and inet_csk_listen_start() for CLOSE -> LISTEN) or
 * inet_sk_set_state() (a child born in SYN_RECV in inet_csk_clone_lock(),
 * listen/hash failures), and both fire the sock:inet_sock_set_state
 * tracepoint, before the new state is stored.
 *
 * The other hooks leave their facts in this CPU's markers (hooks.h); this
 * one hands them to the state change they are for.
 */

#include <linux/percpu.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "hooks.h"
#include "lifecycle.h"
#include "probes.h"

DEFINE_PER_CPU(struct tlc_markers, tlc_markers);

/* The tracepoint's oldstate is the socket's, read here as it stands. */
static void tlc_state_hook(struct sock *sk, int oldstate, int newstate)
{
	struct tlc_markers *mk = TLC_MARK();
	struct tlc_ctx ctx = {};

	if (!tlc_sk_is_tcp(sk))
		return;
	oldstate = READ_ONCE(sk->sk_state);
	if (oldstate == TCP_LISTEN && newstate == TCP_SYN_RECV) {
		ctx.req = mk->clone_req;
		ctx.birth = mk->clone_req ? mk->clone_birth : TLC_BIRTH_UNKNOWN;
		ctx.req_noted = tlc_feature_armed(TLC_F_SYNRECV);
		mk->clone_req = NULL;
	}
	/* A hint outlives no state change of its socket but the CLOSE. */
	if (mk->hint_sk == sk && newstate != TCP_CLOSE)
		mk->hint_sk = NULL;
	if (newstate == TCP_CLOSE) {
		ctx.keepalive = mk->keepalive_sk == sk;
		if (ctx.keepalive)
			mk->ka_killed = true;
		ctx.write_timer = mk->write_timer_sk == sk;
		if (mk->handover_sk == sk) {
			ctx.handover = true;
			mk->handover_sk = NULL;
		}
		if (mk->hint_sk == sk) {
			ctx.hint = mk->hint;
			mk->hint_sk = NULL;
		}
		if (mk->rcv_sk == sk) {
			ctx.data_after_close = mk->rcv_data;
			mk->rcv_sk = NULL;
		}
		ctx.aborts_noted = tlc_feature_armed(TLC_F_REASONS);
		/*
		 * connect() goes to SYN_SENT, then looks for a local port
		 * (inet_hash_connect(), inet6_hash_connect()), which hashes
		 * the socket; found none (or its 4-tuple was taken): back to
		 * CLOSE unhashed.  Once hashed, a socket stays so until this
		 * CLOSE (tcp_set_state() unhashes it after the tracepoint).
		 */
		ctx.no_port = oldstate == TCP_SYN_SENT && !sk_hashed(sk) &&
			      tlc_feature_armed(TLC_F_PORTS);
	}
	tlc_life_state_change(sk, oldstate, newstate, &ctx);
}

/*
 * tcp_set_keepalive(sk, val): tcp_prot's and tcpv6_prot's .keepalive,
 * called (through the pointer) by sk_setsockopt(SO_KEEPALIVE) and
 * sock_set_keepalive() under the socket's lock, before they set
 * SOCK_KEEPOPEN to val.  A child copies its listener's flag.
 */
static void tlc_set_keepalive_pre(struct pt_regs *regs)
{
	struct sock *sk = (void *)ARG(0);

	if (!tlc_sk_is_tcp(sk))
		return;
	tlc_life_ka_set(sk, !!(int)ARG(1));
}

TLC_WRAP_STATE(tlc_state_hook)
TLC_WRAP_KPROBE(tlc_set_keepalive_pre)

static struct tlc_probe tlc_state_table[] = {
	TLC_TRACEPOINT("inet_sock_set_state", tlc_state_hook, TLC_F_STATES),
	TLC_KPROBE("tcp_set_keepalive", tlc_set_keepalive_pre, TLC_F_STATES),
};

const struct tlc_probe_set tlc_state_probes = {
	.probe = tlc_state_table,
	.n = ARRAY_SIZE(tlc_state_table),
};
