/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fmt_prom.h - Prometheus text exposition format 0.0.4 helpers.  All metric
 * names get the "tcp_lifecycle_" prefix; with -N every sample also gets a
 * netns="NAME" label so several namespaces can share a textfile directory.
 */
#ifndef TCPLC_FMT_PROM_H
#define TCPLC_FMT_PROM_H

#include <stdint.h>
#include <stdio.h>

#define PROM_PREFIX "tcp_lifecycle_"

struct prom {
	FILE *f;
	const char *netns; /* NULL: no netns label */
	/* histogram bounds to export: bit b = log2 bucket b's upper bound
	 * (bucket_le(b)); 0: all (--buckets) */
	uint64_t le_mask;
};

/* "# HELP" and "# TYPE" lines for metric @name (without prefix). */
void prom_family(const struct prom *p, const char *name, const char *type,
		 const char *help);
/*
 * One sample: @name (without prefix), the value text, then NULL-terminated
 * label name/value pairs.
 */
void prom_sample(const struct prom *p, const char *name, const char *value, ...)
	__attribute__((sentinel));
/* Exact decimal seconds for a nanosecond count: 2147483648 -> "2.147483648". */
char *prom_seconds(char *buf, size_t size, uint64_t ns);
char *prom_u64(char *buf, size_t size, uint64_t v);

#endif
