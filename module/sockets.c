// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcp_lifecycle/sockets: one line per tracked socket of the
 * reader's network namespace.
 *
 * It names addresses and processes: it belongs to the namespace's root (see
 * procfs.c) and needs CAP_NET_ADMIN there.  Each open file has its own
 * filter, set by writing to it.
 *
 * It lists the sockets of the kernel's own TCP hash tables (listeners, then
 * established, timewait and request sockets), one hash bucket at a time
 * under that bucket's lock (tcp_hash.c): a socket in a bucket is alive and
 * stays so while the lock is held.  For each socket of the namespace it
 * asks the tracking table what it knows; the table's keys are never read
 * (an entry may have outlived its socket, see track.c), and an entry that
 * belongs to an earlier socket at the same address is dropped there.
 */

#include <linux/capability.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "sockets.h"
#include "stats.h"
#include "tcp_hash.h"
#include "track.h"

/* Which sockets an open file lists, see tlc_sockets_write(). */
struct tlc_filter {
	int state;		/* 0: any */
	u64 min_age;		/* ns in state */
};

struct tlc_sockets_iter {
	struct seq_net_private p;	/* first: seq_file_net() */
	struct tlc_filter filter;
};

/* What one bucket's walk needs to print its lines. */
struct tlc_sockets_walk {
	struct seq_file *m;
	const struct tlc_filter *f;
	u64 now;			/* ktime_get_ns() to measure ages against */
	struct pid_namespace *pid_ns;	/* the reader's: its /proc's */
};

static void tlc_show_addr(struct seq_file *m, const struct sock_common *skc,
			  bool local)
{
	u16 port = local ? skc->skc_num : ntohs(skc->skc_dport);

#if IS_ENABLED(CONFIG_IPV6)
	if (skc->skc_family == AF_INET6) {
		seq_printf(m, " [%pI6c]:%u", local ? &skc->skc_v6_rcv_saddr :
			   &skc->skc_v6_daddr, port);
		return;
	}
#endif
	seq_printf(m, " %pI4:%u", local ? &skc->skc_rcv_saddr :
		   &skc->skc_daddr, port);
}

/*
 * The owner's tgid (as the initial pid namespace numbers it) as @ns numbers
 * it, 0 if @ns does not see it or it has gone.  A number reused since
 * names its new process, as a pid does.
 */
static pid_t tlc_owner_nr(u32 tgid, struct pid_namespace *ns)
{
	struct pid *pid;
	pid_t nr = 0;

	if (!tgid)
		return 0;
	rcu_read_lock();
	pid = find_pid_ns(tgid, &init_pid_ns);
	if (pid && pid_task(pid, PIDTYPE_TGID))
		nr = pid_nr_ns(pid, ns);
	rcu_read_unlock();
	return nr;
}

/* Process names may hold anything: keep the line format intact. */
static void tlc_show_comm(struct seq_file *m, const char *comm)
{
	char c[TASK_COMM_LEN];
	int i;

	for (i = 0; i < TASK_COMM_LEN - 1 && comm[i]; i++)
		c[i] = comm[i] > ' ' && comm[i] < 0x7f ? comm[i] : '?';
	c[i] = 0;
	seq_printf(m, " %s", i ? c : "-");
}

/* The tracking table's kind of a socket found in the hash tables. */
static u8 tlc_live_kind(const struct sock *sk)
{
	switch (READ_ONCE(sk->sk_state)) {
	case TCP_TIME_WAIT:
		return TLC_KIND_TW;
	case TCP_NEW_SYN_RECV:
		return TLC_KIND_REQ;
	}
	return TLC_KIND_FULL;
}

/* A tracked-socket callback and its argument, for tlc_live_one(). */
struct tlc_live {
	const struct net *net;
	tlc_live_fn fn;
	void *arg;
};

/* A socket of the namespace in a locked bucket: @fn if it is tracked. */
static void tlc_live_one(const struct sock *sk, void *arg)
{
	const struct tlc_live *live = arg;
	struct tlc_sock_info info;

	if (tlc_track_lookup(sk, live->net, atomic64_read(&sk->sk_cookie),
			     tlc_live_kind(sk), &info))
		live->fn(sk, &info, live->arg);
}

/*
 * Calls @fn for each tracked socket of @net in hash bucket @i (below
 * tlc_hash_buckets()), with the bucket locked and BHs off: @fn may read
 * the socket (a full, timewait or request socket), must not sleep.
 */
static void tlc_live_bucket(const struct net *net, unsigned int i,
			    tlc_live_fn fn, void *arg)
{
	struct tlc_live live = { .net = net, .fn = fn, .arg = arg };

	tlc_hash_walk_bucket(net, i, tlc_live_one, &live);
}

/**
 * tlc_sockets_walk() - call @fn for every tracked live socket of @net
 * @net: the namespace
 * @fn: called with a hash bucket of the kernel locked and BHs off; it may
 *	read the socket, must not sleep nor call into the tracking table
 * @arg: passed to @fn
 *
 * Context: process context.  O(the kernel's TCP hash tables).
 */
void tlc_sockets_walk(const struct net *net, tlc_live_fn fn, void *arg)
{
	struct tlc_live live = { .net = net, .fn = fn, .arg = arg };

	tlc_hash_walk(net, tlc_live_one, &live);
}

/*
 * One line per socket: state, local and remote address, ns in state, ns
 * since birth, owner pid (in the reader's pid namespace) and command, socket
 * cookie ("-" where unknown).
 * A tlc_live_fn: @sk is alive.
 */
