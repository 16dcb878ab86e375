// SPDX-License-Identifier: GPL-2.0
/*
 * The resets the kernel sends, with its own reason for each: the
 * tcp:tcp_send_reset tracepoint, whose reason argument (enum
 * sk_rst_reason) 6.10 added.  On older kernels the feature is unavailable.
 */

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "compat.h"
#include "lifecycle.h"
#include "probes.h"

#ifdef TLC_HAVE_RST_REASON
/*
 * tcp_send_reset(sk, skb, reason): @sk may be a full, timewait or request
 * socket's listener, or NULL for a segment no socket took (the reset goes
 * from the namespace of the device that received it).
 */
static void tlc_send_reset_tp(void *data, const struct sock *sk,
			      const struct sk_buff *skb,
			      const enum sk_rst_reason reason)
{
	const struct net *net = NULL;
	unsigned long flags;
	u64 t0;

	if (!tlc_tp_begin(data, &flags, &t0))
		return;
	if (sk)
		net = sock_net(sk);
	else if (skb && skb->dev)
		net = dev_net(skb->dev);
	tlc_life_rst_sent(net, reason);
	tlc_tp_end(data, flags, t0);
}

#define TLC_SEND_RESET_TP	tlc_send_reset_tp
#else
#define TLC_SEND_RESET_TP	NULL
#endif

static struct tlc_probe tlc_reset_table[] = {
	TLC_TRACEPOINT_FN("tcp_send_reset", TLC_SEND_RESET_TP, TLC_F_RESETS),
};

const struct tlc_probe_set tlc_reset_probes = {
	.probe = tlc_reset_table,
	.n = ARRAY_SIZE(tlc_reset_table),
};
