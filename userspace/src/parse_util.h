/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parse_util.h - bounds-checked helpers shared by the file parsers.
 *
 * Input is a (pointer, length) buffer that is not NUL-terminated and may
 * contain anything.  Nothing here reads outside it.
 */
#ifndef TCPLC_PARSE_UTIL_H
#define TCPLC_PARSE_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "model.h"

struct span {
	const char *p;
	size_t n;
};

struct cursor {
	const char *p, *end;
	unsigned long line; /* number of the line last returned */
};

void cur_init(struct cursor *c, const char *buf, size_t len);
/* 1: *line is the next line (without '\n'); 0: end of input; -1: error (@e set). */
int cur_next(struct cursor *c, struct span *line, struct err *e);
/* Like cur_next, but end of input is an error naming what was expected. */
int cur_expect(struct cursor *c, struct span *line, const char *what,
	       struct err *e);
/* Error unless the input is exhausted. */
int cur_end(struct cursor *c, const char *after, struct err *e);

/* Line 1, "version N": 0 if N <= FORMAT_VERSION, else ERR_VERSION/MALFORMED. */
int parse_version_line(struct cursor *c, struct err *e);
/* Line 1, "version N" with 1 <= N <= @max: N in *@version. */
int parse_version_max(struct cursor *c, uint64_t max, uint64_t *version,
		      struct err *e);
/* The next line must be exactly @text. */
int parse_fixed_line(struct cursor *c, const char *text, const char *what,
		     struct err *e);

/*
 * Split @line at single spaces into at most @max fields.  Empty fields
 * (leading, trailing or double spaces) are errors; so are more than @max
 * fields or fewer than @min.
 */
int split_fields(const struct cursor *c, struct span line, struct span *f,
		 size_t min, size_t max, size_t *n, struct err *e);

/*
 * Table header (line 2): column names separated by single spaces.  Columns
 * are found by name, so their order does not matter and columns this reader
 * does not know are skipped; @required of the @ncols names in @names must be
 * present (the first @required ones), each name at most once.  On return
 * map[k] is the index in @names of field k, or -1 for an unknown column.
 */
#define MAX_COLUMNS 32
int parse_header(struct cursor *c, const char *const *names, size_t ncols,
		 size_t required, int *map, size_t *nfields, struct err *e);

/* Unsigned decimal, digits only, overflow detected. */
int parse_u64(const struct cursor *c, struct span s, const char *what,
	      uint64_t *out, struct err *e);
/* State name field that must be state @want (kernel order check). */
int parse_state_field(const struct cursor *c, struct span s, int want,
		      struct err *e);
/* Any state name field; returns the state index or -1 with @e set. */
int parse_any_state(const struct cursor *c, struct span s, const char *what,
		    struct err *e);

/* "-" (a value that does not apply or is unknown) */
int span_is_dash(struct span f);
/* "a.b.c.d:port" or "[v6]:port"; "-" leaves @a zeroed (ADDR_NONE). */
int parse_sock_addr(const struct cursor *c, struct span f, const char *what,
		    struct sock_addr *a, struct err *e);

/* Printable, length-limited rendering of untrusted text for messages. */
const char *span_quote(struct span s, char *buf, size_t size);
int span_eq(struct span s, const char *lit);

#endif
