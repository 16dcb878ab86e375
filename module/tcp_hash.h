/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's TCP hash tables of a namespace, walked one bucket at a time
 * under that bucket's lock, as /proc/net/tcp and inet_diag do: a socket in
 * a bucket is alive and stays so while the lock is held.  For the files
 * that count or list live sockets (sockets.c, cgroups.c, listeners_show.c).
 */
#ifndef _TLC_TCP_HASH_H
#define _TLC_TCP_HASH_H

struct net;
struct sock;

/*
 * A socket of the namespace (a listener, a full, timewait or request
 * socket), its bucket locked and BHs off: it may be read, not slept on.
 */
typedef void (*tlc_hash_fn)(const struct sock *sk, void *arg);

unsigned int tlc_hash_buckets(const struct net *net);
void tlc_hash_walk_bucket(const struct net *net, unsigned int i,
			  tlc_hash_fn fn, void *arg);
void tlc_hash_walk(const struct net *net, tlc_hash_fn fn, void *arg);

#endif /* _TLC_TCP_HASH_H */
