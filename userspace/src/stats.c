// SPDX-License-Identifier: GPL-2.0
/* stats.c - percentiles and deltas. */
#include <string.h>

#include "stats.h"

uint64_t bucket_lo(int n)
{
	return n ? 1ULL << n : 0;
}

uint64_t bucket_hi(int n)
{
	return n >= HIST_BUCKETS - 1 ? HIST_UNBOUNDED : (1ULL << (n + 1)) - 1;
}

uint64_t bucket_le(int n)
{
	return 1ULL << (n + 1);
}

uint64_t hist_percentile(const struct hist_row *h, unsigned pct, uint64_t cap)
{
	uint64_t total = 0, rank, acc = 0;

	for (int i = 0; i < HIST_BUCKETS; i++)
		total += h->bucket[i]; /* parser checked: no overflow */
	if (!total)
		return 0;
	/* rank = ceil(total * pct / 100) without overflow */
	rank = total / 100 * pct + ((total % 100) * pct + 99) / 100;
	if (!rank)
		rank = 1;
	for (int i = 0; i < HIST_BUCKETS; i++) {
		acc += h->bucket[i];
		if (acc >= rank) {
			uint64_t le = bucket_le(i);

			return le < cap ? le : cap;
		}
	}
	return cap; /* not reached */
}

static bool went_back(const struct snapshot *p, const struct snapshot *c)
{
	for (int i = 0; i < TS_COUNT; i++) {
		const struct state_row *a = &p->states[i], *b = &c->states[i];

		if (b->entered < a->entered || b->exited < a->exited ||
		    b->timed < a->timed || b->untimed < a->untimed ||
		    c->hist[i].count < p->hist[i].count)
			return true;
		for (int j = 0; j < TS_COUNT; j++)
			if (c->trans[i][j] < p->trans[i][j])
				return true;
		for (int j = 0; j < HIST_BUCKETS; j++)
			if (c->hist[i].bucket[j] < p->hist[i].bucket[j])
				return true;
	}
	for (int i = 0; i < CTR_COUNT; i++)
		if (!counter_descs[i].gauge && c->counters[i] < p->counters[i])
			return true;
	return false;
}

bool snapshot_delta(const struct snapshot *prev, const struct snapshot *cur,
		    struct snapshot *out)
{
	*out = *cur;
	for (int i = 0; i < TS_COUNT; i++)
		out->hist[i].min = 0;
	if (went_back(prev, cur))
		return true;
	for (int i = 0; i < TS_COUNT; i++) {
		const struct state_row *p = &prev->states[i];
		struct state_row *o = &out->states[i];
		struct hist_row *h = &out->hist[i];

		o->entered -= p->entered;
		o->exited -= p->exited;
		o->timed -= p->timed;
		o->untimed -= p->untimed;
		for (int j = 0; j < TS_COUNT; j++)
			out->trans[i][j] -= prev->trans[i][j];
		h->count -= prev->hist[i].count;
		h->sum -= prev->hist[i].sum; /* modulo 2^64: survives wrapping */
		for (int j = 0; j < HIST_BUCKETS; j++)
			h->bucket[j] -= prev->hist[i].bucket[j];
	}
	for (int i = 0; i < CTR_COUNT; i++)
		if (!counter_descs[i].gauge)
			out->counters[i] -= prev->counters[i];
	return false;
}

double elapsed_seconds(const struct snapshot *a, const struct snapshot *b)
{
	return (double)(b->mono.tv_sec - a->mono.tv_sec) +
	       (double)(b->mono.tv_nsec - a->mono.tv_nsec) / 1e9;
}
