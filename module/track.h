/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-socket tracking: when did each socket enter its current state.
 */
#ifndef _TLC_TRACK_H
#define _TLC_TRACK_H

#include <linux/types.h>

struct net;
struct tlc_event;

int tlc_track_init(unsigned int max_tracked);
void tlc_track_exit(void);

void tlc_track_change(const void *sk, const struct net *net, int oldstate,
		      int newstate, u64 now, struct tlc_event *ev);
void tlc_track_purge_net(const struct net *net);
void tlc_track_occupancy(const struct net *net, u64 now,
			 u64 count[], u64 oldest[]);

unsigned int tlc_track_capacity(void);
unsigned int tlc_track_used(void);
u64 tlc_track_stale(void);

#endif /* _TLC_TRACK_H */
