/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel version differences, turned into feature macros and tlc_ inlines.
 * This is the only file of the module that tests LINUX_VERSION_CODE.
 */
#ifndef _TLC_COMPAT_H
#define _TLC_COMPAT_H

#include <linux/version.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/cgroup.h>
#include <net/inet_connection_sock.h>
#include <net/inet_hashtables.h>
#include <net/net_namespace.h>
#include <net/sock.h>

/*
 * The range built and tested (scripts/test-matrix): Debian's 6.1 and 6.12
 * (bookworm, trixie) to 7.2 (sid).  Outside it a probed function may have
 * moved its arguments without the build noticing: refuse rather than
 * count wrong.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0) || \
	LINUX_VERSION_CODE >= KERNEL_VERSION(7, 3, 0)
#error "tcp_lifecycle supports Linux 6.1 to 7.2 only: this kernel is outside that range"
#endif

/*
 * The function that hashes a new timewait socket in place of its full
 * socket: (struct inet_timewait_sock *tw, struct sock *sk, ...) in both.
 * It was renamed when it took over scheduling the timewait timer, in 6.11;
 * 6.10 still has inet_twsk_hashdance().  A symbol name is no header
 * feature a build can test, hence the version.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define TLC_SYM_TW_HASHDANCE	"inet_twsk_hashdance_schedule"
#else
#define TLC_SYM_TW_HASHDANCE	"inet_twsk_hashdance"
#endif

/*
 * From 6.14 on every kernel has icsk_keepalive_timer: there, a Kbuild grep
 * that found nothing missed (a header moved), and falling back to
 * sk_timer would read the wrong socket.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 14, 0) && \
	!defined(TLC_HAVE_ICSK_KEEPALIVE_TIMER)
#error "Kbuild's grep for icsk_keepalive_timer missed (6.14+ have it)"
#endif

/*
 * The kernel's reason for each reset it sends, enum sk_rst_reason
 * (include/net/rstreason.h), is an argument of the tcp:tcp_send_reset
 * tracepoint from 6.10 on: (sk, skb, reason).  6.1's tracepoint has only
 * (sk, skb), hence no TLC_HAVE_RST_REASON there.  The reasons are the
 * build tree's: DEFINE_RST_REASON() lists their names.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#include <net/rstreason.h>
#define TLC_HAVE_RST_REASON
#define TLC_NRST_REASONS	SK_RST_REASON_MAX
#else
#define TLC_NRST_REASONS	1
#endif

/*
 * inet_csk_reqsk_queue_hash_add() returns whether it hashed the request
 * since "tcp: Fix race for duplicate reqsk on identical SYN" (6.10, and
 * stable backports: Debian's 6.1 has it), which is why the Kbuild looks
 * for it in the headers; before, it could not fail.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0) && \
	!defined(TLC_HAVE_REQSK_HASH_ADD_BOOL)
#error "Kbuild's grep for bool inet_csk_reqsk_queue_hash_add missed (6.10+ have it)"
#endif

/*
 * The request socket drops are probed at __inet_csk_reqsk_queue_drop(sk,
 * req, from_timer), which every drop goes through since the fix for
 * CVE-2024-50154 (6.12, and stable backports): the exported
 * inet_csk_reqsk_queue_drop() jumps there and
 * inet_csk_reqsk_queue_drop_and_put() calls it directly (checked on the
 * 6.1, 6.12 and 7.2 images).  A kernel without it lacks the symbol, and
 * its synrecv feature is reported unavailable.
 */

/**
 * tlc_reqsk_hash_added() - whether inet_csk_reqsk_queue_hash_add() hashed
 * @regs: registers at its return
 *
 * Return: true if the request socket was hashed (and lives on).
 */
static inline bool tlc_reqsk_hash_added(struct pt_regs *regs)
{
#ifdef TLC_HAVE_REQSK_HASH_ADD_BOOL
	return (u8)regs_return_value(regs);	/* a bool: its low byte */
#else
	return true;
#endif
}

/**
 * tlc_keepalive_timer_sk() - the socket whose keepalive timer @t is
 * @t: the timer tcp_keepalive_timer() was called with
 *
 * The keepalive timer was sk->sk_timer; it became icsk_keepalive_timer
 * (6.14, and stable backports: Debian's 6.1.1xx and 6.12 have it), which is
 * why the Kbuild looks for it in the headers.
 *
 * Return: the socket.
 */
static inline struct sock *tlc_keepalive_timer_sk(struct timer_list *t)
{
#ifdef TLC_HAVE_ICSK_KEEPALIVE_TIMER
	return &container_of(t, struct inet_connection_sock,
			     icsk_keepalive_timer)->icsk_inet.sk;
#else
	return container_of(t, struct sock, sk_timer);
#endif
}

/*
 * The kernel's TCP hash tables, as tcp_hash.c walks them for the files
 * that count live sockets: what the module may know of their layout, and
 * only here.  A namespace's tables are tcp_death_row.hashinfo (6.1 made
 * them per namespace: net.ipv4.tcp_child_ehash_entries); the listeners'
 * buckets (lhash2) hold a lock and a nulls list, the established ones
 * (ehash, timewait and request sockets too) a nulls list with a lock
 * from the striped array inet_ehash_lockp() picks.  The same on 6.1, 6.12
 * and 7.2 (their headers' struct inet_hashinfo, inet_listen_hashbucket,
 * inet_ehash_bucket); a field renamed or moved fails the build here.
 */

