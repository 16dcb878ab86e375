/* SPDX-License-Identifier: GPL-2.0 */
/*
 * err.h - error classes.  The class is also the process exit status; the
 * numbers are documented in --help and tcplc(8) and must not change.
 */
#ifndef TCPLC_ERR_H
#define TCPLC_ERR_H

#include <limits.h>
#include <stdio.h>

enum err_code {
	ERR_NONE = 0,
	ERR_IO = 1,        /* other I/O or system error, missing single file */
	ERR_USAGE = 2,     /* bad command line */
	ERR_NOMODULE = 3,  /* <proc>/net/tcp_lifecycle does not exist */
	ERR_PERM = 4,      /* permission denied (reading, or entering a netns) */
	ERR_VERSION = 5,   /* file format version newer than this reader */
	ERR_MALFORMED = 6, /* file does not follow the format */
	ERR_NETNS = 7,     /* named network namespace not found / unusable */
	ERR_PARTIAL = 8,   /* output given, but files were missing or damaged */
};

struct err {
	enum err_code code;
	unsigned long line; /* 1-based line of the offending file, 0 = none */
	char path[PATH_MAX];
	char msg[320];
	char hint[200];
};

/* Set code and message (printf-style); clears line and hint, keeps path. */
int err_set(struct err *e, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same, at a line of the file being parsed. */
int err_line(struct err *e, unsigned long line, enum err_code code,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void err_hint(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "tcplc: PATH:LINE: MSG" and the hint, if any. */
void err_print(const struct err *e, FILE *f);
/* "tcplc: warning: PATH:LINE: MSG (left out)". */
void err_warn(const struct err *e, FILE *f);

#endif
