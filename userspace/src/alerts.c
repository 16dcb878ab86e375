// SPDX-License-Identifier: GPL-2.0
/* alerts.c - the summary's "!" lines. */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "filter.h"
#include "fmt_text.h"
#include "view.h"

struct alert_thresholds alert_thr = {
	.close_wait_ns = ALERT_CLOSE_WAIT_NS,
	.time_wait_now = ALERT_TIME_WAIT_NOW,
	.syn_recv_now = ALERT_SYN_RECV_NOW,
	.synrecv_timeout_pct = ALERT_SYNRECV_TIMEOUT_PCT,
	.untracked = ALERT_UNTRACKED,
	.port_exhausted = ALERT_PORT_EXHAUSTED,
	.dead_peers = ALERT_DEAD_PEERS,
	.keepalive_off = ALERT_KEEPALIVE_OFF,
	.keepalive_off_idle_ns = ALERT_KEEPALIVE_OFF_IDLE_NS,
	.listen_drops = ALERT_LISTEN_DROPS,
};

int alert_threshold_set(const char *as, char *msg, size_t size)
{
	static const struct {
		const char *name;
		size_t off;
		bool dur;
	} t[] = {
#define T(n, f, d) { n, offsetof(struct alert_thresholds, f), d }
		T("close_wait_age", close_wait_ns, true),
		T("time_wait", time_wait_now, false),
		T("syn_recv", syn_recv_now, false),
		T("synrecv_timeout_pct", synrecv_timeout_pct, false),
		T("untracked", untracked, false),
		T("port_exhausted", port_exhausted, false),
		T("dead_peers", dead_peers, false),
		T("keepalive_off", keepalive_off, false),
		T("keepalive_off_idle", keepalive_off_idle_ns, true),
		T("listen_drops", listen_drops, false),
#undef T
	};
	const char *eq = strchr(as, '=');
	size_t n = eq ? (size_t)(eq - as) : 0;
	uint64_t v;

	for (size_t i = 0; eq && i < sizeof(t) / sizeof(t[0]); i++) {
		if (strlen(t[i].name) != n || strncmp(as, t[i].name, n))
			continue;
		if (t[i].dur ? parse_duration(eq + 1, &v) :
			       (strspn(eq + 1, "0123456789") != strlen(eq + 1) || !eq[1] ||
				strlen(eq + 1) > 19 || !(v = strtoull(eq + 1, NULL, 10), 1))) {
			snprintf(msg, size, "invalid value in '%s' (%s)", as,
				 t[i].dur ? "a duration such as 90s or 1m30s" : "an integer");
			return -1;
		}
		*(uint64_t *)((char *)&alert_thr + t[i].off) = v;
		return 0;
	}
	snprintf(msg, size, "unknown threshold in '%s' (NAME=VALUE; close_wait_age, "
		 "time_wait, syn_recv, synrecv_timeout_pct, untracked, port_exhausted, "
		 "dead_peers, keepalive_off, keepalive_off_idle, listen_drops)", as);
	return -1;
}

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

/*
 * Who is responsible: the listener (rows of one address summed: several
 * SO_REUSEPORT sockets are one service) with the most of listeners column
 * @col, or (when no listener has any) with @cg_state >= 0 the cgroup with
 * the most sockets in that state now.  ", all REL X", ", most (N) REL X",
 * ", N of them REL X" (REL: @rel, or "in cgroup"); "" when none has any.
 */
static void blame(const struct snapshot *s, uint64_t total, int col,
		  const char *rel, int cg_state, char *buf, size_t size)
{
	const struct listener_list *l = &s->listeners;
	const char *who = NULL;
	uint64_t best = 0;
	bool by_listener;
	char id[32];

	buf[0] = '\0';
	for (size_t i = 0; col >= 0 && i < l->n; i++) {
		const struct listener_row *r = &l->rows[i];
		uint64_t v = 0;
		bool seen = false;

		if (r->kind != ROW_ENTRY)
			continue;
		for (size_t k = 0; k < l->n && !seen; k++) {
			if (l->rows[k].kind != ROW_ENTRY ||
			    strcmp(l->rows[k].local_text, r->local_text))
				continue;
			seen = k < i; /* summed at its first row already */
			v = sat_add(v, l->rows[k].v[col]);
		}
		if (!seen && v > best) {
			best = v;
			who = r->local_text;
		}
	}
	by_listener = best > 0;
	for (size_t i = 0; cg_state >= 0 && !by_listener && i < s->cgroups.n; i++) {
		const struct cgroup_row *r = &s->cgroups.rows[i];

		if (r->kind == ROW_ENTRY && r->now[cg_state] > best) {
			best = r->now[cg_state];
			rel = "in cgroup";
			who = cgroup_name(r, id, sizeof(id));
			if (!r->path) { /* not found: what the name is */
				snprintf(id, sizeof(id), "id %" PRIu64, r->id);
				who = id;
			}
		}
	}
	if (!who || !total)
		return;
	if (best >= total)
		snprintf(buf, size, ", all %s %s", rel, who);
	else if (best * 2 > total)
		snprintf(buf, size, ", most (%" PRIu64 ") %s %s", best, rel, who);
	else
		snprintf(buf, size, ", %" PRIu64 " of them %s %s", best, rel, who);
}

