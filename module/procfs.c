// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcp_lifecycle/: the statistics of the reader's network namespace.
 *
 * Every file starts with "version N" (TLC_FORMAT_VERSION); the formats are an
 * ABI, documented in Documentation/tcp_lifecycle.rst.  The statistics files
 * are a snapshot summed over CPUs when read, readable by everyone: they hold
 * counts and times, never addresses, pids or kernel pointers.  "sockets"
 * (sockets.c) names addresses and processes, "cgroups" (cgroups.c) the
 * namespace's cgroups, "keepalive_idle" walks the kernel's hash tables:
 * they and the directory belong to the namespace's root.
 */

#include <linux/ctype.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>
#include <linux/log2.h>
#include <net/net_namespace.h>
#include <net/tcp.h>

#include "cgroups.h"
#include "listeners.h"
#include "procfs.h"
#include "sockets.h"
#include "stats.h"
#include "track.h"

#define TLC_PROC_DIR	"tcp_lifecycle"

static void tlc_show_version(struct seq_file *m)
{
	seq_printf(m, "version %d\n", TLC_FORMAT_VERSION);
}

struct tlc_occupancy {
	u64 count[TLC_NSTATES];		/* tracked sockets per state */
	u64 oldest[TLC_NSTATES];	/* about the longest one has been in it */
};

/*
 * A namespace's tracked sockets per state (kmalloc'ed, or NULL), kept by
 * the table as it changes: the same cost at any table size.
 */
static struct tlc_occupancy *tlc_occupancy(const struct net *net)
{
	struct tlc_occupancy *o = kzalloc(sizeof(*o), GFP_KERNEL);

	if (o && tlc_stats_occupancy(net, ktime_get_ns(), o->count,
				     o->oldest)) {
		kfree(o);
		o = NULL;
	}
	return o;
}

static int tlc_states_show(struct seq_file *m, void *v)
{
	const struct net *net = seq_file_single_net(m);
	struct tlc_stats *s = tlc_stats_sum(net);
	struct tlc_occupancy *o = tlc_occupancy(net);
	int i;

	if (!s || !o) {
		kvfree(s);
		kfree(o);
		return -ENOMEM;
	}
	tlc_show_version(m);
	seq_puts(m, "state entered exited timed untimed now oldest\n");
	for (i = TLC_FIRST_STATE; i < TLC_NSTATES; i++)
		seq_printf(m, "%s %llu %llu %llu %llu %llu %llu\n",
			   tlc_state_name(i), s->entered[i], s->exited[i],
			   s->dwell[i].count, s->untimed[i], o->count[i],
			   o->oldest[i]);
	kfree(o);
	kvfree(s);
	return 0;
}

/*
 * A file that shows only the namespace's statistics, summed over CPUs: the
 * snapshot is taken, shown by @show and freed here.
 */
static int tlc_sum_show(struct seq_file *m,
			void (*show)(struct seq_file *m,
				     const struct tlc_stats *s))
{
	struct tlc_stats *s = tlc_stats_sum(seq_file_single_net(m));

	if (!s)
		return -ENOMEM;
	show(m, s);
	kvfree(s);
	return 0;
}

static void tlc_show_matrix(struct seq_file *m, const u64 mat[][TLC_NSTATES])
{
	int i, j;

	tlc_show_version(m);
	seq_puts(m, "from to count\n");
	for (i = TLC_FIRST_STATE; i < TLC_NSTATES; i++)
		for (j = TLC_FIRST_STATE; j < TLC_NSTATES; j++)
			if (mat[i][j])
				seq_printf(m, "%s %s %llu\n", tlc_state_name(i),
					   tlc_state_name(j), mat[i][j]);
}

static void tlc_show_transitions(struct seq_file *m, const struct tlc_stats *s)
{
	tlc_show_matrix(m, s->life);
}

static int tlc_transitions_show(struct seq_file *m, void *v)
{
	return tlc_sum_show(m, tlc_show_transitions);
}

static void tlc_show_transitions_raw(struct seq_file *m,
				     const struct tlc_stats *s)
{
	tlc_show_matrix(m, s->raw);
}

static int tlc_transitions_raw_show(struct seq_file *m, void *v)
{
	return tlc_sum_show(m, tlc_show_transitions_raw);
}

