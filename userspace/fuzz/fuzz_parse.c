// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_parse.c - libFuzzer target over the file parsers and everything that
 * renders parsed data (views in all formats, deltas, percentiles, alerts).
 *
 * Input: either one file's content, tried with every parser, or up to four
 * parts separated by a line "%%" (states, transitions, hist, counters in
 * that order), so that views needing several files get exercised too.
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

static void render_all(const struct snapshot *s, unsigned zeros_mask)
{
	static FILE *null;
	struct snapshot zero, delta;
	struct options o = { .proc_root = "/proc", .netns = NULL };

	if (!null)
		null = fopen("/dev/null", "w");
	if (!null)
		return;
	memset(&zero, 0, sizeof(zero));
	o.zeros = zeros_mask & 1;
	o.state_mask = (zeros_mask >> 1) & ALL_STATES;
	if (zeros_mask & 0x2000)
		o.netns = "fuzz\"ns\\";
	for (size_t v = 0; views[v]; v++) {
		if ((views[v]->files & s->have) != views[v]->files)
			continue;
		for (int fmt = FMT_TEXT; fmt <= FMT_PROM; fmt++) {
			struct view_ctx c = { .f = null, .o = &o, .s = s, .cur = s };

			o.fmt = (enum out_fmt)fmt;
			view_render(views[v], &c);
			if (fmt == FMT_PROM)
				continue; /* no watch mode with --prometheus */
			/* watch mode: from nothing to s (a reset), and s to s */
			c.delta = true;
			c.secs = 1.5;
			c.s = &delta;
			c.reset = snapshot_delta(&zero, s, &delta);
			view_render(views[v], &c);
			c.reset = snapshot_delta(s, s, &delta);
			view_render(views[v], &c);
			c.reset = snapshot_delta(s, &zero, &delta);
			c.cur = &zero;
			view_render(views[v], &c);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct snapshot s;
	struct err e;

	memset(&s, 0, sizeof(s));
	memset(&e, 0, sizeof(e));
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

		alerts_eval(&s, a, ALERTS_MAX);
		render_all(&s, (unsigned)size * 2654435761u >> 16);
	}
	return 0;
}
