// SPDX-License-Identifier: GPL-2.0
/*
 * parse_listeners.c - parsers of the per-listener and per-cgroup tables:
 *
 *   version 1
 *   id local req_created ... close_wait_oldest reasons
 *   1 0.0.0.0:8080 40 30 2 5 0 3 1500000000 4 0 7 9 12 128 18 10 2 3100000000 orderly_passive:20
 *   closed - 12 12 0 0 0 0 0 0 0 0 0 - - 12 - - - orderly_passive:12
 *   untracked - 0 0 0 0 0 - - 0 0 0 0 - - 0 - - - -
 *
 *   version 1
 *   cgroup opened ended now close_wait_oldest reasons
 *   4242 10 7 ESTABLISHED:2,CLOSE_WAIT:1 3100000000 orderly_active:5
 *   other 0 0 - - -
 *
 * Columns are found by name (unknown ones skipped); "-" where a value does
 * not apply.  Multi-valued fields are "name:count,...", names in a fixed
 * order, counts non-zero; names this reader does not know are skipped.
 * Rows are by id ascending, the special rows after them, each once.
 */
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "parse_util.h"

#define QUOTE_BUF 160

/* Listener columns: id, local, the numbers (enum listener_col), reasons. */
#define LH_ID 0
#define LH_LOCAL 1
#define LH_NUM 2 /* + enum listener_col */
#define LH_REASONS (LH_NUM + LC_COUNT)
#define LH_COUNT (LH_REASONS + 1)

static const char *const listeners_cols[LH_COUNT] = {
	"id", "local", "req_created", "req_completed", "req_timeout", "req_rst",
	"req_other", "req_now", "req_oldest", "synack_retrans", "cookies_sent",
	"overflows", "drops", "acceptq", "acceptq_max", "accepted", "estab_now",
	"close_wait_now", "close_wait_oldest", "reasons",
};

enum { CH_CGROUP, CH_OPENED, CH_ENDED, CH_NOW, CH_CW_OLDEST, CH_REASONS,
       CH_COUNT };
static const char *const cgroups_cols[CH_COUNT] = {
	"cgroup", "opened", "ended", "now", "close_wait_oldest", "reasons",
};

typedef int (*lookup_fn)(const char *name, size_t len);

/*
 * "name:count,name:count" (or "-": none) into @out[lookup(name)]: known
 * names in ascending order, each once, counts non-zero; unknown names are
 * checked and skipped.
 */
static int parse_pairs(const struct cursor *c, struct span f, const char *what,
		       lookup_fn lookup, const char *const *names, uint64_t *out,
		       struct err *e)
{
	const char *p = f.p, *end = f.p + f.n;
	char q[QUOTE_BUF];
	int prev = -1;

	if (span_is_dash(f))
		return 0;
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		struct span pair = { p, (size_t)((comma ? comma : end) - p) };
		const char *colon = memchr(pair.p, ':', pair.n);
		struct span name, cnt;
		uint64_t v;
		int id;

