/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fmt_json.h - minimal streaming JSON writer (compact, one line).  Commas are
 * handled here; callers just open/close containers and emit members.
 */
#ifndef TCPLC_FMT_JSON_H
#define TCPLC_FMT_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct jw {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH];
};

void jw_init(struct jw *j, FILE *f);
/* @key is NULL inside arrays and at the top level. */
void jw_obj(struct jw *j, const char *key);
void jw_arr(struct jw *j, const char *key);
void jw_end_obj(struct jw *j);
void jw_end_arr(struct jw *j);
void jw_str(struct jw *j, const char *key, const char *val);
void jw_u64(struct jw *j, const char *key, uint64_t v);
/* Fixed 3 decimals; non-finite values become null. */
void jw_num(struct jw *j, const char *key, double v);
void jw_null(struct jw *j, const char *key);
void jw_bool(struct jw *j, const char *key, bool v);
/* Number, or null when !present. */
void jw_u64_or_null(struct jw *j, const char *key, bool present, uint64_t v);

#endif