static void close_wait(const struct snapshot *s, struct alert *out, size_t max,
		       size_t *n)
{
	const struct hist_row *cw = &s->hist[TS_CLOSE_WAIT];
	uint64_t now = s->states[TS_CLOSE_WAIT].now;
	uint64_t oldest = s->states[TS_CLOSE_WAIT].oldest;
	struct alert *a;
	char d[32], t[32], what[64], who[160];

	if (!now)
		return;
	if (s->has_oldest ? oldest <= alert_thr.close_wait_ns
			  : !cw->count || cw->max <= alert_thr.close_wait_ns)
		return;
	a = add(out, max, n, "close_wait_stuck", TS_CLOSE_WAIT,
		(double)(s->has_oldest ? oldest : cw->max) / 1e9,
		(double)alert_thr.close_wait_ns / 1e9);
	if (!a)
		return;
	if (s->has_oldest)
		snprintf(what, sizeof(what), "oldest for %s",
			 fmt_dur_above(d, sizeof(d), oldest, alert_thr.close_wait_ns));
	else
		snprintf(what, sizeof(what), "longest dwell %s",
			 fmt_dur_above(d, sizeof(d), cw->max, alert_thr.close_wait_ns));
	fmt_dur(t, sizeof(t), alert_thr.close_wait_ns);
	blame(s, now, LC_CLOSE_WAIT_NOW, "children of", TS_CLOSE_WAIT, who, sizeof(who));
	snprintf(a->msg, sizeof(a->msg),
		 "CLOSE_WAIT: %" PRIu64 " socket%s now%s, %s (> %s): application "
		 "not closing sockets the peer closed? run `tcplc sockets --state "
		 "CLOSE_WAIT --older-than %s` to find the owner",
		 now, plural(now), who, what, t, t);
}

static void synrecv_timeout(const struct snapshot *s,
			    const struct snapshot *delta, struct alert *out,
			    size_t max, size_t *n)
{
	uint64_t to = s->counters[CTR_SYNRECV_TIMEOUT];
	uint64_t created = s->counters[CTR_SYNRECV_CREATED];
	struct alert *a;
	char who[160];

	if (!have_counter(s, CTR_SYNRECV_TIMEOUT) ||
	    !have_counter(s, CTR_SYNRECV_CREATED))
		return;
	blame(s, to, LC_REQ_TIMEOUT, "at", -1, who, sizeof(who));
	if (delta) {
		uint64_t d = delta->counters[CTR_SYNRECV_TIMEOUT];

		if (d && (a = add(out, max, n, "synrecv_timeout", TS_NEW_SYN_RECV,
				  (double)d, 0)))
			snprintf(a->msg, sizeof(a->msg),
				 "half-open: %" PRIu64 " request socket%s timed out in "
				 "this interval (%" PRIu64 " in all%s): SYN flood, or "
				 "the clients' ACKs are lost?", d, plural(d), to, who);
		return;
	}
	/* to * 100 > created * PCT, without overflow */
	if (to && (double)to * 100 > (double)created * alert_thr.synrecv_timeout_pct &&
	    (a = add(out, max, n, "synrecv_timeout", TS_NEW_SYN_RECV,
		     created ? (double)to * 100 / (double)created : 100.0,
		     alert_thr.synrecv_timeout_pct)))
		snprintf(a->msg, sizeof(a->msg),
			 "half-open: %" PRIu64 " request socket%s timed out%s, %.1f%% "
			 "of %" PRIu64 " created (> %" PRIu64 "%%): SYN flood, or the "
			 "clients' ACKs are lost?", to, plural(to), who,
			 created ? (double)to * 100 / (double)created : 100.0,
			 created, alert_thr.synrecv_timeout_pct);
}

