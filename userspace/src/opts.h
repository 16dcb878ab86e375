/* SPDX-License-Identifier: GPL-2.0 */
/* opts.h - command-line options (the only program-wide state, set once in main). */
#ifndef TCPLC_OPTS_H
#define TCPLC_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "filter.h"
#include "model.h"

struct view;

enum out_fmt { FMT_TEXT, FMT_JSON, FMT_PROM };

enum sock_sort { SORT_AGE, SORT_LIFETIME };

struct options {
	const char *proc_root;   /* default "/proc"; --proc-root, TCPLC_PROC_ROOT */
	const char *netns;       /* -N NAME or NULL; --all-netns: each one's label */
	bool all_netns;          /* --all-netns */
	const char *output;      /* -o FILE or NULL (stdout) */
	const struct view *view;
	unsigned files;          /* FILE_* bits to read: the view's, adjusted */
	unsigned optional;       /* FILE_* bits read if they exist */
	enum out_fmt fmt;
	uint64_t le_mask;        /* --buckets: struct prom's le_mask */
	bool zeros;              /* -z: show all-zero rows/columns */
	unsigned state_mask;     /* states named as arguments (hist); 0: none */
	unsigned reason_mask;    /* reasons named as arguments; 0: none */
	bool raw;                /* transitions --raw: the kernel's view */
	bool list;               /* transitions --list: from to count lines */
	bool hist;               /* reasons, keepalive --hist: histograms */
	struct sock_filter filter; /* sockets --state, --older-than, expression */
	struct sock_expr expr;   /* sockets FILTER...; filter.expr points here */
	enum sock_sort sort;     /* sockets --sort */
	uint64_t limit;          /* sockets -n N; 0: all */
	size_t max_labels;       /* --max-labels N: listeners, cgroups (Prometheus) */
	double interval;         /* -i SEC; > 0 selects watch mode */
	uint64_t count;          /* -c N reports; 0: until interrupted */
	/*
	 * Testing hook, env TCPLC_TEST_SERIES=EPOCH (watch mode only): sample k
	 * (k = 0 is the baseline) is read from "<proc root>.k", nothing sleeps,
	 * sample k is stamped EPOCH + k * interval and every interval lasts
	 * exactly -i seconds, so the output is reproducible.
	 */
	bool test_series;
	time_t test_epoch;
};

#endif
