// SPDX-License-Identifier: GPL-2.0
/* views.c - the view registry and the format dispatch. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "fmt_text.h"
#include "stats.h"
#include "util.h"
#include "view.h"

const struct view *const views[] = {
	&view_summary, &view_states, &view_transitions, &view_hist,
	&view_reasons, &view_keepalive, &view_counters, &view_resets, &view_sockets,
	&view_listeners, &view_cgroups, NULL,
};

const struct view *view_find(const char *name)
{
	for (size_t i = 0; views[i]; i++)
		if (!strcmp(views[i]->name, name))
			return views[i];
	return NULL;
}

bool view_show_state(const struct view_ctx *c, int st, bool nonzero)
{
	if (c->o->state_mask)
		return c->o->state_mask & (1u << st);
	return nonzero || c->o->zeros;
}

bool view_show_reason(const struct view_ctx *c, int r, bool nonzero)
{
	if (!have_reason(c->cur, r)) /* an older module's file */
		return false;
	if (c->o->reason_mask)
		return c->o->reason_mask & (1u << r);
	return nonzero || c->o->zeros;
}

void view_render(const struct view *v, const struct view_ctx *c)
{
	char ts[64];

	if (c->delta)
		fmt_iso8601(ts, sizeof(ts), c->cur->wall.tv_sec);
	switch (c->o->fmt) {
	case FMT_TEXT: {
		/* rendered whole, then its long lines wrapped to text_width */
		struct view_ctx m = *c;
		size_t len = 0;
		char *buf = NULL;

		m.f = open_memstream(&buf, &len);
		if (!m.f)
			m.f = c->f;
		if (c->delta)
			fprintf(m.f, "--- %s  interval %.3fs ---\n%s", ts, c->secs,
				c->reset ? "(counters went back: module reloaded? counted "
					   "from zero)\n" : "");
		v->text(&m);
		if (m.f != c->f && !fclose(m.f))
			text_fit(c->f, buf, len);
		free(buf);
		break;
	}
	case FMT_JSON: {
		struct jw j;

		jw_init(&j, c->f);
		if (v->json_top) {
			v->json(c, &j);
			fputc('\n', c->f);
			break;
		}
		jw_obj(&j, NULL);
		jw_str(&j, "view", v->name);
		if (c->o->netns)
			jw_str(&j, "netns", c->o->netns);
		if (c->delta) {
			jw_str(&j, "time", ts);
			jw_num(&j, "interval_s", c->secs);
			jw_bool(&j, "reset", c->reset);
		}
		v->json(c, &j);
		jw_end_obj(&j);
		fputc('\n', c->f);
		break;
	}
	case FMT_PROM: {
		struct prom p = { c->f, c->o->netns, c->o->le_mask };

		if (v->prom) /* main refuses --prometheus otherwise */
			v->prom(c, &p);
		break;
	}
	}
}

uint64_t hist_avg(const struct hist_row *h)
{
	return h->count ? h->sum / h->count : 0;
}

void view_hist_text(const struct view_ctx *c, const struct hist_row *h,
		    uint64_t cap, const char *extra)
{
	char a[32], p50[32], p99[32], mn[32], mx[32], r[32];

	text_log2_hist(c->f, h->bucket);
	fmt_dur(a, sizeof(a), hist_avg(h));
	fmt_dur(p50, sizeof(p50), hist_percentile(h, 50, cap));
	fmt_dur(p99, sizeof(p99), hist_percentile(h, 99, cap));
	if (c->delta)
		fprintf(c->f, "count %" PRIu64 " (%s/s)  avg %s  p50 %s  p99 %s%s\n",
			h->count, fmt_rate(r, sizeof(r), h->count, c->secs), a,
			p50, p99, extra);
	else
		fprintf(c->f, "count %" PRIu64 "  avg %s  min %s  max %s  p50 %s  p99 %s%s\n",
			h->count, a, fmt_dur(mn, sizeof(mn), h->min),
			fmt_dur(mx, sizeof(mx), h->max), p50, p99, extra);
}

void view_hist_json(const struct view_ctx *c, struct jw *j,
		    const struct hist_row *h, uint64_t cap, bool buckets)
{
	jw_u64(j, "sum_ns", h->sum);
	if (!c->delta) {
		jw_u64(j, "min_ns", h->min);
		jw_u64(j, "max_ns", h->max);
	}
	jw_u64_or_null(j, "avg_ns", h->count, hist_avg(h));
	jw_u64_or_null(j, "p50_ns", h->count, hist_percentile(h, 50, cap));
	jw_u64_or_null(j, "p99_ns", h->count, hist_percentile(h, 99, cap));
	if (!buckets)
		return;
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
}

