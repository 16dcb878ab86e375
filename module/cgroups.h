/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connections by the cgroup v2 of the socket's creator: a table of rows
 * keyed by (namespace, cgroup id), allocated at load, and
 * /proc/net/tcp_lifecycle/cgroups.
 */
#ifndef _TLC_CGROUPS_H
#define _TLC_CGROUPS_H

#include <linux/limits.h>
#include <linux/types.h>

struct net;
struct proc_dir_entry;
struct seq_file;
struct sock;

/* The most rows max_cgroups may ask for: a row number must fit a u16. */
#define TLC_MAX_CGROUPS_LIMIT	65534U
/* tlc_cgroups_end_row()'s row of a connection opened in no row. */
#define TLC_CG_ROW_NONE		U16_MAX

int tlc_cgroups_init(unsigned int max_cgroups);
void tlc_cgroups_exit(void);
int tlc_cgroups_net_init(struct net *net);
void tlc_cgroups_net_exit(struct net *net);

void tlc_cgroups_enable(bool on);

/* Probe handlers, interrupts off. */
void tlc_cgroups_open(const struct sock *sk);
void tlc_cgroups_end(const struct sock *sk, int reason);
u16 tlc_cgroups_handover(const struct sock *sk);
void tlc_cgroups_end_row(const struct net *net, u16 row, int reason);

struct proc_dir_entry *tlc_cgroups_create(struct proc_dir_entry *dir);
void tlc_cgroups_status(struct seq_file *m);

#endif /* _TLC_CGROUPS_H */
