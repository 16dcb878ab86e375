// SPDX-License-Identifier: GPL-2.0
/* view_hist.c - "tcplc hist [STATE...]": dwell-time log2 histograms. */
#include <inttypes.h>

#include "fmt_text.h"
#include "stats.h"
#include "view.h"

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
		view_hist_text(c, h, c->cur->hist[st].max, "");
	}
	if (!shown)
		fprintf(c->f, "(no timed exits%s)\n", c->delta ? " in this interval" : "");
}

static void json(const struct view_ctx *c, struct jw *j)
{
	jw_arr(j, "states");
	for (int st = 0; st < TS_COUNT; st++) {
		const struct hist_row *h = &c->s->hist[st];

		if (c->o->state_mask && !(c->o->state_mask & (1u << st)))
			continue;
		jw_obj(j, NULL);
		jw_str(j, "state", state_names[st]);
		jw_u64(j, "count", h->count);
		if (c->delta)
			jw_num(j, "per_s", rate(h->count, c->secs));
		view_hist_json(c, j, h, c->cur->hist[st].max, true);
		jw_end_obj(j);
	}
	jw_end_arr(j);
}

static void prom(const struct view_ctx *c, const struct prom *p)
{
	static const char *const help[2] = {
		"Shortest time spent in a TCP state (0 when none measured).",
		"Longest time spent in a TCP state (0 when none measured).",
	};
	static const char *const name[2] = { "state_dwell_min_seconds",
					     "state_dwell_max_seconds" };

	prom_family(p, "state_dwell_seconds", "histogram",
		    "Time spent in a TCP state, observed when leaving it (log2 buckets).");
	for (int st = 0; st < TS_COUNT; st++)
		if (!c->o->state_mask || (c->o->state_mask & (1u << st)))
			view_hist_prom(p, "state_dwell_seconds", "state",
				       state_names[st], &c->s->hist[st]);
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