static void tlc_show_dwell(struct seq_file *m, const char *name,
			   const struct tlc_dwell *d, const u64 *unknown)
{
	int b;

	seq_printf(m, "%s %llu", name, d->count);
	if (unknown)
		seq_printf(m, " %llu", *unknown);
	seq_printf(m, " %llu %llu %llu", d->sum, d->min, d->max);
	for (b = 0; b < TLC_HIST_BUCKETS; b++)
		if (d->bucket[b])
			seq_printf(m, " %d:%llu", b, d->bucket[b]);
	seq_putc(m, '\n');
}

static void tlc_show_hist(struct seq_file *m, const struct tlc_stats *s)
{
	int i;

	tlc_show_version(m);
	seq_puts(m, "unit ns\n");
	seq_puts(m, "state count sum min max buckets\n");
	for (i = TLC_FIRST_STATE; i < TLC_NSTATES; i++)
		tlc_show_dwell(m, tlc_state_name(i), &s->dwell[i], NULL);
}

static int tlc_hist_show(struct seq_file *m, void *v)
{
	return tlc_sum_show(m, tlc_show_hist);
}

static void tlc_show_reasons(struct seq_file *m, const struct tlc_stats *s)
{
	int i;

	tlc_show_version(m);
	seq_puts(m, "unit ns\n");
	seq_puts(m, "reason count unknown sum min max buckets\n");
	for (i = 0; i < TLC_NREASONS; i++)
		tlc_show_dwell(m, tlc_reason_name(i), &s->lifetime[i],
			       &s->lifetime_unknown[i]);
}

static int tlc_reasons_show(struct seq_file *m, void *v)
{
	return tlc_sum_show(m, tlc_show_reasons);
}

static int tlc_counters_show(struct seq_file *m, void *v)
{
	const struct net *net = seq_file_single_net(m);
	struct tlc_stats *s = tlc_stats_sum(net);
	struct tlc_occupancy *o = tlc_occupancy(net);
	u64 transitions = 0, tracked = 0;
	int i, j;

	if (!s || !o) {
		kvfree(s);
		kfree(o);
		return -ENOMEM;
	}
	for (i = 0; i < TLC_NSTATES; i++) {
		for (j = 0; j < TLC_NSTATES; j++)
			transitions += s->raw[i][j];
		tracked += o->count[i];
	}
	kfree(o);
	tlc_show_version(m);
	seq_printf(m, "transitions %llu\n", transitions);
	seq_printf(m, "tracked %llu\n", tracked);
	for (i = 0; i < TLC_NCOUNTERS; i++)
		seq_printf(m, "%s %llu\n", tlc_counter_name(i), s->ctr[i]);
	kvfree(s);
	return 0;
}

/* Worst-case time to find a dead peer with the namespace's settings. */
static u64 tlc_backoff_ns(unsigned int retries, unsigned int rto_base_ms)
{
	/* As tcp_model_timeout(): doubling up to TCP_RTO_MAX, then linear. */
	unsigned int rto_max_ms = jiffies_to_msecs(TCP_RTO_MAX);
	unsigned int thresh = ilog2(rto_max_ms / rto_base_ms);
	u64 ms;

	if (retries <= thresh)
		ms = ((2ULL << retries) - 1) * rto_base_ms;
	else
		ms = ((2ULL << thresh) - 1) * rto_base_ms +
		     (u64)(retries - thresh) * rto_max_ms;
	return ms * NSEC_PER_MSEC;
}

static void tlc_show_hist_line(struct seq_file *m, const char *kind,
			       const char *name, const struct tlc_dwell *d)
{
	char label[48];

	snprintf(label, sizeof(label), "%s %s", kind, name);
	tlc_show_dwell(m, label, d, NULL);
}

/*
 * What the kernel counts as CurrEstab in /proc/net/snmp: its sockets in
 * ESTABLISHED or CLOSE_WAIT (tcp_set_state()), summed over CPUs.
 */
static u64 tlc_curr_estab(const struct net *net)
{
	unsigned long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += snmp_get_cpu_field(net->mib.tcp_statistics, cpu,
					TCP_MIB_CURRESTAB);
	return (long)n > 0 ? n : 0;
}

/*
 * The namespace's keepalive settings and what they mean, its keepalive
 * timers' work, and its established sockets by SO_KEEPALIVE: kept as the
 * table changes, the same cost at any table size (their idle times, which
 * need a walk, are in keepalive_idle).
 */
