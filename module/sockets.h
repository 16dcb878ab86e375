/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/net/tcp_lifecycle/sockets: the tracked sockets of a namespace.
 */
#ifndef _TLC_SOCKETS_H
#define _TLC_SOCKETS_H

struct proc_dir_entry;

struct proc_dir_entry *tlc_sockets_create(struct proc_dir_entry *dir);

#endif /* _TLC_SOCKETS_H */
