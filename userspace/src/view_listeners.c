// SPDX-License-Identifier: GPL-2.0
/*
 * view_listeners.c - "tcplc listeners [FILTER]": per listening socket, its
 * request sockets, accept queue (overflows, drops, length and limit) and
 * children (established, CLOSE_WAIT, how they ended); the closed listeners'
 * and the untracked events' rows after them.  FILTER: sport, src (as for
 * sockets).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "fmt_text.h"
#include "stats.h"
#include "util.h"
#include "view.h"

static bool lr_has(const struct listener_row *r, int col)
{
	return r->known & (1u << col);
}

static uint64_t lr_reasons_total(const struct listener_row *r)
{
	uint64_t t = 0;

	for (int i = 0; i < RS_COUNT; i++)
		t = sat_add(t, r->reasons[i]);
	return t;
}

/* Shown: live listeners passing the filter; the other rows when non-zero
 * (or -z) and there is no filter. */
static bool shown(const struct view_ctx *c, const struct listener_row *r)
{
	bool any = false;

	if (r->kind == ROW_ENTRY)
		return view_listener_match(c, &r->local);
	if (c->o->filter.expr)
		return false;
	for (int k = 0; k < LC_COUNT; k++)
		any |= lr_has(r, k) && r->v[k];
	return any || lr_reasons_total(r) || c->o->zeros;
}

static const char *row_name(const struct listener_row *r)
{
	return r->kind == ROW_CLOSED ? "(closed)" :
	       r->kind == ROW_UNTRACKED ? "(untracked)" : r->local_text;
}

static void cell_u64(struct table *t, const struct listener_row *r, int col)
{
	if (lr_has(r, col))
		table_add_u64(t, r->v[col]);
	else
		table_add(t, "-");
}

/* age of the oldest, "-" when there is none or it does not apply */
static void cell_age(struct table *t, const struct listener_row *r, int now_col,
		     int age_col)
{
	char b[32];

	if (lr_has(r, now_col) && r->v[now_col] && lr_has(r, age_col))
		table_add(t, "%s", fmt_dur(b, sizeof(b), r->v[age_col]));
	else
		table_add(t, "-");
}

static void text_reasons(const struct view_ctx *c, const struct listener_list *l)
{
	bool header = false;

	for (size_t i = 0; i < l->n; i++) {
		const struct listener_row *r = &l->rows[i];

		if (!shown(c, r) || !lr_reasons_total(r))
			continue;
		if (!header)
			fputs("\nchildren ended, by close reason:\n", c->f);
		header = true;
		view_reasons_line(c->f, row_name(r), r->reasons);
	}
}

static void text(const struct view_ctx *c)
{
	const struct listener_list *l = &c->s->listeners;
	uint64_t ov = 0, dr = 0;
	size_t live = 0;
	struct table t;

	table_init(&t, "lrrrrrrrr");
	table_add(&t, "LISTENER");
	table_add(&t, "REQ");
	table_add(&t, "REQ_AGE");
	table_add(&t, "OVERFL");
	table_add(&t, "DROPS");
	table_add(&t, "ACCEPTQ");
	table_add(&t, "ESTAB");
	table_add(&t, "CLOSE_WAIT");
	table_add(&t, "CW_AGE");
	for (size_t i = 0; i < l->n; i++) {
		const struct listener_row *r = &l->rows[i];

		if (!shown(c, r))
			continue;
		live += r->kind == ROW_ENTRY;
		ov = sat_add(ov, r->v[LC_OVERFLOWS]);
		dr = sat_add(dr, r->v[LC_DROPS]);
		table_add(&t, "%s", row_name(r));
		cell_u64(&t, r, LC_REQ_NOW);
		cell_age(&t, r, LC_REQ_NOW, LC_REQ_OLDEST);
		cell_u64(&t, r, LC_OVERFLOWS);
		cell_u64(&t, r, LC_DROPS);
		if (lr_has(r, LC_ACCEPTQ) && lr_has(r, LC_ACCEPTQ_MAX))
			table_add(&t, "%" PRIu64 "/%" PRIu64, r->v[LC_ACCEPTQ],
				  r->v[LC_ACCEPTQ_MAX]);
		else
			table_add(&t, "-");
		cell_u64(&t, r, LC_ESTAB_NOW);
		cell_u64(&t, r, LC_CLOSE_WAIT_NOW);
		cell_age(&t, r, LC_CLOSE_WAIT_NOW, LC_CLOSE_WAIT_OLDEST);
	}
	if (table_rows(&t) == 1) {
		table_free(&t);
		fprintf(c->f, "(no listeners%s)\n", c->o->filter.expr ? " match" : "");
		return;
	}
	table_print(&t, c->f);
	text_reasons(c, l);
	fprintf(c->f, "\n%zu listener%s; accept queue overflows %" PRIu64
		", drops %" PRIu64 "%s\n", live, live == 1 ? "" : "s", ov, dr,
		c->o->filter.expr ? "" : " (this namespace's ListenOverflows, "
		"ListenDrops since the module loaded)");
	view_listeners_overflow_lines(c->f, l, c->o->filter.expr);
}

