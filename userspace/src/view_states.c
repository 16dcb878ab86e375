// SPDX-License-Identifier: GPL-2.0
/* view_states.c - "tcplc states": the states file, per state. */
#include <stddef.h>

#include "fmt_text.h"
#include "view.h"

static bool row_nonzero(const struct state_row *r)
{
	return r->entered || r->exited || r->timed || r->untimed || r->now;
}

static void text(const struct view_ctx *c)
{
	struct table t;
	char buf[32];

	if (c->delta) {
		table_init(&t, c->s->has_oldest ? "lrrrrrrrr" : "lrrrrrrr");
		table_add(&t, "STATE");
		table_add(&t, "ENTERED");
		table_add(&t, "ENTERED/S");
		table_add(&t, "EXITED");
		table_add(&t, "EXITED/S");
		table_add(&t, "TIMED");
		table_add(&t, "UNTIMED");
		table_add(&t, "NOW");
	} else {
		table_init(&t, c->s->has_oldest ? "lrrrrrr" : "lrrrrr");
		table_add(&t, "STATE");
		table_add(&t, "ENTERED");
		table_add(&t, "EXITED");
		table_add(&t, "TIMED");
		table_add(&t, "UNTIMED");
		table_add(&t, "NOW");
	}
	if (c->s->has_oldest)
		table_add(&t, "OLDEST");
	for (int st = 0; st < TS_COUNT; st++) {
		const struct state_row *r = &c->s->states[st];

		if (!view_show_state(c, st, row_nonzero(r)))
			continue;
		table_add(&t, "%s", state_names[st]);
		table_add_u64(&t, r->entered);
		if (c->delta)
			table_add(&t, "%s", fmt_rate(buf, sizeof(buf), r->entered, c->secs));
		table_add_u64(&t, r->exited);
		if (c->delta)
			table_add(&t, "%s", fmt_rate(buf, sizeof(buf), r->exited, c->secs));
		table_add_u64(&t, r->timed);
		table_add_u64(&t, r->untimed);
		table_add_u64(&t, r->now);
		if (c->s->has_oldest)
			table_add(&t, "%s", fmt_dur_or_dash(buf, sizeof(buf), r->now,
							    r->oldest));
	}
	if (table_rows(&t) > 1) {
		table_print(&t, c->f);
	} else {
		table_free(&t);
		fprintf(c->f, "(no state changes%s)\n", c->delta ? " in this interval" : "");
	}
}

static void json(const struct view_ctx *c, struct jw *j)
{
	jw_arr(j, "states");
	for (int st = 0; st < TS_COUNT; st++) {
		const struct state_row *r = &c->s->states[st];

		jw_obj(j, NULL);
		jw_str(j, "state", state_names[st]);
		jw_u64(j, "entered", r->entered);
		if (c->delta)
			jw_num(j, "entered_per_s", rate(r->entered, c->secs));
		jw_u64(j, "exited", r->exited);
		if (c->delta)
			jw_num(j, "exited_per_s", rate(r->exited, c->secs));
		jw_u64(j, "timed", r->timed);
		jw_u64(j, "untimed", r->untimed);
		jw_u64(j, "now", r->now);
		jw_u64_or_null(j, "oldest_ns", c->s->has_oldest, r->oldest);
		jw_end_obj(j);
	}
	jw_end_arr(j);
}

static void prom(const struct view_ctx *c, const struct prom *p)
{
	static const struct {
		const char *name, *type, *help;
		size_t off;
	} m[] = {
		{ "state_sockets", "gauge", "Tracked TCP sockets in each state now.",
		  offsetof(struct state_row, now) },
		{ "state_oldest_seconds", "gauge",
		  "How long the longest-staying tracked socket has been in each state (0 when none).",
		  offsetof(struct state_row, oldest) },
		{ "state_entered_total", "counter", "Transitions into each TCP state.",
		  offsetof(struct state_row, entered) },
		{ "state_exited_total", "counter", "Transitions out of each TCP state.",
		  offsetof(struct state_row, exited) },
		{ "state_exited_timed_total", "counter",
		  "Exits whose entry time was known (these are in the dwell histogram).",
		  offsetof(struct state_row, timed) },
		{ "state_exited_untimed_total", "counter",
		  "Exits whose entry time was unknown (socket predates the module or was not tracked).",
		  offsetof(struct state_row, untimed) },
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		if (m[i].off == offsetof(struct state_row, oldest) && !c->s->has_oldest)
			continue;
		prom_family(p, m[i].name, m[i].type, m[i].help);
		for (int st = 0; st < TS_COUNT; st++) {
			const char *row = (const char *)&c->s->states[st];
			uint64_t v = *(const uint64_t *)(const void *)(row + m[i].off);
			char buf[32];

			prom_sample(p, m[i].name,
				    m[i].off == offsetof(struct state_row, oldest) ?
				    prom_seconds(buf, sizeof(buf), v) :
				    prom_u64(buf, sizeof(buf), v),
				    "state", state_names[st], NULL);
		}
	}
}

const struct view view_states = {
	.name = "states",
	.help = "per-state counts: entered, exited, timed/untimed exits, now",
	.files = FILE_STATES,
	.text = text,
	.json = json,
	.prom = prom,
};
