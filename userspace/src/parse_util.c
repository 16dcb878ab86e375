// SPDX-License-Identifier: GPL-2.0
/* parse_util.c - line/field/number helpers for the parsers. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "parse_util.h"

#define QUOTE_MAX 32 /* characters of untrusted text shown in messages */

void cur_init(struct cursor *c, const char *buf, size_t len)
{
	c->p = buf;
	c->end = buf + len;
	c->line = 0;
}

int cur_next(struct cursor *c, struct span *line, struct err *e)
{
	const char *nl, *nul;
	size_t left = (size_t)(c->end - c->p);

	if (!left)
		return 0;
	c->line++;
	nl = memchr(c->p, '\n', left);
	nul = memchr(c->p, '\0', nl ? (size_t)(nl - c->p) : left);
	if (nul) {
		err_line(e, c->line, ERR_MALFORMED, "NUL byte at column %zu",
			 (size_t)(nul - c->p) + 1);
		return -1;
	}
	if (!nl) {
		err_line(e, c->line, ERR_MALFORMED,
			 "last line does not end in a newline");
		return -1;
	}
	line->p = c->p;
	line->n = (size_t)(nl - c->p);
	c->p = nl + 1;
	return 1;
}

int cur_expect(struct cursor *c, struct span *line, const char *what,
	       struct err *e)
{
	int r = cur_next(c, line, e);

	if (r == 0)
		return err_line(e, c->line + 1, ERR_MALFORMED,
				"unexpected end of file, expected %s", what);
	return r == 1 ? 0 : e->code;
}

int cur_end(struct cursor *c, const char *after, struct err *e)
{
	struct span l;
	int r = cur_next(c, &l, e);

	if (r == 1)
		return err_line(e, c->line, ERR_MALFORMED,
				"unexpected line after %s", after);
	return r ? e->code : 0;
}

int span_eq(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && !memcmp(s.p, lit, n);
}

const char *span_quote(struct span s, char *buf, size_t size)
{
	size_t o = 0, i;

	for (i = 0; i < s.n && i < QUOTE_MAX && o + 5 < size; i++) {
		unsigned char ch = (unsigned char)s.p[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\' && ch != '"')
			buf[o++] = (char)ch;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
	}
	if (i < s.n && o + 4 < size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o < size ? o : size - 1] = '\0';
	return buf;
}

int split_fields(const struct cursor *c, struct span line, struct span *f,
		 size_t min, size_t max, size_t *n, struct err *e)
{
	const char *p = line.p, *end = line.p + line.n;
	size_t k = 0;

	if (!line.n)
		return err_line(e, c->line, ERR_MALFORMED, "empty line");
	for (;;) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		const char *fe = sp ? sp : end;

		if (fe == p)
			return err_line(e, c->line, ERR_MALFORMED,
					"empty field %zu (stray space at column %zu)",
					k + 1, (size_t)(p - line.p) + 1);
		if (k == max)
			return err_line(e, c->line, ERR_MALFORMED,
					"too many fields (at most %zu)", max);
		f[k].p = p;
		f[k].n = (size_t)(fe - p);
		k++;
		if (!sp)
			break;
		p = sp + 1;
		if (p == end)
			return err_line(e, c->line, ERR_MALFORMED,
					"trailing space");
	}
	if (k < min)
		return err_line(e, c->line, ERR_MALFORMED,
				"%zu field%s, expected %s%zu", k, k == 1 ? "" : "s",
				min == max ? "" : "at least ", min);
	*n = k;
	return 0;
}

