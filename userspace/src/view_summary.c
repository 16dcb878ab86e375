// SPDX-License-Identifier: GPL-2.0
/* view_summary.c - "tcplc" without a view: one screen with everything. */
#include <inttypes.h>

#include "alerts.h"
#include "fmt_text.h"
#include "stats.h"
#include "view.h"

static bool row_nonzero(const struct snapshot *s, int st)
{
	const struct state_row *r = &s->states[st];

	return r->entered || r->exited || r->untimed || r->now || s->hist[st].count;
}

static void text_states(const struct view_ctx *c)
{
	struct table t;

	table_init(&t, c->delta ? (c->s->has_oldest ? "lrrrrrrrrrr" : "lrrrrrrrrr")
				: (c->s->has_oldest ? "lrrrrrrrr" : "lrrrrrrr"));
	table_add(&t, "STATE");
	table_add(&t, "NOW");
	if (c->s->has_oldest)
		table_add(&t, "OLDEST");
	table_add(&t, "ENTERED");
	if (c->delta)
		table_add(&t, "ENTERED/S");
	table_add(&t, "EXITED");
	if (c->delta)
		table_add(&t, "EXITED/S");
	table_add(&t, "P50");
	table_add(&t, "P99");
	table_add(&t, c->delta ? "AVG" : "MAX");
	table_add(&t, "UNTIMED");
	for (int st = 0; st < TS_COUNT; st++) {
		const struct state_row *r = &c->s->states[st];
		const struct hist_row *h = &c->s->hist[st];
		uint64_t cap = c->cur->hist[st].max;
		char b[32];

		if (!view_show_state(c, st, row_nonzero(c->s, st)))
			continue;
		table_add(&t, "%s", state_names[st]);
		table_add_u64(&t, r->now);
		if (c->s->has_oldest)
			table_add(&t, "%s", fmt_dur_or_dash(b, sizeof(b), r->now, r->oldest));
		table_add_u64(&t, r->entered);
		if (c->delta)
			table_add(&t, "%s", fmt_rate(b, sizeof(b), r->entered, c->secs));
		table_add_u64(&t, r->exited);
		if (c->delta)
			table_add(&t, "%s", fmt_rate(b, sizeof(b), r->exited, c->secs));
		table_add(&t, "%s", fmt_dur_or_dash(b, sizeof(b), h->count,
						    hist_percentile(h, 50, cap)));
		table_add(&t, "%s", fmt_dur_or_dash(b, sizeof(b), h->count,
						    hist_percentile(h, 99, cap)));
		table_add(&t, "%s", fmt_dur_or_dash(b, sizeof(b), h->count,
						    c->delta ? h->sum / (h->count ? h->count : 1)
							     : h->max));
		table_add_u64(&t, r->untimed);
	}
	if (table_rows(&t) > 1) {
		table_print(&t, c->f);
	} else {
		table_free(&t);
		fprintf(c->f, "(no state changes%s)\n", c->delta ? " in this interval" : "");
	}
}

static void text(const struct view_ctx *c)
{
	struct alert a[ALERTS_MAX];
	size_t na = alerts_eval(c->cur, a, ALERTS_MAX);

	text_states(c);
	fputc('\n', c->f);
	for (int i = 0; i < CTR_COUNT; i++) {
		const struct counter_desc *d = &counter_descs[i];
		char b[32];

		fprintf(c->f, "%s%s %" PRIu64, i ? "  " : "", d->name, c->s->counters[i]);
		if (c->delta && !d->gauge)
			fprintf(c->f, " (%s/s)",
				fmt_rate(b, sizeof(b), c->s->counters[i], c->secs));
	}
	fputc('\n', c->f);
	for (size_t i = 0; i < na; i++)
		fprintf(c->f, "! %s\n", a[i].msg);
}

static void json(const struct view_ctx *c, struct jw *j)
{
	struct alert a[ALERTS_MAX];
	size_t na = alerts_eval(c->cur, a, ALERTS_MAX);

	jw_arr(j, "states");
	for (int st = 0; st < TS_COUNT; st++) {
		const struct state_row *r = &c->s->states[st];
		const struct hist_row *h = &c->s->hist[st];
		uint64_t cap = c->cur->hist[st].max;

		jw_obj(j, NULL);
		jw_str(j, "state", state_names[st]);
		jw_u64(j, "now", r->now);
		jw_u64_or_null(j, "oldest_ns", c->s->has_oldest, r->oldest);
		jw_u64(j, "entered", r->entered);
		if (c->delta)
			jw_num(j, "entered_per_s", rate(r->entered, c->secs));
		jw_u64(j, "exited", r->exited);
		if (c->delta)
			jw_num(j, "exited_per_s", rate(r->exited, c->secs));
		jw_u64(j, "timed", r->timed);
		jw_u64(j, "untimed", r->untimed);
		jw_u64(j, "dwell_count", h->count);
		jw_u64_or_null(j, "p50_ns", h->count, hist_percentile(h, 50, cap));
		jw_u64_or_null(j, "p99_ns", h->count, hist_percentile(h, 99, cap));
		if (c->delta)
			jw_u64_or_null(j, "avg_ns", h->count,
				       h->sum / (h->count ? h->count : 1));
		else
			jw_u64_or_null(j, "max_ns", h->count, h->max);
		jw_end_obj(j);
	}
	jw_end_arr(j);
	view_counters.json(c, j);
	jw_arr(j, "alerts");
	for (size_t i = 0; i < na; i++) {
		jw_obj(j, NULL);
		jw_str(j, "id", a[i].id);
		if (a[i].state >= 0)
			jw_str(j, "state", state_names[a[i].state]);
		jw_str(j, "message", a[i].msg);
		jw_end_obj(j);
	}
	jw_end_arr(j);
}

static void prom(const struct view_ctx *c, const struct prom *p)
{
	view_states.prom(c, p);
	view_transitions.prom(c, p);
	view_hist.prom(c, p);
	view_counters.prom(c, p);
}

const struct view view_summary = {
	.name = "summary",
	.help = "one screen: per-state now/entered/exited/p50/p99/max, counters, alerts (default)",
	.files = FILE_STATES | FILE_TRANSITIONS | FILE_HIST | FILE_COUNTERS,
	.text = text,
	.json = json,
	.prom = prom,
};