void view_hist_prom(const struct prom *p, const char *metric, const char *label,
		    const char *value, const struct hist_row *h)
{
	char name[96], v[32], le[32];
	uint64_t cum = 0;

	snprintf(name, sizeof(name), "%s_bucket", metric);
	/* the last bucket is open-ended: it only counts towards +Inf */
	for (int b = 0; b < HIST_BUCKETS - 1; b++) {
		cum += h->bucket[b];
		if (p->le_mask && !(p->le_mask & (1ULL << b)))
			continue; /* --buckets: merged into the next bound shown */
		prom_sample(p, name, prom_u64(v, sizeof(v), cum), label, value, "le",
			    prom_seconds(le, sizeof(le), bucket_le(b)), NULL);
	}
	prom_sample(p, name, prom_u64(v, sizeof(v), h->count), label, value, "le",
		    "+Inf", NULL);
	snprintf(name, sizeof(name), "%s_sum", metric);
	prom_sample(p, name, prom_seconds(v, sizeof(v), h->sum), label, value, NULL);
	snprintf(name, sizeof(name), "%s_count", metric);
	prom_sample(p, name, prom_u64(v, sizeof(v), h->count), label, value, NULL);
}

struct lgroup {
	const char *name;
	uint64_t score;
	size_t first; /* its first row */
	bool fixed, kept;
};

/* kept names by score, descending, then as they first appear */
static int cmp_score(const void *pa, const void *pb)
{
	const struct lgroup *a = *(const struct lgroup *const *)pa;
	const struct lgroup *b = *(const struct lgroup *const *)pb;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

static size_t label_index(struct label_set *ls, const char *v)
{
	for (size_t i = 0; i < ls->n; i++)
		if (!strcmp(ls->value[i], v))
			return i;
	ls->value[ls->n] = v;
	return ls->n++;
}

void label_set_build(struct label_set *ls, const struct label_in *in,
		     size_t rows, size_t max)
{
	struct lgroup *g = xmalloc((rows + 1) * sizeof(*g));
	struct lgroup **by = xmalloc((rows + 1) * sizeof(*by));
	size_t *grp = xmalloc((rows + 1) * sizeof(*grp));
	size_t ng = 0, nby = 0;
	bool folded = false;

	for (size_t r = 0; r < rows; r++) {
		size_t k;

		for (k = 0; k < ng; k++)
			if (g[k].fixed == in[r].fixed && !strcmp(g[k].name, in[r].name))
				break;
		if (k == ng)
			g[ng++] = (struct lgroup){ .name = in[r].name, .first = r,
						   .fixed = in[r].fixed };
		g[k].score = sat_add(g[k].score, in[r].score);
		grp[r] = k;
	}
	for (size_t k = 0; k < ng; k++)
		if (!g[k].fixed)
			by[nby++] = &g[k];
	qsort(by, nby, sizeof(*by), cmp_score);
	for (size_t i = 0; i < nby; i++) {
		by[i]->kept = i < max;
		folded |= i >= max;
	}
	ls->n = 0;
	ls->value = xmalloc((ng + 1) * sizeof(*ls->value));
	ls->of_row = xmalloc((rows + 1) * sizeof(*ls->of_row));
	for (size_t k = 0; k < ng; k++)
		if (g[k].kept)
			label_index(ls, g[k].name);
	if (folded)
		label_index(ls, "other");
	for (size_t k = 0; k < ng; k++)
		if (g[k].fixed)
			label_index(ls, g[k].name);
	for (size_t r = 0; r < rows; r++) {
		const struct lgroup *k = &g[grp[r]];

		ls->of_row[r] = label_index(ls, k->fixed || k->kept ? k->name : "other");
	}
	free(g);
	free(by);
	free(grp);
}

void label_set_free(struct label_set *ls)
{
	free(ls->value);
	free(ls->of_row);
	*ls = (struct label_set){ 0 };
}

bool view_listener_match(const struct view_ctx *c, const struct sock_addr *a)
{
	struct sock_row r = { .state = TS_LISTEN, .local = *a };

	return !c->o->filter.expr || sock_expr_match(c->o->filter.expr, &r);
}

const char *cgroup_name(const struct cgroup_row *r, char *buf, size_t size)
{
	if (r->kind == ROW_OTHER)
		return "other";
	if (r->path)
		return r->path;
	snprintf(buf, size, "%" PRIu64, r->id);
	return buf;
}

void view_reasons_line(FILE *f, const char *name, const uint64_t *reasons)
{
	fprintf(f, "%s", name);
	for (int k = 0; k < RS_COUNT; k++)
		if (reasons[k])
			fprintf(f, "  %s %" PRIu64, reason_names[k], reasons[k]);
	fputc('\n', f);
}

void view_reason_counts_json(struct jw *j, const uint64_t *reasons)
{
	jw_obj(j, "reasons");
	for (int k = 0; k < RS_COUNT; k++)
		if (reasons[k])
			jw_u64(j, reason_names[k], reasons[k]);
	jw_end_obj(j);
}

void view_reason_counts_prom(const struct prom *p, const char *metric, const char *label,
			     const char *value, const uint64_t *reasons)
{
	char b[32];

	for (int k = 0; k < RS_COUNT; k++)
		if (reasons[k])
			prom_sample(p, metric, prom_u64(b, sizeof(b), reasons[k]), label, value,
				    "reason", reason_names[k], NULL);
}
