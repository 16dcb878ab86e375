// SPDX-License-Identifier: GPL-2.0
/*
 * view_counters.c - "tcplc counters": the counters file, in sections
 * (tracking, time-wait ends, half-open, ports).  Counters a module does not
 * have yet are left out (null in JSON).
 */
#include <string.h>

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
	for (int sec = 0; sec < SEC_COUNT; sec++) {
		bool head = false;

		for (int i = 0; i < CTR_COUNT; i++) {
			const struct counter_desc *d = &counter_descs[i];

			if (d->section != (enum counter_section)sec ||
			    !have_counter(c->s, i))
				continue;
			if (!head) {
				head = true;
				table_add(&t, "%s", section_names[sec]);
				table_add(&t, "%s", "");
				if (c->delta)
					table_add(&t, "%s", "");
			}
			table_add(&t, "  %s", d->name);
			table_add_u64(&t, c->s->counters[i]);
			if (c->delta)
				table_add(&t, "%s", d->gauge ? "-" :
					  fmt_rate(buf, sizeof(buf), c->s->counters[i],
						   c->secs));
		}
	}
	table_print(&t, c->f);
}

static void json(const struct view_ctx *c, struct jw *j)
{
	jw_obj(j, "counters");
	for (int i = 0; i < CTR_COUNT; i++)
		jw_u64_or_null(j, counter_descs[i].name, have_counter(c->s, i),
			       c->s->counters[i]);
	jw_end_obj(j);
	if (!c->delta)
		return;
	jw_obj(j, "rates");
	for (int i = 0; i < CTR_COUNT; i++) {
		if (counter_descs[i].gauge)
			continue;
		if (have_counter(c->s, i))
			jw_num(j, counter_descs[i].name,
			       rate(c->s->counters[i], c->secs));
		else
			jw_null(j, counter_descs[i].name);
	}
	jw_end_obj(j);
}

/* One family per metric: counters with a "how" label share one. */
static void prom(const struct view_ctx *c, const struct prom *p)
{
	for (int i = 0; i < CTR_COUNT; i++) {
		const struct counter_desc *d = &counter_descs[i];
		bool first = true;
		char buf[24];

		if (!have_counter(c->s, i))
			continue;
		for (int k = 0; k < i; k++)
			if (have_counter(c->s, k) &&
			    !strcmp(counter_descs[k].metric, d->metric))
				first = false;
		if (first)
			prom_family(p, d->metric, d->gauge ? "gauge" : "counter",
				    d->help);
		prom_sample(p, d->metric, prom_u64(buf, sizeof(buf), c->s->counters[i]),
			    d->how ? "how" : NULL, d->how, NULL);
	}
}

const struct view view_counters = {
	.name = "counters",
	.help = "counters: tracking, time-wait ends, half-open, ports",
	.files = FILE_COUNTERS,
	.text = text,
	.json = json,
	.prom = prom,
};
