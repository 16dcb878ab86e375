// SPDX-License-Identifier: GPL-2.0
/* fmt_json.c - JSON writer. */
#include <inttypes.h>
#include <math.h>

#include "fmt_json.h"

void jw_init(struct jw *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first[0] = true;
}

static void str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void member(struct jw *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	if (key) {
		str(j->f, key);
		fputc(':', j->f);
	}
}

static void jopen(struct jw *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->f);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void jclose(struct jw *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
}

void jw_obj(struct jw *j, const char *key) { jopen(j, key, '{'); }
void jw_arr(struct jw *j, const char *key) { jopen(j, key, '['); }
void jw_end_obj(struct jw *j) { jclose(j, '}'); }
void jw_end_arr(struct jw *j) { jclose(j, ']'); }

void jw_str(struct jw *j, const char *key, const char *val)
{
	member(j, key);
	str(j->f, val);
}

void jw_u64(struct jw *j, const char *key, uint64_t v)
{
	member(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void jw_num(struct jw *j, const char *key, double v)
{
	member(j, key);
	if (isfinite(v))
		fprintf(j->f, "%.3f", v);
	else
		fputs("null", j->f);
}

void jw_null(struct jw *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}

void jw_bool(struct jw *j, const char *key, bool v)
{
	member(j, key);
	fputs(v ? "true" : "false", j->f);
}

void jw_u64_or_null(struct jw *j, const char *key, bool present, uint64_t v)
{
	if (present)
		jw_u64(j, key, v);
	else
		jw_null(j, key);
}
