/* SPDX-License-Identifier: GPL-2.0 */
/* opts.h - command-line options (the only program-wide state, set once in main). */
#ifndef TCPLC_OPTS_H
#define TCPLC_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct view;

enum out_fmt { FMT_TEXT, FMT_JSON, FMT_PROM };

struct options {
	const char *proc_root;   /* default "/proc"; --proc-root, TCPLC_PROC_ROOT */
	const char *netns;       /* -N NAME or NULL */
	const struct view *view;
	enum out_fmt fmt;
	bool zeros;              /* -z: show all-zero rows/columns */
	unsigned state_mask;     /* states named as arguments (hist); 0: none */
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