/**
 * tlc_tcp_hashinfo() - a namespace's TCP hash tables
 * @net: the namespace
 *
 * Return: its hash tables (shared with other namespaces unless
 * tcp_child_ehash_entries gave it its own).
 */
static inline struct inet_hashinfo *tlc_tcp_hashinfo(const struct net *net)
{
	return net->ipv4.tcp_death_row.hashinfo;
}

/**
 * tlc_lhash2_buckets() - the number of listener buckets
 * @h: the hash tables
 *
 * Return: how many; bucket numbers run from 0.
 */
static inline unsigned int tlc_lhash2_buckets(const struct inet_hashinfo *h)
{
	return h->lhash2_mask + 1;
}

/**
 * tlc_ehash_buckets() - the number of established buckets
 * @h: the hash tables
 *
 * Return: how many; bucket numbers run from 0.
 */
static inline unsigned int tlc_ehash_buckets(const struct inet_hashinfo *h)
{
	return h->ehash_mask + 1;
}

/**
 * tlc_lhash2_bucket() - one listener bucket and its lock
 * @h: the hash tables
 * @i: its number, below tlc_lhash2_buckets()
 * @lock: set to the bucket's lock (take it with BHs off)
 *
 * Return: the bucket's list of listeners.
 */
static inline struct hlist_nulls_head *
tlc_lhash2_bucket(struct inet_hashinfo *h, unsigned int i, spinlock_t **lock)
{
	*lock = &h->lhash2[i].lock;
	return &h->lhash2[i].nulls_head;
}

/**
 * tlc_ehash_bucket() - one established bucket and its lock
 * @h: the hash tables
 * @i: its number, below tlc_ehash_buckets()
 * @lock: set to the bucket's lock (take it with BHs off)
 *
 * Return: the bucket's list of established, timewait and request sockets.
 */
static inline struct hlist_nulls_head *
tlc_ehash_bucket(struct inet_hashinfo *h, unsigned int i, spinlock_t **lock)
{
	*lock = inet_ehash_lockp(h, i);
	return &h->ehash[i].chain;
}

/**
 * tlc_kprobe_arg() - the Nth argument of the probed function
 * @regs: registers at the probed function's entry
 * @n: argument number, 0 based
 *
 * Return: the argument as an unsigned long.
 */
static inline unsigned long tlc_kprobe_arg(struct pt_regs *regs, unsigned int n)
{
	return regs_get_kernel_argument(regs, n);
}

/**
 * tlc_kprobe_ret() - the return value of the probed function
 * @regs: registers at the probed function's return
 *
 * Return: the value, as an unsigned long.
 */
static inline unsigned long tlc_kprobe_ret(struct pt_regs *regs)
{
	return regs_return_value(regs);
}

/**
 * tlc_task_comm() - copy a task's name from a probe handler
 * @buf: TASK_COMM_LEN bytes
 * @tsk: the task
 *
 * get_task_comm() takes task_lock(), a spinlock_t, which PREEMPT_RT turns
 * into a sleeping lock: probe handlers run with preemption, and here
 * interrupts, disabled, and must not take it.  The kernel writes ->comm so
 * that lockless readers are safe (set_task_comm(); tracepoints read it that
 * way): a rename racing with the copy can only give a mix of the two
 * names.  The copy is NUL-terminated and padded.
 */
static inline void tlc_task_comm(char *buf, struct task_struct *tsk)
{
	strscpy_pad(buf, tsk->comm, TASK_COMM_LEN);
}

/*
 * The cgroup v2 of a socket's creator: sk->sk_cgrp_data, set when the
 * socket is made (a child inherits its listener's, sk_clone_lock()), with
 * a reference held until the socket is freed.  sock_cgroup_ptr() and
 * cgroup_id() (the inode number of the cgroup's directory) are the same
 * inlines in 6.1, 6.12 and 7.2; only CONFIG_SOCK_CGROUP_DATA (selected by
 * CGROUP_BPF, CGROUP_NET_CLASSID, CGROUP_NET_PRIO) decides whether a
 * socket has one.  Every kernel with it has the v2 hierarchy, mounted or
 * not: a socket made before cgroup2 was mounted is in its root (id 1).
 * Timewait and request sockets have no sk_cgrp_data.
 */
#ifdef CONFIG_SOCK_CGROUP_DATA
#define TLC_HAVE_SOCK_CGROUP
#endif

/**
 * tlc_sk_cgroup_id() - the cgroup v2 id of a full socket's creator
 * @sk: a live full socket (not a timewait or request socket)
 *
 * Return: the id, or 0 where the kernel keeps none.
 */
static inline u64 tlc_sk_cgroup_id(const struct sock *sk)
{
#ifdef TLC_HAVE_SOCK_CGROUP
	/* It takes a pointer that is not const, and only reads it. */
	struct cgroup *cgrp =
		sock_cgroup_ptr((struct sock_cgroup_data *)&sk->sk_cgrp_data);

	return cgrp ? cgroup_id(cgrp) : 0;
#else
	return 0;
#endif
}

/**
 * tlc_net_mib() - one CPU's count of a namespace's LINUX_MIB_* counter
 * @net: the namespace
 * @cpu: the CPU
 * @item: LINUX_MIB_*
 *
 * The same struct linux_mib in 6.1, 6.12 and 7.2 (net->mib.net_statistics,
 * per CPU, unsigned long counters).
 *
 * Return: the count.
 */
static inline unsigned long tlc_net_mib(const struct net *net, int cpu,
					int item)
{
	return READ_ONCE(per_cpu_ptr(net->mib.net_statistics, cpu)->mibs[item]);
}

#endif /* _TLC_COMPAT_H */
