/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracking table's entries and their free pool: internal to track.c
 * and track_pool.c.
 */
#ifndef _TLC_TRACK_POOL_H
#define _TLC_TRACK_POOL_H

#include <linux/build_bug.h>
#include <linux/limits.h>
#include <linux/types.h>

#include "track.h"

#define TLC_NIL		U32_MAX

/* The key and the namespace are compared, never dereferenced (see the top
 * of track.c).  64 bytes: one cache line.
 */
struct tlc_entry {
	const void *key;
	const struct net *net;
	struct tlc_sock_info info;
	u32 cookie;	/* the low half of the socket's cookie, from its birth */
	u32 next;
};

static_assert(sizeof(struct tlc_entry) <= 64);

/* Owned by track_pool.c; indexed by tlc_entry() only. */
extern struct tlc_entry *tlc_pool_entries;

/* The entry at @idx, below the capacity given to tlc_pool_init(). */
static inline struct tlc_entry *tlc_entry(u32 idx)
{
	return &tlc_pool_entries[idx];
}

u32 tlc_entry_get(void);
void tlc_entry_put(u32 idx);
unsigned int tlc_pool_used(void);
int tlc_pool_init(unsigned int capacity);
void tlc_pool_exit(void);

#endif /* _TLC_TRACK_POOL_H */
