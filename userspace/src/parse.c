// SPDX-License-Identifier: GPL-2.0
/*
 * parse.c - parsers of the version 1 statistics files: states, transitions,
 * transitions_raw, hist, reasons, counters, keepalive (versions 1 and 2),
 * keepalive_idle, resets (sockets: parse_sockets.c; listeners, cgroups:
 * parse_listeners.c).
 */
#include <string.h>

#include "parse.h"
#include "parse_util.h"

/* Order matters only to the fuzz target's multi-part inputs: append. */
const struct file_desc file_table[] = {
	{ "states", FILE_STATES, parse_states, false },
	{ "transitions", FILE_TRANSITIONS, parse_transitions, false },
	{ "hist", FILE_HIST, parse_hist, false },
	{ "counters", FILE_COUNTERS, parse_counters, false },
	{ "transitions_raw", FILE_TRANSITIONS_RAW, parse_transitions_raw, false },
	{ "reasons", FILE_REASONS, parse_reasons, false },
	{ "sockets", FILE_SOCKETS, parse_sockets, true },
	{ "keepalive", FILE_KEEPALIVE, parse_keepalive, false },
	{ "resets", FILE_RESETS, parse_resets, false },
	{ "listeners", FILE_LISTENERS, parse_listeners, false },
	{ "cgroups", FILE_CGROUPS, parse_cgroups, true },
	{ "keepalive_idle", FILE_KEEPALIVE_IDLE, parse_keepalive_idle, true },
};
const size_t file_table_len = sizeof(file_table) / sizeof(file_table[0]);

/* states columns: the first six are required, "oldest" is optional. */
enum { SC_STATE, SC_ENTERED, SC_EXITED, SC_TIMED, SC_UNTIMED, SC_NOW,
       SC_OLDEST, SC_COUNT };
static const char *const states_cols[SC_COUNT] = {
	"state", "entered", "exited", "timed", "untimed", "now", "oldest",
};

static int parse_states_line(const struct cursor *c, struct span l, int st,
			     const int *map, size_t ncols, struct state_row *r,
			     struct err *e)
{
	struct span f[MAX_COLUMNS];
	uint64_t v[SC_COUNT] = { 0 };
	size_t n;

	if (split_fields(c, l, f, ncols, ncols, &n, e))
		return e->code;
	for (size_t k = 0; k < n; k++) {
		if (map[k] == SC_STATE) {
			if (parse_state_field(c, f[k], st, e))
				return e->code;
		} else if (map[k] >= 0 &&
			   parse_u64(c, f[k], states_cols[map[k]], &v[map[k]], e)) {
			return e->code;
		}
	}
	*r = (struct state_row){ .entered = v[SC_ENTERED], .exited = v[SC_EXITED],
				 .timed = v[SC_TIMED], .untimed = v[SC_UNTIMED],
				 .now = v[SC_NOW], .oldest = v[SC_OLDEST] };
	return 0;
}

int parse_states(const char *buf, size_t len, struct snapshot *s, struct err *e)
{
	int map[MAX_COLUMNS];
	struct cursor c;
	struct span l;
	size_t ncols;

	cur_init(&c, buf, len);
	if (parse_version_line(&c, e) ||
	    parse_header(&c, states_cols, SC_COUNT, SC_OLDEST, map, &ncols, e))
		return e->code;
	s->has_oldest = false;
	for (size_t k = 0; k < ncols; k++)
		if (map[k] == SC_OLDEST)
			s->has_oldest = true;
	for (int st = 0; st < TS_COUNT; st++)
		if (cur_expect(&c, &l, state_names[st], e) ||
		    parse_states_line(&c, l, st, map, ncols, &s->states[st], e))
			return e->code;
	if (cur_end(&c, "the 12 state lines", e))
		return e->code;
	s->have |= FILE_STATES;
	return 0;
}

enum { TC_FROM, TC_TO, TC_COUNT_, TC_NCOLS };
static const char *const trans_cols[TC_NCOLS] = { "from", "to", "count" };

