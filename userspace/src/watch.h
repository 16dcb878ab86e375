/* SPDX-License-Identifier: GPL-2.0 */
/* watch.h - -i/--interval: periodic samples, printed as deltas and rates. */
#ifndef TCPLC_WATCH_H
#define TCPLC_WATCH_H

#include "err.h"
#include "opts.h"

/*
 * Read a baseline, then every o->interval seconds read again and render the
 * difference, o->count times (0: until SIGINT/SIGTERM, which end it with
 * status 0).  Returns 0 or an err_code.
 */
int watch_run(const struct options *o, struct err *e);

#endif
