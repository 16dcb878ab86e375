/* SPDX-License-Identifier: GPL-2.0 */
/* stats.h - numbers derived from snapshots: percentiles, deltas, rates. */
#ifndef TCPLC_STATS_H
#define TCPLC_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

#define NSEC_PER_SEC 1000000000ULL
#define HIST_UNBOUNDED UINT64_MAX

/* Bounds of log2 bucket @n in ns: lo inclusive, hi inclusive (HIST_UNBOUNDED
 * for the last bucket). */
uint64_t bucket_lo(int n);
uint64_t bucket_hi(int n);
/* Exclusive upper bound 2^(n+1) ns, the "le" of a Prometheus bucket. */
uint64_t bucket_le(int n);

/*
 * Estimate of the @pct-th percentile of @h in ns: the upper bound (2^(N+1))
 * of the bucket holding that rank, capped at @cap (the histogram's max, so
 * the last, open bucket gets a finite value too).  Returns 0 when empty.
 */
uint64_t hist_percentile(const struct hist_row *h, unsigned pct, uint64_t cap);

/*
 * @out = what happened between @prev and @cur: cumulative counts become
 * differences, gauges (states' now, gauge counters) and hist max (kept as
 * the percentile cap) keep @cur's value.  hist min is set to 0.  The same
 * for the reasons' lifetime histograms and the keepalive file's detection
 * histograms and counters (its settings, populations and idle histograms
 * are gauges).  The sockets list is not copied
 * (@out->sockets is empty).  If any
 * cumulative count went backwards, the module was reloaded: then every count
 * is taken as counted from zero (@out = @cur) and true is returned.
 */
bool snapshot_delta(const struct snapshot *prev, const struct snapshot *cur,
		    struct snapshot *out);

static inline uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Seconds from @a to @b (CLOCK_MONOTONIC stamps). */
double elapsed_seconds(const struct snapshot *a, const struct snapshot *b);

#endif