/* transitions and transitions_raw: "from to count", non-zero, ordered. */
static int parse_matrix(const char *buf, size_t len,
			uint64_t (*m)[TS_COUNT], struct err *e)
{
	struct span l, f[MAX_COLUMNS];
	int map[MAX_COLUMNS], prev = -1, r;
	struct cursor c;
	size_t ncols, n;

	cur_init(&c, buf, len);
	if (parse_version_line(&c, e) ||
	    parse_header(&c, trans_cols, TC_NCOLS, TC_NCOLS, map, &ncols, e))
		return e->code;
	memset(m, 0, sizeof(uint64_t) * TS_COUNT * TS_COUNT);
	while ((r = cur_next(&c, &l, e)) == 1) {
		int st[2] = { -1, -1 };
		uint64_t v = 0;

		if (split_fields(&c, l, f, ncols, ncols, &n, e))
			return e->code;
		for (size_t k = 0; k < n; k++) {
			if (map[k] == TC_FROM || map[k] == TC_TO) {
				st[map[k]] = parse_any_state(&c, f[k], map[k] == TC_FROM ?
							     "from state" : "to state", e);
				if (st[map[k]] < 0)
					return e->code;
			} else if (map[k] == TC_COUNT_ &&
				   parse_u64(&c, f[k], "count", &v, e)) {
				return e->code;
			}
		}
		if (!v)
			return err_line(e, c.line, ERR_MALFORMED,
					"zero count (only non-zero pairs are listed)");
		if (st[0] * TS_COUNT + st[1] <= prev)
			return err_line(e, c.line, ERR_MALFORMED,
					"pair %s %s duplicate or out of order",
					state_names[st[0]], state_names[st[1]]);
		prev = st[0] * TS_COUNT + st[1];
		m[st[0]][st[1]] = v;
	}
	return r < 0 ? e->code : 0;
}

int parse_transitions(const char *buf, size_t len, struct snapshot *s,
		      struct err *e)
{
	if (parse_matrix(buf, len, s->trans, e))
		return e->code;
	s->have |= FILE_TRANSITIONS;
	return 0;
}

int parse_transitions_raw(const char *buf, size_t len, struct snapshot *s,
			  struct err *e)
{
	if (parse_matrix(buf, len, s->trans_raw, e))
		return e->code;
	s->have |= FILE_TRANSITIONS_RAW;
	return 0;
}

/* "N:C" with N > *prev, N < HIST_BUCKETS, C > 0. */
static int parse_bucket(const struct cursor *c, struct span f, int *prev,
			uint64_t *bucket, uint64_t *total, struct err *e)
{
	char q[160];
	const char *colon = memchr(f.p, ':', f.n);
	struct span ns, cs;
	uint64_t idx, cnt;

	if (!colon)
		return err_line(e, c->line, ERR_MALFORMED,
				"bucket \"%s\" is not N:C", span_quote(f, q, sizeof(q)));
	ns = (struct span){ f.p, (size_t)(colon - f.p) };
	cs = (struct span){ colon + 1, f.n - ns.n - 1 };
	if (parse_u64(c, ns, "bucket index", &idx, e) ||
	    parse_u64(c, cs, "bucket count", &cnt, e))
		return e->code;
	if (idx >= HIST_BUCKETS)
		return err_line(e, c->line, ERR_MALFORMED,
				"bucket index %llu out of range 0..%d",
				(unsigned long long)idx, HIST_BUCKETS - 1);
	if ((int)idx <= *prev)
		return err_line(e, c->line, ERR_MALFORMED,
				"bucket %llu duplicate or not ascending",
				(unsigned long long)idx);
	if (!cnt)
		return err_line(e, c->line, ERR_MALFORMED,
				"bucket %llu has a zero count", (unsigned long long)idx);
	if (*total > UINT64_MAX - cnt)
		return err_line(e, c->line, ERR_MALFORMED,
				"bucket counts overflow 64 bits");
	*total += cnt;
	*prev = (int)idx;
	bucket[idx] = cnt;
	return 0;
}

/*
 * A histogram: @count, then @f[0..n) = sum min max and the N:C buckets.
 * Shared by hist and reasons.
 */
static int parse_dwell(const struct cursor *c, struct span count,
		       const struct span *f, size_t n, struct hist_row *h,
		       struct err *e)
{
	static const char *const what[] = { "sum", "min", "max" };
	uint64_t v[4], total = 0;
	int prev = -1;

