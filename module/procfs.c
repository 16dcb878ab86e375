// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcp_lifecycle/: the statistics of the reader's network namespace.
 *
 * Every file starts with "version N" (TLC_FORMAT_VERSION); the formats are an
 * ABI, documented in Documentation/tcp_lifecycle.rst.  The statistics files
 * are a snapshot summed over CPUs when read, readable by everyone: they hold
 * counts and times, never addresses, pids or kernel pointers.  "sockets"
 * names addresses and processes: it belongs to the namespace's root (and
 * needs CAP_NET_ADMIN there), and streams one hash bucket at a time.
 */

#include <linux/capability.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <net/net_namespace.h>

#include "procfs.h"
#include "stats.h"
#include "track.h"

#define TLC_PROC_DIR	"tcp_lifecycle"

static void tlc_show_version(struct seq_file *m)
{
	seq_printf(m, "version %d\n", TLC_FORMAT_VERSION);
}

static int tlc_states_show(struct seq_file *m, void *v)
{
	const struct net *net = seq_file_single_net(m);
	u64 count[TLC_NSTATES] = {}, oldest[TLC_NSTATES] = {};
	struct tlc_stats *s;
	int i;

	s = tlc_stats_sum(net);
	if (!s)
		return -ENOMEM;
	tlc_track_occupancy(net, ktime_get_ns(), count, oldest);
	tlc_show_version(m);
	seq_puts(m, "state entered exited timed untimed now oldest\n");
	for (i = TLC_FIRST_STATE; i < TLC_NSTATES; i++)
		seq_printf(m, "%s %llu %llu %llu %llu %llu %llu\n",
			   tlc_state_name(i), s->entered[i], s->exited[i],
			   s->dwell[i].count, s->untimed[i], count[i],
			   oldest[i]);
	kfree(s);
	return 0;
}

static void tlc_show_matrix(struct seq_file *m, u64 mat[][TLC_NSTATES])
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

static int tlc_transitions_show(struct seq_file *m, void *v)
{
	struct tlc_stats *s = tlc_stats_sum(seq_file_single_net(m));

	if (!s)
		return -ENOMEM;
	tlc_show_matrix(m, s->life);
	kfree(s);
	return 0;
}

static int tlc_transitions_raw_show(struct seq_file *m, void *v)
{
	struct tlc_stats *s = tlc_stats_sum(seq_file_single_net(m));

	if (!s)
		return -ENOMEM;
	tlc_show_matrix(m, s->raw);
	kfree(s);
	return 0;
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

static int tlc_hist_show(struct seq_file *m, void *v)
{
	struct tlc_stats *s = tlc_stats_sum(seq_file_single_net(m));
	int i;

	if (!s)
		return -ENOMEM;
	tlc_show_version(m);
	seq_puts(m, "unit ns\n");
	seq_puts(m, "state count sum min max buckets\n");
	for (i = TLC_FIRST_STATE; i < TLC_NSTATES; i++)
		tlc_show_dwell(m, tlc_state_name(i), &s->dwell[i], NULL);
	kfree(s);
	return 0;
}

static int tlc_reasons_show(struct seq_file *m, void *v)
{
	struct tlc_stats *s = tlc_stats_sum(seq_file_single_net(m));
	int i;

	if (!s)
		return -ENOMEM;
	tlc_show_version(m);
	seq_puts(m, "unit ns\n");
	seq_puts(m, "reason count unknown sum min max buckets\n");
	for (i = 0; i < TLC_NREASONS; i++)
		tlc_show_dwell(m, tlc_reason_name(i), &s->lifetime[i],
			       &s->lifetime_unknown[i]);
	kfree(s);
	return 0;
}

static int tlc_counters_show(struct seq_file *m, void *v)
{
	const struct net *net = seq_file_single_net(m);
	u64 count[TLC_NSTATES] = {}, oldest[TLC_NSTATES] = {};
	u64 transitions = 0, tracked = 0;
	struct tlc_stats *s;
	int i, j;

	s = tlc_stats_sum(net);
	if (!s)
		return -ENOMEM;
	tlc_track_occupancy(net, ktime_get_ns(), count, oldest);
	for (i = 0; i < TLC_NSTATES; i++) {
		for (j = 0; j < TLC_NSTATES; j++)
			transitions += s->raw[i][j];
		tracked += count[i];
	}
	tlc_show_version(m);
	seq_printf(m, "transitions %llu\n", transitions);
	seq_printf(m, "tracked %llu\n", tracked);
	for (i = 0; i < TLC_NCOUNTERS; i++)
		seq_printf(m, "%s %llu\n", tlc_counter_name(i), s->ctr[i]);
	kfree(s);
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
};

/* ---- sockets ---------------------------------------------------------- */

struct tlc_sockets_iter {
	struct seq_net_private p;	/* first: seq_file_net() */
	struct tlc_filter filter;
};

static void *tlc_sockets_start(struct seq_file *m, loff_t *pos)
{
	if (!file_ns_capable(m->file, seq_file_net(m)->user_ns, CAP_NET_ADMIN))
		return ERR_PTR(-EPERM);
	if (*pos > tlc_track_buckets())
		return NULL;
	return *pos ? (void *)(uintptr_t)*pos : SEQ_START_TOKEN;
}

static void *tlc_sockets_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return *pos > tlc_track_buckets() ? NULL : (void *)(uintptr_t)*pos;
}

static void tlc_sockets_stop(struct seq_file *m, void *v)
{
}

static int tlc_sockets_show(struct seq_file *m, void *v)
{
	struct tlc_sockets_iter *it = m->private;

	if (v == SEQ_START_TOKEN) {
		tlc_show_version(m);
		seq_puts(m, "state local remote age lifetime pid comm cookie\n");
		return 0;
	}
	tlc_track_show_bucket(m, (uintptr_t)v - 1, seq_file_net(m),
			      &it->filter, ktime_get_ns());
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
	it->filter = f;
	return 0;
}

/**
 * tlc_procfs_net_init() - create /proc/net/tcp_lifecycle/ in a namespace
 * @net: the namespace
 *
 * Return: 0 or -ENOMEM.
 */
int tlc_procfs_net_init(struct net *net)
{
	struct proc_dir_entry *dir;
	int i;

	dir = proc_net_mkdir(net, TLC_PROC_DIR, net->proc_net);
	if (!dir)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(tlc_proc_files); i++) {
		if (!proc_create_net_single(tlc_proc_files[i].name, 0444, dir,
					    tlc_proc_files[i].show, NULL))
			goto err_remove;
	}
	if (!proc_create_net_data_write("sockets", 0600, dir, &tlc_sockets_ops,
					tlc_sockets_write,
					sizeof(struct tlc_sockets_iter), NULL))
		goto err_remove;
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
