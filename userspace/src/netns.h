/* SPDX-License-Identifier: GPL-2.0 */
/* netns.h - enter a named network namespace, like "ip netns exec". */
#ifndef TCPLC_NETNS_H
#define TCPLC_NETNS_H

#include "err.h"

#define NETNS_RUN_DIR "/run/netns"

/* Is @name usable as /run/netns/NAME (no '/', not "." or "..", printable)? */
int netns_name_ok(const char *name);
/* setns() into NETNS_RUN_DIR/@name.  Returns 0 or ERR_NETNS/ERR_PERM. */
int netns_enter(const char *name, struct err *e);

#endif
