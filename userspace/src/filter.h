/* SPDX-License-Identifier: GPL-2.0 */
/*
 * filter.h - socket filter expressions in the spirit of ss(8):
 *
 *   tcplc sockets state close-wait and sport = :8443
 *   tcplc sockets 'dst 10.0.0.0/8 or dst [2001:db8::]/32' comm 'java*'
 *
 * The grammar is in tcplc(8) (FILTERS).  An expression is parsed once from
 * the command line into a small tree of nodes and evaluated on each line of
 * the sockets file.
 */
#ifndef TCPLC_FILTER_H
#define TCPLC_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define FX_MAX 64 /* nodes in one expression */

enum fx_kind { FX_AND, FX_OR, FX_NOT, FX_STATE, FX_SPORT, FX_DPORT, FX_SRC,
	       FX_DST, FX_PID, FX_COMM, FX_AGE, FX_LIFETIME };
enum fx_op { FX_EQ, FX_NE, FX_LT, FX_LE, FX_GT, FX_GE };

struct fx_node {
	uint8_t kind;  /* enum fx_kind */
	uint8_t op;    /* enum fx_op */
	uint8_t plen;  /* FX_SRC/FX_DST: prefix length in bits */
	bool has_port; /* FX_SRC/FX_DST: ADDR:PORT */
	int a, b;      /* FX_AND/FX_OR: operands; FX_NOT: a */
	uint64_t v;    /* port, pid, state, or duration in ns */
	struct sock_addr addr;
	char comm[SOCK_COMM_MAX]; /* fnmatch(3) pattern */
};

struct sock_expr {
	struct fx_node n[FX_MAX];
	int nn, root;
};

/*
 * Parse @argc words (joined, as ss does) into @x.  0, or -1 with an error
 * naming the offending token in @msg.
 */
int sock_expr_parse(char *const *argv, int argc, struct sock_expr *x,
		    char *msg, size_t size);
bool sock_expr_match(const struct sock_expr *x, const struct sock_row *r);

/*
 * DURATION, as tcplc prints them (fmt_dur): one or more NUMBER UNIT (ns,
 * us, ms, s, m, h, d), the number with an optional fraction, e.g. 512ns,
 * 1.50us, 20.0ms, 1.5s, 90s, 45m15s, 1h02m, 3d04h; a bare number is
 * seconds.  In ns (fractions of a ns dropped); -1 if invalid or too long.
 */
int parse_duration(const char *s, uint64_t *ns);

#endif