		if (!colon || colon == pair.p)
			return err_line(e, c->line, ERR_MALFORMED,
					"%s \"%s\" is not NAME:COUNT,...", what,
					span_quote(f, q, sizeof(q)));
		name = (struct span){ pair.p, (size_t)(colon - pair.p) };
		cnt = (struct span){ colon + 1, pair.n - name.n - 1 };
		if (parse_u64(c, cnt, what, &v, e))
			return e->code;
		if (!v)
			return err_line(e, c->line, ERR_MALFORMED,
					"%s: %s has a zero count (only non-zero "
					"pairs are listed)", what,
					span_quote(name, q, sizeof(q)));
		id = lookup(name.p, name.n);
		if (id >= 0) {
			if (id <= prev)
				return err_line(e, c->line, ERR_MALFORMED,
						"%s: %s duplicate or out of order",
						what, names[id]);
			out[id] = v;
			prev = id;
		}
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

/* "closed", "untracked", "other" rows; -1 for any other word */
static int row_kind(struct span f)
{
	if (span_eq(f, "closed"))
		return ROW_CLOSED;
	if (span_eq(f, "untracked"))
		return ROW_UNTRACKED;
	if (span_eq(f, "other"))
		return ROW_OTHER;
	return -1;
}

/*
 * The row's first field: an id above *@prev_id (and no special row yet), or
 * one of the special rows in @allowed (bits of enum row_kind), each once,
 * in that order.
 */
static int parse_row_id(const struct cursor *c, struct span f, unsigned allowed,
			uint64_t *prev_id, int *prev_kind, uint64_t *id,
			uint8_t *kind, struct err *e)
{
	char q[QUOTE_BUF];
	int k = row_kind(f);

	if (k >= 0) {
		if (!(allowed & (1u << k)))
			return err_line(e, c->line, ERR_MALFORMED,
					"unknown row \"%s\"", span_quote(f, q, sizeof(q)));
		if (k <= *prev_kind)
			return err_line(e, c->line, ERR_MALFORMED,
					"row \"%s\" duplicate or out of order",
					span_quote(f, q, sizeof(q)));
		*prev_kind = k;
		*kind = (uint8_t)k;
		*id = 0;
		return 0;
	}
	if (parse_u64(c, f, "id", id, e))
		return e->code;
	if (*prev_kind != ROW_ENTRY)
		return err_line(e, c->line, ERR_MALFORMED,
				"id %llu after the summary rows",
				(unsigned long long)*id);
	if (!*id || *id <= *prev_id)
		return err_line(e, c->line, ERR_MALFORMED,
				"id %llu zero, duplicate or not ascending",
				(unsigned long long)*id);
	*prev_id = *id;
	*kind = ROW_ENTRY;
	return 0;
}

/* Room for one more row of @size bytes in *@rows. */
static void *grow(void *rows, size_t *cap, size_t n, size_t size,
		  struct err *e)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *p;

	if (n < *cap)
		return rows;
	if (ncap > SIZE_MAX / size) {
		err_set(e, ERR_IO, "out of memory");
		return NULL;
	}
	p = realloc(rows, ncap * size);
	if (!p) {
		err_set(e, ERR_IO, "out of memory");
		return NULL;
	}
	*cap = ncap;
	return p;
}

static int parse_listener_line(const struct cursor *c, struct span l,
			       const int *map, size_t ncols, uint64_t *prev_id,
			       int *prev_kind, struct listener_row *r,
			       struct err *e)
{
	struct span f[MAX_COLUMNS];
	char q[QUOTE_BUF];
	size_t n;

	memset(r, 0, sizeof(*r));
	if (split_fields(c, l, f, ncols, ncols, &n, e))
		return e->code;
	for (size_t k = 0; k < n; k++) {
		int col = map[k];

		if (col == LH_ID) {
			if (parse_row_id(c, f[k], 1u << ROW_CLOSED | 1u << ROW_UNTRACKED,
					 prev_id, prev_kind, &r->id, &r->kind, e))
				return e->code;
		} else if (col == LH_LOCAL) {
			if (parse_sock_addr(c, f[k], "local", &r->local, e))
				return e->code;
			if (f[k].n >= LISTENER_ADDR_MAX) /* cannot be: checked above */
				return err_line(e, c->line, ERR_MALFORMED,
						"local \"%s\" too long",
						span_quote(f[k], q, sizeof(q)));
			memcpy(r->local_text, f[k].p, f[k].n);
			r->local_text[f[k].n] = '\0';
		} else if (col == LH_REASONS) {
			if (parse_pairs(c, f[k], "reasons", reason_lookup,
					reason_names, r->reasons, e))
				return e->code;
		} else if (col >= LH_NUM && !span_is_dash(f[k])) {
			if (parse_u64(c, f[k], listeners_cols[col],
				      &r->v[col - LH_NUM], e))
				return e->code;
			r->known |= 1u << (col - LH_NUM);
		}
	}
	if (r->kind == ROW_ENTRY && r->local.family == ADDR_NONE)
		return err_line(e, c->line, ERR_MALFORMED,
				"listener %llu without a local address",
				(unsigned long long)r->id);
	return 0;
}

