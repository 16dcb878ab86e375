// SPDX-License-Identifier: GPL-2.0
/* alerts.c - the summary's "!" lines. */
#include <inttypes.h>
#include <stdio.h>

#include "alerts.h"
#include "fmt_text.h"

static struct alert *add(struct alert *out, size_t max, size_t *n,
			 const char *id, int state, double value, double threshold)
{
	struct alert *a;

	if (*n >= max)
		return NULL;
	a = &out[(*n)++];
	a->id = id;
	a->state = state;
	a->value = value;
	a->threshold = threshold;
	return a;
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

static void close_wait(const struct snapshot *s, struct alert *out, size_t max,
		       size_t *n)
{
	const struct hist_row *cw = &s->hist[TS_CLOSE_WAIT];
	uint64_t now = s->states[TS_CLOSE_WAIT].now;
	uint64_t oldest = s->states[TS_CLOSE_WAIT].oldest;
	struct alert *a;
	char d[32], t[32], what[64];

	if (!now)
		return;
	if (s->has_oldest ? oldest <= ALERT_CLOSE_WAIT_NS
			  : !cw->count || cw->max <= ALERT_CLOSE_WAIT_NS)
		return;
	a = add(out, max, n, "close_wait_stuck", TS_CLOSE_WAIT,
		(double)(s->has_oldest ? oldest : cw->max) / 1e9,
		(double)ALERT_CLOSE_WAIT_NS / 1e9);
	if (!a)
		return;
	if (s->has_oldest)
		snprintf(what, sizeof(what), "oldest for %s",
			 fmt_dur_above(d, sizeof(d), oldest, ALERT_CLOSE_WAIT_NS));
	else
		snprintf(what, sizeof(what), "longest dwell %s",
			 fmt_dur_above(d, sizeof(d), cw->max, ALERT_CLOSE_WAIT_NS));
	fmt_dur(t, sizeof(t), ALERT_CLOSE_WAIT_NS);
	snprintf(a->msg, sizeof(a->msg),
		 "CLOSE_WAIT: %" PRIu64 " socket%s now, %s (> %s): application "
		 "not closing sockets the peer closed? run `tcplc sockets --state "
		 "CLOSE_WAIT --older-than %s` to find the owner",
		 now, plural(now), what, t, t);
}

static void synrecv_timeout(const struct snapshot *s,
			    const struct snapshot *delta, struct alert *out,
			    size_t max, size_t *n)
{
	uint64_t to = s->counters[CTR_SYNRECV_TIMEOUT];
	uint64_t created = s->counters[CTR_SYNRECV_CREATED];
	struct alert *a;

	if (!have_counter(s, CTR_SYNRECV_TIMEOUT) ||
	    !have_counter(s, CTR_SYNRECV_CREATED))
		return;
	if (delta) {
		uint64_t d = delta->counters[CTR_SYNRECV_TIMEOUT];

		if (d && (a = add(out, max, n, "synrecv_timeout", TS_NEW_SYN_RECV,
				  (double)d, 0)))
			snprintf(a->msg, sizeof(a->msg),
				 "half-open: %" PRIu64 " request socket%s timed out in "
				 "this interval (%" PRIu64 " in all): SYN flood, or "
				 "the clients' ACKs are lost?", d, plural(d), to);
		return;
	}
	/* to * 100 > created * PCT, without overflow */
	if (to && (double)to * 100 > (double)created * ALERT_SYNRECV_TIMEOUT_PCT &&
	    (a = add(out, max, n, "synrecv_timeout", TS_NEW_SYN_RECV,
		     created ? (double)to * 100 / (double)created : 100.0,
		     ALERT_SYNRECV_TIMEOUT_PCT)))
		snprintf(a->msg, sizeof(a->msg),
			 "half-open: %" PRIu64 " request socket%s timed out, %.1f%% "
			 "of %" PRIu64 " created (> %d%%): SYN flood, or the "
			 "clients' ACKs are lost?", to, plural(to),
			 created ? (double)to * 100 / (double)created : 100.0,
			 created, ALERT_SYNRECV_TIMEOUT_PCT);
}

bool alert_keepalive_off(const struct snapshot *s, char *msg, size_t size)
{
	uint64_t off = s->ka.v[KA_EST_OFF];
	const struct hist_row *idle = &s->ka.idle[KI_OFF];
	char d[32];

	if (!(s->have & FILE_KEEPALIVE) || off <= ALERT_KEEPALIVE_OFF ||
	    !idle->count || idle->max <= ALERT_KEEPALIVE_OFF_IDLE_NS)
		return false;
	snprintf(msg, size,
		 "keepalive: %" PRIu64 " established connections have no keepalive: "
		 "a dead peer is never noticed while idle (idle up to %s)",
		 off, fmt_dur(d, sizeof(d), idle->max));
	return true;
}

size_t alerts_eval(const struct snapshot *s, const struct snapshot *delta,
		   struct alert *out, size_t max)
{
	static const int syn[] = { TS_SYN_RECV, TS_NEW_SYN_RECV };
	struct alert *a;
	size_t n = 0;
	uint64_t v, k;

	close_wait(s, out, max, &n);

	v = s->states[TS_TIME_WAIT].now;
	if (v > ALERT_TIME_WAIT_NOW &&
	    (a = add(out, max, &n, "time_wait_high", TS_TIME_WAIT, (double)v,
		     ALERT_TIME_WAIT_NOW)))
		snprintf(a->msg, sizeof(a->msg),
			 "TIME_WAIT: %" PRIu64 " sockets now (> %d): many short "
			 "connections closed locally; reuse connections?",
			 v, ALERT_TIME_WAIT_NOW);

	v = s->counters[CTR_PORT_EXHAUSTED];
	if (have_counter(s, CTR_PORT_EXHAUSTED) && v > ALERT_PORT_EXHAUSTED &&
	    (a = add(out, max, &n, "port_exhausted", -1, (double)v,
		     ALERT_PORT_EXHAUSTED)))
		snprintf(a->msg, sizeof(a->msg),
			 "port_exhausted: connect() failed %" PRIu64 " time%s for "
			 "lack of local ports: TIME_WAIT pile-up? see tcp_tw_reuse / "
			 "ip_local_port_range", v, plural(v));

	for (size_t i = 0; i < sizeof(syn) / sizeof(syn[0]); i++) {
		v = s->states[syn[i]].now;
		if (v > ALERT_SYN_RECV_NOW &&
		    (a = add(out, max, &n, "syn_recv_high", syn[i], (double)v,
			     ALERT_SYN_RECV_NOW)))
			snprintf(a->msg, sizeof(a->msg),
				 "%s: %" PRIu64 " sockets now (> %d): SYN flood, "
				 "or handshakes not completing (lost ACKs)?",
				 state_names[syn[i]], v, ALERT_SYN_RECV_NOW);
	}
	synrecv_timeout(s, delta, out, max, &n);

	if (s->have & FILE_REASONS) {
		const struct reason_row *rt = &s->reasons[RS_RETRANS_TIMEOUT];
		const struct reason_row *ka = &s->reasons[RS_KEEPALIVE_TIMEOUT];

		v = sat_add(rt->life.count, rt->unknown);
		k = sat_add(ka->life.count, ka->unknown);
		if (sat_add(v, k) > ALERT_DEAD_PEERS &&
		    (a = add(out, max, &n, "dead_peers", -1, (double)sat_add(v, k),
			     ALERT_DEAD_PEERS)))
			snprintf(a->msg, sizeof(a->msg),
				 "dead peers: %" PRIu64 " connection%s ended by "
				 "retransmission timeout, %" PRIu64 " by keepalive "
				 "timeout: peers gone (crashed, unplugged) or state "
				 "dropped by a firewall or NAT?", v, plural(v), k);
	}

	if (n < max && alert_keepalive_off(s, out[n].msg, sizeof(out[n].msg)))
		add(out, max, &n, "keepalive_off", TS_ESTABLISHED,
		    (double)s->ka.v[KA_EST_OFF], ALERT_KEEPALIVE_OFF);

	v = sat_add(s->counters[CTR_UNTRACKED], s->counters[CTR_SYNRECV_UNTRACKED]);
	if (v > ALERT_UNTRACKED &&
	    (a = add(out, max, &n, "untracked", -1, (double)v, ALERT_UNTRACKED)))
		snprintf(a->msg, sizeof(a->msg),
			 "untracked: %" PRIu64 " socket%s not tracked because the "
			 "table was full: raise the max_tracked module parameter",
			 v, plural(v));
	return n;
}
