/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the three parts of a connection's life share: internal to
 * lifecycle.c (full sockets), lifecycle_reqsk.c (request sockets) and
 * lifecycle_tw.c (timewait sockets).
 */
#ifndef _TLC_LIFECYCLE_PRIV_H
#define _TLC_LIFECYCLE_PRIV_H

#include <linux/string.h>
#include <linux/types.h>

#include "track.h"

/* A new entry for a socket born in @state now: birth and state times. */
static inline void tlc_born(struct tlc_sock_info *info, int state, u8 kind,
			    u64 now)
{
	memset(info, 0, sizeof(*info));
	info->state = state;
	info->kind = kind;
	info->state_ts = now;
	info->birth_ts = now;
}

#endif /* _TLC_LIFECYCLE_PRIV_H */
