// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcp_lifecycle/listeners: listeners.c's rows of the reader's
 * namespace, and the debugfs status lines of the table.
 *
 * A read copies the namespace's rows (a batch per hold of the table's
 * lock), folding those a read showed closed before.  The "now" columns are
 * counted then, from the kernel's TCP hash tables, one bucket at a time
 * under its lock: the accept queue of each live listener (matched by
 * cookie), the request sockets (by their listener's cookie) and the
 * children in ESTABLISHED and CLOSE_WAIT (by address, as listeners.c
 * finds a child's row).
 */

#include <linux/atomic.h>
#include <linux/in6.h>
#include <linux/mm.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <net/request_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "listeners.h"
#include "listeners_priv.h"
#include "rows_batch.h"
#include "stats.h"
#include "tcp_hash.h"
#include "track.h"

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
	unsigned int size;		/* lines[] allocated */
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

/* The line of a child at @a, as tlc_lst_by_addr() (listeners.c) picks
 * a row.
 */
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

/* Row @i counted if it is the namespace's. */
static bool tlc_lst_count_row(unsigned int i, void *arg)
{
	struct tlc_rows_of *c = arg;

	c->n += tlc_lst.rows[i].net == c->net;
	return true;
}

/*
 * Row @i into the snapshot if it is the namespace's (folded instead if a
 * read showed it closed before, marked shown if closed); false once full.
 */
static bool tlc_lst_copy_row(unsigned int i, void *arg)
{
	struct tlc_lst_snap *snap = arg;
	struct tlc_lst_row *r = &tlc_lst.rows[i];

	if (snap->n == snap->size)
		return false;
	if (r->net != snap->net)
		return true;
	if (r->flags & TLC_LST_SHOWN) {
		tlc_lst_fold(r);
		return true;
	}
	if (r->flags & TLC_LST_CLOSED)
		r->flags |= TLC_LST_SHOWN;
	tlc_lst_line_set(&snap->lines[snap->n++], r);
	return true;
}

/*
 * Copy @net's rows, folding those a read showed closed before, marking
 * the closed ones shown; the rows made since the count are left out.
 * Process context.
 */
static struct tlc_lst_snap *tlc_lst_snapshot(const struct net *net)
{
	struct tlc_rows_of c = { .net = net };
	struct tlc_lst_snap *snap;
	struct tlc_lst_ns *ns;
	unsigned int i, n;

	tlc_rows_batched(&tlc_lst_lock, tlc_lst.capacity, TLC_LST_COPY_BATCH,
			 tlc_lst_count_row, &c);
	n = c.n;
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
	snap->size = n;
	tlc_rows_batched(&tlc_lst_lock, tlc_lst.capacity, TLC_LST_COPY_BATCH,
			 tlc_lst_copy_row, snap);
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
 * A socket of the namespace, alive in a locked hash bucket (tlc_hash_walk()
 * goes through listeners, then the established table).
 */
static void tlc_lst_count(const struct sock *sk, void *arg)
{
	struct tlc_lst_snap *snap = arg;
	int state = READ_ONCE(sk->sk_state);

	if (state == TCP_LISTEN)
		tlc_lst_count_listener(snap, sk);
	else if (state == TCP_NEW_SYN_RECV)
		tlc_lst_count_req(snap, sk);
	else if (state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT)
		tlc_lst_count_child(snap, sk, state);
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
	tlc_hash_walk(snap->net, tlc_lst_count, snap);
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
