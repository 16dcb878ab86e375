/* SPDX-License-Identifier: GPL-2.0 */
/*
 * view.h - a view renders a snapshot in the three output formats.
 *
 * Adding a view: write view_NAME.c with its text/json/prom functions and a
 * const struct view, declare it below and add it to views[] in views.c.
 */
#ifndef TCPLC_VIEW_H
#define TCPLC_VIEW_H

#include <stdbool.h>
#include <stdio.h>

#include "fmt_json.h"
#include "fmt_prom.h"
#include "model.h"
#include "opts.h"

struct view_ctx {
	FILE *f;
	const struct options *o;
	const struct snapshot *s;   /* totals, or the interval's deltas */
	const struct snapshot *cur; /* latest totals (== s unless delta) */
	bool delta;                 /* watch mode: s holds deltas */
	double secs;                /* length of the interval (delta only) */
	bool reset;                 /* counters went back: module reloaded */
};

struct view {
	const char *name;
	const char *help;  /* one line for --help */
	unsigned files;    /* FILE_* bits it needs */
	bool takes_states; /* accepts STATE... arguments */
	void (*text)(const struct view_ctx *c);
	/* members of the top-level object (already opened) */
	void (*json)(const struct view_ctx *c, struct jw *j);
	void (*prom)(const struct view_ctx *c, const struct prom *p);
};

extern const struct view view_summary, view_states, view_transitions,
	view_hist, view_counters;
extern const struct view *const views[];

const struct view *view_find(const char *name);
/* Render in c->o->fmt, with the per-sample header/wrapper in watch mode. */
void view_render(const struct view *v, const struct view_ctx *c);

/* Row visibility: named states always; else non-zero rows, or all with -z. */
bool view_show_state(const struct view_ctx *c, int st, bool nonzero);

#endif
