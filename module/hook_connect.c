// SPDX-License-Identifier: GPL-2.0
/*
 * The calls of a socket's owner: accept(), which tells who owns the child
 * (as it grafts it).  connect()'s search for a local port needs no probe:
 * its failure is a state change (hook_state.c).
 */

#include <net/net_namespace.h>
#include <net/sock.h>

#include "compat.h"
#include "hooks.h"
#include "lifecycle.h"
#include "probes.h"

/*
 * security_sock_graft(sk, parent): accept() grafts the child it took onto
 * the new socket, in the accepting task (inet_accept(), __inet_accept()
 * from 6.10).  An entry probe: a return probe on inet_csk_accept() held a
 * slot for every task blocked in it, and prefork servers block there by
 * the thousand; past its maxactive, owners went unrecorded.
 */
static void tlc_graft_pre(struct pt_regs *regs)
{
	struct sock *sk = (void *)ARG(0);

	if (in_task() && tlc_sk_is_tcp(sk))
		tlc_life_owner(sk);
}

TLC_WRAP_KPROBE(tlc_graft_pre)

static struct tlc_probe tlc_connect_table[] = {
	TLC_KPROBE("security_sock_graft", tlc_graft_pre, TLC_F_OWNER),
};

const struct tlc_probe_set tlc_connect_probes = {
	.probe = tlc_connect_table,
	.n = ARRAY_SIZE(tlc_connect_table),
};
