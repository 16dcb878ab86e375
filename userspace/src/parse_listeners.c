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
struct row_order {
	uint64_t prev_id; /* of the last entry row */
	int prev_kind;    /* enum row_kind of the last row */
};

static int parse_row_id(const struct cursor *c, struct span f, unsigned allowed,
			struct row_order *o, uint64_t *id, uint8_t *kind,
			struct err *e)
{
	char q[QUOTE_BUF];
	int k = row_kind(f);

	if (k >= 0) {
		if (!(allowed & (1u << k)))
			return err_line(e, c->line, ERR_MALFORMED,
					"unknown row \"%s\"", span_quote(f, q, sizeof(q)));
		if (k <= o->prev_kind)
			return err_line(e, c->line, ERR_MALFORMED,
					"row \"%s\" duplicate or out of order",
					span_quote(f, q, sizeof(q)));
		o->prev_kind = k;
		*kind = (uint8_t)k;
		*id = 0;
		return 0;
	}
	if (parse_u64(c, f, "id", id, e))
		return e->code;
	if (o->prev_kind != ROW_ENTRY)
		return err_line(e, c->line, ERR_MALFORMED,
				"id %llu after the summary rows",
				(unsigned long long)*id);
	if (!*id || *id <= o->prev_id)
		return err_line(e, c->line, ERR_MALFORMED,
				"id %llu zero, duplicate or not ascending",
				(unsigned long long)*id);
	o->prev_id = *id;
	*kind = ROW_ENTRY;
	return 0;
}

/* One field of a row: column @col (an index in the file's column names). */
typedef int (*field_fn)(const struct cursor *c, int col, struct span f,
			struct row_order *o, void *row, struct err *e);

/*
 * A table file: the version line, the header (every one of the @ncols
 * names of @cols), then rows of @size bytes, each field of a known column
 * handed to @field.  On success *@rows (malloc'ed) holds *@n rows.
 */
static int parse_table(const char *buf, size_t len, const char *const *cols,
		       size_t ncols, size_t size, field_fn field, void **rows,
		       size_t *n, struct err *e)
{
	struct row_order o = { 0, ROW_ENTRY };
	struct span line, f[MAX_COLUMNS];
	int map[MAX_COLUMNS], r;
	size_t nf, cap = 0;
	struct cursor c;
	char *v = NULL;

	*n = 0;
	cur_init(&c, buf, len);
	if (parse_version_line(&c, e) ||
	    parse_header(&c, cols, ncols, ncols, map, &nf, e))
		return e->code;
	while ((r = cur_next(&c, &line, e)) == 1) {
		char *row;

		if (*n == cap) {
			char *nv = cap < SIZE_MAX / size / 2 ?
				   realloc(v, (cap ? cap * 2 : 16) * size) : NULL;

			if (!nv) {
				r = err_set(e, ERR_IO, "out of memory");
				break;
			}
			v = nv;
			cap = cap ? cap * 2 : 16;
		}
		row = v + *n * size;
		memset(row, 0, size);
		if (split_fields(&c, line, f, nf, nf, &nf, e)) {
			r = -1;
			break;
		}
		for (size_t k = 0; k < nf && r == 1; k++)
			if (map[k] >= 0 && field(&c, map[k], f[k], &o, row, e))
				r = -1;
		if (r != 1)
			break;
		(*n)++;
	}
	if (r) {
		free(v);
		return e->code;
	}
	*rows = v;
	return 0;
}

static int listener_field(const struct cursor *c, int col, struct span f,
			  struct row_order *o, void *row, struct err *e)
{
	struct listener_row *r = row;
	char q[QUOTE_BUF];

	if (col == LH_ID)
		return parse_row_id(c, f, 1u << ROW_CLOSED | 1u << ROW_UNTRACKED, o,
				    &r->id, &r->kind, e);
	if (col == LH_LOCAL) {
		if (parse_sock_addr(c, f, "local", &r->local, e))
			return e->code;
		if (f.n >= LISTENER_ADDR_MAX) /* cannot be: checked above */
			return err_line(e, c->line, ERR_MALFORMED, "local \"%s\" too long",
					span_quote(f, q, sizeof(q)));
		memcpy(r->local_text, f.p, f.n);
		r->local_text[f.n] = '\0';
		if (r->kind == ROW_ENTRY && r->local.family == ADDR_NONE)
			return err_line(e, c->line, ERR_MALFORMED,
					"listener %llu without a local address",
					(unsigned long long)r->id);
		return 0;
	}
	if (col == LH_REASONS)
		return parse_pairs(c, f, "reasons", reason_lookup, reason_names,
				   r->reasons, e);
	if (span_is_dash(f))
		return 0;
	r->known |= 1u << (col - LH_NUM);
	return parse_u64(c, f, listeners_cols[col], &r->v[col - LH_NUM], e);
}

int parse_listeners(const char *buf, size_t len, struct snapshot *s,
		    struct err *e)
{
	void *rows = NULL;
	size_t n;

	if (parse_table(buf, len, listeners_cols, LH_COUNT, sizeof(struct listener_row),
			listener_field, &rows, &n, e))
		return e->code;
	free(s->listeners.rows);
	s->listeners = (struct listener_list){ rows, n, n };
	s->have |= FILE_LISTENERS;
	return 0;
}

static int cgroup_field(const struct cursor *c, int col, struct span f,
			struct row_order *o, void *row, struct err *e)
{
	struct cgroup_row *r = row;

	switch (col) {
	case CH_CGROUP:
		return parse_row_id(c, f, 1u << ROW_OTHER, o, &r->id, &r->kind, e);
	case CH_OPENED:
		return parse_u64(c, f, "opened", &r->opened, e);
	case CH_ENDED:
		return parse_u64(c, f, "ended", &r->ended, e);
	case CH_NOW:
		return parse_pairs(c, f, "now", state_lookup, state_names, r->now, e);
	case CH_CW_OLDEST:
		r->has_cw_oldest = !span_is_dash(f);
		return r->has_cw_oldest ?
		       parse_u64(c, f, "close_wait_oldest", &r->cw_oldest, e) : 0;
	default: /* CH_REASONS */
		return parse_pairs(c, f, "reasons", reason_lookup, reason_names,
				   r->reasons, e);
	}
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
	void *rows = NULL;
	size_t n;

	if (parse_table(buf, len, cgroups_cols, CH_COUNT, sizeof(struct cgroup_row),
			cgroup_field, &rows, &n, e))
		return e->code;
	cgroup_list_free(&s->cgroups);
	s->cgroups = (struct cgroup_list){ rows, n, n };
	s->have |= FILE_CGROUPS;
	return 0;
}
