/* SPDX-License-Identifier: GPL-2.0 */
/* util.h - small helpers: allocation that cannot fail, time formatting. */
#ifndef TCPLC_UTIL_H
#define TCPLC_UTIL_H

#include <stddef.h>
#include <time.h>

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* ISO 8601 local time with numeric offset: 2024-05-01T12:00:01+02:00 */
char *fmt_iso8601(char *buf, size_t size, time_t t);

#endif
