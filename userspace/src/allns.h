/* SPDX-License-Identifier: GPL-2.0 */
/* allns.h - one view of every network namespace (--all-netns). */
#ifndef TCPLC_ALLNS_H
#define TCPLC_ALLNS_H

#include "err.h"
#include "opts.h"

/*
 * Render @o's view for every namespace netns_list() finds, read through
 * <proc root>/PID/net: text in one group per namespace, JSON one object
 * per namespace and line, Prometheus one exposition whose samples carry a
 * netns label.  A namespace that cannot be read is left out with a warning
 * (exit ERR_PARTIAL); when none can, its error is returned.
 */
int allns_run(const struct options *o, struct err *e);

#endif
