// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/tcp_lifecycle/status: which probes are armed and how
 * often they fired or were missed, and how full the tracking table is.
 * Module-wide, not per namespace, hence debugfs and root only.  Like the
 * kernel's own debugfs users, the module works without it.
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "cgroups.h"
#include "listeners.h"
#include "debugfs.h"
#include "lifecycle.h"
#include "main.h"
#include "netns.h"
#include "probes.h"
#include "stats.h"
#include "track.h"

static struct dentry *tlc_debugfs_dir;

static int tlc_status_show(struct seq_file *m, void *v)
{
	int i;

	seq_printf(m, "version %d\n", TLC_FORMAT_VERSION);
	seq_printf(m, "module_version %s\n", TLC_VERSION);
	seq_printf(m, "max_tracked %u\n", tlc_track_capacity());
	seq_printf(m, "tracked %u\n", tlc_track_used());
	seq_printf(m, "stale_entries %llu\n", tlc_track_stale());
	seq_printf(m, "nets_uncounted %d\n", tlc_netns_uncounted());
	for (i = 0; i < TLC_NLOST; i++)
		seq_printf(m, "%s %llu\n", tlc_life_lost_name(i),
			   tlc_life_lost(i));
	tlc_probes_show(m);
	seq_printf(m, "lost_resets %llu\n", tlc_life_lost_resets());
	tlc_cgroups_status(m);
	tlc_listeners_status(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tlc_status);

#ifdef TLC_PROFILE
static int tlc_profile_show(struct seq_file *m, void *v)
{
	tlc_prof_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tlc_profile);
#endif

void tlc_debugfs_init(void)
{
	tlc_debugfs_dir = debugfs_create_dir(TLC_NAME, NULL);
	debugfs_create_file("status", 0400, tlc_debugfs_dir, NULL,
			    &tlc_status_fops);
	/* Testing only: the next N socket ends leave their entries behind. */
	debugfs_create_atomic_t("fault_keep_entries", 0600, tlc_debugfs_dir,
				&tlc_track_fault_keep);
#ifdef TLC_PROFILE
	debugfs_create_file("profile", 0400, tlc_debugfs_dir, NULL,
			    &tlc_profile_fops);
#endif
}

void tlc_debugfs_exit(void)
{
	debugfs_remove(tlc_debugfs_dir);
	tlc_debugfs_dir = NULL;
}
