// SPDX-License-Identifier: GPL-2.0
/* view_counters.c - "tcplc counters": the counters file. */
#include "fmt_text.h"
#include "view.h"

static void text(const struct view_ctx *c)
{
	struct table t;
	char buf[32];

	table_init(&t, c->delta ? "lrr" : "lr");
	table_add(&t, "COUNTER");
	table_add(&t, "VALUE");
	if (c->delta)
		table_add(&t, "RATE/S");
	for (int i = 0; i < CTR_COUNT; i++) {
		table_add(&t, "%s", counter_descs[i].name);
		table_add_u64(&t, c->s->counters[i]);
		if (c->delta)
			table_add(&t, "%s", counter_descs[i].gauge ? "-" :
				  fmt_rate(buf, sizeof(buf), c->s->counters[i], c->secs));
	}
	table_print(&t, c->f);
}

static void json(const struct view_ctx *c, struct jw *j)
{
	jw_obj(j, "counters");
	for (int i = 0; i < CTR_COUNT; i++)
		jw_u64(j, counter_descs[i].name, c->s->counters[i]);
	jw_end_obj(j);
	if (!c->delta)
		return;
	jw_obj(j, "rates");
	for (int i = 0; i < CTR_COUNT; i++)
		if (!counter_descs[i].gauge)
			jw_num(j, counter_descs[i].name,
			       rate(c->s->counters[i], c->secs));
	jw_end_obj(j);
}

static void prom(const struct view_ctx *c, const struct prom *p)
{
	for (int i = 0; i < CTR_COUNT; i++) {
		const struct counter_desc *d = &counter_descs[i];
		char buf[24];

		prom_family(p, d->metric, d->gauge ? "gauge" : "counter", d->help);
		prom_sample(p, d->metric, prom_u64(buf, sizeof(buf), c->s->counters[i]),
			    NULL);
	}
}

const struct view view_counters = {
	.name = "counters",
	.help = "netns-wide counters (transitions, tracked, untracked)",
	.files = FILE_COUNTERS,
	.text = text,
	.json = json,
	.prom = prom,
};
