// SPDX-License-Identifier: GPL-2.0
/* fmt_text.c - text output helpers. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_text.h"
#include "model.h"
#include "stats.h"
#include "util.h"

void table_init(struct table *t, const char *align)
{
	t->ncols = strlen(align);
	t->ncells = 0;
	t->cap = 0;
	t->align = align;
	t->cells = NULL;
}

void table_add(struct table *t, const char *fmt, ...)
{
	va_list ap;
	char buf[256];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (t->ncells == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->cells = xrealloc(t->cells, t->cap * sizeof(*t->cells));
	}
	t->cells[t->ncells++] = xstrdup(buf);
}

void table_add_u64(struct table *t, uint64_t v)
{
	table_add(t, "%" PRIu64, v);
}

size_t table_rows(const struct table *t)
{
	return t->ncells / t->ncols;
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->ncells = t->cap = 0;
}

void table_print(struct table *t, FILE *f)
{
	size_t *w, linecap = 256, len = 0;
	char *line;

	if (!t->ncols)
		return;
	w = xmalloc(t->ncols * sizeof(*w));
	line = xmalloc(linecap);
	for (size_t c = 0; c < t->ncols; c++)
		w[c] = 0;
	for (size_t i = 0; i < t->ncells; i++) {
		size_t n = strlen(t->cells[i]);

		if (n > w[i % t->ncols])
			w[i % t->ncols] = n;
	}
	for (size_t i = 0; i < t->ncells; i++) {
		size_t c = i % t->ncols, n = strlen(t->cells[i]);
		size_t pad = w[c] > n ? w[c] - n : 0;
		int last = c == t->ncols - 1 || i == t->ncells - 1;

		/* cell, padded, into the line; blanks at its end are cut */
		while (len + 2 + w[c] + n + 2 > linecap) {
			linecap *= 2;
			line = xrealloc(line, linecap);
		}
		if (c) {
			memcpy(line + len, "  ", 2);
			len += 2;
		}
		if (t->align[c] == 'r') {
			memset(line + len, ' ', pad);
			len += pad;
		}
		memcpy(line + len, t->cells[i], n);
		len += n;
		if (t->align[c] != 'r') {
			memset(line + len, ' ', pad);
			len += pad;
		}
		if (last) {
			while (len && line[len - 1] == ' ')
				len--;
			line[len++] = '\n';
			fwrite(line, 1, len, f);
			len = 0;
		}
		free(t->cells[i]);
	}
	free(line);
	free(t->cells);
	free(w);
	t->cells = NULL;
	t->ncells = t->cap = 0;
}

char *fmt_dur(char *buf, size_t size, uint64_t ns)
{
	static const struct {
		double div;
		const char *sym;
	} u[] = { { 1e3, "us" }, { 1e6, "ms" }, { 1e9, "s" } };

	if (ns < 1000) {
		snprintf(buf, size, "%" PRIu64 "ns", ns);
		return buf;
	}
	for (size_t i = 0; i < 3; i++) {
		double v = (double)ns / u[i].div;

		if (v >= 999.5 && i < 2)
			continue;
		if (v < 9.995)
			snprintf(buf, size, "%.2f%s", v, u[i].sym);
		else if (v < 99.95)
			snprintf(buf, size, "%.1f%s", v, u[i].sym);
		else
			snprintf(buf, size, "%.0f%s", v, u[i].sym);
		break;
	}
	return buf;
}

char *fmt_age(char *buf, size_t size, uint64_t ns)
{
	uint64_t s = ns / NSEC_PER_SEC;

	if (s < 10)
		return fmt_dur(buf, size, ns);
	if (s < 60)
		snprintf(buf, size, "%" PRIu64 "s", s);
	else if (s < 3600)
		snprintf(buf, size, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, size, "%" PRIu64 "h%02" PRIu64 "m", s / 3600, s / 60 % 60);
	else
		snprintf(buf, size, "%" PRIu64 "d%02" PRIu64 "h", s / 86400,
			 s / 3600 % 24);
	return buf;
}