	if (parse_u64(c, count, "count", &v[0], e))
		return e->code;
	for (int i = 0; i < 3; i++)
		if (parse_u64(c, f[i], what[i], &v[i + 1], e))
			return e->code;
	memset(h, 0, sizeof(*h));
	for (size_t i = 3; i < n; i++)
		if (parse_bucket(c, f[i], &prev, h->bucket, &total, e))
			return e->code;
	if (total != v[0])
		return err_line(e, c->line, ERR_MALFORMED,
				"count %llu differs from the sum of the buckets %llu",
				(unsigned long long)v[0], (unsigned long long)total);
	if (!v[0] && (v[1] || v[2] || v[3]))
		return err_line(e, c->line, ERR_MALFORMED,
				"sum, min and max must be 0 when count is 0");
	if (v[2] > v[3])
		return err_line(e, c->line, ERR_MALFORMED,
				"min %llu is greater than max %llu",
				(unsigned long long)v[2], (unsigned long long)v[3]);
	h->count = v[0];
	h->sum = v[1];
	h->min = v[2];
	h->max = v[3];
	return 0;
}

static int parse_hist_line(const struct cursor *c, struct span l, int st,
			   struct hist_row *h, struct err *e)
{
	struct span f[5 + HIST_BUCKETS];
	size_t n;

	if (split_fields(c, l, f, 5, 5 + HIST_BUCKETS, &n, e) ||
	    parse_state_field(c, f[0], st, e) ||
	    parse_dwell(c, f[1], f + 2, n - 2, h, e))
		return e->code;
	return 0;
}

int parse_hist(const char *buf, size_t len, struct snapshot *s, struct err *e)
{
	struct cursor c;
	struct span l;

	cur_init(&c, buf, len);
	if (parse_version_line(&c, e) ||
	    parse_fixed_line(&c, "unit ns", "unit line", e) ||
	    parse_fixed_line(&c, "state count sum min max buckets", "header", e))
		return e->code;
	for (int st = 0; st < TS_COUNT; st++)
		if (cur_expect(&c, &l, state_names[st], e) ||
		    parse_hist_line(&c, l, st, &s->hist[st], e))
			return e->code;
	if (cur_end(&c, "the 12 state lines", e))
		return e->code;
	s->have |= FILE_HIST;
	return 0;
}

/*
 * reasons: the known reasons in their documented order, each once.  A
 * reason this reader does not know (a later module's) is checked and
 * skipped, like an unknown counter.
 */
int parse_reasons(const char *buf, size_t len, struct snapshot *s,
		  struct err *e)
{
	struct span l, f[6 + HIST_BUCKETS];
	int prev = -1, r;
	struct cursor c;
	size_t n;

	cur_init(&c, buf, len);
	if (parse_version_line(&c, e) ||
	    parse_fixed_line(&c, "unit ns", "unit line", e) ||
	    parse_fixed_line(&c, "reason count unknown sum min max buckets",
			     "header", e))
		return e->code;
	memset(s->reasons, 0, sizeof(s->reasons));
	s->rs_have = 0;
	while ((r = cur_next(&c, &l, e)) == 1) {
		struct reason_row tmp;
		int id;

		if (split_fields(&c, l, f, 6, 6 + HIST_BUCKETS, &n, e))
			return e->code;
		id = reason_lookup(f[0].p, f[0].n);
		if (id >= 0 && id <= prev)
			return err_line(e, c.line, ERR_MALFORMED,
					"reason %s duplicate or out of order",
					reason_names[id]);
		if (parse_u64(&c, f[2], "unknown", &tmp.unknown, e) ||
		    parse_dwell(&c, f[1], f + 3, n - 3, &tmp.life, e))
			return e->code;
		if (id < 0)
			continue;
		s->reasons[id] = tmp;
		s->rs_have |= 1u << id;
		prev = id;
	}
	if (r < 0)
		return e->code;
	for (int i = 0; i < RS_REQUIRED; i++)
		if (!have_reason(s, i))
			return err_line(e, 0, ERR_MALFORMED, "reason %s missing",
					reason_names[i]);
	s->have |= FILE_REASONS;
	return 0;
}

/*
 * counters and resets: the version line, then "name value" lines, each
 * handed to @line as its two fields.
 */
typedef int (*name_value_fn)(const struct cursor *c, struct span name,
			     struct span value, struct snapshot *s,
			     struct err *e);

static int parse_name_values(const char *buf, size_t len, struct snapshot *s,
			     name_value_fn line, struct err *e)
{
	struct cursor c;
	struct span l, f[2];
	size_t n;
	int r;

	cur_init(&c, buf, len);
	if (parse_version_line(&c, e))
		return e->code;
	while ((r = cur_next(&c, &l, e)) == 1)
		if (split_fields(&c, l, f, 2, 2, &n, e) || line(&c, f[0], f[1], s, e))
			return e->code;
	return r < 0 ? e->code : 0;
}

static int counter_line(const struct cursor *c, struct span name,
			struct span value, struct snapshot *s, struct err *e)
{
	int id = -1;

