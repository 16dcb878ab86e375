// SPDX-License-Identifier: GPL-2.0
/* view_summary.c - "tcplc" without a view: one screen with everything. */
#include <inttypes.h>

#include "alerts.h"
#include "parse.h"
#include "fmt_text.h"
#include "stats.h"
#include "view.h"

/* close reasons shown in the summary, the last line summing up the rest */
#define SUMMARY_TOP_REASONS 4

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

/*
 * The SUMMARY_TOP_REASONS most frequent close reasons; when there are more,
 * the last line sums up the rest.
 */
static void text_reasons(const struct view_ctx *c)
{
	uint64_t all = reasons_total(c->s), rest = 0;
	int order[RS_COUNT], n = 0, nrest = 0;
	struct table t;
	char b[32];

	if (!all) {
		fprintf(c->f, "(no connections ended%s)\n",
			c->delta ? " in this interval" : "");
		return;
	}
	for (int r = 0; r < RS_COUNT; r++) {
		int k = n++;

		/* insertion sort: by count, descending; stable */
		while (k > 0 && reason_ends(c->s, order[k - 1]) < reason_ends(c->s, r)) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = r;
	}
	while (n > 0 && !reason_ends(c->s, order[n - 1]))
		n--;
	if (n > SUMMARY_TOP_REASONS) {
		for (int i = SUMMARY_TOP_REASONS - 1; i < n; i++) {
			rest = sat_add(rest, reason_ends(c->s, order[i]));
			nrest++;
		}
		n = SUMMARY_TOP_REASONS - 1;
	}
	table_init(&t, c->delta ? "lrrr" : "lrr");
	table_add(&t, "CLOSE REASON");
	table_add(&t, "ENDED");
	if (c->delta)
		table_add(&t, "ENDED/S");
	table_add(&t, "SHARE");
	for (int i = 0; i <= n; i++) {
		uint64_t v = i < n ? reason_ends(c->s, order[i]) : rest;

		if (i == n && !nrest)
			break;
		if (i < n)
			table_add(&t, "%s", reason_names[order[i]]);
		else
			table_add(&t, "%d other reasons", nrest);
		table_add_u64(&t, v);
		if (c->delta)
			table_add(&t, "%s", fmt_rate(b, sizeof(b), v, c->secs));
		table_add(&t, "%s", fmt_share(b, sizeof(b), v, all));
	}
	table_print(&t, c->f);
}

/* " NAME VALUE" for counter @id, if the counters file has it */
static void ctr(const struct view_ctx *c, const char *label, int id)
{
	if (have_counter(c->s, id))
		fprintf(c->f, "  %s %" PRIu64, label, c->s->counters[id]);
}

static void text_lines(const struct view_ctx *c)
{
	const struct snapshot *s = c->s;
	char b[32];

	/* what a partial directory left out is not shown as zero */
	bool st = s->have & FILE_STATES, ct = s->have & FILE_COUNTERS;

	fputs("half-open ", c->f);
	if (st)
		fprintf(c->f, " NEW_SYN_RECV now %" PRIu64, s->states[TS_NEW_SYN_RECV].now);
	ctr(c, "created", CTR_SYNRECV_CREATED);
	ctr(c, "completed", CTR_SYNRECV_COMPLETED);
	ctr(c, "timeout", CTR_SYNRECV_TIMEOUT);
	ctr(c, "synack_retrans", CTR_SYNRECV_SYNACK_RETRANS);
	fputs("\nTIME_WAIT ", c->f);
	if (st)
		fprintf(c->f, " now %" PRIu64, s->states[TS_TIME_WAIT].now);
	ctr(c, "expired", CTR_TW_EXPIRED);
	if (have_counter(s, CTR_TW_REUSED_CONNECT) && have_counter(s, CTR_TW_REUSED_SYN))
		fprintf(c->f, "  reused %" PRIu64,
			sat_add(s->counters[CTR_TW_REUSED_CONNECT],
				s->counters[CTR_TW_REUSED_SYN]));
	ctr(c, "killed_rst", CTR_TW_KILLED_RST);
	fputc('\n', c->f);
	/* the lifecycle view's total, as "tcplc transitions" counts it; the
	 * counters file's "transitions" are the kernel's state changes */
	if (s->have & FILE_TRANSITIONS)
		fprintf(c->f, "transitions %" PRIu64 " (lifecycle)",
			trans_total(s->trans));
	else
		fputs("transitions -", c->f);
	if (c->delta)
		fprintf(c->f, " (%s/s)",
			fmt_rate(b, sizeof(b), trans_total(s->trans), c->secs));
	for (int i = 0; ct && i < CTR_REQUIRED; i++) {
		const struct counter_desc *d = &counter_descs[i];

		if (i == CTR_TRANSITIONS)
			fprintf(c->f, "  state changes %" PRIu64 " (kernel)",
				s->counters[i]);
		else
			fprintf(c->f, "  %s %" PRIu64, d->name, s->counters[i]);
		if (c->delta && !d->gauge)
			fprintf(c->f, " (%s/s)",
				fmt_rate(b, sizeof(b), s->counters[i], c->secs));
	}
	ctr(c, "port_exhausted", CTR_PORT_EXHAUSTED);
	fputc('\n', c->f);
	if (s->have & FILE_KEEPALIVE)
		fprintf(c->f, "keepalive  probes sent %" PRIu64 "  answered %" PRIu64
			"  dead peers: keepalive %" PRIu64 "  retrans %" PRIu64
			"  syn %" PRIu64 "\n", s->ka.v[KA_PROBES_SENT],
			s->ka.v[KA_PROBES_ANSWERED], s->ka.detect[DW_KEEPALIVE].count,
			s->ka.detect[DW_RETRANS].count, s->ka.detect[DW_SYN].count);
}

