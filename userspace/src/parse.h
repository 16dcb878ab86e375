/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parse.h - parsers for the /proc/net/tcp_lifecycle files.
 *
 * Every parser takes the whole file content (any bytes, not NUL-terminated),
 * fills its part of @s and returns 0, or an enum err_code with @e set to the
 * line number and message.  Parsers never exit.  parse_sockets allocates
 * s->sockets.rows (freed by snapshot_free() whatever it returns) and keeps
 * the sockets that pass s->filter; parse_listeners and parse_cgroups
 * allocate their rows on success only.
 */
#ifndef TCPLC_PARSE_H
#define TCPLC_PARSE_H

#include <stddef.h>

#include "err.h"
#include "model.h"

typedef int (*parse_fn)(const char *buf, size_t len, struct snapshot *s,
			struct err *e);

struct file_desc {
	const char *name; /* file name under <proc>/net/tcp_lifecycle/ */
	enum file_bit bit;
	parse_fn parse;
	/* readable by privileged readers only (0600): when it is optional,
	 * permission denied leaves it out silently, as if it did not exist */
	bool privileged;
};

extern const struct file_desc file_table[];
extern const size_t file_table_len;

int parse_states(const char *buf, size_t len, struct snapshot *s, struct err *e);
int parse_keepalive_idle(const char *buf, size_t len, struct snapshot *s,
			 struct err *e);
int parse_transitions(const char *buf, size_t len, struct snapshot *s,
		      struct err *e);
int parse_transitions_raw(const char *buf, size_t len, struct snapshot *s,
			  struct err *e);
int parse_hist(const char *buf, size_t len, struct snapshot *s, struct err *e);
int parse_reasons(const char *buf, size_t len, struct snapshot *s,
		  struct err *e);
int parse_counters(const char *buf, size_t len, struct snapshot *s,
		   struct err *e);
int parse_keepalive(const char *buf, size_t len, struct snapshot *s,
		    struct err *e);
int parse_resets(const char *buf, size_t len, struct snapshot *s,
		 struct err *e);
int parse_sockets(const char *buf, size_t len, struct snapshot *s,
		  struct err *e);
int parse_listeners(const char *buf, size_t len, struct snapshot *s,
		    struct err *e);
int parse_cgroups(const char *buf, size_t len, struct snapshot *s,
		  struct err *e);

#endif