/* Accept queue overflows and SYN drops, naming the listener with most. */
static void listen_overflow(const struct snapshot *s, struct alert *out,
			    size_t max, size_t *n)
{
	const struct listener_list *l = &s->listeners;
	uint64_t ov = 0, dr = 0;
	struct alert *a;
	char who[160];

	for (size_t i = 0; i < l->n; i++) {
		ov = sat_add(ov, l->rows[i].v[LC_OVERFLOWS]);
		dr = sat_add(dr, l->rows[i].v[LC_DROPS]);
	}
	if (!(s->have & FILE_LISTENERS) || sat_add(ov, dr) <= alert_thr.listen_drops)
		return;
	a = add(out, max, n, "listen_overflow", TS_LISTEN, (double)sat_add(ov, dr),
		(double)alert_thr.listen_drops);
	if (!a)
		return;
	blame(s, dr > ov ? dr : ov, dr > ov ? LC_DROPS : LC_OVERFLOWS, "at", -1,
	      who, sizeof(who));
	snprintf(a->msg, sizeof(a->msg),
		 "accept queue: %" PRIu64 " overflow%s, %" PRIu64 " SYN%s dropped%s: "
		 "the application accepts too slowly or its backlog is too small; "
		 "run `tcplc listeners`", ov, plural(ov), dr, plural(dr), who);
}

bool alert_keepalive_off(const struct snapshot *s, char *msg, size_t size)
{
	uint64_t off = s->ka.v[KA_EST_OFF];
	const struct hist_row *idle = &s->ka.idle[KI_OFF];
	char d[32];

	if (!(s->have & FILE_KEEPALIVE) || off <= alert_thr.keepalive_off ||
	    !idle->count || idle->max <= alert_thr.keepalive_off_idle_ns)
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
	char who[160];

	close_wait(s, out, max, &n);

	v = s->states[TS_TIME_WAIT].now;
	if (v > alert_thr.time_wait_now &&
	    (a = add(out, max, &n, "time_wait_high", TS_TIME_WAIT, (double)v,
		     alert_thr.time_wait_now)))
		snprintf(a->msg, sizeof(a->msg),
			 "TIME_WAIT: %" PRIu64 " sockets now (> %" PRIu64 "): many short "
			 "connections closed locally; reuse connections?",
			 v, alert_thr.time_wait_now);

	v = s->counters[CTR_PORT_EXHAUSTED];
	if (have_counter(s, CTR_PORT_EXHAUSTED) && v > alert_thr.port_exhausted &&
	    (a = add(out, max, &n, "port_exhausted", -1, (double)v,
		     alert_thr.port_exhausted)))
		snprintf(a->msg, sizeof(a->msg),
			 "port_exhausted: connect() failed %" PRIu64 " time%s for "
			 "lack of local ports: TIME_WAIT pile-up? see tcp_tw_reuse / "
			 "ip_local_port_range", v, plural(v));

	for (size_t i = 0; i < sizeof(syn) / sizeof(syn[0]); i++) {
		v = s->states[syn[i]].now;
		blame(s, v, syn[i] == TS_NEW_SYN_RECV ? LC_REQ_NOW : -1, "at", -1,
		      who, sizeof(who));
		if (v > alert_thr.syn_recv_now &&
		    (a = add(out, max, &n, "syn_recv_high", syn[i], (double)v,
			     alert_thr.syn_recv_now)))
			snprintf(a->msg, sizeof(a->msg),
				 "%s: %" PRIu64 " sockets now%s (> %" PRIu64 "): SYN flood, "
				 "or handshakes not completing (lost ACKs)?",
				 state_names[syn[i]], v, who, alert_thr.syn_recv_now);
	}
	synrecv_timeout(s, delta, out, max, &n);
	listen_overflow(s, out, max, &n);

	if (s->have & FILE_REASONS) {
		const struct reason_row *rt = &s->reasons[RS_RETRANS_TIMEOUT];
		const struct reason_row *ka = &s->reasons[RS_KEEPALIVE_TIMEOUT];

		v = sat_add(rt->life.count, rt->unknown);
		k = sat_add(ka->life.count, ka->unknown);
		if (sat_add(v, k) > alert_thr.dead_peers &&
		    (a = add(out, max, &n, "dead_peers", -1, (double)sat_add(v, k),
			     alert_thr.dead_peers)))
			snprintf(a->msg, sizeof(a->msg),
				 "dead peers: %" PRIu64 " connection%s ended by "
				 "retransmission timeout, %" PRIu64 " by keepalive "
				 "timeout: peers gone (crashed, unplugged) or state "
				 "dropped by a firewall or NAT?", v, plural(v), k);
	}

	if (n < max && alert_keepalive_off(s, out[n].msg, sizeof(out[n].msg)))
		add(out, max, &n, "keepalive_off", TS_ESTABLISHED,
		    (double)s->ka.v[KA_EST_OFF], alert_thr.keepalive_off);

	v = sat_add(s->counters[CTR_UNTRACKED], s->counters[CTR_SYNRECV_UNTRACKED]);
	if (v > alert_thr.untracked &&
	    (a = add(out, max, &n, "untracked", -1, (double)v, alert_thr.untracked)))
		snprintf(a->msg, sizeof(a->msg),
			 "untracked: %" PRIu64 " socket%s not tracked because the "
			 "table was full: raise the max_tracked module parameter",
			 v, plural(v));
	return n;
}
