// SPDX-License-Identifier: GPL-2.0
/*
 * view_cgroups.c - "tcplc cgroups": per cgroup v2 of the sockets' creators,
 * its connections opened and ended, its sockets now by state, the oldest in
 * CLOSE_WAIT and how they ended.  Ids are shown as paths below the cgroup
 * root (cgroup.c), as ids when not found there.  Rows: most sockets now
 * first, then most opened; "other" (the table was full) last.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_text.h"
#include "stats.h"
#include "util.h"
#include "view.h"

static uint64_t now_total(const struct cgroup_row *r)
{
	uint64_t t = 0;

	for (int st = 0; st < TS_COUNT; st++)
		t = sat_add(t, r->now[st]);
	return t;
}

static int cmp_rows(const void *pa, const void *pb)
{
	const struct cgroup_row *a = *(const struct cgroup_row *const *)pa;
	const struct cgroup_row *b = *(const struct cgroup_row *const *)pb;
	char x[32], y[32];
	uint64_t na = now_total(a), nb = now_total(b);

	if (a->kind != b->kind)
		return a->kind == ROW_OTHER ? 1 : -1;
	if (na != nb)
		return na > nb ? -1 : 1;
	if (a->opened != b->opened)
		return a->opened > b->opened ? -1 : 1;
	return strcmp(cgroup_name(a, x, sizeof(x)), cgroup_name(b, y, sizeof(y)));
}

/* The rows to show, in the view's order (malloc'ed). */
static const struct cgroup_row **sorted(const struct view_ctx *c, size_t *n)
{
	const struct cgroup_list *l = &c->s->cgroups;
	const struct cgroup_row **v = xmalloc((l->n + 1) * sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct cgroup_row *r = &l->rows[i];

		if (r->kind == ROW_OTHER && !c->o->zeros && !r->opened &&
		    !now_total(r))
			continue;
		v[(*n)++] = r;
	}
	qsort(v, *n, sizeof(*v), cmp_rows);
	return v;
}

static uint64_t reasons_sum(const struct cgroup_row *r)
{
	uint64_t t = 0;

	for (int k = 0; k < RS_COUNT; k++)
		t = sat_add(t, r->reasons[k]);
	return t;
}

/* Was any cgroup's path found? */
static bool found_any(const struct view_ctx *c)
{
	for (size_t i = 0; i < c->s->cgroups.n; i++)
		if (c->s->cgroups.rows[i].path)
			return true;
	return false;
}

static void text(const struct view_ctx *c)
{
	size_t n;
	const struct cgroup_row **v = sorted(c, &n);
	struct table t;
	char b[32];

	if (!n) {
		free(v);
		fputs("(no cgroups)\n", c->f);
		return;
	}
	table_init(&t, "lrrrrrr");
	table_add(&t, "CGROUP");
	table_add(&t, "OPENED");
	table_add(&t, "ENDED");
	table_add(&t, "NOW");
	table_add(&t, "ESTAB");
	table_add(&t, "CLOSE_WAIT");
	table_add(&t, "CW_AGE");
	for (size_t i = 0; i < n; i++) {
		const struct cgroup_row *r = v[i];

		table_add(&t, "%s", cgroup_name(r, b, sizeof(b)));
		table_add_u64(&t, r->opened);
		table_add_u64(&t, r->ended);
		table_add_u64(&t, now_total(r));
		table_add_u64(&t, r->now[TS_ESTABLISHED]);
		table_add_u64(&t, r->now[TS_CLOSE_WAIT]);
		if (r->has_cw_oldest && r->now[TS_CLOSE_WAIT])
			table_add(&t, "%s", fmt_dur(b, sizeof(b), r->cw_oldest));
		else
			table_add(&t, "-");
	}
	table_print(&t, c->f);
	for (size_t i = 0, header = 0; i < n; i++) {
		if (!reasons_sum(v[i]))
			continue;
		if (!header++)
			fputs("\nconnections ended, by close reason:\n", c->f);
		view_reasons_line(c->f, cgroup_name(v[i], b, sizeof(b)), v[i]->reasons);
	}
	if (!found_any(c))
		fputs("\n(no id found below the cgroup root: shown as ids; "
		      "--cgroup-root names the cgroup2 mount)\n", c->f);
	free(v);
}

