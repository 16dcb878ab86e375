/* SPDX-License-Identifier: GPL-2.0 */
/* fmt_text.h - text output helpers: aligned tables, durations, log2 histograms. */
#ifndef TCPLC_FMT_TEXT_H
#define TCPLC_FMT_TEXT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define STARS_WIDTH 40 /* like bcc's print_log2_hist */
#define TEXT_WIDTH 80  /* output width without COLUMNS or a terminal */

/*
 * Width of text output, set once in main from COLUMNS or the terminal
 * (default TEXT_WIDTH).  Tables wider than this are folded into bands
 * (the columns that do not fit go on indented continuation lines); other
 * lines are wrapped by text_fit().
 */
extern size_t text_width;
/* -H: tables without their header line (set once in main). */
extern bool text_no_header;

/*
 * A table is filled row by row (the first row is the header) and printed
 * with each column as wide as its widest cell, columns two spaces apart,
 * without blanks at the end of a line.
 */
struct table {
	size_t ncols, ncells, cap;
	const char *align; /* one 'l' or 'r' per column */
	char **cells;
};

void table_init(struct table *t, const char *align);
void table_add(struct table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void table_add_u64(struct table *t, uint64_t v);
size_t table_rows(const struct table *t);
/* Width of the table printed on one line per row. */
size_t table_width(const struct table *t);
void table_free(struct table *t);
/* Print and free. */
void table_print(struct table *t, FILE *f);

/*
 * The one duration format, for output and input (parse_duration): 3
 * significant digits below 10 s (512ns 1.50us 20.0ms 3.20s), then 45s,
 * 45m15s, 1h02m, 3d04h (truncated, not rounded).
 */
char *fmt_dur(char *buf, size_t size, uint64_t ns);
/*
 * @ns compared with @threshold ("(> THRESHOLD)"): fmt_dur, unless that
 * reads the same as the threshold although @ns is above it; then rounded up
 * to whole seconds (2m01s), or exact.
 */
char *fmt_dur_above(char *buf, size_t size, uint64_t ns, uint64_t threshold);
/* Percentile/duration cell: "-" when @count is 0. */
char *fmt_dur_or_dash(char *buf, size_t size, uint64_t count, uint64_t ns);
/* Per-second rate, one decimal. */
char *fmt_rate(char *buf, size_t size, uint64_t delta, double secs);
double rate(uint64_t delta, double secs);

/*
 * Write @len bytes of text to @f with every line longer than text_width
 * wrapped: "! " alert lines at blanks (not inside `...`), indented by two;
 * other lines at double blanks, indented to their second field.
 */
void text_fit(FILE *f, const char *buf, size_t len);

/* bcc-style log2 histogram of the non-empty bucket range, unit chosen to fit. */
void text_log2_hist(FILE *f, const uint64_t *bucket);

#endif
