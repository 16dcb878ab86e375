// SPDX-License-Identifier: GPL-2.0
/*
 * Connections by cgroup: which container, which service unit.
 *
 * A connection belongs to the cgroup v2 of its socket's creator
 * (sk->sk_cgrp_data; a child to its listener's, as the kernel copies it).
 * Each (namespace, cgroup id) that has seen a connection born gets a row:
 * connections opened, ended, and their close reasons.  The rows are a pool
 * of max_cgroups, over all namespaces, allocated at load, hashed by
 * (namespace, id); one lock guards them all, taken with interrupts off for
 * a bounded time: a hash chain, or a fold (below).  Probe handlers never
 * allocate: a cgroup that finds the pool empty folds a row that has no
 * connection open (opened == ended) into its namespace's "other" row,
 * looking at no more than TLC_CG_FOLD_SCAN rows past a clock hand, and
 * failing that is counted in "other" itself.  Each namespace's "other"
 * row is made with the namespace (charged to it), outside the pool.
 *
 * A connection ends in the row it was born in while that row has
 * connections open; otherwise (it was born in "other", or before its row
 * was made) in "other".  A full socket's end finds the row by its cgroup
 * id.  An actively closed connection ends as a timewait socket, which has
 * no cgroup: its row is noted when the full socket hands over, in the
 * timewait socket's entry of the tracking table (tlc_sock_info.cg_row),
 * and the connection ends there with the reason lifecycle.c decides when
 * the timewait socket ends.  A timewait socket the table could not track
 * ends its connection at the handover (orderly_active, as the full socket
 * left it), once.
 *
 * The "now" columns are not kept: they are counted when the file is read,
 * from the sockets in the kernel's TCP hash tables (tcp_hash.c walks
 * them), reading each full socket's cgroup: O(the hash tables) per read.
 */

#include <linux/capability.h>
#include <linux/hash.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "cgroups.h"
#include "compat.h"
#include "rows_batch.h"
#include "stats.h"
#include "tcp_hash.h"
#include "track.h"

/* Cgroup ids start at 1: 0 is a namespace's "other" row. */
#define TLC_CG_OTHER		0
/* Rows a fold looks at, at most, for one with no connection open. */
#define TLC_CG_FOLD_SCAN	16
/* Rows the reader copies per hold of the lock. */
#define TLC_CG_COPY_BATCH	64

/**
 * struct tlc_cg_row - one cgroup of one namespace
 * @node: in its hash chain, or in the free list
 * @net: the namespace (compared, never dereferenced); NULL: free
 * @id: cgroup_id(), TLC_CG_OTHER for the namespace's "other" row
 * @opened: connections born
 * @ended: connections ended, one reason each
 * @reasons: ends per reason (enum tlc_reason)
 */
struct tlc_cg_row {
	struct hlist_node node;
	const struct net *net;
	u64 id;
	u64 opened;
	u64 ended;
	u64 reasons[TLC_NREASONS];
};

/* Documented in Documentation/tcp_lifecycle.rst ("Module parameters"). */
static_assert(sizeof(struct tlc_cg_row) == 48 + 8 * TLC_NREASONS);

static DEFINE_RAW_SPINLOCK(tlc_cg_lock);

static struct {
	struct tlc_cg_row *rows;	/* the pool */
	struct hlist_head *buckets;
	struct hlist_head free;
	unsigned int capacity;
	unsigned int hash_bits;
	unsigned int hand;		/* where the next fold looks */
	unsigned int used;		/* pool rows in use */
	u64 folded;			/* rows folded into "other" */
	u64 other;			/* births that found no row */
} tlc_cg;

static struct hlist_head *tlc_cg_bucket(const struct net *net, u64 id)
{
	return &tlc_cg.buckets[hash_64(id ^ (u64)(uintptr_t)net,
				       tlc_cg.hash_bits)];
}

/* The row of (@net, @id), or NULL.  Under tlc_cg_lock. */
static struct tlc_cg_row *tlc_cg_find(const struct net *net, u64 id)
{
	struct tlc_cg_row *r;

	hlist_for_each_entry(r, tlc_cg_bucket(net, id), node)
		if (r->net == net && r->id == id)
			return r;
	return NULL;
}

