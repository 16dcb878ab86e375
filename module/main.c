// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_lifecycle: how TCP connections live and die.
 *
 * Only sequences the parts: the tracking table, the cgroups table, the
 * network namespaces (their statistics and /proc files, netns.c), debugfs,
 * and last the probes that feed them all.  Exit is the exact mirror of init.
 */

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "cgroups.h"
#include "listeners.h"
#include "debugfs.h"
#include "main.h"
#include "netns.h"
#include "probes.h"
#include "track.h"

#define TLC_MAX_TRACKED_LIMIT	(4U * 1024 * 1024)

static unsigned int max_tracked = 65536;
module_param(max_tracked, uint, 0444);
MODULE_PARM_DESC(max_tracked,
		 "sockets whose state entry time is tracked (1..4194304, default 65536; memory is allocated at load)");

static unsigned int max_cgroups = 1024;
module_param(max_cgroups, uint, 0444);
MODULE_PARM_DESC(max_cgroups,
		 "cgroups counted in /proc/net/tcp_lifecycle/cgroups, over all namespaces (1..65534, default 1024; memory is allocated at load)");

static unsigned int max_listeners = 4096;
module_param(max_listeners, uint, 0444);
MODULE_PARM_DESC(max_listeners,
		 "listeners counted in /proc/net/tcp_lifecycle/listeners, over all namespaces (1..65536, default 4096; memory is allocated at load)");

static int __init tlc_init(void)
{
	int err;

	if (!max_tracked || max_tracked > TLC_MAX_TRACKED_LIMIT) {
		pr_err("max_tracked=%u is out of range 1..%u\n", max_tracked,
		       TLC_MAX_TRACKED_LIMIT);
		return -EINVAL;
	}
	if (!max_cgroups || max_cgroups > TLC_MAX_CGROUPS_LIMIT) {
		pr_err("max_cgroups=%u is out of range 1..%u\n", max_cgroups,
		       TLC_MAX_CGROUPS_LIMIT);
		return -EINVAL;
	}

	if (!max_listeners || max_listeners > TLC_MAX_LISTENERS_LIMIT) {
		pr_err("max_listeners=%u is out of range 1..%u\n",
		       max_listeners, TLC_MAX_LISTENERS_LIMIT);
		return -EINVAL;
	}

	err = tlc_track_init(max_tracked);
	if (err)
		return err;
	err = tlc_cgroups_init(max_cgroups);
	if (err)
		goto err_track;
	err = tlc_listeners_init(max_listeners);
	if (err)
		goto err_cgroups;
	err = tlc_netns_init();
	if (err)
		goto err_listeners;
	tlc_debugfs_init();
	err = tlc_probes_init();
	if (err)
		goto err_debugfs;

	pr_info("version %s loaded, tracking up to %u sockets\n", TLC_VERSION,
		max_tracked);
	return 0;

err_debugfs:
	tlc_debugfs_exit();
	tlc_netns_exit();
err_listeners:
	tlc_listeners_exit();
err_cgroups:
	tlc_cgroups_exit();
err_track:
	tlc_track_exit();
	return err;
}

static void __exit tlc_exit(void)
{
	tlc_probes_exit();
	tlc_debugfs_exit();
	tlc_netns_exit();
	tlc_listeners_exit();
	tlc_cgroups_exit();
	tlc_track_exit();
	pr_info("unloaded\n");
}

module_init(tlc_init);
module_exit(tlc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TCP connection lifecycle statistics: state transitions, dwell times, close reasons");
MODULE_VERSION(TLC_VERSION);
MODULE_AUTHOR("tcp_lifecycle developers");
