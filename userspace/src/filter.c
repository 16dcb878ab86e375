// SPDX-License-Identifier: GPL-2.0
/*
 * filter.c - socket filter expressions (filter.h): a tokenizer over the
 * command line's words and a recursive descent parser,
 *
 *   expr  := conj { "or" conj }
 *   conj  := unary { [ "and" ] unary }
 *   unary := ( "not" | "!" ) unary | "(" expr ")" | term
 *   term  := "state" [ = | != ] STATE
 *          | ( "sport" | "dport" ) [ OP ] [:]PORT
 *          | ( "src" | "dst" ) [ = | != ] ADDR[/LEN] | ADDR:PORT
 *          | "pid" [ OP ] N  |  "comm" [ = | != ] PATTERN
 *          | ( "age" | "lifetime" ) [ OP ] DURATION
 *   OP    := = | == | != | < | <= | > | >= | eq | ne | lt | le | gt | ge
 */
#include <arpa/inet.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

#define TOK_MAX 128

struct fxp {
	char *toks[TOK_MAX];
	int nt, pos;
	char buf[4096];
	struct sock_expr *x;
	char *msg;
	size_t size;
};

static int fail(struct fxp *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct fxp *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->pos < p->nt)
		n = snprintf(p->msg, p->size, "bad filter at '%s': ", p->toks[p->pos]);
	else
		n = snprintf(p->msg, p->size, "bad filter at its end: ");
	if (n < 0 || (size_t)n >= p->size)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->msg + n, p->size - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static bool is_op_char(char c)
{
	return c == '=' || c == '!' || c == '<' || c == '>' || c == '(' || c == ')';
}

/* Words to tokens: blanks separate, ( ) and the operators stand alone. */
static int tokenize(struct fxp *p, char *const *argv, int argc)
{
	size_t o = 0;

	for (int i = 0; i < argc; i++) {
		const char *s = argv[i];

		while (*s) {
			size_t n;

			if (*s == ' ' || *s == '\t' || *s == '\n') {
				s++;
				continue;
			}
			if (*s == '(' || *s == ')')
				n = 1;
			else if (is_op_char(*s))
				n = s[1] == '=' ? 2 : 1;
			else
				for (n = 0; s[n] && !strchr(" \t\n", s[n]) &&
					    !is_op_char(s[n]); n++)
					;
			if (p->nt == TOK_MAX || o + n + 1 > sizeof(p->buf)) {
				p->pos = p->nt;
				return fail(p, "too long (at most %d tokens)", TOK_MAX);
			}
			memcpy(p->buf + o, s, n);
			p->buf[o + n] = '\0';
			p->toks[p->nt++] = p->buf + o;
			o += n + 1;
			s += n;
		}
	}
	return 0;
}

static const char *peek(const struct fxp *p)
{
	return p->pos < p->nt ? p->toks[p->pos] : NULL;
}

static bool take(struct fxp *p, const char *t)
{
	const char *k = peek(p);

	if (k && !strcmp(k, t)) {
		p->pos++;
		return true;
	}
	return false;
}

static int node(struct fxp *p, enum fx_kind kind)
{
	struct fx_node *n;

	if (p->x->nn == FX_MAX)
		return fail(p, "too complex (at most %d terms)", FX_MAX);
	n = &p->x->n[p->x->nn];
	memset(n, 0, sizeof(*n));
	n->kind = (uint8_t)kind;
	return p->x->nn++;
}

/* An optional comparison operator; @eq_only: = and != only. */
static int parse_op(struct fxp *p, bool eq_only, uint8_t *op)
{
	static const struct {
		const char *sym, *word;
		enum fx_op op;
	} ops[] = { { "=", "eq", FX_EQ }, { "==", NULL, FX_EQ }, { "!=", "ne", FX_NE },
		    { "<", "lt", FX_LT }, { "<=", "le", FX_LE }, { ">", "gt", FX_GT },
		    { ">=", "ge", FX_GE } };
	const char *t = peek(p);

	*op = FX_EQ;
	if (!t)
		return 0;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(t, ops[i].sym) && (!ops[i].word || strcmp(t, ops[i].word)))
			continue;
		if (eq_only && ops[i].op != FX_EQ && ops[i].op != FX_NE)
			return fail(p, "only = and != compare this");
		*op = (uint8_t)ops[i].op;
		p->pos++;
		return 0;
	}
	return 0;
}