static void tlc_cg_add(struct tlc_cg_row *to, const struct tlc_cg_row *from)
{
	int i;

	to->opened += from->opened;
	to->ended += from->ended;
	for (i = 0; i < TLC_NREASONS; i++)
		to->reasons[i] += from->reasons[i];
}

/*
 * A pool row with no connection open, folded into its namespace's
 * "other" row and unhashed, or NULL.  Under tlc_cg_lock.
 */
static struct tlc_cg_row *tlc_cg_fold(void)
{
	struct tlc_cg_row *r, *other;
	int i;

	for (i = 0; i < TLC_CG_FOLD_SCAN; i++) {
		r = &tlc_cg.rows[tlc_cg.hand];
		tlc_cg.hand = (tlc_cg.hand + 1) % tlc_cg.capacity;
		if (!r->net || r->opened != r->ended)
			continue;
		other = tlc_cg_find(r->net, TLC_CG_OTHER);
		if (!other)
			continue;
		tlc_cg_add(other, r);
		hlist_del(&r->node);
		tlc_cg.folded++;
		tlc_cg.used--;
		return r;
	}
	return NULL;
}

/* The row of (@net, @id), made if need be, or "other".  Under the lock. */
static struct tlc_cg_row *tlc_cg_get(const struct net *net, u64 id)
{
	struct tlc_cg_row *r = tlc_cg_find(net, id);

	if (r || id == TLC_CG_OTHER)
		return r;
	if (!hlist_empty(&tlc_cg.free)) {
		r = hlist_entry(tlc_cg.free.first, struct tlc_cg_row, node);
		hlist_del(&r->node);
	} else {
		r = tlc_cg_fold();
	}
	if (!r) {
		tlc_cg.other++;
		return tlc_cg_find(net, TLC_CG_OTHER);
	}
	memset(r, 0, sizeof(*r));
	r->net = net;
	r->id = id;
	hlist_add_head(&r->node, tlc_cg_bucket(net, id));
	tlc_cg.used++;
	return r;
}

/* Where a connection of row @r ends: @r while it has some open. */
static struct tlc_cg_row *tlc_cg_ending(const struct net *net,
					struct tlc_cg_row *r)
{
	if (r && r->net == net && r->opened > r->ended)
		return r;
	return tlc_cg_find(net, TLC_CG_OTHER);
}

static void tlc_cg_end(struct tlc_cg_row *r, int reason)
{
	if (!r || reason < 0 || reason >= TLC_NREASONS)
		return;
	r->ended++;
	r->reasons[reason]++;
}

/* Off (disable_features=cgroups): no event touches the table. */
static bool tlc_cg_on;

/**
 * tlc_cgroups_enable() - count events in the table, or not
 * @on: whether to
 *
 * Context: module init, before the probes deliver events.
 */
void tlc_cgroups_enable(bool on)
{
	WRITE_ONCE(tlc_cg_on, on);
}

/**
 * tlc_cgroups_open() - a connection is born
 * @sk: its full socket (connect()'s, in SYN_SENT, or a passive child)
 *
 * Context: a probe handler, interrupts off; @sk's namespace is counted.
 */
void tlc_cgroups_open(const struct sock *sk)
{
	struct tlc_cg_row *r;

	if (!READ_ONCE(tlc_cg_on))
		return;
	raw_spin_lock(&tlc_cg_lock);
	r = tlc_cg_get(sock_net(sk), tlc_sk_cgroup_id(sk));
	if (r)
		r->opened++;
	raw_spin_unlock(&tlc_cg_lock);
}

/**
 * tlc_cgroups_end() - a full socket's connection ended
 * @sk: the socket, going to CLOSE
 * @reason: enum tlc_reason
 *
 * Context: as tlc_cgroups_open().
 */
void tlc_cgroups_end(const struct sock *sk, int reason)
{
	const struct net *net = sock_net(sk);

	if (!READ_ONCE(tlc_cg_on))
		return;
	raw_spin_lock(&tlc_cg_lock);
	tlc_cg_end(tlc_cg_ending(net, tlc_cg_find(net, tlc_sk_cgroup_id(sk))),
		   reason);
	raw_spin_unlock(&tlc_cg_lock);
}

/**
 * tlc_cgroups_handover() - a full socket hands over to a timewait socket
 * @sk: the socket
 *
 * Context: as tlc_cgroups_open().
 *
 * Return: the row its connection is to end in (for tlc_cgroups_end_row()),
 * 0 for "other", TLC_CG_ROW_NONE while the table is off.
 */
