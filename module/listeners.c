// SPDX-License-Identifier: GPL-2.0
/*
 * Connections by listening socket: which service drops SYNs, overflows its
 * accept queue, leaks CLOSE_WAIT.
 *
 * Each listener of a namespace gets a row when it enters LISTEN (or, for
 * one that predates the module, at its first counted event): a stable id
 * (per namespace, ascending, never reused), its address and port, and the
 * counts of its request sockets (created, completed, ended), SYN-ACKs
 * sent again, SYN cookies sent, accept-queue overflows and drops, children
 * accepted and the close reasons of its children.  A row is found by the
 * listener's socket cookie (identity: the socket's memory is reused, its
 * cookie is not), never by its address.  The rows are a pool of
 * max_listeners, over all namespaces, allocated at load; one lock guards
 * them, taken with interrupts off for a bounded time (a hash chain, or a
 * fold).  A listener that closes keeps its row, marked closed, until a
 * read of the file has shown it; the next read folds it into the
 * namespace's "closed" line.  A listener that finds the pool empty folds a
 * closed row (looking at no more than TLC_LST_FOLD_SCAN rows past a clock
 * hand), and failing that is counted in the namespace's "untracked" line,
 * with every event of it.  Both lines are made with the namespace (charged
 * to it), outside the pool.
 *
 * Children carry no row: the tracking table's entry has no room for one.
 * A child is its listener's by address: the row of the same family and
 * local port whose address is the child's or the wildcard, an open row
 * before a closed one, the newest first (listeners sharing a port with
 * SO_REUSEPORT share their children in the newest one's row).  A full
 * socket's end counts only for a child (TLC_SF_PASSIVE), in the "closed"
 * line if its listener's row was folded; a timewait socket's end counts
 * for the row its address finds, if any.
 *
 * The "now" columns are counted when the file is read, from the kernel's
 * TCP hash tables, one bucket at a time under its lock: the accept queue
 * of each live listener (matched by cookie), the request sockets (by their
 * listener's cookie) and the children in ESTABLISHED and CLOSE_WAIT (by
 * address).
 */

#include <linux/hash.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sock_diag.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <net/inet_hashtables.h>
#include <net/inet_sock.h>
#include <net/inet_timewait_sock.h>
#include <net/net_namespace.h>
#include <net/request_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "compat.h"
#include "listeners.h"
#include "stats.h"
#include "track.h"

/* Rows a fold looks at, at most, for a closed one. */
#define TLC_LST_FOLD_SCAN	16
/* Rows the reader copies per hold of the lock. */
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

static DEFINE_RAW_SPINLOCK(tlc_lst_lock);

static struct {
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
} tlc_lst;

static struct hlist_head *tlc_lst_cbucket(const struct net *net, u64 cookie)
{
	return &tlc_lst.cbuckets[hash_64(cookie ^ (u64)(uintptr_t)net,
					 tlc_lst.hash_bits)];
}

static struct hlist_head *tlc_lst_pbucket(const struct net *net, u16 port)
{
	return &tlc_lst.pbuckets[hash_64(port ^ (u64)(uintptr_t)net,
					 tlc_lst.hash_bits)];
}

/* The namespace's lines, or NULL.  Under tlc_lst_lock. */
static struct tlc_lst_ns *tlc_lst_ns_find(const struct net *net)
{
	struct tlc_lst_ns *ns;

	hlist_for_each_entry(ns, &tlc_lst.nsbuckets[hash_ptr(net,
							     TLC_LST_NS_BITS)],
			     node)
		if (ns->net == net)
			return ns;
	return NULL;
}

/* The newest row of (@net, @cookie), or NULL.  Under tlc_lst_lock. */
static struct tlc_lst_row *tlc_lst_by_cookie(const struct net *net,
					     u64 cookie)
{
	struct tlc_lst_row *r;

	hlist_for_each_entry(r, tlc_lst_cbucket(net, cookie), cnode)
		if (r->net == net && r->cookie == cookie)
			return r;
	return NULL;
}