/* Decimal, digits only, at most @max. */
static int parse_num(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t n = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > (max - (uint64_t)(*s - '0')) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	*v = n;
	return 0;
}

/* ADDR, ADDR/LEN, [V6], [V6]/LEN, V6/LEN, V4:PORT, [V6]:PORT. */
static int parse_net(struct fxp *p, const char *t, struct fx_node *n)
{
	char host[64];
	const char *end, *slash, *colon = NULL;
	size_t hl;
	uint64_t v;
	bool v6;

	if (*t == '[') {
		end = strchr(t, ']');
		if (!end)
			return fail(p, "no ']' after an IPv6 address");
		t++;
		hl = (size_t)(end - t);
		end++;
		if (*end == ':')
			colon = end;
		slash = *end == '/' ? end : NULL;
		if (*end && !colon && !slash)
			return fail(p, "expected ADDR, ADDR/LEN or ADDR:PORT");
	} else {
		slash = strchr(t, '/');
		end = slash ? slash : t + strlen(t);
		colon = memchr(t, ':', (size_t)(end - t));
		/* one colon: V4:PORT; more: an IPv6 address without port */
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;
		hl = (size_t)((colon ? colon : end) - t);
	}
	if (!hl || hl >= sizeof(host))
		return fail(p, "expected an address");
	memcpy(host, t, hl);
	host[hl] = '\0';
	v6 = strchr(host, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, host, n->addr.a) != 1)
		return fail(p, "not an IPv4 or IPv6 address");
	n->addr.family = v6 ? ADDR_V6 : ADDR_V4;
	n->plen = v6 ? 128 : 32;
	if (colon && slash)
		return fail(p, "a port does not combine with /LEN");
	if (colon) {
		if (parse_num(colon + 1, 65535, &v))
			return fail(p, "port must be 0 to 65535");
		n->has_port = true;
		n->addr.port = (uint16_t)v;
	}
	if (slash) {
		if (parse_num(slash + 1, n->plen, &v))
			return fail(p, "prefix length must be 0 to %u", n->plen);
		n->plen = (uint8_t)v;
	}
	return 0;
}

static int parse_term(struct fxp *p)
{
	static const struct {
		const char *word;
		enum fx_kind kind;
	} kw[] = { { "state", FX_STATE }, { "sport", FX_SPORT }, { "dport", FX_DPORT },
		   { "src", FX_SRC }, { "dst", FX_DST }, { "pid", FX_PID },
		   { "comm", FX_COMM }, { "age", FX_AGE }, { "lifetime", FX_LIFETIME } };
	const char *t = peek(p);
	int k = -1, i;
	struct fx_node *n;
	uint64_t ns;

	if (!t)
		return fail(p, "expected a term (state, sport, dport, src, dst, "
			    "pid, comm, age, lifetime)");
	for (size_t j = 0; j < sizeof(kw) / sizeof(kw[0]); j++)
		if (!strcmp(t, kw[j].word))
			k = (int)j;
	if (k < 0)
		return fail(p, "unknown term (state, sport, dport, src, dst, pid, "
			    "comm, age, lifetime)");
	i = node(p, kw[k].kind);
	if (i < 0)
		return -1;
	n = &p->x->n[i];
	p->pos++;
	if (parse_op(p, kw[k].kind == FX_STATE || kw[k].kind == FX_SRC ||
		     kw[k].kind == FX_DST || kw[k].kind == FX_COMM, &n->op))
		return -1;
	t = peek(p);
	if (!t || (strlen(t) == 1 && is_op_char(*t)) || !strcmp(t, "!="))
		return fail(p, "'%s' needs a value", kw[k].word);
	switch (n->kind) {
	case FX_STATE: {
		int st = state_lookup_arg(t);

		if (st < 0)
			return fail(p, "unknown state (ESTABLISHED SYN_SENT SYN_RECV "
				    "FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE CLOSE_WAIT "
				    "LAST_ACK LISTEN CLOSING NEW_SYN_RECV)");
		n->v = (uint64_t)st;
		break;
	}
	case FX_SPORT:
	case FX_DPORT:
		if (parse_num(t + (*t == ':'), 65535, &n->v))
			return fail(p, "expected a port, :N or N (0 to 65535)");
		break;
	case FX_SRC:
	case FX_DST:
		if (parse_net(p, t, n))
			return -1;
		break;
	case FX_PID:
		if (parse_num(t, UINT32_MAX, &n->v))
			return fail(p, "expected a process id");
		break;
	case FX_COMM:
		if (strlen(t) >= SOCK_COMM_MAX)
			return fail(p, "command names are at most %d characters",
				    SOCK_COMM_MAX - 1);
		strcpy(n->comm, t);
		break;
	case FX_AGE:
	case FX_LIFETIME:
		if (parse_duration(t, &ns))
			return fail(p, "expected a duration (e.g. 250ms, 1.5s, 5m, "
				    "1h30m)");
		n->v = ns;
		break;
	}
	p->pos++;
	return i;
}

