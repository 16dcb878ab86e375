/* SPDX-License-Identifier: GPL-2.0 */
/*
 * alerts.h - conditions the summary calls out on "!" lines.  The thresholds
 * are documented in --help and tcplc(8); keep them in sync.
 */
#ifndef TCPLC_ALERTS_H
#define TCPLC_ALERTS_H

#include <stddef.h>

#include "model.h"
#include "stats.h"

/* CLOSE_WAIT now > 0 and the longest CLOSE_WAIT dwell (finished, or of a
 * socket still there: the states file's "oldest") above this: the
 * application does not close() sockets whose peer has closed. */
#define ALERT_CLOSE_WAIT_MAX_NS (60 * NSEC_PER_SEC)
/* TIME_WAIT sockets now above this. */
#define ALERT_TIME_WAIT_NOW 10000
/* SYN_RECV or NEW_SYN_RECV sockets now above this (SYN flood, slow accept). */
#define ALERT_SYN_RECV_NOW 1000
/* untracked above this: the module's table (max_tracked) is too small. */
#define ALERT_UNTRACKED 0

#define ALERTS_MAX 8

struct alert {
	const char *id;    /* stable identifier for JSON */
	int state;         /* enum tcp_state, or -1 */
	char msg[200];
};

/* Needs FILE_STATES, FILE_HIST and FILE_COUNTERS totals.  Returns count. */
size_t alerts_eval(const struct snapshot *s, struct alert *out, size_t max);

#endif
