// SPDX-License-Identifier: GPL-2.0
/*
 * view_transitions.c - "tcplc transitions [--raw]": from x to matrix, of the
 * lifecycle view (transitions) or the kernel's (transitions_raw).
 */
#include <inttypes.h>
#include <stdlib.h>

#include "fmt_text.h"
#include "stats.h"
#include "view.h"

typedef const uint64_t (*matrix_t)[TS_COUNT];

static matrix_t matrix(const struct view_ctx *c)
{
	return c->o->raw ? c->s->trans_raw : c->s->trans;
}

uint64_t trans_total(const uint64_t (*m)[TS_COUNT])
{
	uint64_t t = 0;

	for (int i = 0; i < TS_COUNT; i++)
		for (int j = 0; j < TS_COUNT; j++)
			t = sat_add(t, m[i][j]);
	return t;
}

struct pair {
	int from, to;
	uint64_t n;
};

static int cmp_pair(const void *pa, const void *pb)
{
	const struct pair *a = pa, *b = pb;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	if (a->from != b->from)
		return a->from - b->from;
	return a->to - b->to;
}

/* FROM TO COUNT, most frequent first: when the matrix does not fit. */
static void text_list(const struct view_ctx *c, matrix_t m)
{
	struct pair p[TS_COUNT * TS_COUNT];
	size_t n = 0;
	struct table t;
	char b[32];

	for (int i = 0; i < TS_COUNT; i++)
		for (int j = 0; j < TS_COUNT; j++)
			if (m[i][j] || c->o->zeros)
				p[n++] = (struct pair){ i, j, m[i][j] };
	qsort(p, n, sizeof(p[0]), cmp_pair);
	table_init(&t, c->delta ? "llrr" : "llr");
	table_add(&t, "FROM");
	table_add(&t, "TO");
	table_add(&t, "COUNT");
	if (c->delta)
		table_add(&t, "PER_S");
	for (size_t k = 0; k < n; k++) {
		table_add(&t, "%s", state_names[p[k].from]);
		table_add(&t, "%s", state_names[p[k].to]);
		table_add_u64(&t, p[k].n);
		if (c->delta)
			table_add(&t, "%s", fmt_rate(b, sizeof(b), p[k].n, c->secs));
	}
	table_print(&t, c->f);
}

static void text(const struct view_ctx *c)
{
	bool row[TS_COUNT] = { false }, col[TS_COUNT] = { false };
	char align[TS_COUNT + 2], buf[32];
	matrix_t m = matrix(c);
	uint64_t sum = trans_total(m);
	const char *what;
	size_t nc = 0;
	struct table t;

	for (int i = 0; i < TS_COUNT; i++)
		for (int j = 0; j < TS_COUNT; j++)
			if (m[i][j] || c->o->zeros)
				row[i] = col[j] = true;
	align[nc++] = 'l';
	for (int j = 0; j < TS_COUNT; j++)
		if (col[j])
			align[nc++] = 'r';
	align[nc] = '\0';
	if (nc == 1) {
		fprintf(c->f, "(no transitions%s)\n", c->delta ? " in this interval" : "");
		return;
	}
	table_init(&t, align);
	table_add(&t, "FROM\\TO");
	for (int j = 0; j < TS_COUNT; j++)
		if (col[j])
			table_add(&t, "%s", state_names[j]);
	for (int i = 0; i < TS_COUNT; i++) {
		if (!row[i])
			continue;
		table_add(&t, "%s", state_names[i]);
		for (int j = 0; j < TS_COUNT; j++)
			if (col[j] && m[i][j])
				table_add_u64(&t, m[i][j]);
			else if (col[j])
				table_add(&t, ".");
	}
	if (c->o->list || table_width(&t) > text_width) {
		table_free(&t);
		text_list(c, m);
	} else {
		table_print(&t, c->f);
	}
	what = c->o->raw ? "state changes (kernel's view, the summary's "
			   "\"state changes\")"
			 : "transitions (lifecycle view, the summary's \"transitions\")";
	if (c->delta)
		fprintf(c->f, "total %" PRIu64 " %s, %s/s\n", sum, what,
			fmt_rate(buf, sizeof(buf), sum, c->secs));
	else
		fprintf(c->f, "total %" PRIu64 " %s\n", sum, what);
}

static void json(const struct view_ctx *c, struct jw *j)
{
	matrix_t m = matrix(c);
	uint64_t sum = trans_total(m);

	jw_bool(j, "raw", c->o->raw);
	jw_arr(j, "transitions");
	for (int i = 0; i < TS_COUNT; i++)
		for (int k = 0; k < TS_COUNT; k++) {
			uint64_t v = m[i][k];

			if (!v)
				continue;
			jw_obj(j, NULL);
			jw_str(j, "from", state_names[i]);
			jw_str(j, "to", state_names[k]);
			jw_u64(j, "count", v);
			if (c->delta)
				jw_num(j, "per_s", rate(v, c->secs));
			jw_end_obj(j);
		}
	jw_end_arr(j);
	jw_u64(j, "total", sum);
	if (c->delta)
		jw_num(j, "total_per_s", rate(sum, c->secs));
}

void view_transitions_prom(const struct prom *p, const struct snapshot *s,
			   bool raw)
{
	const char *name = raw ? "transitions_raw_total" : "transitions_total";
	matrix_t m = raw ? s->trans_raw : s->trans;

	prom_family(p, name, "counter", raw ?
		    "TCP state changes as the kernel makes them (as the sock:inet_sock_set_state tracepoint sees them), by from and to state." :
		    "TCP state transitions in the life of connections (with TIME_WAIT and NEW_SYN_RECV), by from and to state.");
	for (int i = 0; i < TS_COUNT; i++)
		for (int k = 0; k < TS_COUNT; k++) {
			char buf[24];

			if (m[i][k])
				prom_sample(p, name, prom_u64(buf, sizeof(buf), m[i][k]),
					    "from", state_names[i], "to",
					    state_names[k], NULL);
		}
}

static void prom(const struct view_ctx *c, const struct prom *p)
{
	view_transitions_prom(p, c->s, c->o->raw);
}

const struct view view_transitions = {
	.name = "transitions",
	.help = "from x to matrix of transitions (non-zero rows/columns; -z: all)\n"
		"               [--raw: the kernel's view, no TIME_WAIT/NEW_SYN_RECV]",
	.files = FILE_TRANSITIONS,
	.text = text,
	.json = json,
	.prom = prom,
};