static int parse_expr(struct fxp *p, int depth);

static int parse_unary(struct fxp *p, int depth)
{
	int i, a;

	if (depth > 32)
		return fail(p, "nested too deeply");
	if (take(p, "not") || take(p, "!")) {
		a = parse_unary(p, depth + 1);
		if (a < 0)
			return -1;
		i = node(p, FX_NOT);
		if (i >= 0)
			p->x->n[i].a = a;
		return i;
	}
	if (take(p, "(")) {
		a = parse_expr(p, depth + 1);
		if (a < 0)
			return -1;
		if (!take(p, ")"))
			return fail(p, "expected ')'");
		return a;
	}
	return parse_term(p);
}

static int binary(struct fxp *p, enum fx_kind kind, int a, int b)
{
	int i = node(p, kind);

	if (i >= 0) {
		p->x->n[i].a = a;
		p->x->n[i].b = b;
	}
	return i;
}

static int parse_conj(struct fxp *p, int depth)
{
	int a = parse_unary(p, depth), b;

	while (a >= 0) {
		const char *t = peek(p);

		if (!t || !strcmp(t, "or") || !strcmp(t, ")"))
			break;
		take(p, "and");
		b = parse_unary(p, depth);
		if (b < 0)
			return -1;
		a = binary(p, FX_AND, a, b);
	}
	return a;
}

static int parse_expr(struct fxp *p, int depth)
{
	int a = parse_conj(p, depth), b;

	while (a >= 0 && take(p, "or")) {
		b = parse_conj(p, depth);
		if (b < 0)
			return -1;
		a = binary(p, FX_OR, a, b);
	}
	return a;
}

int sock_expr_parse(char *const *argv, int argc, struct sock_expr *x,
		    char *msg, size_t size)
{
	struct fxp *p = calloc(1, sizeof(*p));
	int r = -1;

	if (!p) {
		snprintf(msg, size, "out of memory");
		return -1;
	}
	p->x = x;
	p->msg = msg;
	p->size = size;
	x->nn = 0;
	if (tokenize(p, argv, argc))
		goto out;
	x->root = parse_expr(p, 0);
	if (x->root < 0)
		goto out;
	if (p->pos < p->nt) {
		fail(p, "%s", !strcmp(p->toks[p->pos], ")") ? "unbalanced ')'"
				: "expected 'and', 'or' or the end");
		goto out;
	}
	r = 0;
out:
	free(p);
	return r;
}

static bool cmp(uint8_t op, uint64_t a, uint64_t b)
{
	switch (op) {
	case FX_NE: return a != b;
	case FX_LT: return a < b;
	case FX_LE: return a <= b;
	case FX_GT: return a > b;
	case FX_GE: return a >= b;
	default: return a == b;
	}
}