	for (int i = 0; i < CTR_COUNT; i++)
		if (span_eq(name, counter_descs[i].name))
			id = i;
	if (id < 0)
		return 0; /* the format says: ignore unknown names */
	if (have_counter(s, id))
		return err_line(e, c->line, ERR_MALFORMED,
				"counter %s listed twice", counter_descs[id].name);
	if (parse_u64(c, value, counter_descs[id].name, &s->counters[id], e))
		return e->code;
	s->ctr_have |= 1u << id;
	return 0;
}

int parse_counters(const char *buf, size_t len, struct snapshot *s,
		   struct err *e)
{
	s->ctr_have = 0;
	memset(s->counters, 0, sizeof(s->counters));
	if (parse_name_values(buf, len, s, counter_line, e))
		return e->code;
	for (int i = 0; i < CTR_REQUIRED; i++)
		if (!have_counter(s, i))
			return err_line(e, 0, ERR_MALFORMED, "counter %s missing",
					counter_descs[i].name);
	s->have |= FILE_COUNTERS;
	return 0;
}

#define KA_HIST_HEADER "hist name count sum min max buckets"

/* The histogram named by @kind @name, or NULL if this reader does not know it. */
static struct hist_row *ka_hist(struct keepalive *ka, struct span kind,
				struct span name, int *id)
{
	if (span_eq(kind, "detect")) {
		for (int i = 0; i < DW_COUNT; i++)
			if (span_eq(name, detect_names[i])) {
				*id = i;
				return &ka->detect[i];
			}
	} else if (span_eq(kind, "idle")) {
		for (int i = 0; i < KI_COUNT; i++)
			if (span_eq(name, idle_names[i])) {
				*id = DW_COUNT + i;
				return &ka->idle[i];
			}
	}
	return NULL;
}

/* Which histograms a keepalive file (or keepalive_idle) must have. */
enum { KH_DETECT = 1, KH_IDLE = 2 };

/*
 * Histogram lines "KIND NAME count sum min max buckets" up to the end
 * (unknown ones checked and skipped, known ones once each); those of
 * @want all present.
 */
static int parse_ka_hists(struct cursor *c, struct keepalive *ka, int want,
			  struct err *e)
{
	struct span l, f[6 + HIST_BUCKETS];
	bool seen_hist[DW_COUNT + KI_COUNT] = { false };
	size_t n;
	int r;

	while ((r = cur_next(c, &l, e)) == 1) {
		struct hist_row tmp, *h;
		int id = -1;

		if (split_fields(c, l, f, 6, 6 + HIST_BUCKETS, &n, e))
			return e->code;
		h = ka_hist(ka, f[0], f[1], &id);
		if (h && seen_hist[id])
			return err_line(e, c->line, ERR_MALFORMED,
					"histogram %s %s listed twice",
					id < DW_COUNT ? "detect" : "idle",
					id < DW_COUNT ? detect_names[id]
						      : idle_names[id - DW_COUNT]);
		if (parse_dwell(c, f[2], f + 3, n - 3, h ? h : &tmp, e))
			return e->code;
		if (h)
			seen_hist[id] = true;
	}
	if (r < 0)
		return e->code;
	for (int i = 0; i < DW_COUNT + KI_COUNT; i++)
		if (!seen_hist[i] && (want & (i < DW_COUNT ? KH_DETECT : KH_IDLE)))
			return err_line(e, 0, ERR_MALFORMED, "histogram %s %s missing",
					i < DW_COUNT ? "detect" : "idle",
					i < DW_COUNT ? detect_names[i]
						     : idle_names[i - DW_COUNT]);
	if (seen_hist[DW_COUNT + KI_ON] && seen_hist[DW_COUNT + KI_OFF])
		ka->have_idle = true;
	return 0;
}

/*
 * keepalive: "unit ns", then "name value" lines (unknown names ignored, known
 * ones once each and all present: established_untracked from version 2
 * on) up to the histogram header, then histogram lines (version 1: the
 * idle ones too; version 2 has them in keepalive_idle).
 */
int parse_keepalive(const char *buf, size_t len, struct snapshot *s,
		    struct err *e)
{
	struct span l, f[2];
	uint32_t seen = 0;
	bool in_hist = false;
	struct cursor c;
	uint64_t version;
	size_t n;
	int r = 0;