static int tlc_keepalive_show(struct seq_file *m, void *v)
{
	const struct net *net = seq_file_single_net(m);
	struct tlc_occupancy *o = tlc_occupancy(net);
	struct tlc_stats *s = tlc_stats_sum(net);
	u64 ka_time, ka_intvl, ka_probes, curr, tracked;
	int i;

	if (!s || !o) {
		kvfree(s);
		kfree(o);
		return -ENOMEM;
	}
	ka_time = tlc_jiffies_ns(READ_ONCE(net->ipv4.sysctl_tcp_keepalive_time));
	ka_intvl = tlc_jiffies_ns(READ_ONCE(net->ipv4.sysctl_tcp_keepalive_intvl));
	ka_probes = READ_ONCE(net->ipv4.sysctl_tcp_keepalive_probes);
	curr = tlc_curr_estab(net);
	tracked = o->count[TCP_ESTABLISHED] + o->count[TCP_CLOSE_WAIT];

	seq_printf(m, "version %d\n", TLC_KEEPALIVE_VERSION);
	seq_puts(m, "unit ns\n");
	seq_printf(m, "keepalive_time %llu\n", ka_time);
	seq_printf(m, "keepalive_intvl %llu\n", ka_intvl);
	seq_printf(m, "keepalive_probes %llu\n", ka_probes);
	seq_printf(m, "tcp_retries2 %u\n",
		   READ_ONCE(net->ipv4.sysctl_tcp_retries2));
	seq_printf(m, "tcp_syn_retries %u\n",
		   READ_ONCE(net->ipv4.sysctl_tcp_syn_retries));
	seq_printf(m, "worst_detect_keepalive %llu\n",
		   ka_time + ka_intvl * ka_probes);
	seq_printf(m, "worst_detect_retrans %llu\n",
		   tlc_backoff_ns(READ_ONCE(net->ipv4.sysctl_tcp_retries2),
				  jiffies_to_msecs(TCP_RTO_MIN)));
	seq_printf(m, "worst_detect_syn %llu\n",
		   tlc_backoff_ns(READ_ONCE(net->ipv4.sysctl_tcp_syn_retries),
				  jiffies_to_msecs(TCP_TIMEOUT_INIT)));
	for (i = 0; i < TLC_NKA; i++)
		seq_printf(m, "%s %llu\n", tlc_ka_name(i), s->ka[i]);
	seq_printf(m, "established_keepalive_on %lld\n",
		   s->keepopen[TLC_KEEPOPEN_ON]);
	seq_printf(m, "established_keepalive_off %lld\n",
		   s->keepopen[TLC_KEEPOPEN_OFF]);
	seq_printf(m, "established_untracked %llu\n",
		   curr > tracked ? curr - tracked : 0);
	seq_puts(m, "hist name count sum min max buckets\n");
	for (i = 0; i < TLC_NDETECT; i++)
		tlc_show_hist_line(m, "detect", tlc_detect_name(i),
				   &s->detect[i]);
	kfree(o);
	kvfree(s);
	return 0;
}

struct tlc_ka_population {
	struct tlc_dwell idle_on, idle_off;
};

/* An established socket's idle time (now - its last segment received). */
static void tlc_ka_idle(const struct sock *sk,
			const struct tlc_sock_info *info, void *arg)
{
	struct tlc_ka_population *pop = arg;
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 idle;

	if (info->kind != TLC_KIND_FULL || info->state != TCP_ESTABLISHED ||
	    READ_ONCE(sk->sk_state) != TCP_ESTABLISHED)
		return;
	idle = tcp_jiffies32 - READ_ONCE(tp->rcv_tstamp);
	tlc_dwell_add(sock_flag(sk, SOCK_KEEPOPEN) ? &pop->idle_on :
		      &pop->idle_off, tlc_jiffies_ns(idle));
}

/*
 * keepalive_idle: the tracked established sockets' idle times, by
 * SO_KEEPALIVE.  A walk of the kernel's TCP hash tables (O(their size)),
 * hence the namespace root's alone.
 */