char *fmt_hdur(char *buf, size_t size, uint64_t ns)
{
	uint64_t s = ns / NSEC_PER_SEC + (ns % NSEC_PER_SEC >= NSEC_PER_SEC / 2);

	if (ns < 60 * NSEC_PER_SEC) {
		if (ns && !(ns % NSEC_PER_SEC))
			snprintf(buf, size, "%" PRIu64 "s", (uint64_t)(ns / NSEC_PER_SEC));
		else
			fmt_dur(buf, size, ns);
	} else if (s < 3600) {
		snprintf(buf, size, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	} else if (s < 86400) {
		int n = snprintf(buf, size, "%" PRIu64 "h%02" PRIu64 "m", s / 3600,
				 s / 60 % 60);

		if (s % 60 && n > 0 && (size_t)n < size)
			snprintf(buf + n, size - (size_t)n, "%02" PRIu64 "s", s % 60);
	} else {
		snprintf(buf, size, "%" PRIu64 "d%02" PRIu64 "h", s / 86400,
			 s / 3600 % 24);
	}
	return buf;
}

char *fmt_dur_or_dash(char *buf, size_t size, uint64_t count, uint64_t ns)
{
	if (!count) {
		snprintf(buf, size, "-");
		return buf;
	}
	return fmt_dur(buf, size, ns);
}

double rate(uint64_t delta, double secs)
{
	return secs > 0 ? (double)delta / secs : 0.0;
}

char *fmt_rate(char *buf, size_t size, uint64_t delta, double secs)
{
	snprintf(buf, size, "%.1f", rate(delta, secs));
	return buf;
}

/* floor(width * val / max) for val <= max, without overflow. */
static int stars(uint64_t val, uint64_t max, int width)
{
	while (max > UINT64_MAX / (uint64_t)width) {
		max >>= 1;
		val >>= 1;
	}
	return max ? (int)(val * (uint64_t)width / max) : 0;
}

void text_log2_hist(FILE *f, const uint64_t *bucket)
{
	static const struct {
		uint64_t div;
		const char *name;
	} units[] = { { NSEC_PER_SEC, "secs" }, { 1000000, "msecs" },
		      { 1000, "usecs" }, { 1, "nsecs" } };
	int lo = -1, hi = -1, width = STARS_WIDTH;
	uint64_t vmax = 0, div = 1;
	const char *uname = "nsecs";
	bool wide;

	for (int i = 0; i < HIST_BUCKETS; i++) {
		if (!bucket[i])
			continue;
		if (lo < 0)
			lo = i;
		hi = i;
		if (bucket[i] > vmax)
			vmax = bucket[i];
	}
	if (lo < 0)
		return;
	/* Largest unit in which the lowest bound shown is >= 1, so no two
	 * rows print the same bounds. */
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (bucket_lo(lo) >= units[i].div) {
			div = units[i].div;
			uname = units[i].name;
			break;
		}
	wide = (hi == HIST_BUCKETS - 1 ? bucket_lo(hi) : bucket_hi(hi)) / div >
	       9999999999ULL;
	if (wide) {
		width /= 2;
		fprintf(f, "               %-29s : count     distribution\n", uname);
	} else {
		fprintf(f, "     %-19s : count     distribution\n", uname);
	}
	for (int i = lo; i <= hi; i++) {
		char l[24], h[24], bar[STARS_WIDTH + 1];
		int ns = stars(bucket[i], vmax, width);

		snprintf(l, sizeof(l), "%" PRIu64, bucket_lo(i) / div);
		if (bucket_hi(i) == HIST_UNBOUNDED)
			snprintf(h, sizeof(h), "inf");
		else
			snprintf(h, sizeof(h), "%" PRIu64, bucket_hi(i) / div);
		memset(bar, '*', (size_t)ns);
		bar[ns] = '\0';
		fprintf(f, wide ? "%20s -> %-20s : %-8" PRIu64 " |%-*s|\n"
				: "%10s -> %-10s : %-8" PRIu64 " |%-*s|\n",
			l, h, bucket[i], width, bar);
	}
}
