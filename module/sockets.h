/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/net/tcp_lifecycle/sockets: the tracked sockets of a namespace.
 */
#ifndef _TLC_SOCKETS_H
#define _TLC_SOCKETS_H

struct net;
struct proc_dir_entry;
struct sock;
struct tlc_sock_info;

/* A tracked socket found alive in the kernel's TCP hash tables. */
typedef void (*tlc_live_fn)(const struct sock *sk,
			    const struct tlc_sock_info *info, void *arg);

void tlc_sockets_walk(const struct net *net, tlc_live_fn fn, void *arg);
struct proc_dir_entry *tlc_sockets_create(struct proc_dir_entry *dir);

#endif /* _TLC_SOCKETS_H */
