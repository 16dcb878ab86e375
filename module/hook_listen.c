// SPDX-License-Identifier: GPL-2.0
/*
 * A listener's accept-queue overflows, drops and SYN cookies sent.  The
 * kernel counts them only per namespace (ListenOverflows, ListenDrops,
 * SyncookiesSent), in the functions that handle a segment for a listener:
 * a SYN (tcp_v4_conn_request(), tcp_v6_conn_request()), the ACK that makes
 * a child (tcp_v4_syn_recv_sock(), tcp_v6_syn_recv_sock()), an ICMP error
 * for a request socket (tcp_req_err()).  A return probe on each reads
 * this CPU's counters of the namespace at the entry and at the return:
 * what they grew by is this call's, as the segment is handled in softirq
 * on one CPU, which no other segment interrupts.  A call that ran on
 * another CPU at its return (a listener's backlog handled in process
 * context, preempted) is not attributed, and is counted.  An IPv4 segment
 * for an IPv6 listener goes through the IPv4 function, probed itself.
 */

#include <linux/if_ether.h>
#include <linux/skbuff.h>
#include <linux/smp.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <net/request_sock.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "compat.h"
#include "hooks.h"
#include "listeners.h"
#include "probes.h"

/* The namespace counters a call may grow, and the listener's counter. */
static const struct {
	int mib;
	int what;
} tlc_listen_mibs[] = {
	{ LINUX_MIB_LISTENOVERFLOWS,	TLC_L_OVERFLOWS },
	{ LINUX_MIB_LISTENDROPS,	TLC_L_DROPS },
	{ LINUX_MIB_SYNCOOKIESSENT,	TLC_L_COOKIES_SENT },
};

/* A probed call, as it started. */
struct tlc_listen_call {
	const struct net *net;
	u64 cookie;
	int cpu;
	unsigned long mib[ARRAY_SIZE(tlc_listen_mibs)];
};

static bool tlc_listen_start(struct tlc_listen_call *call,
			     const struct sock *listener)
{
	unsigned int i;

	if (!tlc_sk_is_tcp(listener))
		return false;
	call->net = sock_net(listener);
	call->cookie = tlc_listeners_cookie(listener);
	call->cpu = smp_processor_id();
	for (i = 0; i < ARRAY_SIZE(tlc_listen_mibs); i++)
		call->mib[i] = tlc_net_mib(call->net, call->cpu,
					   tlc_listen_mibs[i].mib);
	return true;
}

/* (sk, skb, ...): sk the listener */
static bool tlc_listen_v4_entry(void *data, struct pt_regs *regs)
{
	return tlc_listen_start(data, (void *)ARG(0));
}

/* As above; an IPv4 segment is handed to the IPv4 function. */
static bool tlc_listen_v6_entry(void *data, struct pt_regs *regs)
{
	const struct sk_buff *skb = (void *)ARG(1);

	if (skb->protocol == htons(ETH_P_IP))
		return false;
	return tlc_listen_start(data, (void *)ARG(0));
}

/* tcp_req_err(sk, seq, abort): sk a request socket, held by the caller. */
static bool tlc_listen_req_err_entry(void *data, struct pt_regs *regs)
{
	const struct sock *sk = (void *)ARG(0);
	const struct sock *listener;

	if (READ_ONCE(sk->sk_state) != TCP_NEW_SYN_RECV)
		return false;
	listener = inet_reqsk(sk)->rsk_listener;
	return listener && tlc_listen_start(data, listener);
}

/* The listener may be gone: only its namespace and cookie are used. */
static void tlc_listen_ret(void *data, struct pt_regs *regs)
{
	struct tlc_listen_call *call = data;
	unsigned long now;
	unsigned int i;

	if (smp_processor_id() != call->cpu) {
		tlc_listeners_lost_mib();
		return;
	}
	for (i = 0; i < ARRAY_SIZE(tlc_listen_mibs); i++) {
		now = tlc_net_mib(call->net, call->cpu,
				  tlc_listen_mibs[i].mib);
		if (now != call->mib[i])
			tlc_listeners_count_cookie(call->net, call->cookie,
						   tlc_listen_mibs[i].what,
						   now - call->mib[i]);
	}
}

TLC_WRAP_ENTRY(tlc_listen_v4_entry)
TLC_WRAP_ENTRY(tlc_listen_v6_entry)
TLC_WRAP_ENTRY(tlc_listen_req_err_entry)
TLC_WRAP_RET(tlc_listen_ret)

/* Every probe here: its entry starts a call, tlc_listen_ret() ends it. */
#define TLC_LISTEN_PROBE(sym, entry_fn)					\
	TLC_KRETPROBE(sym, entry_fn, tlc_listen_ret,			\
		      sizeof(struct tlc_listen_call), 0, TLC_F_LISTENERS)

static struct tlc_probe tlc_listen_table[] = {
	TLC_LISTEN_PROBE("tcp_v4_conn_request", tlc_listen_v4_entry),
	TLC_LISTEN_PROBE("tcp_v6_conn_request", tlc_listen_v6_entry),
	TLC_LISTEN_PROBE("tcp_v4_syn_recv_sock", tlc_listen_v4_entry),
	TLC_LISTEN_PROBE("tcp_v6_syn_recv_sock", tlc_listen_v6_entry),
	TLC_LISTEN_PROBE("tcp_req_err", tlc_listen_req_err_entry),
};

const struct tlc_probe_set tlc_listen_probes = {
	.probe = tlc_listen_table,
	.n = ARRAY_SIZE(tlc_listen_table),
};
