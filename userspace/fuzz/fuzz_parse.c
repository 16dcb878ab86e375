// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_parse.c - libFuzzer target over the file parsers and everything that
 * renders parsed data (views in all formats, deltas, percentiles, alerts).
 *
 * Input: either one file's content, tried with every parser, or up to eight
 * parts separated by a line "%%" (states, transitions, hist, counters,
 * transitions_raw, reasons, sockets, keepalive: the file table's order), so
 * that views needing several files get exercised too.  Bits of the input's
 * size pick options (-z, named states and reasons, --hist, the sockets
 * filter, sort, -n).
 *
 *   make -C userspace fuzz FUZZ_SECONDS=20
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alerts.h"
#include "parse.h"
#include "stats.h"
#include "view.h"

#define SEP "\n%%\n"

/* View @v of @s in every format, once and in watch mode. */
static void render_view(const struct view *v, const struct snapshot *s,
			struct options *o, FILE *null)
{
	struct snapshot zero, delta;

	memset(&zero, 0, sizeof(zero));
	for (int fmt = FMT_TEXT; fmt <= FMT_PROM; fmt++) {
		struct view_ctx c = { .f = null, .o = o, .s = s, .cur = s };

		o->fmt = (enum out_fmt)fmt;
		if (fmt == FMT_PROM && !v->prom)
			continue;
		view_render(v, &c);
		if (fmt == FMT_PROM || v->no_watch)
			continue; /* no watch mode with --prometheus, for sockets */
		/* watch mode: from nothing to s (a reset), and s to s */
		c.delta = true;
		c.secs = 1.5;
		c.s = &delta;
		c.reset = snapshot_delta(&zero, s, &delta);
		view_render(v, &c);
		c.reset = snapshot_delta(s, s, &delta);
		view_render(v, &c);
		c.reset = snapshot_delta(s, &zero, &delta);
		c.cur = &zero;
		view_render(v, &c);
	}
}

static void render_all(const struct snapshot *s, unsigned bits)
{
	static FILE *null;
	struct options o = { .proc_root = "/proc", .netns = NULL };

	if (!null)
		null = fopen("/dev/null", "w");
	if (!null)
		return;
	o.zeros = bits & 1;
	o.state_mask = (bits >> 1) & ALL_STATES;
	if (bits & 0x2000)
		o.netns = "fuzz\"ns\\";
	if (bits & 0x8000000)
		o.reason_mask = (bits >> 14) & ALL_REASONS;
	o.hist = bits & 0x10000000;
	o.sort = bits & 0x20000000 ? SORT_LIFETIME : SORT_AGE;
	o.limit = bits >> 30;
	for (size_t v = 0; views[v]; v++) {
		if ((views[v]->files & s->have) == views[v]->files)
			render_view(views[v], s, &o, null);
	}
	if (s->have & FILE_TRANSITIONS_RAW) { /* transitions --raw */
		o.raw = true;
		render_view(&view_transitions, s, &o, null);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct snapshot s;
	struct err e;

	memset(&s, 0, sizeof(s));
	memset(&e, 0, sizeof(e));
	/* the sockets filter, as --state and --older-than would set it */
	if (size & 1) {
		s.filter.has_state = true;
		s.filter.state = (uint8_t)((size >> 1) % TS_COUNT);
	}
	if (size & 0x20) {
		s.filter.has_min_age = true;
		s.filter.min_age_ns = (uint64_t)1 << (size >> 6 & 63);
	}
	if (memmem(buf, size, SEP, strlen(SEP))) {
		const char *p = buf, *end = buf + size;

		for (size_t i = 0; i < file_table_len && p <= end; i++) {
			const char *sep = memmem(p, (size_t)(end - p), SEP, strlen(SEP));
			size_t len = sep ? (size_t)(sep - p) + 1 : (size_t)(end - p);

			file_table[i].parse(p, len, &s, &e);
			if (!sep)
				break;
			p = sep + strlen(SEP);
		}
	} else {
		for (size_t i = 0; i < file_table_len; i++)
			file_table[i].parse(buf, size, &s, &e);
	}
	if (s.have) {
		struct alert a[ALERTS_MAX];

		alerts_eval(&s, NULL, a, ALERTS_MAX);
		alerts_eval(&s, &s, a, ALERTS_MAX);
		render_all(&s, (unsigned)size * 2654435761u);
	}
	snapshot_free(&s);
	return 0;
}
