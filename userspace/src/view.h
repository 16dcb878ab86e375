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
	unsigned optional; /* FILE_* bits it uses when they exist */
	bool takes_states; /* accepts STATE... arguments */
	bool takes_reasons; /* accepts REASON... arguments */
	bool takes_filter; /* accepts a filter expression (filter.h) */
	bool no_watch;     /* a listing, not counts: no -i */
	void (*text)(const struct view_ctx *c);
	/* members of the top-level object (already opened); or, with
	 * json_top, the whole JSON value of the view */
	void (*json)(const struct view_ctx *c, struct jw *j);
	bool json_top;
	/* NULL: no Prometheus output */
	void (*prom)(const struct view_ctx *c, const struct prom *p);
};

extern const struct view view_summary, view_states, view_transitions,
	view_hist, view_reasons, view_keepalive, view_counters, view_resets,
	view_sockets, view_listeners, view_cgroups;
extern const struct view *const views[];

const struct view *view_find(const char *name);
/* Render in c->o->fmt, with the per-sample header/wrapper in watch mode. */
void view_render(const struct view *v, const struct view_ctx *c);

/* Row visibility: named states always; else non-zero rows, or all with -z. */
bool view_show_state(const struct view_ctx *c, int st, bool nonzero);
/* The same for reasons. */
bool view_show_reason(const struct view_ctx *c, int r, bool nonzero);

/* Sum of a transitions matrix: the lifecycle view's "transitions" total
 * (s->trans), or the kernel's state changes (s->trans_raw). */
uint64_t trans_total(const uint64_t (*m)[TS_COUNT]);
/* transitions_total, or transitions_raw_total if @raw */
void view_transitions_prom(const struct prom *p, const struct snapshot *s,
			   bool raw);

/* Reasons: ends (lifetime known or not) of one reason, of all. */
uint64_t reason_ends(const struct snapshot *s, int r);
uint64_t reasons_total(const struct snapshot *s);
/* "12.3%" of @total, "-" if @total is 0 */
char *fmt_share(char *buf, size_t size, uint64_t part, uint64_t total);
void view_reasons_json(const struct view_ctx *c, struct jw *j, bool buckets);
void view_reasons_prom(const struct view_ctx *c, const struct prom *p);

/* The keepalive view's members (settings, detect, timer, probes,
 * established), with the log2 buckets if @buckets. */
void view_keepalive_json(const struct view_ctx *c, struct jw *j, bool buckets);
void view_keepalive_prom(const struct view_ctx *c, const struct prom *p);

/* Shared by the dwell (hist) and lifetime (reasons) histograms. */
uint64_t hist_avg(const struct hist_row *h);
/* log2 histogram, then "count ... p99 ..." and @extra on one line; @cap is
 * the percentile cap (the totals' max). */
void view_hist_text(const struct view_ctx *c, const struct hist_row *h,
		    uint64_t cap, const char *extra);
/* sum/min/max/avg/p50/p99 members, and the buckets array if @buckets. */
void view_hist_json(const struct view_ctx *c, struct jw *j,
		    const struct hist_row *h, uint64_t cap, bool buckets);
/* The _bucket, _sum and _count samples of histogram @metric for one
 * @label=@value (the family header is the caller's). */
void view_hist_prom(const struct prom *p, const char *metric, const char *label,
		    const char *value, const struct hist_row *h);

/*
 * Prometheus label values for a table's rows (--max-labels): rows named
 * alike share a value; the @max non-fixed names of the highest @score get
 * a value of their own, the others are summed into "other"; @fixed rows
 * (the file's own summary rows) keep their name.  Values are listed in
 * that order: the kept names as they first appear, "other", the fixed.
 */
struct label_set {
	size_t n;           /* label values */
	const char **value; /* [n]: the names given, or "other" */
	size_t *of_row;     /* [rows]: the row's label value */
};

/* One row as label_set_build() sees it. */
struct label_in {
	const char *name;
	uint64_t score;
	bool fixed;
	const void *row; /* the caller's row */
	char buf[24];    /* room for the name, if the caller needs it */
};

void label_set_build(struct label_set *ls, const struct label_in *in,
		     size_t rows, size_t max);
void label_set_free(struct label_set *ls);

/* Does a listener at @a pass the view's filter expression (if any)? */
bool view_listener_match(const struct view_ctx *c, const struct sock_addr *a);

/* A "! " line for each listener (that @expr matches, if not NULL) whose
 * accept queue overflowed or that dropped SYNs. */
void view_listeners_overflow_lines(FILE *f, const struct listener_list *l,
				   const struct sock_expr *expr);

/* "NAME  reason N  reason N" of the non-zero @reasons[RS_COUNT] */
void view_reasons_line(FILE *f, const char *name, const uint64_t *reasons);
/* A "reasons" object: "NAME": N of the non-zero @reasons[RS_COUNT]. */
void view_reason_counts_json(struct jw *j, const uint64_t *reasons);
/* @metric{@label="@value",reason="NAME"} N, a sample a non-zero
 * @reasons[RS_COUNT] (the family header is the caller's). */
void view_reason_counts_prom(const struct prom *p, const char *metric, const char *label,
			     const char *value, const uint64_t *reasons);

/* The cgroup row's name: its path, or its id when not found; "other". */
const char *cgroup_name(const struct cgroup_row *r, char *buf, size_t size);

#endif
