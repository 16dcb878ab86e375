// SPDX-License-Identifier: GPL-2.0
/*
 * parse_sockets.c - parser of the sockets file: one line per tracked socket,
 *
 *   state local remote age lifetime pid comm cookie
 *   CLOSE_WAIT 127.0.0.1:8080 127.0.0.1:40312 3012345678 3112345678 1234 server -
 *   TIME_WAIT [::1]:443 [::1]:50110 1200000 9120000 - - 4097
 *
 * "-" means unknown.  Lines are checked in full whatever the filter; only
 * the sockets that pass s->filter are kept.
 */
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "parse_util.h"

enum { KC_STATE, KC_LOCAL, KC_REMOTE, KC_AGE, KC_LIFETIME, KC_PID, KC_COMM,
       KC_COOKIE, KC_COUNT };
static const char *const sockets_cols[KC_COUNT] = {
	"state", "local", "remote", "age", "lifetime", "pid", "comm", "cookie",
};

#define QUOTE_BUF 160

/* u64 or "-"; sets @bit in *known when present. */
static int parse_opt_u64(const struct cursor *c, struct span f, const char *what,
			 uint64_t *v, uint8_t *known, uint8_t bit, struct err *e)
{
	if (span_is_dash(f))
		return 0;
	if (parse_u64(c, f, what, v, e))
		return e->code;
	*known |= bit;
	return 0;
}

/* Command name: 1 to SOCK_COMM_MAX - 1 printable characters, or "-". */
static int parse_comm(const struct cursor *c, struct span f, char *out,
		      struct err *e)
{
	char q[QUOTE_BUF];

	out[0] = '\0';
	if (span_is_dash(f))
		return 0;
	if (f.n >= SOCK_COMM_MAX)
		return err_line(e, c->line, ERR_MALFORMED,
				"comm \"%s\" longer than %d characters",
				span_quote(f, q, sizeof(q)), SOCK_COMM_MAX - 1);
	for (size_t i = 0; i < f.n; i++)
		if ((unsigned char)f.p[i] <= ' ' || (unsigned char)f.p[i] >= 0x7f)
			return err_line(e, c->line, ERR_MALFORMED,
					"comm \"%s\" has a non-printable character",
					span_quote(f, q, sizeof(q)));
	memcpy(out, f.p, f.n);
	out[f.n] = '\0';
	return 0;
}

static int parse_sock_line(const struct cursor *c, struct span l,
			   const int *map, size_t ncols, struct sock_row *r,
			   struct err *e)
{
	struct span f[MAX_COLUMNS];
	uint64_t pid = 0;
	size_t n;
	int st;

	memset(r, 0, sizeof(*r));
	if (split_fields(c, l, f, ncols, ncols, &n, e))
		return e->code;
	for (size_t k = 0; k < n; k++) {
		int rc = 0;

		switch (map[k]) {
		case KC_STATE:
			st = parse_any_state(c, f[k], "state", e);
			if (st < 0)
				return e->code;
			r->state = (uint8_t)st;
			break;
		case KC_LOCAL:
			rc = parse_sock_addr(c, f[k], "local", &r->local, e);
			break;
		case KC_REMOTE:
			rc = parse_sock_addr(c, f[k], "remote", &r->remote, e);
			break;
		case KC_AGE:
			rc = parse_opt_u64(c, f[k], "age", &r->age, &r->known, SK_AGE, e);
			break;
		case KC_LIFETIME:
			rc = parse_opt_u64(c, f[k], "lifetime", &r->lifetime,
					   &r->known, SK_LIFETIME, e);
			break;
		case KC_PID:
			rc = parse_opt_u64(c, f[k], "pid", &pid, &r->known, SK_PID, e);
			if (!rc && pid > UINT32_MAX)
				rc = err_line(e, c->line, ERR_MALFORMED,
					      "pid %llu out of range",
					      (unsigned long long)pid);
			r->pid = (uint32_t)pid;
			break;
		case KC_COMM:
			rc = parse_comm(c, f[k], r->comm, e);
			break;
		case KC_COOKIE:
			rc = parse_opt_u64(c, f[k], "cookie", &r->cookie, &r->known,
					   SK_COOKIE, e);
			break;
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int keep(struct sock_list *l, const struct sock_row *r, struct err *e)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct sock_row *rows;

		if (cap > SIZE_MAX / sizeof(*rows))
			return err_set(e, ERR_IO, "out of memory");
		rows = realloc(l->rows, cap * sizeof(*rows));
		if (!rows)
			return err_set(e, ERR_IO, "out of memory");
		l->rows = rows;
		l->cap = cap;
	}
	l->rows[l->n++] = *r;
	return 0;
}

int parse_sockets(const char *buf, size_t len, struct snapshot *s,
		  struct err *e)
{
	int map[MAX_COLUMNS], r;
	struct cursor c;
	struct span l;
	size_t ncols;

	free(s->sockets.rows);
	s->sockets = (struct sock_list){ 0 };
	cur_init(&c, buf, len);
	if (parse_version_line(&c, e) ||
	    parse_header(&c, sockets_cols, KC_COUNT, KC_COUNT, map, &ncols, e))
		return e->code;
	while ((r = cur_next(&c, &l, e)) == 1) {
		struct sock_row row;

		if (parse_sock_line(&c, l, map, ncols, &row, e))
			return e->code;
		s->sockets.lines++;
		if (sock_filter_match(&s->filter, &row) && keep(&s->sockets, &row, e))
			return e->code;
	}
	if (r < 0)
		return e->code;
	s->have |= FILE_SOCKETS;
	return 0;
}
