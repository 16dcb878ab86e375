// SPDX-License-Identifier: GPL-2.0
/*
 * view_reasons.c - "tcplc reasons [--hist] [REASON...]": why connections
 * ended, with the log2 histograms of their lifetimes.
 */
#include <inttypes.h>

#include "fmt_text.h"
#include "stats.h"
#include "view.h"

/* Ends of reason @r: with a known lifetime or not. */
uint64_t reason_ends(const struct snapshot *s, int r)
{
	return sat_add(s->reasons[r].life.count, s->reasons[r].unknown);
}

uint64_t reasons_total(const struct snapshot *s)
{
	uint64_t t = 0;

	for (int r = 0; r < RS_COUNT; r++)
		t = sat_add(t, reason_ends(s, r));
	return t;
}

char *fmt_share(char *buf, size_t size, uint64_t part, uint64_t total)
{
	if (total)
		snprintf(buf, size, "%.1f%%", (double)part * 100 / (double)total);
	else
		snprintf(buf, size, "-");
	return buf;
}

static void text_table(const struct view_ctx *c)
{
	uint64_t all = reasons_total(c->s), unknown = 0;
	struct table t;
	char b[32];

	table_init(&t, c->delta ? "lrrrrrrr" : "lrrrrrr");
	table_add(&t, "REASON");
	table_add(&t, "COUNT");
	if (c->delta)
		table_add(&t, "COUNT/S");
	table_add(&t, "SHARE");
	table_add(&t, "UNKNOWN");
	table_add(&t, "P50");
	table_add(&t, "P99");
	table_add(&t, c->delta ? "AVG" : "MAX");
	for (int r = 0; r < RS_COUNT; r++) {
		const struct reason_row *rr = &c->s->reasons[r];
		const struct hist_row *h = &rr->life;
		uint64_t n = reason_ends(c->s, r);
		uint64_t cap = c->cur->reasons[r].life.max;

		unknown = sat_add(unknown, rr->unknown);
		if (!view_show_reason(c, r, n))
			continue;
		table_add(&t, "%s", reason_names[r]);
		table_add_u64(&t, n);
		if (c->delta)
			table_add(&t, "%s", fmt_rate(b, sizeof(b), n, c->secs));
		table_add(&t, "%s", fmt_share(b, sizeof(b), n, all));
		table_add_u64(&t, rr->unknown);
		table_add(&t, "%s", fmt_dur_or_dash(b, sizeof(b), h->count,
						    hist_percentile(h, 50, cap)));
		table_add(&t, "%s", fmt_dur_or_dash(b, sizeof(b), h->count,
						    hist_percentile(h, 99, cap)));
		table_add(&t, "%s", fmt_dur_or_dash(b, sizeof(b), h->count,
						    c->delta ? hist_avg(h) : h->max));
	}
	if (table_rows(&t) > 1) {
		table_print(&t, c->f);
	} else {
		table_free(&t);
		fprintf(c->f, "(no connections ended%s)\n",
			c->delta ? " in this interval" : "");
		return;
	}
	fprintf(c->f, "total %" PRIu64 " connection%s ended", all, all == 1 ? "" : "s");
	if (c->delta)
		fprintf(c->f, ", %s/s", fmt_rate(b, sizeof(b), all, c->secs));
	if (unknown)
		fprintf(c->f, " (%" PRIu64 " with unknown lifetime)", unknown);
	fputc('\n', c->f);
}

static void text_hist(const struct view_ctx *c)
{
	int shown = 0;

	for (int r = 0; r < RS_COUNT; r++) {
		const struct reason_row *rr = &c->s->reasons[r];
		char extra[48] = "";

		if (!view_show_reason(c, r, reason_ends(c->s, r)))
			continue;
		if (shown++)
			fputc('\n', c->f);
		fprintf(c->f, "reason = %s\n", reason_names[r]);
		if (rr->unknown)
			snprintf(extra, sizeof(extra), "  unknown %" PRIu64, rr->unknown);
		if (!rr->life.count) {
			fprintf(c->f, "(no known lifetimes%s)\n", extra);
			continue;
		}
		view_hist_text(c, &rr->life, c->cur->reasons[r].life.max, extra);
	}
	if (!shown)
		fprintf(c->f, "(no connections ended%s)\n",
			c->delta ? " in this interval" : "");
}

