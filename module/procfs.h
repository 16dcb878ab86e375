/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/net/tcp_lifecycle/: one directory per network namespace.
 */
#ifndef _TLC_PROCFS_H
#define _TLC_PROCFS_H

struct net;

int tlc_procfs_net_init(struct net *net);
void tlc_procfs_net_exit(struct net *net);

#endif /* _TLC_PROCFS_H */
