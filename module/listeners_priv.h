/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The listeners table's rows, its namespaces' lines and its lock: internal
 * to listeners.c (the table and its events) and listeners_show.c (the
 * file).
 */
#ifndef _TLC_LISTENERS_PRIV_H
#define _TLC_LISTENERS_PRIV_H

#include <linux/build_bug.h>
#include <linux/hash.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/types.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "listeners.h"
#include "stats.h"

/* Rows the reader and a namespace's exit go through per hold of the lock. */
#define TLC_LST_COPY_BATCH	64
/* Buckets of the namespaces' "closed" and "untracked" lines. */
#define TLC_LST_NS_BITS		6

/* A row's flags. */
#define TLC_LST_CLOSED		0x01	/* its listener left LISTEN */
#define TLC_LST_SHOWN		0x02	/* closed, and shown by a read */

/**
 * struct tlc_lst_cnt - what a row counts
 * @cnt: per enum tlc_lst_counter
 * @reasons: children's ends per reason (enum tlc_reason)
 */
struct tlc_lst_cnt {
	u64 cnt[TLC_L_NCOUNTERS];
	u64 reasons[TLC_NREASONS];
};

/**
 * struct tlc_lst_addr - a local address and port
 * @addr: IPv6, or IPv4 in its first word (the rest zero)
 * @port: host order
 * @family: AF_INET or AF_INET6
 */
struct tlc_lst_addr {
	struct in6_addr addr;
	u16 port;
	u8 family;
};

/**
 * struct tlc_lst_row - one listener of one namespace
 * @cnode: in its chain by cookie, or in the free list
 * @pnode: in its chain by port
 * @net: the namespace (compared, never dereferenced); NULL: free
 * @id: its id in the namespace, from 1
 * @cookie: the listener's socket cookie
 * @local: its address
 * @flags: TLC_LST_*
 * @c: its counts
 */
struct tlc_lst_row {
	struct hlist_node cnode;
	struct hlist_node pnode;
	const struct net *net;
	u64 id;
	u64 cookie;
	struct tlc_lst_addr local;
	u8 flags;
	struct tlc_lst_cnt c;
};

/* Documented in Documentation/tcp_lifecycle.rst ("Module parameters"). */
static_assert(sizeof(struct tlc_lst_row) ==
	      80 + 8 * (TLC_L_NCOUNTERS + TLC_NREASONS));

/**
 * struct tlc_lst_ns - a namespace's lines outside the pool
 * @node: in its bucket
 * @net: the namespace
 * @next_id: the last id given
 * @closed: folded rows of closed listeners, and children of folded rows
 * @untracked: the events of listeners that got no row
 */
struct tlc_lst_ns {
	struct hlist_node node;
	const struct net *net;
	u64 next_id;
	struct tlc_lst_cnt closed;
	struct tlc_lst_cnt untracked;
};

/* Guards tlc_lst and every row and namespace line in it. */
extern raw_spinlock_t tlc_lst_lock;

/* Owned by listeners.c; listeners_show.c reads and folds under the lock. */
struct tlc_lst_table {
	struct tlc_lst_row *rows;	/* the pool */
	struct hlist_head *cbuckets;	/* by (net, cookie) */
	struct hlist_head *pbuckets;	/* by (net, port) */
	struct hlist_head nsbuckets[1 << TLC_LST_NS_BITS];
	struct hlist_head free;
	unsigned int capacity;
	unsigned int hash_bits;
	unsigned int hand;		/* where the next fold looks */
	unsigned int used;		/* pool rows in use */
	u64 folded;			/* rows folded into "closed" */
	u64 untracked;			/* listeners that got no row */
	u64 lost_mib;			/* overflow/drop deltas not attributed */
};

extern struct tlc_lst_table tlc_lst;

/* The namespace's lines, or NULL.  Under tlc_lst_lock. */
static inline struct tlc_lst_ns *tlc_lst_ns_find(const struct net *net)
{
	struct tlc_lst_ns *ns;

	hlist_for_each_entry(ns, &tlc_lst.nsbuckets[hash_ptr(net,
							     TLC_LST_NS_BITS)],
			     node)
		if (ns->net == net)
			return ns;
	return NULL;
}

/* A socket's local address; @port in host order. */
static inline void tlc_lst_addr_of(struct tlc_lst_addr *a,
				   const struct sock_common *skc, u16 port)
{
	memset(a, 0, sizeof(*a));
	a->family = skc->skc_family;
	a->port = port;
#if IS_ENABLED(CONFIG_IPV6)
	if (a->family == AF_INET6) {
		a->addr = skc->skc_v6_rcv_saddr;
		return;
	}
#endif
	a->addr.s6_addr32[0] = skc->skc_rcv_saddr;
}

static inline bool tlc_lst_addr_any(const struct tlc_lst_addr *a)
{
	return ipv6_addr_any(&a->addr);
}

void tlc_lst_fold(struct tlc_lst_row *r);

#endif /* _TLC_LISTENERS_PRIV_H */