static void text(const struct view_ctx *c)
{
	struct alert a[ALERTS_MAX];
	size_t na = alerts_eval(c->cur, c->delta ? c->s : NULL, a, ALERTS_MAX);

	if (c->s->have & FILE_STATES)
		text_states(c);
	else
		fputs("(no states: the states file was left out)\n", c->f);
	fputc('\n', c->f);
	if (c->s->have & FILE_REASONS) {
		text_reasons(c);
		fputc('\n', c->f);
	}
	text_lines(c);
	for (size_t i = 0; i < na; i++)
		fprintf(c->f, "! %s\n", a[i].msg);
}

static void json(const struct view_ctx *c, struct jw *j)
{
	struct alert a[ALERTS_MAX];
	size_t na = alerts_eval(c->cur, c->delta ? c->s : NULL, a, ALERTS_MAX);

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
	if (c->s->have & FILE_REASONS) {
		jw_obj(j, "close_reasons");
		view_reasons_json(c, j, false);
		jw_end_obj(j);
	}
	view_counters.json(c, j);
	if (c->s->have & FILE_KEEPALIVE) {
		jw_obj(j, "keepalive");
		view_keepalive_json(c, j, false);
		jw_end_obj(j);
	}
	if (c->s->left_out) {
		jw_arr(j, "left_out"); /* files missing or damaged */
		for (size_t i = 0; i < file_table_len; i++)
			if (c->s->left_out & file_table[i].bit)
				jw_str(j, NULL, file_table[i].name);
		jw_end_arr(j);
	}
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

/* The "!" lines as metrics: one series per alert that fires, with what
 * it compared (alertmanager can route on the alert label). */
static void prom_alerts(const struct view_ctx *c, const struct prom *p)
{
	static const struct {
		const char *name, *help;
	} fam[] = {
		{ "alert", "1 for each condition tcplc's summary calls out ('!' lines), by alert id and state." },
		{ "alert_value", "The value the alert compared with its threshold (seconds, percent or a count)." },
		{ "alert_threshold", "The alert's threshold, in the unit of its value." },
	};
	struct alert a[ALERTS_MAX];
	size_t na = alerts_eval(c->cur, NULL, a, ALERTS_MAX);
	char v[64];

	for (size_t k = 0; k < 3; k++) {
		prom_family(p, fam[k].name, "gauge", fam[k].help);
		for (size_t i = 0; i < na; i++) {
			double x = k == 0 ? 1 : k == 1 ? a[i].value : a[i].threshold;

			snprintf(v, sizeof(v), "%.15g", x);
			if (a[i].state >= 0)
				prom_sample(p, fam[k].name, v, "alert", a[i].id, "state",
					    state_names[a[i].state], NULL);
			else
				prom_sample(p, fam[k].name, v, "alert", a[i].id, NULL);
		}
	}
}

static void prom(const struct view_ctx *c, const struct prom *p)
{
	/* a file left out (partial) gives no series rather than zeros */
	if (c->s->have & FILE_STATES)
		view_states.prom(c, p);
	if (c->s->have & FILE_TRANSITIONS)
		view_transitions_prom(p, c->s, false);
	if (c->s->have & FILE_TRANSITIONS_RAW)
		view_transitions_prom(p, c->s, true);
	if (c->s->have & FILE_HIST)
		view_hist.prom(c, p);
	if (c->s->have & FILE_REASONS)
		view_reasons_prom(c, p);
	if (c->s->have & FILE_COUNTERS)
		view_counters.prom(c, p);
	if (c->s->have & FILE_KEEPALIVE)
		view_keepalive_prom(c, p);
	prom_alerts(c, p);
}

const struct view view_summary = {
	.name = "summary",
	.help = "one screen: states (now, entered, exited, dwell p50/p99/max),\n"
		"               close reasons, half-open, TIME_WAIT, counters,\n"
		"               keepalive, alerts (default)",
	.files = FILE_STATES | FILE_TRANSITIONS | FILE_HIST | FILE_COUNTERS,
	.optional = FILE_REASONS | FILE_TRANSITIONS_RAW | FILE_KEEPALIVE |
		    FILE_KEEPALIVE_IDLE | FILE_LISTENERS | FILE_CGROUPS,
	.text = text,
	.json = json,
	.prom = prom,
};