	cur_init(&c, buf, len);
	if (parse_version_max(&c, KEEPALIVE_FORMAT_VERSION, &version, e) ||
	    parse_fixed_line(&c, "unit ns", "unit line", e))
		return e->code;
	/* keepalive_idle, read after, fills in the idle times */
	memset(&s->ka, 0, sizeof(s->ka));
	while (!in_hist && (r = cur_next(&c, &l, e)) == 1) {
		int id = -1;

		if (span_eq(l, KA_HIST_HEADER)) {
			in_hist = true;
			break;
		}
		if (split_fields(&c, l, f, 2, 2, &n, e))
			return e->code;
		for (int i = 0; i < KA_COUNT; i++)
			if (span_eq(f[0], ka_descs[i].name))
				id = i;
		if (id < 0)
			continue; /* the format says: ignore unknown names */
		if (seen & (1u << id))
			return err_line(e, c.line, ERR_MALFORMED,
					"%s listed twice", ka_descs[id].name);
		if (parse_u64(&c, f[1], ka_descs[id].name, &s->ka.v[id], e))
			return e->code;
		seen |= 1u << id;
	}
	if (!in_hist && r < 0)
		return e->code;
	for (int i = 0; i < KA_COUNT; i++)
		if (!(seen & (1u << i)) && (i != KA_EST_UNTRACKED || version >= 2))
			return err_line(e, 0, ERR_MALFORMED, "%s missing",
					ka_descs[i].name);
	s->ka.have_untracked = seen & (1u << KA_EST_UNTRACKED);
	if (!in_hist)
		return err_line(e, 0, ERR_MALFORMED, "header \"" KA_HIST_HEADER
				"\" missing");
	if (parse_ka_hists(&c, &s->ka, version < 2 ? KH_DETECT | KH_IDLE :
				       KH_DETECT, e))
		return e->code;
	s->have |= FILE_KEEPALIVE;
	return 0;
}

/*
 * keepalive_idle (the namespace root's; a walk in the module): "unit ns",
 * the histogram header, the idle histograms.  Read after keepalive, into
 * its idle times.
 */
int parse_keepalive_idle(const char *buf, size_t len, struct snapshot *s,
			 struct err *e)
{
	struct keepalive tmp = { 0 };
	struct cursor c;

	cur_init(&c, buf, len);
	if (parse_version_line(&c, e) ||
	    parse_fixed_line(&c, "unit ns", "unit line", e) ||
	    parse_fixed_line(&c, KA_HIST_HEADER, "histogram header", e) ||
	    parse_ka_hists(&c, &tmp, KH_IDLE, e))
		return e->code;
	memcpy(s->ka.idle, tmp.idle, sizeof(s->ka.idle));
	s->ka.have_idle = true;
	s->have |= FILE_KEEPALIVE_IDLE;
	return 0;
}

static int reset_line(const struct cursor *c, struct span name,
		      struct span value, struct snapshot *s, struct err *e)
{
	struct resets *rs = &s->resets;
	struct reset_row *row;

	if (!name.n || name.n >= RESET_NAME_MAX)
		return err_line(e, c->line, ERR_MALFORMED,
				"reset reason name of %zu bytes (1 to %d)",
				name.n, RESET_NAME_MAX - 1);
	for (size_t i = 0; i < name.n; i++) {
		char ch = name.p[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '_'))
			return err_line(e, c->line, ERR_MALFORMED,
					"reset reason name with '%c' (a-z, 0-9, _)",
					ch);
	}
	for (size_t i = 0; i < rs->n; i++)
		if (span_eq(name, rs->row[i].name))
			return err_line(e, c->line, ERR_MALFORMED,
					"reset reason %s listed twice",
					rs->row[i].name);
	if (rs->n == RESETS_MAX)
		return err_line(e, c->line, ERR_MALFORMED,
				"more than %d reset reasons", RESETS_MAX);
	row = &rs->row[rs->n];
	memcpy(row->name, name.p, name.n);
	row->name[name.n] = '\0';
	if (parse_u64(c, value, row->name, &row->count, e))
		return e->code;
	rs->n++;
	return 0;
}

/*
 * resets: "name value" lines, the kernel's reasons in its order.  Names are
 * not known in advance (each kernel has its own list), so they are checked
 * for shape only: lower case letters, digits and '_'.
 */
int parse_resets(const char *buf, size_t len, struct snapshot *s,
		 struct err *e)
{
	s->resets.n = 0;
	if (parse_name_values(buf, len, s, reset_line, e))
		return e->code;
	s->have |= FILE_RESETS;
	return 0;
}
