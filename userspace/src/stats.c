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

static bool hist_went_back(const struct hist_row *p, const struct hist_row *c)
{
	if (c->count < p->count)
		return true;
	for (int j = 0; j < HIST_BUCKETS; j++)
		if (c->bucket[j] < p->bucket[j])
			return true;
	return false;
}

static void hist_sub(struct hist_row *h, const struct hist_row *prev)
{
	h->count -= prev->count;
	h->sum -= prev->sum; /* modulo 2^64: survives wrapping */
	for (int j = 0; j < HIST_BUCKETS; j++)
		h->bucket[j] -= prev->bucket[j];
}

/* The row of reason @name in @rs, or NULL. */
static const struct reset_row *reset_find(const struct resets *rs,
					  const char *name)
{
	for (size_t i = 0; i < rs->n; i++)
		if (!strcmp(rs->row[i].name, name))
			return &rs->row[i];
	return NULL;
}

static bool went_back(const struct snapshot *p, const struct snapshot *c)
{
	for (int i = 0; i < TS_COUNT; i++) {
		const struct state_row *a = &p->states[i], *b = &c->states[i];

		if (b->entered < a->entered || b->exited < a->exited ||
		    b->timed < a->timed || b->untimed < a->untimed ||
		    hist_went_back(&p->hist[i], &c->hist[i]))
			return true;
		for (int j = 0; j < TS_COUNT; j++)
			if (c->trans[i][j] < p->trans[i][j] ||
			    c->trans_raw[i][j] < p->trans_raw[i][j])
				return true;
	}
	for (int i = 0; i < RS_COUNT; i++)
		if (c->reasons[i].unknown < p->reasons[i].unknown ||
		    hist_went_back(&p->reasons[i].life, &c->reasons[i].life))
			return true;
	for (int i = 0; i < CTR_COUNT; i++)
		if (!counter_descs[i].gauge && c->counters[i] < p->counters[i])
			return true;
	for (int i = 0; i < KA_COUNT; i++)
		if (!ka_descs[i].gauge && c->ka.v[i] < p->ka.v[i])
			return true;
	for (int i = 0; i < DW_COUNT; i++)
		if (hist_went_back(&p->ka.detect[i], &c->ka.detect[i]))
			return true;
	for (size_t i = 0; i < p->resets.n; i++) {
		const struct reset_row *r = reset_find(&c->resets, p->resets.row[i].name);

		if (!r || r->count < p->resets.row[i].count)
			return true;
	}
	return false;
}

bool snapshot_delta(const struct snapshot *prev, const struct snapshot *cur,
		    struct snapshot *out)
{
	*out = *cur;
	memset(&out->sockets, 0, sizeof(out->sockets));
	for (int i = 0; i < TS_COUNT; i++)
		out->hist[i].min = 0;
	for (int i = 0; i < RS_COUNT; i++)
		out->reasons[i].life.min = 0;
	for (int i = 0; i < DW_COUNT; i++)
		out->ka.detect[i].min = 0;
	if (went_back(prev, cur))
		return true;
	for (int i = 0; i < TS_COUNT; i++) {
		const struct state_row *p = &prev->states[i];
		struct state_row *o = &out->states[i];

		o->entered -= p->entered;
		o->exited -= p->exited;
		o->timed -= p->timed;
		o->untimed -= p->untimed;
		for (int j = 0; j < TS_COUNT; j++) {
			out->trans[i][j] -= prev->trans[i][j];
			out->trans_raw[i][j] -= prev->trans_raw[i][j];
		}
		hist_sub(&out->hist[i], &prev->hist[i]);
	}
	for (int i = 0; i < RS_COUNT; i++) {
		out->reasons[i].unknown -= prev->reasons[i].unknown;
		hist_sub(&out->reasons[i].life, &prev->reasons[i].life);
	}
	for (int i = 0; i < CTR_COUNT; i++)
		if (!counter_descs[i].gauge)
			out->counters[i] -= prev->counters[i];
	for (int i = 0; i < KA_COUNT; i++)
		if (!ka_descs[i].gauge)
			out->ka.v[i] -= prev->ka.v[i];
	for (int i = 0; i < DW_COUNT; i++)
		hist_sub(&out->ka.detect[i], &prev->ka.detect[i]);
	for (size_t i = 0; i < out->resets.n; i++) {
		const struct reset_row *p = reset_find(&prev->resets,
						       out->resets.row[i].name);

		if (p) /* else a reason new in this interval: from zero */
			out->resets.row[i].count -= p->count;
	}
	return false;
}

double elapsed_seconds(const struct snapshot *a, const struct snapshot *b)
{
	return (double)(b->mono.tv_sec - a->mono.tv_sec) +
	       (double)(b->mono.tv_nsec - a->mono.tv_nsec) / 1e9;
}
