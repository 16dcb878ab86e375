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

size_t text_width = TEXT_WIDTH;
bool text_no_header;

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

/* Column widths: the widest cell of each; xmalloc'ed. */
static size_t *col_widths(const struct table *t)
{
	size_t *w = xmalloc(t->ncols * sizeof(*w));

	for (size_t c = 0; c < t->ncols; c++)
		w[c] = 0;
	for (size_t i = 0; i < t->ncells; i++) {
		size_t n = strlen(t->cells[i]);

		if (n > w[i % t->ncols])
			w[i % t->ncols] = n;
	}
	return w;
}

size_t table_width(const struct table *t)
{
	size_t *w, sum = 0;

	if (!t->ncols)
		return 0;
	w = col_widths(t);
	for (size_t c = 0; c < t->ncols; c++)
		sum += w[c] + (c ? 2 : 0);
	free(w);
	return sum;
}

#define BAND_INDENT 4 /* continuation lines of a folded table */

/* One band (columns @c0 to @c1 - 1) of row @row, padded, into @f. */
static void print_band(const struct table *t, const size_t *w, size_t row,
		       size_t c0, size_t c1, FILE *f)
{
	char *line = xmalloc(BAND_INDENT + 1);
	size_t len = 0, cap = BAND_INDENT + 1;

	if (c0) {
		memset(line, ' ', BAND_INDENT);
		len = BAND_INDENT;
	}
	for (size_t c = c0; c < c1 && row * t->ncols + c < t->ncells; c++) {
		const char *cell = t->cells[row * t->ncols + c];
		size_t n = strlen(cell), pad = w[c] > n ? w[c] - n : 0;

		while (len + 2 + w[c] + n + 2 > cap) {
			cap *= 2;
			line = xrealloc(line, cap);
		}
		if (c > c0) {
			memcpy(line + len, "  ", 2);
			len += 2;
		}
		if (t->align[c] == 'r') {
			memset(line + len, ' ', pad);
			len += pad;
		}
		memcpy(line + len, cell, n);
		len += n;
		if (t->align[c] != 'r') {
			memset(line + len, ' ', pad);
			len += pad;
		}
	}
	while (len && line[len - 1] == ' ')
		len--;
	line[len++] = '\n';
	fwrite(line, 1, len, f);
	free(line);
}

void table_print(struct table *t, FILE *f)
{
	size_t *w, *band, nb = 0, rows;

	if (!t->ncols)
		return;
	w = col_widths(t);
	/* bands: as many columns per line as text_width allows, at least one */
	band = xmalloc((t->ncols + 1) * sizeof(*band));
	for (size_t c = 0, used = 0; c < t->ncols; c++) {
		if (c && used + 2 + w[c] <= text_width) {
			used += 2 + w[c];
			continue;
		}
		band[nb++] = c;
		used = (c ? BAND_INDENT : 0) + w[c];
	}
	band[nb] = t->ncols;
	rows = (t->ncells + t->ncols - 1) / t->ncols;
	for (size_t r = text_no_header ? 1 : 0; r < rows; r++)
		for (size_t b = 0; b < nb; b++)
			print_band(t, w, r, band[b], band[b + 1], f);
	free(band);
	free(w);
	table_free(t);
}

/* The next chunk of @s (up to @sep, not inside `...` if @ticks). */
static size_t chunk_len(const char *s, size_t n, const char *sep, bool ticks)
{
	size_t k = strlen(sep);
	bool in = false;

	for (size_t i = 0; i < n; i++) {
		if (ticks && s[i] == '`')
			in = !in;
		if (!in && i + k <= n && !memcmp(s + i, sep, k))
			return i;
	}
	return n;
}

