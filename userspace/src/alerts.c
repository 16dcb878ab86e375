// SPDX-License-Identifier: GPL-2.0
/* alerts.c - the summary's "!" lines. */
#include <inttypes.h>
#include <stdio.h>

#include "alerts.h"
#include "fmt_text.h"

static struct alert *add(struct alert *out, size_t max, size_t *n,
			 const char *id, int state)
{
	struct alert *a;

	if (*n >= max)
		return NULL;
	a = &out[(*n)++];
	a->id = id;
	a->state = state;
	return a;
}

size_t alerts_eval(const struct snapshot *s, struct alert *out, size_t max)
{
	const struct hist_row *cw = &s->hist[TS_CLOSE_WAIT];
	static const int syn[] = { TS_SYN_RECV, TS_NEW_SYN_RECV };
	uint64_t now, oldest;
	struct alert *a;
	size_t n = 0;
	char d[32];

	now = s->states[TS_CLOSE_WAIT].now;
	oldest = s->has_oldest ? s->states[TS_CLOSE_WAIT].oldest : 0;
	if (now > 0 && ((cw->count && cw->max > ALERT_CLOSE_WAIT_MAX_NS) ||
			oldest > ALERT_CLOSE_WAIT_MAX_NS) &&
	    (a = add(out, max, &n, "close_wait_stuck", TS_CLOSE_WAIT))) {
		char o[48] = "";

		if (s->has_oldest)
			snprintf(o, sizeof(o), ", oldest for %s",
				 fmt_dur(d, sizeof(d), oldest));
		snprintf(a->msg, sizeof(a->msg),
			 "CLOSE_WAIT: %" PRIu64 " socket%s now%s, longest dwell %s "
			 "(> %llus): application not closing sockets the peer closed?",
			 now, now == 1 ? "" : "s", o,
			 fmt_dur_or_dash(d, sizeof(d), cw->count, cw->max),
			 ALERT_CLOSE_WAIT_MAX_NS / NSEC_PER_SEC);
	}

	now = s->states[TS_TIME_WAIT].now;
	if (now > ALERT_TIME_WAIT_NOW &&
	    (a = add(out, max, &n, "time_wait_high", TS_TIME_WAIT)))
		snprintf(a->msg, sizeof(a->msg),
			 "TIME_WAIT: %" PRIu64 " sockets now (> %d): many short "
			 "connections closed locally; reuse connections?",
			 now, ALERT_TIME_WAIT_NOW);

	for (size_t i = 0; i < sizeof(syn) / sizeof(syn[0]); i++) {
		now = s->states[syn[i]].now;
		if (now > ALERT_SYN_RECV_NOW &&
		    (a = add(out, max, &n, "syn_recv_high", syn[i])))
			snprintf(a->msg, sizeof(a->msg),
				 "%s: %" PRIu64 " sockets now (> %d): SYN flood, "
				 "or handshakes not completing?",
				 state_names[syn[i]], now, ALERT_SYN_RECV_NOW);
	}

	now = s->counters[CTR_UNTRACKED];
	if (now > ALERT_UNTRACKED && (a = add(out, max, &n, "untracked", -1)))
		snprintf(a->msg, sizeof(a->msg),
			 "untracked: %" PRIu64 " socket%s not tracked because the "
			 "table was full: raise the max_tracked module parameter",
			 now, now == 1 ? "" : "s");
	return n;
}