void view_listeners_overflow_lines(FILE *f, const struct listener_list *l,
				   const struct sock_expr *expr)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct listener_row *r = &l->rows[i];
		uint64_t ov = r->v[LC_OVERFLOWS], dr = r->v[LC_DROPS];

		if (r->kind != ROW_ENTRY || (!ov && !dr))
			continue;
		if (expr) {
			struct sock_row sr = { .state = TS_LISTEN, .local = r->local };

			if (!sock_expr_match(expr, &sr))
				continue;
		}
		fprintf(f, "! %s: ", r->local_text);
		if (ov)
			fprintf(f, "accept queue overflowed %" PRIu64 " time%s, ", ov,
				ov == 1 ? "" : "s");
		fprintf(f, "%" PRIu64 " SYN%s or handshake%s dropped", dr,
			dr == 1 ? "" : "s", dr == 1 ? "" : "s");
		if (lr_has(r, LC_ACCEPTQ) && lr_has(r, LC_ACCEPTQ_MAX))
			fprintf(f, "; queue %" PRIu64 " of %" PRIu64 " now",
				r->v[LC_ACCEPTQ], r->v[LC_ACCEPTQ_MAX]);
		fputs(ov ? ": the application accepts too slowly, or its backlog "
		      "(listen(), net.core.somaxconn) is too small\n" :
		      " (ListenDrops: out of memory, bad ACKs, full queues)\n", f);
	}
}

static const char *const col_json[LC_COUNT] = {
	"req_created", "req_completed", "req_timeout", "req_rst", "req_other",
	"req_now", "req_oldest_ns", "synack_retrans", "cookies_sent",
	"overflows", "drops", "acceptq", "acceptq_max", "accepted",
	"estab_now", "close_wait_now", "close_wait_oldest_ns",
};

static void json(const struct view_ctx *c, struct jw *j)
{
	const struct listener_list *l = &c->s->listeners;
	static const char *const kinds[] = { "listener", "closed", "untracked" };

	jw_arr(j, "listeners");
	for (size_t i = 0; i < l->n; i++) {
		const struct listener_row *r = &l->rows[i];

		if (r->kind == ROW_ENTRY ? !view_listener_match(c, &r->local)
					 : c->o->filter.expr != NULL)
			continue;
		jw_obj(j, NULL);
		jw_str(j, "row", kinds[r->kind]);
		jw_u64_or_null(j, "id", r->kind == ROW_ENTRY, r->id);
		if (r->local.family != ADDR_NONE)
			jw_str(j, "local", r->local_text);
		else
			jw_null(j, "local");
		for (int k = 0; k < LC_COUNT; k++)
			jw_u64_or_null(j, col_json[k], lr_has(r, k), r->v[k]);
		view_reason_counts_json(j, r->reasons);
		jw_end_obj(j);
	}
	jw_end_arr(j);
}

/* Prometheus families: one a column, some columns sharing one (by @lname) */
static const struct {
	const char *metric, *type, *lname, *lval, *help;
	int col;
} fams[] = {
	{ "listener_requests_created_total", "counter", NULL, NULL,
	  "Request sockets (half-open connections) created for the listener.",
	  LC_REQ_CREATED },
	{ "listener_requests_ended_total", "counter", "how", "completed",
	  "Request sockets of the listener that ended, by how (completed: a child was born).",
	  LC_REQ_COMPLETED },
	{ "listener_requests_ended_total", NULL, "how", "timeout", NULL, LC_REQ_TIMEOUT },
	{ "listener_requests_ended_total", NULL, "how", "rst", NULL, LC_REQ_RST },
	{ "listener_requests_ended_total", NULL, "how", "other", NULL, LC_REQ_OTHER },
	{ "listener_requests", "gauge", NULL, NULL,
	  "Request sockets of the listener now (ss state syn-recv).", LC_REQ_NOW },
	{ "listener_request_oldest_seconds", "gauge", NULL, NULL,
	  "Age of the listener's oldest request socket now.", LC_REQ_OLDEST },
	{ "listener_synack_retrans_total", "counter", NULL, NULL,
	  "SYN-ACKs sent again for the listener's request sockets.", LC_SYNACK_RETRANS },
	{ "listener_syncookies_sent_total", "counter", NULL, NULL,
	  "SYN cookies sent on the listener's behalf.", LC_COOKIES_SENT },
	{ "listener_overflows_total", "counter", NULL, NULL,
	  "The listener's share of ListenOverflows: its accept queue was full.",
	  LC_OVERFLOWS },
	{ "listener_drops_total", "counter", NULL, NULL,
	  "The listener's share of ListenDrops: SYNs and handshakes it dropped.",
	  LC_DROPS },
	{ "listener_accept_queue", "gauge", NULL, NULL,
	  "Children waiting in the listener's accept queue now (ss -lt Recv-Q).",
	  LC_ACCEPTQ },
	{ "listener_accept_queue_limit", "gauge", NULL, NULL,
	  "The listener's accept queue limit, its backlog (ss -lt Send-Q).",
	  LC_ACCEPTQ_MAX },
	{ "listener_accepted_total", "counter", NULL, NULL,
	  "Children the application accepted.", LC_ACCEPTED },
	{ "listener_children", "gauge", "state", "ESTABLISHED",
	  "The listener's children now, by state.", LC_ESTAB_NOW },
	{ "listener_children", NULL, "state", "CLOSE_WAIT", NULL, LC_CLOSE_WAIT_NOW },
	{ "listener_close_wait_oldest_seconds", "gauge", NULL, NULL,
	  "Time in CLOSE_WAIT of the listener's oldest child there now.",
	  LC_CLOSE_WAIT_OLDEST },
};