u16 tlc_cgroups_handover(const struct sock *sk)
{
	const struct net *net = sock_net(sk);
	struct tlc_cg_row *r;
	u16 row = 0;

	if (!READ_ONCE(tlc_cg_on))
		return TLC_CG_ROW_NONE;
	raw_spin_lock(&tlc_cg_lock);
	r = tlc_cg_ending(net, tlc_cg_find(net, tlc_sk_cgroup_id(sk)));
	if (r && r->id != TLC_CG_OTHER)
		row = r - tlc_cg.rows + 1;
	raw_spin_unlock(&tlc_cg_lock);
	return row;
}

/**
 * tlc_cgroups_end_row() - a connection a timewait socket held ended
 * @net: its namespace
 * @row: what tlc_cgroups_handover() returned for it, or TLC_CG_ROW_NONE
 *	(it was not opened in this table: nothing to do)
 * @reason: enum tlc_reason
 *
 * Context: as tlc_cgroups_open().
 */
void tlc_cgroups_end_row(const struct net *net, u16 row, int reason)
{
	struct tlc_cg_row *r = NULL;

	if (row == TLC_CG_ROW_NONE)
		return;
	raw_spin_lock(&tlc_cg_lock);
	if (row && row <= tlc_cg.capacity)
		r = &tlc_cg.rows[row - 1];
	tlc_cg_end(tlc_cg_ending(net, r), reason);
	raw_spin_unlock(&tlc_cg_lock);
}

/* ---- the file ------------------------------------------------------- */

/* One row as the reader shows it. */
struct tlc_cg_line {
	u64 id;
	u64 opened;
	u64 ended;
	u64 reasons[TLC_NREASONS];
	u64 now[TLC_NSTATES];
	u64 cw_oldest;		/* ns in CLOSE_WAIT of the oldest one timed */
	bool cw_timed;		/* one CLOSE_WAIT socket's age was known */
};

struct tlc_cg_snap {
	const struct net *net;
	u64 ts;			/* ktime_get_ns() of the read */
	unsigned int size;	/* lines[] allocated */
	unsigned int n;		/* lines[0..n) the rows, by id */
	struct tlc_cg_line other;
	struct tlc_cg_line lines[];
};

static void tlc_cg_line_set(struct tlc_cg_line *l, const struct tlc_cg_row *r)
{
	l->id = r->id;
	l->opened = r->opened;
	l->ended = r->ended;
	memcpy(l->reasons, r->reasons, sizeof(l->reasons));
}

