// SPDX-License-Identifier: GPL-2.0
/* fmt_prom.c - Prometheus text format helpers. */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "fmt_prom.h"

#define NSEC ((uint64_t)1000000000)

void prom_family(const struct prom *p, const char *name, const char *type,
		 const char *help)
{
	/* help texts are ours: no '\\' or newlines to escape */
	fprintf(p->f, "# HELP " PROM_PREFIX "%s %s\n", name, help);
	fprintf(p->f, "# TYPE " PROM_PREFIX "%s %s\n", name, type);
}

static void label(FILE *f, int *n, const char *k, const char *v)
{
	fprintf(f, "%s%s=\"", (*n)++ ? "," : "{", k);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

void prom_sample(const struct prom *p, const char *name, const char *value, ...)
{
	va_list ap;
	const char *k;
	int n = 0;

	fprintf(p->f, PROM_PREFIX "%s", name);
	if (p->netns)
		label(p->f, &n, "netns", p->netns);
	va_start(ap, value);
	while ((k = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);

		label(p->f, &n, k, v);
	}
	va_end(ap);
	fprintf(p->f, "%s %s\n", n ? "}" : "", value);
}

char *prom_seconds(char *buf, size_t size, uint64_t ns)
{
	uint64_t frac = ns % NSEC;
	int n = snprintf(buf, size, "%" PRIu64, ns / NSEC);

	if (frac && n > 0 && (size_t)n < size) {
		char *p = buf + n;

		snprintf(p, size - (size_t)n, ".%09" PRIu64, frac);
		p += strlen(p);
		while (p[-1] == '0')
			*--p = '\0';
	}
	return buf;
}

char *prom_u64(char *buf, size_t size, uint64_t v)
{
	snprintf(buf, size, "%" PRIu64, v);
	return buf;
}