static bool is_age(int col)
{
	return col == LC_REQ_OLDEST || col == LC_CLOSE_WAIT_OLDEST;
}

static uint64_t score(const struct listener_row *r)
{
	uint64_t s = 0;

	for (int k = 0; k < LC_COUNT; k++)
		if (!is_age(k) && k != LC_ACCEPTQ_MAX)
			s = sat_add(s, r->v[k]);
	return s;
}

/* The rows of one label value, summed. */
struct lsum {
	uint64_t v[LC_COUNT], reasons[RS_COUNT];
	uint32_t known;
};

static void prom(const struct view_ctx *c, const struct prom *p)
{
	const struct listener_list *l = &c->s->listeners;
	struct label_in *in = xmalloc((l->n + 1) * sizeof(*in));
	struct label_set ls;
	struct lsum *g;
	size_t n = 0, nl;
	char b[32];

	for (size_t i = 0; i < l->n; i++) {
		const struct listener_row *r = &l->rows[i];

		if (r->kind == ROW_ENTRY ? !view_listener_match(c, &r->local)
					 : c->o->filter.expr != NULL)
			continue;
		in[n++] = (struct label_in){
			.name = r->kind == ROW_CLOSED ? "closed" :
				r->kind == ROW_UNTRACKED ? "untracked" : r->local_text,
			.score = score(r), .fixed = r->kind != ROW_ENTRY, .row = r };
	}
	label_set_build(&ls, in, n, c->o->max_labels);
	nl = ls.n;
	g = xmalloc((nl + 1) * sizeof(*g));
	memset(g, 0, (nl + 1) * sizeof(*g));
	/* counts and gauges are summed; ages: the oldest */
	for (size_t i = 0; i < n; i++) {
		const struct listener_row *r = in[i].row;
		struct lsum *t = &g[ls.of_row[i]];

		t->known |= r->known;
		for (int k = 0; k < LC_COUNT; k++)
			t->v[k] = is_age(k) ? (r->v[k] > t->v[k] ? r->v[k] : t->v[k])
					    : sat_add(t->v[k], r->v[k]);
		for (int k = 0; k < RS_COUNT; k++)
			t->reasons[k] = sat_add(t->reasons[k], r->reasons[k]);
	}
	for (size_t f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
		int col = fams[f].col;

		if (fams[f].type)
			prom_family(p, fams[f].metric, fams[f].type, fams[f].help);
		for (size_t k = 0; k < nl; k++) {
			if (!(g[k].known & (1u << col)))
				continue;
			if (is_age(col))
				prom_seconds(b, sizeof(b), g[k].v[col]);
			else
				prom_u64(b, sizeof(b), g[k].v[col]);
			/* no lname: the labels end after listener */
			prom_sample(p, fams[f].metric, b, "listener", ls.value[k],
				    fams[f].lname, fams[f].lval, NULL);
		}
	}
	prom_family(p, "listener_children_ended_total", "counter",
		    "The listener's children that ended, by close reason.");
	for (size_t i = 0; i < nl; i++)
		view_reason_counts_prom(p, "listener_children_ended_total", "listener", ls.value[i], g[i].reasons);
	label_set_free(&ls);
	free(g);
	free(in);
}

const struct view view_listeners = {
	.name = "listeners",
	.help = "per listening socket: request sockets, accept queue overflows\n"
		"               and drops, children by state and close reason",
	.files = FILE_LISTENERS,
	.takes_filter = true,
	.no_watch = true,
	.text = text,
	.json = json,
	.prom = prom,
};