static int tlc_cg_line_cmp(const void *a, const void *b)
{
	const struct tlc_cg_line *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Row @i counted if it is the namespace's. */
static bool tlc_cg_count_row(unsigned int i, void *arg)
{
	struct tlc_rows_of *c = arg;

	c->n += tlc_cg.rows[i].net == c->net;
	return true;
}

/* Row @i into the snapshot if it is the namespace's; false once full. */
static bool tlc_cg_copy_row(unsigned int i, void *arg)
{
	struct tlc_cg_snap *snap = arg;
	const struct tlc_cg_row *r = &tlc_cg.rows[i];

	if (snap->n == snap->size)
		return false;
	if (r->net == snap->net)
		tlc_cg_line_set(&snap->lines[snap->n++], r);
	return true;
}

/*
 * Copy @net's rows; the rows made since the count are left out (their
 * sockets are "other"'s now in this read).  Process context.
 */
static struct tlc_cg_snap *tlc_cg_snapshot(const struct net *net)
{
	struct tlc_rows_of c = { .net = net };
	struct tlc_cg_snap *snap;
	const struct tlc_cg_row *r;

	tlc_rows_batched(&tlc_cg_lock, tlc_cg.capacity, TLC_CG_COPY_BATCH,
			 tlc_cg_count_row, &c);
	snap = kvzalloc(struct_size(snap, lines, c.n), GFP_KERNEL);
	if (!snap)
		return NULL;
	snap->net = net;
	snap->size = c.n;
	tlc_rows_batched(&tlc_cg_lock, tlc_cg.capacity, TLC_CG_COPY_BATCH,
			 tlc_cg_copy_row, snap);
	raw_spin_lock_irq(&tlc_cg_lock);
	r = tlc_cg_find(net, TLC_CG_OTHER);
	if (r)
		tlc_cg_line_set(&snap->other, r);
	raw_spin_unlock_irq(&tlc_cg_lock);
	sort(snap->lines, snap->n, sizeof(snap->lines[0]), tlc_cg_line_cmp,
	     NULL);
	return snap;
}

/* The line of cgroup @id, "other" if it has none. */
static struct tlc_cg_line *tlc_cg_line_of(struct tlc_cg_snap *snap, u64 id)
{
	unsigned int lo = 0, hi = snap->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (snap->lines[mid].id == id)
			return &snap->lines[mid];
		if (snap->lines[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return &snap->other;
}

/*
 * A socket of the namespace, alive in a locked hash bucket (tlc_hash_walk()
 * goes through listeners, then the established table): timewait and
 * request sockets are left out (they have no cgroup).
 */
static void tlc_cg_count(const struct sock *sk, void *arg)
{
	struct tlc_cg_snap *snap = arg;
	int state = READ_ONCE(sk->sk_state);
	struct tlc_cg_line *l;
	struct tlc_sock_info info;
	u64 age;

	if (!tlc_state_valid(state) || state == TCP_TIME_WAIT ||
	    state == TCP_NEW_SYN_RECV)
		return;
	l = tlc_cg_line_of(snap, tlc_sk_cgroup_id(sk));
	l->now[state]++;
	if (state != TCP_CLOSE_WAIT ||
	    !tlc_track_lookup(sk, snap->net, atomic64_read(&sk->sk_cookie),
			      TLC_KIND_FULL, &info) ||
	    info.state != TCP_CLOSE_WAIT)
		return;
	age = snap->ts > info.state_ts ? snap->ts - info.state_ts : 0;
	l->cw_oldest = max(l->cw_oldest, age);
	l->cw_timed = true;
}

/* "NAME:count" pairs, comma-joined, of the non-zero counts; "-" if none. */
static void tlc_cg_show_pairs(struct seq_file *m, const u64 *count, int first,
			      int n, const char *(*name)(int))
{
	bool any = false;
	int i;

	for (i = first; i < n; i++) {
		if (!count[i])
			continue;
		seq_printf(m, "%c%s:%llu", any ? ',' : ' ', name(i), count[i]);
		any = true;
	}
	if (!any)
		seq_puts(m, " -");
}

static void tlc_cg_show_line(struct seq_file *m, const struct tlc_cg_line *l)
{
	seq_printf(m, " %llu %llu", l->opened, l->ended);
	tlc_cg_show_pairs(m, l->now, TLC_FIRST_STATE, TLC_NSTATES,
			  tlc_state_name);
	if (l->cw_timed)
		seq_printf(m, " %llu", l->cw_oldest);
	else
		seq_puts(m, " -");
	tlc_cg_show_pairs(m, l->reasons, 0, TLC_NREASONS, tlc_reason_name);
	seq_putc(m, '\n');
}

static int tlc_cgroups_show(struct seq_file *m, void *v)
{
	const struct net *net = seq_file_single_net(m);
	struct tlc_cg_snap *snap;
	unsigned int i;

	if (!file_ns_capable(m->file, net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	snap = tlc_cg_snapshot(net);
	if (!snap)
		return -ENOMEM;
	snap->ts = ktime_get_ns();
	tlc_hash_walk(snap->net, tlc_cg_count, snap);
	seq_printf(m, "version %d\n", TLC_FORMAT_VERSION);
	seq_puts(m, "cgroup opened ended now close_wait_oldest reasons\n");
	for (i = 0; i < snap->n; i++) {
		seq_printf(m, "%llu", snap->lines[i].id);
		tlc_cg_show_line(m, &snap->lines[i]);
	}
	seq_puts(m, "other");
	tlc_cg_show_line(m, &snap->other);
	kvfree(snap);
	return 0;
}

/**
 * tlc_cgroups_create() - create the cgroups file of a namespace
 * @dir: the namespace's /proc/net/tcp_lifecycle/
 *
 * The caller sets its owner, and removes it with @dir.
 *
 * Return: the file's entry, or NULL (out of memory).
 */
struct proc_dir_entry *tlc_cgroups_create(struct proc_dir_entry *dir)
{
	return proc_create_net_single("cgroups", 0600, dir, tlc_cgroups_show,
				      NULL);
}

/**
 * tlc_cgroups_status() - the debugfs status lines of the cgroups table
 * @m: the status file
 */
void tlc_cgroups_status(struct seq_file *m)
{
#ifdef TLC_HAVE_SOCK_CGROUP
	seq_printf(m, "feature cgroups %s\n",
		   READ_ONCE(tlc_cg_on) ? "available" : "disabled");
#else
	seq_puts(m, "feature cgroups unavailable\n");
#endif
	seq_printf(m, "max_cgroups %u\n", tlc_cg.capacity);
	seq_printf(m, "cgroups_used %u\n", READ_ONCE(tlc_cg.used));
	seq_printf(m, "cgroups_folded %llu\n", READ_ONCE(tlc_cg.folded));
	seq_printf(m, "cgroups_other %llu\n", READ_ONCE(tlc_cg.other));
}

/* ---- namespaces and the module -------------------------------------- */

/**
 * tlc_cgroups_net_init() - give a namespace its "other" row
 * @net: the namespace, before its statistics are published
 *
 * Return: 0 or -ENOMEM.
 */
int tlc_cgroups_net_init(struct net *net)
{
	struct tlc_cg_row *other = kzalloc(sizeof(*other), GFP_KERNEL_ACCOUNT);

	if (!other)
		return -ENOMEM;
	other->net = net;
	other->id = TLC_CG_OTHER;
	raw_spin_lock_irq(&tlc_cg_lock);
	hlist_add_head(&other->node, tlc_cg_bucket(net, TLC_CG_OTHER));
	raw_spin_unlock_irq(&tlc_cg_lock);
	return 0;
}

/* Row @i back to the free list if it is namespace @arg's. */
static bool tlc_cg_free_row(unsigned int i, void *arg)
{
	struct tlc_cg_row *r = &tlc_cg.rows[i];

	if (r->net != arg)
		return true;
	hlist_del(&r->node);
	r->net = NULL;
	hlist_add_head(&r->node, &tlc_cg.free);
	tlc_cg.used--;
	return true;
}

/**
 * tlc_cgroups_net_exit() - forget a namespace's rows
 * @net: the namespace, no longer seen by any handler
 */
void tlc_cgroups_net_exit(struct net *net)
{
	struct tlc_cg_row *other;

	tlc_rows_batched(&tlc_cg_lock, tlc_cg.capacity, TLC_CG_COPY_BATCH,
			 tlc_cg_free_row, net);
	raw_spin_lock_irq(&tlc_cg_lock);
	other = tlc_cg_find(net, TLC_CG_OTHER);
	if (other)
		hlist_del(&other->node);
	raw_spin_unlock_irq(&tlc_cg_lock);
	kfree(other);
}

/**
 * tlc_cgroups_init() - allocate the table
 * @max_cgroups: rows, 1..TLC_MAX_CGROUPS_LIMIT
 *
 * Return: 0 or -ENOMEM.
 */
int tlc_cgroups_init(unsigned int max_cgroups)
{
	unsigned int i;

	tlc_cg.capacity = max_cgroups;
	tlc_cg.hash_bits = ilog2(roundup_pow_of_two(max_cgroups)) + 1;
	tlc_cg.rows = vzalloc(array_size(max_cgroups, sizeof(*tlc_cg.rows)));
	tlc_cg.buckets = kvcalloc(1U << tlc_cg.hash_bits,
				  sizeof(*tlc_cg.buckets), GFP_KERNEL);
	if (!tlc_cg.rows || !tlc_cg.buckets) {
		tlc_cgroups_exit();
		return -ENOMEM;
	}
	INIT_HLIST_HEAD(&tlc_cg.free);
	for (i = max_cgroups; i-- > 0;)
		hlist_add_head(&tlc_cg.rows[i].node, &tlc_cg.free);
	return 0;
}

/**
 * tlc_cgroups_exit() - free the table
 *
 * Every namespace has gone (tlc_cgroups_net_exit()) before.
 */
void tlc_cgroups_exit(void)
{
	kvfree(tlc_cg.buckets);
	vfree(tlc_cg.rows);
	tlc_cg.buckets = NULL;
	tlc_cg.rows = NULL;
}