static void fit_line(FILE *f, const char *s, size_t n)
{
	bool alert = n >= 2 && s[0] == '!' && s[1] == ' ';
	/* words: alerts, and lines without double blanks */
	bool words = alert || chunk_len(s, n, "  ", false) == n;
	const char *sep = words ? " " : "  ";
	size_t k = strlen(sep), col = 0, indent;

	/* tables and histograms (leading blank) and watch headers stay whole */
	if (n <= text_width || s[0] == ' ' || (n >= 3 && !memcmp(s, "---", 3))) {
		fwrite(s, 1, n, f);
		fputc('\n', f);
		return;
	}
	indent = words ? 2 : chunk_len(s, n, sep, false) + k;
	if (indent > text_width / 2)
		indent = 2;
	while (n) {
		size_t c = chunk_len(s, n, sep, alert);

		if (col && col + k + c > text_width) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col) {
			fputs(sep, f);
			col += k;
		}
		fwrite(s, 1, c, f);
		col += c;
		s += c;
		n -= c;
		if (n >= k) {
			s += k;
			n -= k;
		}
	}
	fputc('\n', f);
}

void text_fit(FILE *f, const char *buf, size_t len)
{
	while (len) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) : len;

		fit_line(f, buf, n);
		buf += n + (nl ? 1 : 0);
		len -= n + (nl ? 1 : 0);
	}
}

/*
 * 3 significant digits, truncated (so that the text read back is never
 * more than @ns): 512ns 1.50us 20.0ms 2.15s.
 */
static char *sig3(char *buf, size_t size, uint64_t ns)
{
	static const struct {
		uint64_t div;
		const char *sym;
	} u[] = { { 1000, "us" }, { 1000000, "ms" }, { NSEC_PER_SEC, "s" } };
	size_t i = 0;
	uint64_t q, r;

	if (ns < 1000) {
		snprintf(buf, size, "%" PRIu64 "ns", ns);
		return buf;
	}
	while (i < 2 && ns / u[i].div >= 1000)
		i++;
	q = ns / u[i].div;
	r = ns % u[i].div;
	if (q < 10)
		snprintf(buf, size, "%" PRIu64 ".%02" PRIu64 "%s", q,
			 (uint64_t)(r * 100 / u[i].div), u[i].sym);
	else if (q < 100)
		snprintf(buf, size, "%" PRIu64 ".%" PRIu64 "%s", q,
			 (uint64_t)(r * 10 / u[i].div), u[i].sym);
	else
		snprintf(buf, size, "%" PRIu64 "%s", q, u[i].sym);
	return buf;
}

char *fmt_dur(char *buf, size_t size, uint64_t ns)
{
	uint64_t s = ns / NSEC_PER_SEC;

	if (s < 10)
		return sig3(buf, size, ns);
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

char *fmt_dur_above(char *buf, size_t size, uint64_t ns, uint64_t threshold)
{
	char t[32];
	uint64_t s;

	fmt_dur(buf, size, ns);
	if (ns <= threshold || strcmp(buf, fmt_dur(t, sizeof(t), threshold)))
		return buf;
	/* the same text as the threshold: whole seconds, rounded up */
	s = ns / NSEC_PER_SEC + !!(ns % NSEC_PER_SEC);
	if (s < 60)
		snprintf(buf, size, "%" PRIu64 "s", s);
	else if (s < 3600)
		snprintf(buf, size, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	else
		snprintf(buf, size, "%" PRIu64 "h%02" PRIu64 "m%02" PRIu64 "s",
			 s / 3600, s / 60 % 60, s % 60);
	if (!strcmp(buf, t)) /* a fraction of a second above a fraction */
		snprintf(buf, size, "%" PRIu64 ".%09" PRIu64 "s", (uint64_t)(ns / NSEC_PER_SEC),
			 (uint64_t)(ns % NSEC_PER_SEC));
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
	int lo = -1, hi = -1, width = STARS_WIDTH, digits = 1;
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
	/* counts wider than their 8 columns take them from the bars */
	for (uint64_t v = vmax; v >= 10; v /= 10)
		digits++;
	if (digits > 8)
		width -= digits - 8;
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
		width -= STARS_WIDTH / 2;
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
