/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The life of a network namespace: its statistics and its /proc files.
 */
#ifndef _TLC_NETNS_H
#define _TLC_NETNS_H

int tlc_netns_init(void);
void tlc_netns_exit(void);
int tlc_netns_uncounted(void);

#endif /* _TLC_NETNS_H */