static void text(const struct view_ctx *c)
{
	if (c->o->hist)
		text_hist(c);
	else
		text_table(c);
}

void view_reasons_json(const struct view_ctx *c, struct jw *j, bool buckets)
{
	uint64_t all = reasons_total(c->s);

	jw_arr(j, "reasons");
	for (int r = 0; r < RS_COUNT; r++) {
		const struct reason_row *rr = &c->s->reasons[r];
		uint64_t n = reason_ends(c->s, r);

		if (!have_reason(c->cur, r) ||
		    (c->o->reason_mask && !(c->o->reason_mask & (1u << r))))
			continue;
		jw_obj(j, NULL);
		jw_str(j, "reason", reason_names[r]);
		jw_u64(j, "count", n);
		if (c->delta)
			jw_num(j, "per_s", rate(n, c->secs));
		jw_u64(j, "known", rr->life.count);
		jw_u64(j, "unknown", rr->unknown);
		if (all)
			jw_num(j, "share_pct", (double)n * 100 / (double)all);
		else
			jw_null(j, "share_pct");
		view_hist_json(c, j, &rr->life, c->cur->reasons[r].life.max, buckets);
		jw_end_obj(j);
	}
	jw_end_arr(j);
	jw_u64(j, "total", all);
	if (c->delta)
		jw_num(j, "total_per_s", rate(all, c->secs));
}

static void json(const struct view_ctx *c, struct jw *j)
{
	view_reasons_json(c, j, true);
}

static bool prom_shown(const struct view_ctx *c, int r)
{
	return have_reason(c->cur, r) &&
	       (!c->o->reason_mask || (c->o->reason_mask & (1u << r)));
}

void view_reasons_prom(const struct view_ctx *c, const struct prom *p)
{
	static const char *const help[2] = {
		"Shortest lifetime of a connection that ended for this reason (0 when none known).",
		"Longest lifetime of a connection that ended for this reason (0 when none known).",
	};
	static const char *const name[2] = { "connection_lifetime_min_seconds",
					     "connection_lifetime_max_seconds" };
	char v[32];

	prom_family(p, "close_reason_total", "counter",
		    "Connections that ended, by reason (lifetime known or not).");
	for (int r = 0; r < RS_COUNT; r++)
		if (prom_shown(c, r))
			prom_sample(p, "close_reason_total",
				    prom_u64(v, sizeof(v), reason_ends(c->s, r)),
				    "reason", reason_names[r], NULL);
	prom_family(p, "connection_lifetime_seconds", "histogram",
		    "Lifetime of connections from birth to end, by close reason, when known (log2 buckets).");
	for (int r = 0; r < RS_COUNT; r++)
		if (prom_shown(c, r))
			view_hist_prom(p, "connection_lifetime_seconds", "reason",
				       reason_names[r], &c->s->reasons[r].life);
	for (int m = 0; m < 2; m++) {
		prom_family(p, name[m], "gauge", help[m]);
		for (int r = 0; r < RS_COUNT; r++) {
			const struct hist_row *h = &c->s->reasons[r].life;

			if (prom_shown(c, r))
				prom_sample(p, name[m],
					    prom_seconds(v, sizeof(v), m ? h->max : h->min),
					    "reason", reason_names[r], NULL);
		}
	}
}

const struct view view_reasons = {
	.name = "reasons",
	.help = "why connections ended: count, share, lifetime p50/p99/max\n"
		"               [--hist: log2 lifetime histograms] [REASON...]",
	.files = FILE_REASONS,
	.takes_reasons = true,
	.text = text,
	.json = json,
	.prom = view_reasons_prom,
};
