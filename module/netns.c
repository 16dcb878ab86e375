// SPDX-License-Identifier: GPL-2.0
/*
 * The life of a network namespace, as this module sees it.
 *
 * This file alone holds the pernet_operations.  A namespace that comes up
 * (or exists when the module loads) gets, in order: its statistics, its
 * cgroups' "other" row, its listeners' "closed" and "untracked" lines,
 * its /proc/net/tcp_lifecycle/ files, then the
 * publication of the statistics to
 * the probe handlers.  On the way down, the mirror: the /proc files go and
 * handlers stop seeing the statistics (pre_exit); after the RCU grace
 * period the pernet core waits for, the socket, cgroups and listeners tables
 * forget the
 * namespace and the statistics are freed (exit).  The parts it calls know nothing of
 * each other, nor of this file.
 */

#include <linux/atomic.h>
#include <linux/printk.h>
#include <net/net_namespace.h>

#include "cgroups.h"
#include "listeners.h"
#include "netns.h"
#include "procfs.h"
#include "stats.h"
#include "track.h"

static atomic_t tlc_nets_failed = ATOMIC_INIT(0);

/**
 * tlc_netns_uncounted() - namespaces left without statistics
 *
 * Return: how many namespaces could not get their statistics or /proc files
 * (out of memory); their TCP traffic is not counted.
 */
int tlc_netns_uncounted(void)
{
	return atomic_read(&tlc_nets_failed);
}

/*
 * Never fails: a namespace must not fail to come up because of a statistics
 * module.  Without memory it is left uncounted, and that is counted.
 */
static int __net_init tlc_net_init(struct net *net)
{
	if (tlc_stats_net_alloc(net))
		goto err_stats;
	if (tlc_cgroups_net_init(net))
		goto err_cgroups;
	if (tlc_listeners_net_init(net))
		goto err_listeners;
	if (tlc_procfs_net_init(net))
		goto err_procfs;
	tlc_stats_net_publish(net);
	return 0;

err_procfs:
	tlc_listeners_net_exit(net);
err_listeners:
	tlc_cgroups_net_exit(net);
err_cgroups:
	tlc_stats_net_free(net);
err_stats:
	atomic_inc(&tlc_nets_failed);
	pr_warn_ratelimited("no memory for a network namespace's statistics; its TCP traffic is not counted\n");
	return 0;
}

/* A namespace left uncounted has no /proc files to remove. */
static void __net_exit tlc_net_pre_exit(struct net *net)
{
	if (!tlc_stats_of(net))
		return;
	tlc_procfs_net_exit(net);
	tlc_stats_net_unpublish(net);
}

/* No handler sees the statistics any more, and the sockets are gone. */
static void __net_exit tlc_net_exit(struct net *net)
{
	tlc_track_purge_net(net);
	tlc_listeners_net_exit(net);
	tlc_cgroups_net_exit(net);
	tlc_stats_net_free(net);
}

static struct pernet_operations tlc_net_ops = {
	.init		= tlc_net_init,
	.pre_exit	= tlc_net_pre_exit,
	.exit		= tlc_net_exit,
	.id		= &tlc_stats_net_id,
	.size		= sizeof(struct tlc_stats_net),
};

/**
 * tlc_netns_init() - follow every network namespace, present and future
 *
 * Needs the socket table (tlc_track_init()).
 *
 * Return: 0 or a negative errno from register_pernet_subsys().
 */
int tlc_netns_init(void)
{
	return register_pernet_subsys(&tlc_net_ops);
}

/**
 * tlc_netns_exit() - tear down every namespace's statistics and files
 *
 * Returns after every reader of their files is done.
 */
void tlc_netns_exit(void)
{
	unregister_pernet_subsys(&tlc_net_ops);
}
