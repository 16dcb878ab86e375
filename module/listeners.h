/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connections by listening socket: a table of rows keyed by (namespace,
 * listener's cookie), allocated at load, and
 * /proc/net/tcp_lifecycle/listeners.
 */
#ifndef _TLC_LISTENERS_H
#define _TLC_LISTENERS_H

#include <linux/types.h>

struct inet_timewait_sock;
struct net;
struct proc_dir_entry;
struct seq_file;
struct sock;

/* The most rows max_listeners may ask for. */
#define TLC_MAX_LISTENERS_LIMIT	65536U

/* What a listener's row counts (the file's columns of the same names). */
enum tlc_lst_counter {
	TLC_L_REQ_CREATED,
	TLC_L_REQ_COMPLETED,
	TLC_L_REQ_TIMEOUT,
	TLC_L_REQ_RST,
	TLC_L_REQ_OTHER,
	TLC_L_SYNACK_RETRANS,
	TLC_L_COOKIES_SENT,
	TLC_L_OVERFLOWS,
	TLC_L_DROPS,
	TLC_L_ACCEPTED,
	TLC_L_NCOUNTERS,
};

int tlc_listeners_init(unsigned int max_listeners);
void tlc_listeners_exit(void);
int tlc_listeners_net_init(struct net *net);
void tlc_listeners_net_exit(struct net *net);

/* Probe handlers, interrupts off. */
u64 tlc_listeners_cookie(const struct sock *listener);
void tlc_listeners_listen(const struct sock *sk);
void tlc_listeners_close(const struct sock *sk);
void tlc_listeners_count(const struct sock *listener, int what);
void tlc_listeners_count_cookie(const struct net *net, u64 cookie, int what,
				u64 n);
void tlc_listeners_child(const struct sock *child, int what);
void tlc_listeners_end_sk(const struct sock *child, int reason);
void tlc_listeners_end_tw(const struct inet_timewait_sock *tw, int reason);
void tlc_listeners_lost_mib(void);

struct proc_dir_entry *tlc_listeners_create(struct proc_dir_entry *dir);
void tlc_listeners_status(struct seq_file *m);

#endif /* _TLC_LISTENERS_H */
