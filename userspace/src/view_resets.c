// SPDX-License-Identifier: GPL-2.0
/*
 * view_resets.c - "tcplc resets": the resets this namespace sent, by the
 * kernel's own reason (the resets file; the kernel gives reasons from 6.10).
 */
#include <inttypes.h>

#include "fmt_text.h"
#include "stats.h"
#include "view.h"

static uint64_t resets_total(const struct resets *rs)
{
	uint64_t t = 0;

	for (size_t i = 0; i < rs->n; i++)
		t = sat_add(t, rs->row[i].count);
	return t;
}

static void text(const struct view_ctx *c)
{
	const struct resets *rs = &c->s->resets;
	uint64_t all = resets_total(rs);
	struct table t;
	char b[32];

	if (!rs->n) {
		fprintf(c->f, "(this kernel gives no reasons for the resets it sends: "
			"6.10 and later do)\n");
		return;
	}
	table_init(&t, c->delta ? "lrrr" : "lrr");
	table_add(&t, "KERNEL REASON");
	table_add(&t, "RESETS");
	if (c->delta)
		table_add(&t, "RESETS/S");
	table_add(&t, "SHARE");
	for (size_t i = 0; i < rs->n; i++) {
		const struct reset_row *r = &rs->row[i];

		if (!r->count && !c->o->zeros)
			continue;
		table_add(&t, "%s", r->name);
		table_add_u64(&t, r->count);
		if (c->delta)
			table_add(&t, "%s", fmt_rate(b, sizeof(b), r->count, c->secs));
		table_add(&t, "%s", fmt_share(b, sizeof(b), r->count, all));
	}
	if (table_rows(&t) > 1) {
		table_print(&t, c->f);
	} else {
		table_free(&t);
		fprintf(c->f, "(no resets sent%s)\n", c->delta ? " in this interval" : "");
		return;
	}
	fprintf(c->f, "total %" PRIu64 " reset%s sent", all, all == 1 ? "" : "s");
	if (c->delta)
		fprintf(c->f, ", %s/s", fmt_rate(b, sizeof(b), all, c->secs));
	fputc('\n', c->f);
}

static void json(const struct view_ctx *c, struct jw *j)
{
	const struct resets *rs = &c->s->resets;

	jw_bool(j, "available", rs->n > 0);
	jw_arr(j, "resets");
	for (size_t i = 0; i < rs->n; i++) {
		jw_obj(j, NULL);
		jw_str(j, "reason", rs->row[i].name);
		jw_u64(j, "count", rs->row[i].count);
		if (c->delta)
			jw_num(j, "per_s", rate(rs->row[i].count, c->secs));
		jw_end_obj(j);
	}
	jw_end_arr(j);
	jw_u64(j, "total", resets_total(rs));
}

static void prom(const struct view_ctx *c, const struct prom *p)
{
	const struct resets *rs = &c->s->resets;
	char v[32];

	if (!rs->n)
		return;
	prom_family(p, "resets_sent_total", "counter",
		    "Resets this namespace's TCP sent, by the kernel's reason (enum sk_rst_reason).");
	for (size_t i = 0; i < rs->n; i++)
		prom_sample(p, "resets_sent_total", prom_u64(v, sizeof(v), rs->row[i].count),
			    "reason", rs->row[i].name, NULL);
}

const struct view view_resets = {
	.name = "resets",
	.help = "resets sent, by the kernel's own reason (kernels 6.10 and later)",
	.files = FILE_RESETS,
	.text = text,
	.json = json,
	.prom = prom,
};
