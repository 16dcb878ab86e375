// SPDX-License-Identifier: GPL-2.0
/* view_transitions.c - "tcplc transitions": from x to matrix. */
#include <inttypes.h>

#include "fmt_text.h"
#include "stats.h"
#include "view.h"

static uint64_t total(const struct snapshot *s)
{
	uint64_t t = 0;

	for (int i = 0; i < TS_COUNT; i++)
		for (int j = 0; j < TS_COUNT; j++)
			t = sat_add(t, s->trans[i][j]);
	return t;
}

static void text(const struct view_ctx *c)
{
	bool row[TS_COUNT] = { false }, col[TS_COUNT] = { false };
	char align[TS_COUNT + 2], buf[32];
	uint64_t sum = total(c->s);
	size_t nc = 0;
	struct table t;

	for (int i = 0; i < TS_COUNT; i++)
		for (int j = 0; j < TS_COUNT; j++)
			if (c->s->trans[i][j] || c->o->zeros)
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
			if (col[j] && c->s->trans[i][j])
				table_add_u64(&t, c->s->trans[i][j]);
			else if (col[j])
				table_add(&t, ".");
	}
	table_print(&t, c->f);
	if (c->delta)
		fprintf(c->f, "total %" PRIu64 " transitions, %s/s\n", sum,
			fmt_rate(buf, sizeof(buf), sum, c->secs));
	else
		fprintf(c->f, "total %" PRIu64 " transitions\n", sum);
}

static void json(const struct view_ctx *c, struct jw *j)
{
	uint64_t sum = total(c->s);

	jw_arr(j, "transitions");
	for (int i = 0; i < TS_COUNT; i++)
		for (int k = 0; k < TS_COUNT; k++) {
			uint64_t v = c->s->trans[i][k];

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

static void prom(const struct view_ctx *c, const struct prom *p)
{
	prom_family(p, "transitions_total", "counter",
		    "TCP state transitions by from and to state.");
	for (int i = 0; i < TS_COUNT; i++)
		for (int k = 0; k < TS_COUNT; k++) {
			char buf[24];

			if (c->s->trans[i][k])
				prom_sample(p, "transitions_total",
					    prom_u64(buf, sizeof(buf), c->s->trans[i][k]),
					    "from", state_names[i], "to",
					    state_names[k], NULL);
		}
}

const struct view view_transitions = {
	.name = "transitions",
	.help = "from x to matrix of transition counts (non-zero rows/columns; -z: all)",
	.files = FILE_TRANSITIONS,
	.text = text,
	.json = json,
	.prom = prom,
};