static void json(const struct view_ctx *c, struct jw *j)
{
	size_t n;
	const struct cgroup_row **v = sorted(c, &n);

	if (cgroup_root)
		jw_str(j, "cgroup_root", cgroup_root);
	else
		jw_null(j, "cgroup_root");
	jw_arr(j, "cgroups");
	for (size_t i = 0; i < n; i++) {
		const struct cgroup_row *r = v[i];

		jw_obj(j, NULL);
		jw_str(j, "row", r->kind == ROW_OTHER ? "other" : "cgroup");
		jw_u64_or_null(j, "cgroup", r->kind == ROW_ENTRY, r->id);
		if (r->path)
			jw_str(j, "path", r->path);
		else
			jw_null(j, "path");
		jw_u64(j, "opened", r->opened);
		jw_u64(j, "ended", r->ended);
		jw_obj(j, "now");
		for (int st = 0; st < TS_COUNT; st++)
			if (r->now[st])
				jw_u64(j, state_names[st], r->now[st]);
		jw_end_obj(j);
		jw_u64_or_null(j, "close_wait_oldest_ns", r->has_cw_oldest, r->cw_oldest);
		view_reason_counts_json(j, r->reasons);
		jw_end_obj(j);
	}
	jw_end_arr(j);
	free(v);
}

struct cg_sum {
	uint64_t opened, ended, cw_oldest;
	bool has_cw_oldest;
	uint64_t now[TS_COUNT], reasons[RS_COUNT];
};

static void prom(const struct view_ctx *c, const struct prom *p)
{
	const struct cgroup_list *l = &c->s->cgroups;
	struct label_in *in = xmalloc((l->n + 1) * sizeof(*in));
	struct label_set ls;
	struct cg_sum *g;
	char b[32];

	for (size_t i = 0; i < l->n; i++) {
		in[i].name = cgroup_name(&l->rows[i], in[i].buf, sizeof(in[i].buf));
		in[i].score = sat_add(l->rows[i].opened, now_total(&l->rows[i]));
		in[i].fixed = l->rows[i].kind != ROW_ENTRY;
	}
	label_set_build(&ls, in, l->n, c->o->max_labels);
	g = xmalloc((ls.n + 1) * sizeof(*g));
	memset(g, 0, (ls.n + 1) * sizeof(*g));
	for (size_t i = 0; i < l->n; i++) {
		const struct cgroup_row *r = &l->rows[i];
		struct cg_sum *s = &g[ls.of_row[i]];

		s->opened = sat_add(s->opened, r->opened);
		s->ended = sat_add(s->ended, r->ended);
		if (r->has_cw_oldest && (!s->has_cw_oldest || r->cw_oldest > s->cw_oldest))
			s->cw_oldest = r->cw_oldest;
		s->has_cw_oldest |= r->has_cw_oldest;
		for (int st = 0; st < TS_COUNT; st++)
			s->now[st] = sat_add(s->now[st], r->now[st]);
		for (int k = 0; k < RS_COUNT; k++)
			s->reasons[k] = sat_add(s->reasons[k], r->reasons[k]);
	}
	prom_family(p, "cgroup_connections_opened_total", "counter",
		    "Connections born in the cgroup (connect() or a child of its listener).");
	for (size_t i = 0; i < ls.n; i++)
		prom_sample(p, "cgroup_connections_opened_total",
			    prom_u64(b, sizeof(b), g[i].opened), "cgroup", ls.value[i], NULL);
	prom_family(p, "cgroup_connections_ended_total", "counter",
		    "Connections of the cgroup that ended.");
	for (size_t i = 0; i < ls.n; i++)
		prom_sample(p, "cgroup_connections_ended_total",
			    prom_u64(b, sizeof(b), g[i].ended), "cgroup", ls.value[i], NULL);
	prom_family(p, "cgroup_sockets", "gauge",
		    "The cgroup's full sockets now, by state (no TIME_WAIT, NEW_SYN_RECV).");
	for (size_t i = 0; i < ls.n; i++)
		for (int st = 0; st < TS_COUNT; st++)
			if (g[i].now[st])
				prom_sample(p, "cgroup_sockets", prom_u64(b, sizeof(b), g[i].now[st]),
					    "cgroup", ls.value[i], "state", state_names[st], NULL);
	prom_family(p, "cgroup_close_wait_oldest_seconds", "gauge",
		    "Time in CLOSE_WAIT of the cgroup's oldest socket there now.");
	for (size_t i = 0; i < ls.n; i++)
		if (g[i].has_cw_oldest)
			prom_sample(p, "cgroup_close_wait_oldest_seconds",
				    prom_seconds(b, sizeof(b), g[i].cw_oldest), "cgroup",
				    ls.value[i], NULL);
	prom_family(p, "cgroup_ends_total", "counter",
		    "Connections of the cgroup that ended, by close reason.");
	for (size_t i = 0; i < ls.n; i++)
		view_reason_counts_prom(p, "cgroup_ends_total", "cgroup", ls.value[i], g[i].reasons);
	label_set_free(&ls);
	free(g);
	free(in);
}

const struct view view_cgroups = {
	.name = "cgroups",
	.help = "per cgroup of the sockets' creators: connections opened and\n"
		"               ended, sockets by state, close reasons (root)",
	.files = FILE_CGROUPS,
	.no_watch = true,
	.text = text,
	.json = json,
	.prom = prom,
};