int parse_listeners(const char *buf, size_t len, struct snapshot *s,
		    struct err *e)
{
	struct listener_list l = { 0 };
	int map[MAX_COLUMNS], prev_kind = ROW_ENTRY, r;
	uint64_t prev_id = 0;
	struct cursor c;
	struct span line;
	size_t ncols;

	cur_init(&c, buf, len);
	if (parse_version_line(&c, e) ||
	    parse_header(&c, listeners_cols, LH_COUNT, LH_COUNT, map, &ncols, e))
		return e->code;
	while ((r = cur_next(&c, &line, e)) == 1) {
		struct listener_row *rows = grow(l.rows, &l.cap, l.n, sizeof(*rows), e);

		if (!rows)
			goto fail;
		l.rows = rows;
		if (parse_listener_line(&c, line, map, ncols, &prev_id, &prev_kind,
					&l.rows[l.n], e))
			goto fail;
		l.n++;
	}
	if (r < 0)
		goto fail;
	free(s->listeners.rows);
	s->listeners = l;
	s->have |= FILE_LISTENERS;
	return 0;
fail:
	free(l.rows);
	return e->code;
}

static int parse_cgroup_line(const struct cursor *c, struct span l,
			     const int *map, size_t ncols, uint64_t *prev_id,
			     int *prev_kind, struct cgroup_row *r, struct err *e)
{
	struct span f[MAX_COLUMNS];
	size_t n;

	memset(r, 0, sizeof(*r));
	if (split_fields(c, l, f, ncols, ncols, &n, e))
		return e->code;
	for (size_t k = 0; k < n; k++) {
		int rc = 0;

		switch (map[k]) {
		case CH_CGROUP:
			rc = parse_row_id(c, f[k], 1u << ROW_OTHER, prev_id,
					  prev_kind, &r->id, &r->kind, e);
			break;
		case CH_OPENED:
			rc = parse_u64(c, f[k], "opened", &r->opened, e);
			break;
		case CH_ENDED:
			rc = parse_u64(c, f[k], "ended", &r->ended, e);
			break;
		case CH_NOW:
			rc = parse_pairs(c, f[k], "now", state_lookup, state_names,
					 r->now, e);
			break;
		case CH_CW_OLDEST:
			if (span_is_dash(f[k]))
				break;
			rc = parse_u64(c, f[k], "close_wait_oldest", &r->cw_oldest, e);
			r->has_cw_oldest = true;
			break;
		case CH_REASONS:
			rc = parse_pairs(c, f[k], "reasons", reason_lookup,
					 reason_names, r->reasons, e);
			break;
		}
		if (rc)
			return rc;
	}
	return 0;
}

void cgroup_list_free(struct cgroup_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->rows[i].path);
	free(l->rows);
	*l = (struct cgroup_list){ 0 };
}

int parse_cgroups(const char *buf, size_t len, struct snapshot *s,
		  struct err *e)
{
	struct cgroup_list l = { 0 };
	int map[MAX_COLUMNS], prev_kind = ROW_ENTRY, r;
	uint64_t prev_id = 0;
	struct cursor c;
	struct span line;
	size_t ncols;

	cur_init(&c, buf, len);
	if (parse_version_line(&c, e) ||
	    parse_header(&c, cgroups_cols, CH_COUNT, CH_COUNT, map, &ncols, e))
		return e->code;
	while ((r = cur_next(&c, &line, e)) == 1) {
		struct cgroup_row *rows = grow(l.rows, &l.cap, l.n, sizeof(*rows), e);

		if (!rows)
			goto fail;
		l.rows = rows;
		if (parse_cgroup_line(&c, line, map, ncols, &prev_id, &prev_kind,
				      &l.rows[l.n], e))
			goto fail;
		l.n++;
	}
	if (r < 0)
		goto fail;
	cgroup_list_free(&s->cgroups);
	s->cgroups = l;
	s->have |= FILE_CGROUPS;
	return 0;
fail:
	cgroup_list_free(&l);
	return e->code;
}
