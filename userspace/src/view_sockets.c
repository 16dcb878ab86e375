// SPDX-License-Identifier: GPL-2.0
/*
 * view_sockets.c - "tcplc sockets [--state S] [--older-than D] [--sort K]
 * [-n N] [FILTER]": the tracked sockets with their owner, longest first: the
 * CLOSE_WAIT leak finder.  The filter was applied when reading (source.c,
 * parse_sockets.c); here the list is sorted and cut.  JSON: an array.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_text.h"
#include "util.h"
#include "view.h"

/* "1.2.3.4:80", "[::1]:443", "-" */
static char *fmt_addr(char *buf, size_t size, const struct sock_addr *a)
{
	char host[INET6_ADDRSTRLEN];

	if (a->family == ADDR_NONE ||
	    !inet_ntop(a->family == ADDR_V6 ? AF_INET6 : AF_INET, a->a, host,
		       sizeof(host))) {
		snprintf(buf, size, "-");
		return buf;
	}
	snprintf(buf, size, a->family == ADDR_V6 ? "[%s]:%u" : "%s:%u", host,
		 (unsigned)a->port);
	return buf;
}

static int cmp_u64_desc(bool ka, uint64_t a, bool kb, uint64_t b)
{
	if (ka != kb)
		return ka ? -1 : 1; /* unknown last */
	if (a != b)
		return a > b ? -1 : 1;
	return 0;
}

static int cmp_addr(const struct sock_addr *a, const struct sock_addr *b)
{
	int r;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	r = memcmp(a->a, b->a, sizeof(a->a));
	if (r)
		return r;
	return a->port < b->port ? -1 : a->port > b->port;
}

/* The sort key, descending; then state, addresses, pid: a stable order. */
static int cmp(const void *pa, const void *pb, void *key)
{
	enum sock_sort sort_key = *(const enum sock_sort *)key;
	const struct sock_row *a = *(const struct sock_row *const *)pa;
	const struct sock_row *b = *(const struct sock_row *const *)pb;
	int r;

	if (sort_key == SORT_LIFETIME)
		r = cmp_u64_desc(a->known & SK_LIFETIME, a->lifetime,
				 b->known & SK_LIFETIME, b->lifetime);
	else
		r = cmp_u64_desc(a->known & SK_AGE, a->age, b->known & SK_AGE, b->age);
	if (r)
		return r;
	if (a->state != b->state)
		return a->state < b->state ? -1 : 1;
	r = cmp_addr(&a->local, &b->local);
	if (r)
		return r;
	r = cmp_addr(&a->remote, &b->remote);
	if (r)
		return r;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return strcmp(a->comm, b->comm);
}

/* The rows to show, sorted and cut to -n; free() the result. */
static const struct sock_row **sorted(const struct view_ctx *c, size_t *n)
{
	const struct sock_list *l = &c->s->sockets;
	const struct sock_row **v = xmalloc((l->n ? l->n : 1) * sizeof(*v));
	enum sock_sort key = c->o->sort;

	for (size_t i = 0; i < l->n; i++)
		v[i] = &l->rows[i];
	qsort_r(v, l->n, sizeof(*v), cmp, &key);
	*n = l->n;
	if (c->o->limit && c->o->limit < *n)
		*n = (size_t)c->o->limit;
	return v;
}

/* The table, with the AGE and LIFETIME columns if @age and @life. */
static void fill(struct table *t, const struct sock_row **v, size_t n,
		 bool age, bool life)
{
	char b[64];

	table_init(t, age && life ? "lllrrrl" : "lllrrl");
	table_add(t, "STATE");
	table_add(t, "LOCAL");
	table_add(t, "REMOTE");
	if (age)
		table_add(t, "AGE");
	if (life)
		table_add(t, "LIFETIME");
	table_add(t, "PID");
	table_add(t, "COMM");
	for (size_t i = 0; i < n; i++) {
		const struct sock_row *r = v[i];

		table_add(t, "%s", state_names[r->state]);
		table_add(t, "%s", fmt_addr(b, sizeof(b), &r->local));
		table_add(t, "%s", fmt_addr(b, sizeof(b), &r->remote));
		if (age)
			table_add(t, "%s", r->known & SK_AGE ?
				  fmt_dur(b, sizeof(b), r->age) : "-");
		if (life)
			table_add(t, "%s", r->known & SK_LIFETIME ?
				  fmt_dur(b, sizeof(b), r->lifetime) : "-");
		if (r->known & SK_PID)
			table_add(t, "%" PRIu32, r->pid);
		else
			table_add(t, "-");
		table_add(t, "%s", r->comm[0] ? r->comm : "-");
	}
}

static void text(const struct view_ctx *c)
{
	size_t n, total = c->s->sockets.n;
	const struct sock_row **v = sorted(c, &n);
	bool by_life = c->o->sort == SORT_LIFETIME;
	struct table t;

	if (!n) {
		free(v);
		fprintf(c->f, "(no %ssockets)\n", c->s->filter.has_state ||
			c->s->filter.has_min_age || c->s->filter.expr ?
			"matching " : "tracked ");
		return;
	}
	fill(&t, v, n, true, true);
	/* too wide: leave out the time that is not the sort key */
	if (table_width(&t) > text_width) {
		table_free(&t);
		fill(&t, v, n, !by_life, by_life);
	}
	table_print(&t, c->f);
	/* a footer, not data: on stderr, out of the way of a pipe */
	if (n < total)
		fprintf(stderr, "(%zu of %zu sockets shown)\n", n, total);
	free(v);
}

static void json(const struct view_ctx *c, struct jw *j)
{
	size_t n;
	const struct sock_row **v = sorted(c, &n);
	char b[64];

	jw_arr(j, NULL);
	for (size_t i = 0; i < n; i++) {
		const struct sock_row *r = v[i];

		jw_obj(j, NULL);
		if (c->o->netns)
			jw_str(j, "netns", c->o->netns);
		jw_str(j, "state", state_names[r->state]);
		if (r->local.family)
			jw_str(j, "local", fmt_addr(b, sizeof(b), &r->local));
		else
			jw_null(j, "local");
		if (r->remote.family)
			jw_str(j, "remote", fmt_addr(b, sizeof(b), &r->remote));
		else
			jw_null(j, "remote");
		jw_u64_or_null(j, "age_ns", r->known & SK_AGE, r->age);
		jw_u64_or_null(j, "lifetime_ns", r->known & SK_LIFETIME, r->lifetime);
		jw_u64_or_null(j, "pid", r->known & SK_PID, r->pid);
		if (r->comm[0])
			jw_str(j, "comm", r->comm);
		else
			jw_null(j, "comm");
		jw_u64_or_null(j, "cookie", r->known & SK_COOKIE, r->cookie);
		jw_end_obj(j);
	}
	jw_end_arr(j);
	free(v);
}

const struct view view_sockets = {
	.name = "sockets",
	.help = "tracked sockets with their owner, longest in their state first\n"
		"               (root; --state S --older-than DURATION --sort age|lifetime -n N\n"
		"               FILTER, e.g. state close-wait and sport = :8443)",
	.files = FILE_SOCKETS,
	.no_watch = true,
	.takes_filter = true,
	.text = text,
	.json = json,
	.json_top = true,
};
