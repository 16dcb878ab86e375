// SPDX-License-Identifier: GPL-2.0
/* views.c - the view registry and the format dispatch. */
#include <string.h>

#include "util.h"
#include "view.h"

const struct view *const views[] = {
	&view_summary, &view_states, &view_transitions, &view_hist,
	&view_counters, NULL,
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

void view_render(const struct view *v, const struct view_ctx *c)
{
	char ts[64];

	if (c->delta)
		fmt_iso8601(ts, sizeof(ts), c->cur->wall.tv_sec);
	switch (c->o->fmt) {
	case FMT_TEXT:
		if (c->delta)
			fprintf(c->f, "--- %s  interval %.3fs%s ---\n", ts, c->secs,
				c->reset ? "  (counters were reset: module reloaded?)" : "");
		v->text(c);
		break;
	case FMT_JSON: {
		struct jw j;

		jw_init(&j, c->f);
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
		struct prom p = { c->f, c->o->netns };

		v->prom(c, &p);
		break;
	}
	}
}
