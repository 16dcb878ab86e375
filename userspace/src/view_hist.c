// SPDX-License-Identifier: GPL-2.0
/* view_hist.c - "tcplc hist [STATE...]": dwell-time log2 histograms. */
#include <inttypes.h>

#include "fmt_text.h"
#include "stats.h"
#include "view.h"

static uint64_t avg(const struct hist_row *h)
{
	return h->count ? h->sum / h->count : 0;
}

static void text_stats(const struct view_ctx *c, int st, const struct hist_row *h)
{
	uint64_t cap = c->cur->hist[st].max;
	char a[32], p50[32], p99[32], mn[32], mx[32], r[32];

	fmt_dur(a, sizeof(a), avg(h));
	fmt_dur(p50, sizeof(p50), hist_percentile(h, 50, cap));
	fmt_dur(p99, sizeof(p99), hist_percentile(h, 99, cap));
	if (c->delta)
		fprintf(c->f, "count %" PRIu64 " (%s/s)  avg %s  p50 %s  p99 %s\n",
			h->count, fmt_rate(r, sizeof(r), h->count, c->secs), a,
			p50, p99);
	else
		fprintf(c->f, "count %" PRIu64 "  avg %s  min %s  max %s  p50 %s  p99 %s\n",
			h->count, a, fmt_dur(mn, sizeof(mn), h->min),
			fmt_dur(mx, sizeof(mx), h->max), p50, p99);
}

static void text(const struct view_ctx *c)
{
	int shown = 0;

	for (int st = 0; st < TS_COUNT; st++) {
		const struct hist_row *h = &c->s->hist[st];

		if (!view_show_state(c, st, h->count))
			continue;
		if (shown++)
			fputc('\n', c->f);
		fprintf(c->f, "state = %s\n", state_names[st]);
		if (!h->count) {
			fprintf(c->f, "(no timed exits)\n");
			continue;
		}
		text_log2_hist(c->f, h->bucket);
		text_stats(c, st, h);
	}
	if (!shown)
		fprintf(c->f, "(no timed exits%s)\n", c->delta ? " in this interval" : "");
}

static void json(const struct view_ctx *c, struct jw *j)
{
	jw_arr(j, "states");
	for (int st = 0; st < TS_COUNT; st++) {
		const struct hist_row *h = &c->s->hist[st];
		uint64_t cap = c->cur->hist[st].max;

		if (c->o->state_mask && !(c->o->state_mask & (1u << st)))
			continue;
		jw_obj(j, NULL);
		jw_str(j, "state", state_names[st]);
		jw_u64(j, "count", h->count);
		if (c->delta)
			jw_num(j, "per_s", rate(h->count, c->secs));
		jw_u64(j, "sum_ns", h->sum);
		if (!c->delta) {
			jw_u64(j, "min_ns", h->min);
			jw_u64(j, "max_ns", h->max);
		}
		jw_u64_or_null(j, "avg_ns", h->count, avg(h));
		jw_u64_or_null(j, "p50_ns", h->count, hist_percentile(h, 50, cap));
		jw_u64_or_null(j, "p99_ns", h->count, hist_percentile(h, 99, cap));
		jw_arr(j, "buckets");
		for (int b = 0; b < HIST_BUCKETS; b++) {
			if (!h->bucket[b])
				continue;
			jw_obj(j, NULL);
			jw_u64(j, "log2", (uint64_t)b);
			jw_u64(j, "lo_ns", bucket_lo(b));
			jw_u64_or_null(j, "hi_ns", bucket_hi(b) != HIST_UNBOUNDED,
				       bucket_hi(b));
			jw_u64(j, "count", h->bucket[b]);
			jw_end_obj(j);
		}
		jw_end_arr(j);
		jw_end_obj(j);
	}
	jw_end_arr(j);
}

static void prom_histogram(const struct view_ctx *c, const struct prom *p)
{
	prom_family(p, "state_dwell_seconds", "histogram",
		    "Time spent in a TCP state, observed when leaving it (log2 buckets).");
	for (int st = 0; st < TS_COUNT; st++) {
		const struct hist_row *h = &c->s->hist[st];
		const char *name = state_names[st];
		uint64_t cum = 0;
		char v[32], le[32];

		if (c->o->state_mask && !(c->o->state_mask & (1u << st)))
			continue;
		/* the last bucket is open-ended: it only counts towards +Inf */
		for (int b = 0; b < HIST_BUCKETS - 1; b++) {
			cum += h->bucket[b];
			prom_sample(p, "state_dwell_seconds_bucket",
				    prom_u64(v, sizeof(v), cum), "state", name, "le",
				    prom_seconds(le, sizeof(le), bucket_le(b)), NULL);
		}
		prom_sample(p, "state_dwell_seconds_bucket",
			    prom_u64(v, sizeof(v), h->count), "state", name, "le",
			    "+Inf", NULL);
		prom_sample(p, "state_dwell_seconds_sum",
			    prom_seconds(v, sizeof(v), h->sum), "state", name, NULL);
		prom_sample(p, "state_dwell_seconds_count",
			    prom_u64(v, sizeof(v), h->count), "state", name, NULL);
	}
}

static void prom(const struct view_ctx *c, const struct prom *p)
{
	static const char *const help[2] = {
		"Shortest time spent in a TCP state (0 when none measured).",
		"Longest time spent in a TCP state (0 when none measured).",
	};
	static const char *const name[2] = { "state_dwell_min_seconds",
					     "state_dwell_max_seconds" };

	prom_histogram(c, p);
	for (int m = 0; m < 2; m++) {
		prom_family(p, name[m], "gauge", help[m]);
		for (int st = 0; st < TS_COUNT; st++) {
			const struct hist_row *h = &c->s->hist[st];
			char v[32];

			if (c->o->state_mask && !(c->o->state_mask & (1u << st)))
				continue;
			prom_sample(p, name[m],
				    prom_seconds(v, sizeof(v), m ? h->max : h->min),
				    "state", state_names[st], NULL);
		}
	}
}

const struct view view_hist = {
	.name = "hist",
	.help = "log2 histograms of dwell time per state [STATE...]",
	.files = FILE_HIST,
	.takes_states = true,
	.text = text,
	.json = json,
	.prom = prom,
};
