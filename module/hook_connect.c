// SPDX-License-Identifier: GPL-2.0
/*
 * The calls of a socket's owner: accept(), which tells who owns the child,
 * and connect()'s search for a local port.
 */

#include <net/net_namespace.h>
#include <net/sock.h>

#include "compat.h"
#include "hooks.h"
#include "lifecycle.h"
#include "probes.h"

/* inet_csk_accept() returns the accepted child, in its caller's context */
static void tlc_accept_ret(void *data, struct pt_regs *regs)
{
	struct sock *sk = (void *)tlc_kprobe_ret(regs);

	if (sk && tlc_sk_is_tcp(sk))
		tlc_life_owner(sk);
}

/* inet_hash_connect(death_row, sk): -EADDRNOTAVAIL: no local port free */
static bool tlc_hash_connect_entry(void *data, struct pt_regs *regs)
{
	struct sock *sk = (void *)ARG(1);

	if (!tlc_sk_is_tcp(sk))
		return false;
	*(const struct net **)data = sock_net(sk);
	return true;
}

/* an int: the upper half of the register is not sign-extended */
static void tlc_hash_connect_ret(void *data, struct pt_regs *regs)
{
	tlc_life_hash_connect(*(const struct net **)data,
			      (int)tlc_kprobe_ret(regs));
}

TLC_WRAP_RET(tlc_accept_ret)
TLC_WRAP_ENTRY(tlc_hash_connect_entry)
TLC_WRAP_RET(tlc_hash_connect_ret)

static struct tlc_probe tlc_connect_table[] = {
	/* accept() sleeps: room for many callers at once */
	TLC_RETPROBE("inet_csk_accept", tlc_accept_ret, 512, TLC_F_OWNER),

	TLC_KRETPROBE("inet_hash_connect", tlc_hash_connect_entry,
		      tlc_hash_connect_ret, sizeof(struct net *), 64,
		      TLC_F_PORTS),
};

const struct tlc_probe_set tlc_connect_probes = {
	.probe = tlc_connect_table,
	.n = ARRAY_SIZE(tlc_connect_table),
};