/* A socket's local address; @port in host order. */
static void tlc_lst_addr_of(struct tlc_lst_addr *a,
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

static bool tlc_lst_addr_any(const struct tlc_lst_addr *a)
{
	return ipv6_addr_any(&a->addr);
}

/*
 * The row a child at @a belongs to: same family and port, the child's
 * address or the wildcard; open before closed, exact before wildcard,
 * newest first.  NULL if none.  Under tlc_lst_lock.
 */
static struct tlc_lst_row *tlc_lst_by_addr(const struct net *net,
					   const struct tlc_lst_addr *a)
{
	struct tlc_lst_row *r, *best = NULL;
	int score, best_score = 0;

	hlist_for_each_entry(r, tlc_lst_pbucket(net, a->port), pnode) {
		if (r->net != net || r->local.port != a->port ||
		    r->local.family != a->family)
			continue;
		if (ipv6_addr_equal(&r->local.addr, &a->addr))
			score = 2;
		else if (tlc_lst_addr_any(&r->local))
			score = 1;
		else
			continue;
		if (!(r->flags & TLC_LST_CLOSED))
			score += 4;
		if (score > best_score) {
			best = r;
			best_score = score;
		}
	}
	return best;
}

static void tlc_lst_add(struct tlc_lst_cnt *to, const struct tlc_lst_cnt *from)
{
	int i;

	for (i = 0; i < TLC_L_NCOUNTERS; i++)
		to->cnt[i] += from->cnt[i];
	for (i = 0; i < TLC_NREASONS; i++)
		to->reasons[i] += from->reasons[i];
}

/* Fold row @r into its namespace's "closed" line, and free it. */
static void tlc_lst_fold(struct tlc_lst_row *r)
{
	struct tlc_lst_ns *ns = tlc_lst_ns_find(r->net);

	if (ns)
		tlc_lst_add(&ns->closed, &r->c);
	hlist_del(&r->cnode);
	hlist_del(&r->pnode);
	r->net = NULL;
	hlist_add_head(&r->cnode, &tlc_lst.free);
	tlc_lst.folded++;
	tlc_lst.used--;
}

/* A free row, folding a closed one if need be, or NULL.  Under the lock. */
static struct tlc_lst_row *tlc_lst_alloc(void)
{
	struct tlc_lst_row *r;
	int i;

	for (i = 0; hlist_empty(&tlc_lst.free) && i < TLC_LST_FOLD_SCAN;
	     i++) {
		r = &tlc_lst.rows[tlc_lst.hand];
		tlc_lst.hand = (tlc_lst.hand + 1) % tlc_lst.capacity;
		if (r->net && (r->flags & TLC_LST_CLOSED))
			tlc_lst_fold(r);
	}
	if (hlist_empty(&tlc_lst.free))
		return NULL;
	r = hlist_entry(tlc_lst.free.first, struct tlc_lst_row, cnode);
	hlist_del(&r->cnode);
	return r;
}

/* Set @r's address from its live listener @sk. */
static void tlc_lst_set_local(struct tlc_lst_row *r, const struct sock *sk)
{
	struct tlc_lst_addr a;

	tlc_lst_addr_of(&a, &sk->__sk_common, READ_ONCE(sk->sk_num));
	if (!memcmp(&a, &r->local, sizeof(a)))
		return;
	hlist_del(&r->pnode);
	r->local = a;
	hlist_add_head(&r->pnode, tlc_lst_pbucket(r->net, a.port));
}

/*
 * A new row for the listener @sk (@cookie), or NULL (counted if @listen:
 * at its listen; a later try for it fails again while the table is full):
 * the namespace's "untracked" line takes its events.  Under the lock.
 */
static struct tlc_lst_row *tlc_lst_new(struct tlc_lst_ns *ns,
				       const struct sock *sk, u64 cookie,
				       bool listen)
{
	struct tlc_lst_row *r = tlc_lst_alloc();

	if (!r) {
		tlc_lst.untracked += listen;
		return NULL;
	}
	memset(r, 0, sizeof(*r));
	r->net = ns->net;
	r->id = ++ns->next_id;
	r->cookie = cookie;
	tlc_lst_addr_of(&r->local, &sk->__sk_common, READ_ONCE(sk->sk_num));
	hlist_add_head(&r->cnode, tlc_lst_cbucket(r->net, cookie));
	hlist_add_head(&r->pnode, tlc_lst_pbucket(r->net, r->local.port));
	tlc_lst.used++;
	return r;
}

/**
 * tlc_listeners_cookie() - a listener's socket cookie, made if need be
 * @listener: the listener, alive
 *
 * Return: its cookie, never 0.
 */
u64 tlc_listeners_cookie(const struct sock *listener)
{
	u32 c[2];

	sock_diag_save_cookie((struct sock *)listener, c);
	return (u64)c[1] << 32 | c[0];
}

/**
 * tlc_listeners_listen() - a socket enters LISTEN
 * @sk: the socket (its port may be chosen only after this)
 *
 * Context: a probe handler, interrupts off; @sk's namespace is counted.
 */
void tlc_listeners_listen(const struct sock *sk)
{
	const struct net *net = sock_net(sk);
	u64 cookie = tlc_listeners_cookie(sk);
	struct tlc_lst_row *r;
	struct tlc_lst_ns *ns;

	raw_spin_lock(&tlc_lst_lock);
	ns = tlc_lst_ns_find(net);
	r = tlc_lst_by_cookie(net, cookie);
	if (ns && (!r || (r->flags & TLC_LST_CLOSED)))
		tlc_lst_new(ns, sk, cookie, true);
	raw_spin_unlock(&tlc_lst_lock);
}

/**
 * tlc_listeners_close() - a listener leaves LISTEN
 * @sk: the socket
 *
 * Context: as tlc_listeners_listen().
 */
void tlc_listeners_close(const struct sock *sk)
{
	u64 cookie = atomic64_read(&sk->sk_cookie);
	struct tlc_lst_row *r;

	if (!cookie)
		return;
	raw_spin_lock(&tlc_lst_lock);
	r = tlc_lst_by_cookie(sock_net(sk), cookie);
	if (r)
		r->flags |= TLC_LST_CLOSED;
	raw_spin_unlock(&tlc_lst_lock);
}

/**
 * tlc_listeners_count() - count one event of a listener
 * @listener: the listener, alive
 * @what: enum tlc_lst_counter
 *
 * A listener without a row (it predates the module) gets one now.
 *
 * Context: as tlc_listeners_listen().
 */
void tlc_listeners_count(const struct sock *listener, int what)
{
	const struct net *net = sock_net(listener);
	u64 cookie = tlc_listeners_cookie(listener);
	struct tlc_lst_row *r;
	struct tlc_lst_ns *ns;

	if (what < 0 || what >= TLC_L_NCOUNTERS)
		return;
	raw_spin_lock(&tlc_lst_lock);
	ns = tlc_lst_ns_find(net);
	r = tlc_lst_by_cookie(net, cookie);
	if (ns && !r && inet_sk_state_load(listener) == TCP_LISTEN)
		r = tlc_lst_new(ns, listener, cookie, false);
	if (r && !(r->flags & TLC_LST_CLOSED))
		tlc_lst_set_local(r, listener);
	if (r)
		r->c.cnt[what]++;
	else if (ns)
		ns->untracked.cnt[what]++;
	raw_spin_unlock(&tlc_lst_lock);
}

/**
 * tlc_listeners_count_cookie() - count events of a listener by its cookie
 * @net: its namespace
 * @cookie: its cookie (tlc_listeners_cookie())
 * @what: enum tlc_lst_counter
 * @n: how many
 *
 * For a listener that may be gone: no row is made.
 *
 * Context: as tlc_listeners_listen().
 */
void tlc_listeners_count_cookie(const struct net *net, u64 cookie, int what,
				u64 n)
{
	struct tlc_lst_row *r;
	struct tlc_lst_ns *ns;

	if (what < 0 || what >= TLC_L_NCOUNTERS)
		return;
	raw_spin_lock(&tlc_lst_lock);
	r = tlc_lst_by_cookie(net, cookie);
	if (r) {
		r->c.cnt[what] += n;
	} else {
		ns = tlc_lst_ns_find(net);
		if (ns)
			ns->untracked.cnt[what] += n;
	}
	raw_spin_unlock(&tlc_lst_lock);
}

/*
 * A child at @a: count @what (or, @reason >= 0, an end) in its row; a
 * known child without a row in "closed".  Under no lock.
 */
static void tlc_lst_child(const struct net *net, const struct tlc_lst_addr *a,
			  int what, int reason, bool child)
{
	struct tlc_lst_cnt *c = NULL;
	struct tlc_lst_row *r;
	struct tlc_lst_ns *ns;

	raw_spin_lock(&tlc_lst_lock);
	r = tlc_lst_by_addr(net, a);
	if (r) {
		c = &r->c;
	} else if (child) {
		ns = tlc_lst_ns_find(net);
		if (ns)
			c = &ns->closed;
	}
	if (c && reason >= 0)
		c->reasons[reason]++;
	else if (c)
		c->cnt[what]++;
	raw_spin_unlock(&tlc_lst_lock);
}

/**
 * tlc_listeners_child() - count an event of a listener's child
 * @child: the child, alive, hashed
 * @what: enum tlc_lst_counter
 *
 * Context: as tlc_listeners_listen().
 */
void tlc_listeners_child(const struct sock *child, int what)
{
	struct tlc_lst_addr a;

	if (what < 0 || what >= TLC_L_NCOUNTERS)
		return;
	tlc_lst_addr_of(&a, &child->__sk_common,
			ntohs(READ_ONCE(inet_sk(child)->inet_sport)));
	tlc_lst_child(sock_net(child), &a, what, -1, true);
}

/**
 * tlc_listeners_end_sk() - a listener's child ended as a full socket
 * @child: the child (its local port number may be 0 by now: its source
 *	port is not)
 * @reason: enum tlc_reason
 *
 * Context: as tlc_listeners_listen().
 */
void tlc_listeners_end_sk(const struct sock *child, int reason)
{
	struct tlc_lst_addr a;

	if (reason < 0 || reason >= TLC_NREASONS)
		return;
	tlc_lst_addr_of(&a, &child->__sk_common,
			ntohs(READ_ONCE(inet_sk(child)->inet_sport)));
	tlc_lst_child(sock_net(child), &a, 0, reason, true);
}

/**
 * tlc_listeners_end_tw() - a timewait socket ended: if its address is a
 *	listener's, it was that listener's child
 * @tw: the timewait socket
 * @reason: enum tlc_reason
 *
 * Context: as tlc_listeners_listen().
 */
void tlc_listeners_end_tw(const struct inet_timewait_sock *tw, int reason)
{
	struct tlc_lst_addr a;

	if (reason < 0 || reason >= TLC_NREASONS)
		return;
	tlc_lst_addr_of(&a, &tw->__tw_common, ntohs(tw->tw_sport));
	tlc_lst_child(twsk_net(tw), &a, 0, reason, false);
}

/**
 * tlc_listeners_lost_mib() - an overflow or drop could not be attributed
 *
 * Context: as tlc_listeners_listen().
 */
void tlc_listeners_lost_mib(void)
{
	raw_spin_lock(&tlc_lst_lock);
	tlc_lst.lost_mib++;
	raw_spin_unlock(&tlc_lst_lock);
}

/* ---- the file ------------------------------------------------------- */

/* One row as the reader shows it. */
struct tlc_lst_line {
	u64 id;
	u64 cookie;
	struct tlc_lst_addr local;
	bool closed;
	bool live;		/* found in the listening hash */
	bool cw_timed;
	bool req_timed;
	u32 acceptq;
	u32 acceptq_max;
	u64 req_now;
	u64 req_oldest;
	u64 estab_now;
	u64 cw_now;
	u64 cw_oldest;
	struct tlc_lst_cnt c;
};

/* A lookup key of a line. */
struct tlc_lst_key {
	u64 key;
	u32 line;
};

struct tlc_lst_snap {
	const struct net *net;
	u64 ts;				/* ktime_get_ns() of the read */
	unsigned int n;			/* lines[0..n), by id */
	struct tlc_lst_cnt closed;
	struct tlc_lst_cnt untracked;
	struct tlc_lst_key *by_cookie;	/* [n], sorted */
	struct tlc_lst_key *by_port;	/* [n], sorted */
	struct tlc_lst_line lines[];
};

static int tlc_lst_line_cmp(const void *a, const void *b)
{
	const struct tlc_lst_line *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int tlc_lst_key_cmp(const void *a, const void *b)
{
	const struct tlc_lst_key *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/* The first key >= @key in @keys[0..n). */
static unsigned int tlc_lst_lower(const struct tlc_lst_key *keys,
				  unsigned int n, u64 key)
{
	unsigned int lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (keys[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The open line of the listener with @cookie, or NULL. */
static struct tlc_lst_line *tlc_lst_line_by_cookie(struct tlc_lst_snap *snap,
						   u64 cookie)
{
	unsigned int i = tlc_lst_lower(snap->by_cookie, snap->n, cookie);
	struct tlc_lst_line *l;

	for (; i < snap->n && snap->by_cookie[i].key == cookie; i++) {
		l = &snap->lines[snap->by_cookie[i].line];
		if (!l->closed)
			return l;
	}
	return NULL;
}

/* The line of a child at @a, as tlc_lst_by_addr() picks a row. */
static struct tlc_lst_line *tlc_lst_line_by_addr(struct tlc_lst_snap *snap,
						 const struct tlc_lst_addr *a)
{
	unsigned int i = tlc_lst_lower(snap->by_port, snap->n, a->port);
	struct tlc_lst_line *l, *best = NULL;
	int score, best_score = 0;

	for (; i < snap->n && snap->by_port[i].key == a->port; i++) {
		l = &snap->lines[snap->by_port[i].line];
		if (l->local.family != a->family)
			continue;
		if (ipv6_addr_equal(&l->local.addr, &a->addr))
			score = 2;
		else if (tlc_lst_addr_any(&l->local))
			score = 1;
		else
			continue;
		if (!l->closed)
			score += 4;
		/* Among equals the newest, as the row chains have it. */
		if (score > best_score ||
		    (score == best_score && l->id > best->id)) {
			best = l;
			best_score = score;
		}
	}
	return best;
}

static void tlc_lst_line_set(struct tlc_lst_line *l, const struct tlc_lst_row *r)
{
	memset(l, 0, sizeof(*l));
	l->id = r->id;
	l->cookie = r->cookie;
	l->local = r->local;
	l->closed = r->flags & TLC_LST_CLOSED;
	l->c = r->c;
}

/*
 * Copy @net's rows, folding those a read showed closed before, marking
 * the closed ones shown; the rows made since the count are left out.
 * Process context.
 */
static struct tlc_lst_snap *tlc_lst_snapshot(const struct net *net)
{
	struct tlc_lst_snap *snap;
	unsigned int i, j, n = 0;
	struct tlc_lst_row *r;
	struct tlc_lst_ns *ns;

	for (i = 0; i < tlc_lst.capacity; i += TLC_LST_COPY_BATCH) {
		raw_spin_lock_irq(&tlc_lst_lock);
		for (j = i; j < min(i + TLC_LST_COPY_BATCH, tlc_lst.capacity);
		     j++)
			n += tlc_lst.rows[j].net == net;
		raw_spin_unlock_irq(&tlc_lst_lock);
		cond_resched();
	}
	snap = kvzalloc(struct_size(snap, lines, n), GFP_KERNEL);
	if (!snap)
		return NULL;
	snap->by_cookie = kvcalloc(max(n, 1U), sizeof(*snap->by_cookie),
				   GFP_KERNEL);
	snap->by_port = kvcalloc(max(n, 1U), sizeof(*snap->by_port),
				 GFP_KERNEL);
	if (!snap->by_cookie || !snap->by_port) {
		kvfree(snap->by_cookie);
		kvfree(snap->by_port);
		kvfree(snap);
		return NULL;
	}
	snap->net = net;
	for (i = 0; i < tlc_lst.capacity && snap->n < n;
	     i += TLC_LST_COPY_BATCH) {
		raw_spin_lock_irq(&tlc_lst_lock);
		for (j = i; j < min(i + TLC_LST_COPY_BATCH, tlc_lst.capacity) &&
		     snap->n < n; j++) {
			r = &tlc_lst.rows[j];
			if (r->net != net)
				continue;
			if (r->flags & TLC_LST_SHOWN) {
				tlc_lst_fold(r);
				continue;
			}
			if (r->flags & TLC_LST_CLOSED)
				r->flags |= TLC_LST_SHOWN;
			tlc_lst_line_set(&snap->lines[snap->n++], r);
		}
		raw_spin_unlock_irq(&tlc_lst_lock);
		cond_resched();
	}
	raw_spin_lock_irq(&tlc_lst_lock);
	ns = tlc_lst_ns_find(net);
	if (ns) {
		snap->closed = ns->closed;
		snap->untracked = ns->untracked;
	}
	raw_spin_unlock_irq(&tlc_lst_lock);
	sort(snap->lines, snap->n, sizeof(snap->lines[0]), tlc_lst_line_cmp,
	     NULL);
	for (i = 0; i < snap->n; i++) {
		snap->by_cookie[i].key = snap->lines[i].cookie;
		snap->by_cookie[i].line = i;
		snap->by_port[i].key = snap->lines[i].local.port;
		snap->by_port[i].line = i;
	}
	sort(snap->by_cookie, snap->n, sizeof(snap->by_cookie[0]),
	     tlc_lst_key_cmp, NULL);
	sort(snap->by_port, snap->n, sizeof(snap->by_port[0]),
	     tlc_lst_key_cmp, NULL);
	return snap;
}

static void tlc_lst_snap_free(struct tlc_lst_snap *snap)
{
	kvfree(snap->by_cookie);
	kvfree(snap->by_port);
	kvfree(snap);
}

/* A live listener of the namespace, in its locked bucket. */
static void tlc_lst_count_listener(struct tlc_lst_snap *snap,
				   const struct sock *sk)
{
	struct tlc_lst_line *l;
	u64 cookie = atomic64_read(&sk->sk_cookie);

	if (!cookie || READ_ONCE(sk->sk_state) != TCP_LISTEN)
		return;
	l = tlc_lst_line_by_cookie(snap, cookie);
	if (!l)
		return;
	l->live = true;
	l->acceptq = READ_ONCE(sk->sk_ack_backlog);
	l->acceptq_max = READ_ONCE(sk->sk_max_ack_backlog);
	/* A port chosen at listen() after the row was made. */
	if (!l->local.port)
		tlc_lst_addr_of(&l->local, &sk->__sk_common,
				READ_ONCE(sk->sk_num));
}

/* A request socket, alive in a locked bucket: its listener's. */
static void tlc_lst_count_req(struct tlc_lst_snap *snap, const struct sock *sk)
{
	const struct request_sock *req = inet_reqsk(sk);
	const struct sock *listener = req->rsk_listener;
	struct tlc_sock_info info;
	struct tlc_lst_line *l;
	u64 age;

	if (!listener)
		return;
	l = tlc_lst_line_by_cookie(snap, atomic64_read(&listener->sk_cookie));
	if (!l)
		return;
	l->req_now++;
	if (!tlc_track_lookup(req, snap->net, atomic64_read(&sk->sk_cookie),
			      TLC_KIND_REQ, &info) ||
	    info.state != TCP_NEW_SYN_RECV)
		return;
	age = snap->ts > info.state_ts ? snap->ts - info.state_ts : 0;
	l->req_oldest = max(l->req_oldest, age);
	l->req_timed = true;
}

/* A full socket in ESTABLISHED or CLOSE_WAIT: a child, by its address. */
static void tlc_lst_count_child(struct tlc_lst_snap *snap,
				const struct sock *sk, int state)
{
	struct tlc_sock_info info;
	struct tlc_lst_line *l;
	struct tlc_lst_addr a;
	u64 age;

	tlc_lst_addr_of(&a, &sk->__sk_common, READ_ONCE(sk->sk_num));
	l = tlc_lst_line_by_addr(snap, &a);
	if (!l)
		return;
	if (state == TCP_ESTABLISHED) {
		l->estab_now++;
		return;
	}
	l->cw_now++;
	if (!tlc_track_lookup(sk, snap->net, atomic64_read(&sk->sk_cookie),
			      TLC_KIND_FULL, &info) ||
	    info.state != TCP_CLOSE_WAIT)
		return;
	age = snap->ts > info.state_ts ? snap->ts - info.state_ts : 0;
	l->cw_oldest = max(l->cw_oldest, age);
	l->cw_timed = true;
}

/*
 * The kernel's TCP hash tables, one bucket at a time under its lock (as
 * sockets.c and /proc/net/tcp do): listeners, then the established table.
 */
static void tlc_lst_count_all(struct tlc_lst_snap *snap)
{
	struct inet_hashinfo *h = tlc_tcp_hashinfo(snap->net);
	const struct net *net = snap->net;
	struct hlist_nulls_head *head;
	struct hlist_nulls_node *node;
	spinlock_t *lock;	/* the bucket's, taken with BHs off */
	struct sock *sk;
	unsigned int i;
	int state;

	for (i = 0; i < tlc_lhash2_buckets(h); i++) {
		head = tlc_lhash2_bucket(h, i, &lock);
		if (hlist_nulls_empty(head))
			continue;
		spin_lock_bh(lock);
		sk_nulls_for_each(sk, node, head)
			if (net_eq(sock_net(sk), net))
				tlc_lst_count_listener(snap, sk);
		spin_unlock_bh(lock);
	}
	for (i = 0; i < tlc_ehash_buckets(h); i++) {
		if (!(i & 1023))
			cond_resched();
		head = tlc_ehash_bucket(h, i, &lock);
		if (hlist_nulls_empty(head))
			continue;
		spin_lock_bh(lock);
		sk_nulls_for_each(sk, node, head) {
			if (!net_eq(sock_net(sk), net))
				continue;
			state = READ_ONCE(sk->sk_state);
			if (state == TCP_NEW_SYN_RECV)
				tlc_lst_count_req(snap, sk);
			else if (state == TCP_ESTABLISHED ||
				 state == TCP_CLOSE_WAIT)
				tlc_lst_count_child(snap, sk, state);
		}
		spin_unlock_bh(lock);
	}
}

static void tlc_lst_show_local(struct seq_file *m, const struct tlc_lst_addr *a)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (a->family == AF_INET6) {
		seq_printf(m, " [%pI6c]:%u", &a->addr, a->port);
		return;
	}
#endif
	seq_printf(m, " %pI4:%u", &a->addr.s6_addr32[0], a->port);
}

/* The counted columns, req_created to drops. */
static void tlc_lst_show_req(struct seq_file *m, const struct tlc_lst_cnt *c,
			     const struct tlc_lst_line *l)
{
	seq_printf(m, " %llu %llu %llu %llu %llu", c->cnt[TLC_L_REQ_CREATED],
		   c->cnt[TLC_L_REQ_COMPLETED], c->cnt[TLC_L_REQ_TIMEOUT],
		   c->cnt[TLC_L_REQ_RST], c->cnt[TLC_L_REQ_OTHER]);
	if (l)
		seq_printf(m, " %llu %llu", l->req_now,
			   l->req_timed ? l->req_oldest : 0);
	else
		seq_puts(m, " - -");
	seq_printf(m, " %llu %llu %llu %llu", c->cnt[TLC_L_SYNACK_RETRANS],
		   c->cnt[TLC_L_COOKIES_SENT], c->cnt[TLC_L_OVERFLOWS],
		   c->cnt[TLC_L_DROPS]);
}

static void tlc_lst_show_reasons(struct seq_file *m, const u64 *count)
{
	bool any = false;
	int i;

	for (i = 0; i < TLC_NREASONS; i++) {
		if (!count[i])
			continue;
		seq_printf(m, "%c%s:%llu", any ? ',' : ' ', tlc_reason_name(i),
			   count[i]);
		any = true;
	}
	if (!any)
		seq_puts(m, " -");
	seq_putc(m, '\n');
}

static void tlc_lst_show_line(struct seq_file *m, const struct tlc_lst_line *l)
{
	seq_printf(m, "%llu", l->id);
	tlc_lst_show_local(m, &l->local);
	tlc_lst_show_req(m, &l->c, l);
	if (l->live)
		seq_printf(m, " %u %u", l->acceptq, l->acceptq_max);
	else
		seq_puts(m, " - -");
	seq_printf(m, " %llu %llu %llu %llu", l->c.cnt[TLC_L_ACCEPTED],
		   l->estab_now, l->cw_now, l->cw_timed ? l->cw_oldest : 0);
	tlc_lst_show_reasons(m, l->c.reasons);
}

static void tlc_lst_show_total(struct seq_file *m, const char *name,
			       const struct tlc_lst_cnt *c)
{
	seq_printf(m, "%s -", name);
	tlc_lst_show_req(m, c, NULL);
	seq_printf(m, " - - %llu - - -", c->cnt[TLC_L_ACCEPTED]);
	tlc_lst_show_reasons(m, c->reasons);
}

static int tlc_listeners_show(struct seq_file *m, void *v)
{
	const struct net *net = seq_file_single_net(m);
	struct tlc_lst_snap *snap;
	unsigned int i;

	snap = tlc_lst_snapshot(net);
	if (!snap)
		return -ENOMEM;
	snap->ts = ktime_get_ns();
	tlc_lst_count_all(snap);
	seq_printf(m, "version %d\n", TLC_FORMAT_VERSION);
	seq_puts(m, "id local req_created req_completed req_timeout req_rst req_other req_now req_oldest synack_retrans cookies_sent overflows drops acceptq acceptq_max accepted estab_now close_wait_now close_wait_oldest reasons\n");
	for (i = 0; i < snap->n; i++)
		tlc_lst_show_line(m, &snap->lines[i]);
	tlc_lst_show_total(m, "closed", &snap->closed);
	tlc_lst_show_total(m, "untracked", &snap->untracked);
	tlc_lst_snap_free(snap);
	return 0;
}

/**
 * tlc_listeners_create() - create the listeners file of a namespace
 * @dir: the namespace's /proc/net/tcp_lifecycle/
 *
 * Return: the file's entry, or NULL (out of memory).
 */
struct proc_dir_entry *tlc_listeners_create(struct proc_dir_entry *dir)
{
	return proc_create_net_single("listeners", 0444, dir,
				      tlc_listeners_show, NULL);
}

/**
 * tlc_listeners_status() - the debugfs status lines of the listeners table
 * @m: the status file
 */
void tlc_listeners_status(struct seq_file *m)
{
	seq_printf(m, "max_listeners %u\n", tlc_lst.capacity);
	seq_printf(m, "listeners_used %u\n", READ_ONCE(tlc_lst.used));
	seq_printf(m, "listeners_folded %llu\n", READ_ONCE(tlc_lst.folded));
	seq_printf(m, "listeners_untracked %llu\n",
		   READ_ONCE(tlc_lst.untracked));
	seq_printf(m, "listeners_lost_mib %llu\n", READ_ONCE(tlc_lst.lost_mib));
}

/* ---- namespaces and the module -------------------------------------- */

/**
 * tlc_listeners_net_init() - give a namespace its "closed" and "untracked"
 *	lines
 * @net: the namespace, before its statistics are published
 *
 * Return: 0 or -ENOMEM.
 */
int tlc_listeners_net_init(struct net *net)
{
	struct tlc_lst_ns *ns = kzalloc(sizeof(*ns), GFP_KERNEL_ACCOUNT);

	if (!ns)
		return -ENOMEM;
	ns->net = net;
	raw_spin_lock_irq(&tlc_lst_lock);
	hlist_add_head(&ns->node,
		       &tlc_lst.nsbuckets[hash_ptr(net, TLC_LST_NS_BITS)]);
	raw_spin_unlock_irq(&tlc_lst_lock);
	return 0;
}

/**
 * tlc_listeners_net_exit() - forget a namespace's rows
 * @net: the namespace, no longer seen by any handler
 */
void tlc_listeners_net_exit(struct net *net)
{
	struct tlc_lst_row *r;
	struct tlc_lst_ns *ns;
	unsigned int i, j;

	for (i = 0; i < tlc_lst.capacity; i += TLC_LST_COPY_BATCH) {
		raw_spin_lock_irq(&tlc_lst_lock);
		for (j = i; j < min(i + TLC_LST_COPY_BATCH, tlc_lst.capacity);
		     j++) {
			r = &tlc_lst.rows[j];
			if (r->net != net)
				continue;
			hlist_del(&r->cnode);
			hlist_del(&r->pnode);
			r->net = NULL;
			hlist_add_head(&r->cnode, &tlc_lst.free);
			tlc_lst.used--;
		}
		raw_spin_unlock_irq(&tlc_lst_lock);
		cond_resched();
	}
	raw_spin_lock_irq(&tlc_lst_lock);
	ns = tlc_lst_ns_find(net);
	if (ns)
		hlist_del(&ns->node);
	raw_spin_unlock_irq(&tlc_lst_lock);
	kfree(ns);
}

/**
 * tlc_listeners_init() - allocate the table
 * @max_listeners: rows, 1..TLC_MAX_LISTENERS_LIMIT
 *
 * Return: 0 or -ENOMEM.
 */
int tlc_listeners_init(unsigned int max_listeners)
{
	unsigned int i;

	tlc_lst.capacity = max_listeners;
	tlc_lst.hash_bits = ilog2(roundup_pow_of_two(max_listeners)) + 1;
	tlc_lst.rows = vzalloc(array_size(max_listeners,
					  sizeof(*tlc_lst.rows)));
	tlc_lst.cbuckets = kvcalloc(1U << tlc_lst.hash_bits,
				    sizeof(*tlc_lst.cbuckets), GFP_KERNEL);
	tlc_lst.pbuckets = kvcalloc(1U << tlc_lst.hash_bits,
				    sizeof(*tlc_lst.pbuckets), GFP_KERNEL);
	if (!tlc_lst.rows || !tlc_lst.cbuckets || !tlc_lst.pbuckets) {
		tlc_listeners_exit();
		return -ENOMEM;
	}
	INIT_HLIST_HEAD(&tlc_lst.free);
	for (i = max_listeners; i-- > 0;)
		hlist_add_head(&tlc_lst.rows[i].cnode, &tlc_lst.free);
	return 0;
}

/**
 * tlc_listeners_exit() - free the table
 *
 * Every namespace has gone (tlc_listeners_net_exit()) before.
 */
void tlc_listeners_exit(void)
{
	kvfree(tlc_lst.pbuckets);
	kvfree(tlc_lst.cbuckets);
	vfree(tlc_lst.rows);
	tlc_lst.pbuckets = NULL;
	tlc_lst.cbuckets = NULL;
	tlc_lst.rows = NULL;
}
