// SPDX-License-Identifier: GPL-2.0
/* err.c - error reporting. */
#include <stdarg.h>
#include <string.h>

#include "err.h"

static void vset(struct err *e, enum err_code code, unsigned long line,
		 const char *fmt, va_list ap)
{
	e->code = code;
	e->line = line;
	e->hint[0] = '\0';
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(e, code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int err_line(struct err *e, unsigned long line, enum err_code code,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(e, code, line, fmt, ap);
	va_end(ap);
	return code;
}

void err_hint(struct err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->hint, sizeof(e->hint), fmt, ap);
	va_end(ap);
}

/* "FILE:LINE: " (or "FILE: ") where the error has a place, else nothing. */
static void err_print_where(const struct err *e, FILE *f)
{
	if (!e->path[0])
		return;
	fputs(e->path, f);
	if (e->line)
		fprintf(f, ":%lu", e->line);
	fputs(": ", f);
}

void err_print(const struct err *e, FILE *f)
{
	fputs("tcplc: ", f);
	err_print_where(e, f);
	fprintf(f, "%s\n", e->msg);
	if (e->hint[0])
		fprintf(f, "tcplc: %s\n", e->hint);
}

void err_warn(const struct err *e, FILE *f)
{
	fputs("tcplc: warning: ", f);
	err_print_where(e, f);
	fprintf(f, "%s (left out)\n", e->msg);
}