static bool net_match(const struct fx_node *n, const struct sock_addr *a)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	const uint8_t *bytes = a->a;
	unsigned full, rest;

	if (a->family == ADDR_NONE)
		return false;
	if (a->family != n->addr.family) {
		/* an IPv4 network also matches IPv4-mapped IPv6 addresses */
		if (n->addr.family != ADDR_V4 || memcmp(a->a, mapped, 12))
			return false;
		bytes = a->a + 12;
	}
	if (n->has_port && a->port != n->addr.port)
		return false;
	full = n->plen / 8;
	rest = n->plen % 8;
	if (memcmp(bytes, n->addr.a, full))
		return false;
	return !rest || !((bytes[full] ^ n->addr.a[full]) & (0xff00u >> rest));
}

static bool eval(const struct sock_expr *x, int i, const struct sock_row *r)
{
	const struct fx_node *n = &x->n[i];
	bool m;

	switch (n->kind) {
	case FX_AND:
		return eval(x, n->a, r) && eval(x, n->b, r);
	case FX_OR:
		return eval(x, n->a, r) || eval(x, n->b, r);
	case FX_NOT:
		return !eval(x, n->a, r);
	case FX_STATE:
		return cmp(n->op, r->state, n->v);
	case FX_SPORT:
		return r->local.family && cmp(n->op, r->local.port, n->v);
	case FX_DPORT:
		return r->remote.family && cmp(n->op, r->remote.port, n->v);
	case FX_SRC:
	case FX_DST:
		m = net_match(n, n->kind == FX_SRC ? &r->local : &r->remote);
		return n->op == FX_NE ? !m : m;
	case FX_PID:
		return (r->known & SK_PID) && cmp(n->op, r->pid, n->v);
	case FX_COMM:
		m = r->comm[0] && !fnmatch(n->comm, r->comm, 0);
		return n->op == FX_NE ? !m : m;
	case FX_AGE:
		return (r->known & SK_AGE) && cmp(n->op, r->age, n->v);
	case FX_LIFETIME:
		return (r->known & SK_LIFETIME) && cmp(n->op, r->lifetime, n->v);
	}
	return false;
}

bool sock_expr_match(const struct sock_expr *x, const struct sock_row *r)
{
	return !x || !x->nn || eval(x, x->root, r);
}

int parse_duration(const char *s, uint64_t *ns)
{
	static const struct {
		const char *unit;
		uint64_t ns;
	} units[] = { { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 },
		      { "s", 1000000000 }, { "m", 60000000000ULL },
		      { "h", 3600000000000ULL }, { "d", 86400000000000ULL } };
	const char *p = s;
	uint64_t total = 0;

	if (!*p)
		return -1;
	while (*p) {
		uint64_t v = 0, frac = 0, scale = 1, mult = 0;

		if (*p < '0' || *p > '9')
			return -1;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
				return -1;
			v = v * 10 + (uint64_t)(*p - '0');
		}
		if (*p == '.') {
			if (p[1] < '0' || p[1] > '9')
				return -1;
			for (p++; *p >= '0' && *p <= '9'; p++)
				if (scale < 1000000000000000000ULL) {
					frac = frac * 10 + (uint64_t)(*p - '0');
					scale *= 10;
				}
		}
		if (!*p && p - s == (ptrdiff_t)strlen(s) && total == 0 &&
		    strspn(s, "0123456789.") == strlen(s))
			mult = 1000000000; /* a bare number: seconds */
		for (size_t k = 0; !mult && k < sizeof(units) / sizeof(units[0]); k++) {
			size_t n = strlen(units[k].unit);

			if (!strncmp(p, units[k].unit, n) && (p[n] < 'a' || p[n] > 'z')) {
				mult = units[k].ns;
				p += n;
			}
		}
		if (!mult || v > (UINT64_MAX - total) / mult)
			return -1;
		total += v * mult;
		/* frac / scale of a unit, rounded down, without overflow */
		v = (uint64_t)((long double)frac * (long double)mult / (long double)scale);
		if (v > UINT64_MAX - total)
			return -1;
		total += v;
	}
	*ns = total;
	return 0;
}
