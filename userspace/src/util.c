// SPDX-License-Identifier: GPL-2.0
/* util.c - allocation and time helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util.h"

static void *oom(void)
{
	fputs("tcplc: out of memory\n", stderr);
	exit(ERR_IO);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	return p ? p : oom();
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	return q ? q : oom();
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

char *fmt_iso8601(char *buf, size_t size, time_t t)
{
	struct tm tm;
	long off;
	size_t n;

	if (!localtime_r(&t, &tm)) {
		snprintf(buf, size, "@%lld", (long long)t);
		return buf;
	}
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	off = tm.tm_gmtoff;
	snprintf(buf + n, size - n, "%c%02ld:%02ld", off < 0 ? '-' : '+',
		 labs(off) / 3600, labs(off) / 60 % 60);
	return buf;
}
