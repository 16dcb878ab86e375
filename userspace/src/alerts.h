/* SPDX-License-Identifier: GPL-2.0 */
/*
 * alerts.h - conditions the summary calls out on "!" lines.  The thresholds
 * are documented in --help and tcplc(8); keep them in sync.
 */
#ifndef TCPLC_ALERTS_H
#define TCPLC_ALERTS_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "stats.h"

/* CLOSE_WAIT sockets now, the oldest there for longer than this (without
 * the states file's "oldest" column: the longest finished CLOSE_WAIT
 * dwell): the application does not close() sockets whose peer has closed. */
#define ALERT_CLOSE_WAIT_NS (60 * NSEC_PER_SEC)
/* TIME_WAIT sockets now above this. */
#define ALERT_TIME_WAIT_NOW 10000
/* SYN_RECV or NEW_SYN_RECV sockets now above this (SYN flood, lost ACKs). */
#define ALERT_SYN_RECV_NOW 1000
/* Request sockets dropped by their timer: in watch mode any in the interval;
 * else more than this percentage of those created. */
#define ALERT_SYNRECV_TIMEOUT_PCT 1
/* untracked + synrecv_untracked above this: the table (max_tracked) is too
 * small. */
#define ALERT_UNTRACKED 0
/* port_exhausted above this: connect() found no free local port. */
#define ALERT_PORT_EXHAUSTED 0
/* Connections ended by retransmission or keepalive timeout above this: the
 * peer vanished (dead peers). */
#define ALERT_DEAD_PEERS 0

/* ESTABLISHED sockets without keepalive above this, the longest idle of
 * them idle for longer than ALERT_KEEPALIVE_OFF_IDLE_NS: their dead peers
 * are never noticed while no data flows. */
#define ALERT_KEEPALIVE_OFF 100
#define ALERT_KEEPALIVE_OFF_IDLE_NS (600 * NSEC_PER_SEC)

/* Accept queue overflows + SYN drops over every listener above this
 * (the listeners file; since the module loaded). */
#define ALERT_LISTEN_DROPS 0

#define ALERTS_MAX 12

/*
 * The thresholds in use: the defaults above, changed by --threshold
 * NAME=VALUE and --config FILE (set once in main).
 */
struct alert_thresholds {
	uint64_t close_wait_ns, time_wait_now, syn_recv_now, synrecv_timeout_pct,
		untracked, port_exhausted, dead_peers, keepalive_off,
		keepalive_off_idle_ns, listen_drops;
};
extern struct alert_thresholds alert_thr;

/*
 * Set threshold NAME (close_wait_age, time_wait, syn_recv,
 * synrecv_timeout_pct, untracked, port_exhausted, dead_peers,
 * keepalive_off, keepalive_off_idle, listen_drops) from "NAME=VALUE" (durations for
 * the _age and _idle ones).  0, or -1 with a message in @msg.
 */
int alert_threshold_set(const char *assignment, char *msg, size_t size);

struct alert {
	const char *id;    /* stable identifier for JSON */
	int state;         /* enum tcp_state, or -1 */
	/* what was compared with what: seconds (close_wait_stuck), percent
	 * (synrecv_timeout outside watch mode), else a count */
	double value, threshold;
	char msg[640];
};

/*
 * Needs FILE_STATES, FILE_HIST and FILE_COUNTERS totals in @s; uses the
 * reasons and the newer counters when present.  @delta: in watch mode, the
 * interval's deltas, else NULL.  Returns the number of alerts.
 */
/*
 * The keepalive_off alert's message into @msg, if @s (totals, with the
 * keepalive file) calls for it; else false.
 */
bool alert_keepalive_off(const struct snapshot *s, char *msg, size_t size);

size_t alerts_eval(const struct snapshot *s, const struct snapshot *delta,
		   struct alert *out, size_t max);

#endif
