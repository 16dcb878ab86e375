// SPDX-License-Identifier: GPL-2.0
/*
 * The events that change no state but tell about a connection: the aborts
 * noted for its coming close (lifecycle.c gives the reason), who owns it,
 * its keepalive timer's runs and probes, and connect() running out of
 * ports.
 *
 * Every function runs in a probe handler (preemption and interrupts off,
 * maybe softirq): no sleeping, no allocation; all work is bounded.
 */

#include <linux/percpu.h>
#include <linux/sched.h>
#include <net/inet_connection_sock.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "compat.h"
#include "lifecycle.h"
#include "stats.h"
#include "track.h"

/**
 * tlc_life_hint() - note why a socket is about to close
 * @sk: the socket
 * @hint: enum tlc_hint
 */
void tlc_life_hint(struct sock *sk, u8 hint)
{
	tlc_track_set_hint(sk, hint);
}

/**
 * tlc_life_hint_of() - why a socket is about to close, as noted so far
 * @sk: the socket
 *
 * Return: the table's enum tlc_hint for @sk, TLC_HINT_NONE if it has none
 * or is not tracked.
 */
u8 tlc_life_hint_of(const struct sock *sk)
{
	struct tlc_sock_info info;
	bool tracked;

	tracked = tlc_track_get(sk, &info);
	return tracked ? info.hint : TLC_HINT_NONE;
}

/**
 * tlc_life_owner() - the current process accepted @sk: it owns it
 * @sk: the accepted socket
 */
void tlc_life_owner(struct sock *sk)
{
	char comm[TASK_COMM_LEN];

	tlc_task_comm(comm, current);
	tlc_track_set_owner(sk, task_tgid_nr(current), comm);
}

/**
 * tlc_life_ka_timer() - a socket's keepalive timer runs
 * @sk: the socket
 *
 * A probe sent before, and no longer outstanding, was answered.
 *
 * Return: the socket's namespace statistics, for tlc_life_ka_outcome() when
 * the timer returns (the socket may be gone then), or NULL.
 */
struct tlc_stats __percpu *tlc_life_ka_timer(struct sock *sk)
{
	struct tlc_stats __percpu *pcpu = tlc_stats_of(sock_net(sk));
	u8 old = 0;

	if (!pcpu)
		return NULL;
	this_cpu_inc(pcpu->ka[TLC_KA_FIRES]);
	if (!READ_ONCE(inet_csk(sk)->icsk_probes_out) &&
	    tlc_track_update_flags(sk, 0, TLC_SF_KA_PROBING, &old) &&
	    (old & TLC_SF_KA_PROBING))
		this_cpu_inc(pcpu->ka[TLC_KA_ANSWERED]);
	return pcpu;
}

/**
 * tlc_life_ka_outcome() - what a keepalive timer run did
 * @pcpu: from tlc_life_ka_timer()
 * @outcome: enum tlc_ka, one of the timer outcomes
 */
void tlc_life_ka_outcome(struct tlc_stats __percpu *pcpu, int outcome)
{
	this_cpu_inc(pcpu->ka[outcome]);
}

/**
 * tlc_life_ka_probe() - a keepalive probe is sent
 * @sk: the socket
 */
void tlc_life_ka_probe(struct sock *sk)
{
	struct tlc_stats __percpu *pcpu = tlc_stats_of(sock_net(sk));

	if (!pcpu)
		return;
	this_cpu_inc(pcpu->ka[TLC_KA_PROBES]);
	tlc_track_update_flags(sk, TLC_SF_KA_PROBING, 0, NULL);
}

/**
 * tlc_life_port_exhausted() - connect() found no free local port
 * @net: the namespace
 */
void tlc_life_port_exhausted(struct net *net)
{
	struct tlc_stats __percpu *pcpu = tlc_stats_of(net);

	if (pcpu)
		this_cpu_inc(pcpu->ctr[TLC_C_PORT_EXHAUSTED]);
}