int parse_u64(const struct cursor *c, struct span s, const char *what,
	      uint64_t *out, struct err *e)
{
	char q[QUOTE_MAX * 4 + 8];
	uint64_t v = 0;

	if (!s.n)
		return err_line(e, c->line, ERR_MALFORMED, "empty %s", what);
	for (size_t i = 0; i < s.n; i++) {
		unsigned d = (unsigned char)s.p[i] - '0';

		if (d > 9)
			return err_line(e, c->line, ERR_MALFORMED,
					"%s \"%s\" is not an unsigned decimal number",
					what, span_quote(s, q, sizeof(q)));
		if (v > (UINT64_MAX - d) / 10)
			return err_line(e, c->line, ERR_MALFORMED,
					"%s \"%s\" does not fit in 64 bits", what,
					span_quote(s, q, sizeof(q)));
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int parse_any_state(const struct cursor *c, struct span s, const char *what,
		    struct err *e)
{
	char q[QUOTE_MAX * 4 + 8];
	int st = state_lookup(s.p, s.n);

	if (st < 0)
		err_line(e, c->line, ERR_MALFORMED, "unknown %s \"%s\"", what,
			 span_quote(s, q, sizeof(q)));
	return st;
}

int parse_state_field(const struct cursor *c, struct span s, int want,
		      struct err *e)
{
	int st = parse_any_state(c, s, "state", e);

	if (st < 0)
		return e->code;
	if (st != want)
		return err_line(e, c->line, ERR_MALFORMED,
				"state %s out of order, expected %s",
				state_names[st], state_names[want]);
	return 0;
}

int parse_version_line(struct cursor *c, struct err *e)
{
	uint64_t v;

	return parse_version_max(c, FORMAT_VERSION, &v, e);
}

int parse_version_max(struct cursor *c, uint64_t max, uint64_t *version,
		      struct err *e)
{
	struct span l, f[2];
	size_t n;
	uint64_t v;
	int r = cur_next(c, &l, e);

	if (r == 0)
		return err_line(e, 1, ERR_MALFORMED,
				"empty file, expected \"version %llu\"",
				(unsigned long long)max);
	if (r < 0)
		return e->code;
	if (split_fields(c, l, f, 2, 2, &n, e) || !span_eq(f[0], "version"))
		return err_line(e, c->line, ERR_MALFORMED,
				"expected \"version N\" on line 1");
	if (parse_u64(c, f[1], "version", &v, e))
		return e->code;
	if (v > max)
		return err_line(e, c->line, ERR_VERSION,
				"format version %llu is newer than this tcplc understands (%llu)",
				(unsigned long long)v, (unsigned long long)max);
	if (v < 1)
		return err_line(e, c->line, ERR_MALFORMED, "invalid format version 0");
	*version = v;
	return 0;
}

int parse_header(struct cursor *c, const char *const *names, size_t ncols,
		 size_t required, int *map, size_t *nfields, struct err *e)
{
	struct span l, f[MAX_COLUMNS];
	bool seen[MAX_COLUMNS] = { false };
	size_t n;

	if (cur_expect(c, &l, "the header line", e) ||
	    split_fields(c, l, f, 1, MAX_COLUMNS, &n, e))
		return e->code;
	for (size_t k = 0; k < n; k++) {
		map[k] = -1;
		for (size_t i = 0; i < ncols; i++) {
			if (!span_eq(f[k], names[i]))
				continue;
			if (seen[i])
				return err_line(e, c->line, ERR_MALFORMED,
						"header names column \"%s\" twice",
						names[i]);
			seen[i] = true;
			map[k] = (int)i;
		}
	}
	for (size_t i = 0; i < required; i++)
		if (!seen[i])
			return err_line(e, c->line, ERR_MALFORMED,
					"header lacks column \"%s\"", names[i]);
	*nfields = n;
	return 0;
}

int parse_fixed_line(struct cursor *c, const char *text, const char *what,
		     struct err *e)
{
	char q[QUOTE_MAX * 4 + 8];
	struct span l;

	if (cur_expect(c, &l, what, e))
		return e->code;
	if (!span_eq(l, text))
		return err_line(e, c->line, ERR_MALFORMED,
				"expected %s \"%s\", got \"%s\"", what, text,
				span_quote(l, q, sizeof(q)));
	return 0;
}

int span_is_dash(struct span f)
{
	return f.n == 1 && f.p[0] == '-';
}

int parse_sock_addr(const struct cursor *c, struct span f, const char *what,
		    struct sock_addr *a, struct err *e)
{
	char q[QUOTE_MAX * 4 + 8], text[64];
	const char *colon = NULL;
	struct span host, port;
	uint64_t p;
	bool v6 = f.n && f.p[0] == '[';

	memset(a, 0, sizeof(*a));
	if (span_is_dash(f))
		return 0;
	for (size_t i = f.n; i > 0; i--)
		if (f.p[i - 1] == ':') {
			colon = f.p + i - 1;
			break;
		}
	if (!colon)
		goto bad;
	host = (struct span){ f.p, (size_t)(colon - f.p) };
	port = (struct span){ colon + 1, f.n - host.n - 1 };
	if (v6) {
		if (host.n < 2 || host.p[host.n - 1] != ']')
			goto bad;
		host.p++;
		host.n -= 2;
	}
	if (!host.n || host.n >= sizeof(text))
		goto bad;
	memcpy(text, host.p, host.n);
	text[host.n] = '\0';
	if (inet_pton(v6 ? AF_INET6 : AF_INET, text, a->a) != 1)
		goto bad;
	if (parse_u64(c, port, what, &p, e) || p > 65535)
		goto bad;
	a->family = v6 ? ADDR_V6 : ADDR_V4;
	a->port = (uint16_t)p;
	return 0;
bad:
	return err_line(e, c->line, ERR_MALFORMED,
			"%s address \"%s\" is not ADDR:PORT or [ADDR]:PORT", what,
			span_quote(f, q, sizeof(q)));
}