static int tlc_keepalive_idle_show(struct seq_file *m, void *v)
{
	struct tlc_ka_population *pop = kzalloc(sizeof(*pop), GFP_KERNEL);

	if (!pop)
		return -ENOMEM;
	tlc_sockets_walk(seq_file_single_net(m), tlc_ka_idle, pop);
	tlc_show_version(m);
	seq_puts(m, "unit ns\n");
	seq_puts(m, "hist name count sum min max buckets\n");
	tlc_show_hist_line(m, "idle", "keepalive_on", &pop->idle_on);
	tlc_show_hist_line(m, "idle", "keepalive_off", &pop->idle_off);
	kfree(pop);
	return 0;
}

/*
 * Resets sent, by the kernel's reason: its names in lower case.  No line
 * on a kernel whose tracepoint has no reason (6.1).
 */
static int tlc_resets_show(struct seq_file *m, void *v)
{
	struct tlc_stats *s = tlc_stats_sum(seq_file_single_net(m));
	const char *name;
	int i;

	if (!s)
		return -ENOMEM;
	tlc_show_version(m);
	for (i = 0; i < TLC_NRST_REASONS; i++) {
		name = tlc_rst_reason_name(i);
		if (!name)
			continue;
		for (; *name; name++)
			seq_putc(m, tolower(*name));
		seq_printf(m, " %llu\n", s->rst[i]);
	}
	kvfree(s);
	return 0;
}

struct tlc_proc_file {
	const char *name;
	int (*show)(struct seq_file *m, void *v);
};

static const struct tlc_proc_file tlc_proc_files[] = {
	{ "states",		tlc_states_show },
	{ "transitions",	tlc_transitions_show },
	{ "transitions_raw",	tlc_transitions_raw_show },
	{ "hist",		tlc_hist_show },
	{ "reasons",		tlc_reasons_show },
	{ "counters",		tlc_counters_show },
	{ "keepalive",		tlc_keepalive_show },
	{ "resets",		tlc_resets_show },
};

/**
 * tlc_procfs_net_init() - create /proc/net/tcp_lifecycle/ in a namespace
 * @net: the namespace
 *
 * Return: 0 or -ENOMEM.
 */
int tlc_procfs_net_init(struct net *net)
{
	struct user_namespace *user_ns = net->user_ns;
	kuid_t uid = make_kuid(user_ns, 0);
	kgid_t gid = make_kgid(user_ns, 0);
	struct proc_dir_entry *dir, *sockets, *cgroups, *idle;
	int i;

	dir = proc_net_mkdir(net, TLC_PROC_DIR, net->proc_net);
	if (!dir)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(tlc_proc_files); i++) {
		if (!proc_create_net_single(tlc_proc_files[i].name, 0444, dir,
					    tlc_proc_files[i].show, NULL))
			goto err_remove;
	}
	sockets = tlc_sockets_create(dir);
	if (!sockets)
		goto err_remove;
	cgroups = tlc_cgroups_create(dir);
	if (!cgroups)
		goto err_remove;
	if (!tlc_listeners_create(dir))
		goto err_remove;
	/* A walk: not for every user to make the kernel do. */
	idle = proc_create_net_single("keepalive_idle", 0400, dir,
				      tlc_keepalive_idle_show, NULL);
	if (!idle)
		goto err_remove;
	/*
	 * The listing belongs to the namespace's root: in a container, the
	 * root of its user namespace (as the kernel's own /proc/net does).  A
	 * namespace created together with its user namespace (unshare -Urn)
	 * comes before the uid map: take the user namespace's owner, the one
	 * uid an unprivileged creator can map to root, and who holds every
	 * capability over it anyway.
	 */
	if (!uid_valid(uid))
		uid = user_ns->owner;
	if (!gid_valid(gid))
		gid = user_ns->group;
	proc_set_user(dir, uid, gid);
	proc_set_user(sockets, uid, gid);
	proc_set_user(cgroups, uid, gid);
	proc_set_user(idle, uid, gid);
	return 0;

err_remove:
	remove_proc_subtree(TLC_PROC_DIR, net->proc_net);
	return -ENOMEM;
}

/**
 * tlc_procfs_net_exit() - remove a namespace's directory
 * @net: the namespace
 *
 * Returns after every reader of its files is done.
 */
void tlc_procfs_net_exit(struct net *net)
{
	remove_proc_subtree(TLC_PROC_DIR, net->proc_net);
}
