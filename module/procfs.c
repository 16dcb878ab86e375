// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcp_lifecycle/: the statistics of the reader's network namespace.
 *
 * Every file starts with "version N" (TLC_FORMAT_VERSION); the formats are an
 * ABI, documented in Documentation/tcp_lifecycle.rst.  A reader gets a
 * snapshot summed over CPUs when it opens the file.
 */

#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
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

static int tlc_transitions_show(struct seq_file *m, void *v)
{
	struct tlc_stats *s = tlc_stats_sum(seq_file_single_net(m));
	int i, j;

	if (!s)
		return -ENOMEM;
	tlc_show_version(m);
	seq_puts(m, "from to count\n");
	for (i = TLC_FIRST_STATE; i < TLC_NSTATES; i++)
		for (j = TLC_FIRST_STATE; j < TLC_NSTATES; j++)
			if (s->trans[i][j])
				seq_printf(m, "%s %s %llu\n", tlc_state_name(i),
					   tlc_state_name(j), s->trans[i][j]);
	kfree(s);
	return 0;
}

static int tlc_hist_show(struct seq_file *m, void *v)
{
	struct tlc_stats *s = tlc_stats_sum(seq_file_single_net(m));
	int i, b;

	if (!s)
		return -ENOMEM;
	tlc_show_version(m);
	seq_puts(m, "unit ns\n");
	seq_puts(m, "state count sum min max buckets\n");
	for (i = TLC_FIRST_STATE; i < TLC_NSTATES; i++) {
		const struct tlc_dwell *d = &s->dwell[i];

		seq_printf(m, "%s %llu %llu %llu %llu", tlc_state_name(i),
			   d->count, d->sum, d->min, d->max);
		for (b = 0; b < TLC_HIST_BUCKETS; b++)
			if (d->bucket[b])
				seq_printf(m, " %d:%llu", b, d->bucket[b]);
		seq_putc(m, '\n');
	}
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
			transitions += s->trans[i][j];
		tracked += count[i];
	}
	tlc_show_version(m);
	seq_printf(m, "transitions %llu\n", transitions);
	seq_printf(m, "tracked %llu\n", tracked);
	seq_printf(m, "untracked %llu\n", s->untracked);
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
	{ "hist",		tlc_hist_show },
	{ "counters",		tlc_counters_show },
};

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