static void tlc_sockets_line(const struct sock *sk,
			     const struct tlc_sock_info *info, void *arg)
{
	const struct tlc_sockets_walk *w = arg;
	const struct sock_common *skc = &sk->__sk_common;
	struct seq_file *m = w->m;
	u64 now = w->now;
	u64 age = now > info->state_ts ? now - info->state_ts : 0;
	u64 cookie;
	pid_t pid;

	if (info->kind == TLC_KIND_HANDOVER)
		return;
	if ((w->f->state && info->state != w->f->state) || age < w->f->min_age)
		return;
	if (skc->skc_family != AF_INET && skc->skc_family != AF_INET6)
		return;
	seq_printf(m, "%s", tlc_state_name(info->state));
	tlc_show_addr(m, skc, true);
	tlc_show_addr(m, skc, false);
	seq_printf(m, " %llu", age);
	if (info->birth_ts)
		seq_printf(m, " %llu",
			   now > info->birth_ts ? now - info->birth_ts : 0);
	else
		seq_puts(m, " -");
	pid = tlc_owner_nr(info->pid, w->pid_ns);
	if (pid)
		seq_printf(m, " %d", pid);
	else
		seq_puts(m, " -");
	tlc_show_comm(m, pid ? info->comm : "");
	cookie = atomic64_read(&skc->skc_cookie);
	if (cookie)
		seq_printf(m, " %llu\n", cookie);
	else
		seq_puts(m, " -\n");
}

/*
 * Position 0 is the header, position N > 0 hash bucket N - 1 (of
 * tlc_hash_buckets()).  The iterator value is N + 1: SEQ_START_TOKEN is
 * (void *)1.
 */
static void *tlc_sockets_iter(const struct net *net, loff_t pos)
{
	if (pos > tlc_hash_buckets(net))
		return NULL;
	return pos ? (void *)(uintptr_t)(pos + 1) : SEQ_START_TOKEN;
}

static void *tlc_sockets_start(struct seq_file *m, loff_t *pos)
{
	if (!file_ns_capable(m->file, seq_file_net(m)->user_ns, CAP_NET_ADMIN))
		return ERR_PTR(-EPERM);
	return tlc_sockets_iter(seq_file_net(m), *pos);
}

static void *tlc_sockets_next(struct seq_file *m, void *v, loff_t *pos)
{
	return tlc_sockets_iter(seq_file_net(m), ++*pos);
}

static void tlc_sockets_stop(struct seq_file *m, void *v)
{
}

static int tlc_sockets_show(struct seq_file *m, void *v)
{
	struct tlc_sockets_iter *it = m->private;
	struct tlc_sockets_walk w = { .m = m, .f = &it->filter };

	if (v == SEQ_START_TOKEN) {
		seq_printf(m, "version %d\n", TLC_FORMAT_VERSION);
		seq_puts(m, "state local remote age lifetime pid comm cookie\n");
		return 0;
	}
	w.now = ktime_get_ns();
	w.pid_ns = proc_pid_ns(file_inode(m->file)->i_sb);
	tlc_live_bucket(seq_file_net(m), (uintptr_t)v - 2, tlc_sockets_line,
			&w);
	return 0;
}

static const struct seq_operations tlc_sockets_ops = {
	.start	= tlc_sockets_start,
	.next	= tlc_sockets_next,
	.stop	= tlc_sockets_stop,
	.show	= tlc_sockets_show,
};

static int tlc_state_by_name(const char *name)
{
	int i;

	for (i = TLC_FIRST_STATE; i < TLC_NSTATES; i++)
		if (!strcmp(name, tlc_state_name(i)))
			return i;
	return -1;
}

/*
 * "state=NAME", "min_age_ms=N", "all" (space separated): which sockets
 * this open file lists from now on.
 */
static int tlc_sockets_write(struct file *file, char *buf, size_t size)
{
	struct seq_file *m = file->private_data;
	struct tlc_sockets_iter *it = m->private;
	struct tlc_filter f = {};
	char *tok, *val;
	int seen = 0;
	u64 ms;

	if (!file_ns_capable(file, seq_file_net(m)->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	/* A NUL byte would hide what follows it from the parser. */
	if (strlen(buf) != size)
		return -EINVAL;
	while ((tok = strsep(&buf, " \t\n"))) {
		if (!*tok)
			continue;
		seen++;
		val = strchr(tok, '=');
		if (val)
			*val++ = 0;
		if (!strcmp(tok, "all") && !val) {
			memset(&f, 0, sizeof(f));
		} else if (!strcmp(tok, "state") && val) {
			f.state = tlc_state_by_name(val);
			if (f.state < 0)
				return -EINVAL;
		} else if (!strcmp(tok, "min_age_ms") && val) {
			if (kstrtou64(val, 10, &ms) || ms > U64_MAX / NSEC_PER_MSEC)
				return -EINVAL;
			f.min_age = ms * NSEC_PER_MSEC;
		} else {
			return -EINVAL;
		}
	}
	if (!seen)
		return -EINVAL;
	/* seq_read() holds it while it lists: one read, one filter. */
	mutex_lock(&m->lock);
	it->filter = f;
	mutex_unlock(&m->lock);
	return 0;
}

/**
 * tlc_sockets_create() - create the sockets file of a namespace
 * @dir: the namespace's /proc/net/tcp_lifecycle/
 *
 * The caller sets its owner, and removes it with @dir.
 *
 * Return: the file's entry, or NULL (out of memory).
 */
struct proc_dir_entry *tlc_sockets_create(struct proc_dir_entry *dir)
{
	return proc_create_net_data_write("sockets", 0600, dir,
					  &tlc_sockets_ops, tlc_sockets_write,
					  sizeof(struct tlc_sockets_iter), NULL);
}
