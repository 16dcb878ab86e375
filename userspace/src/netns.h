/* SPDX-License-Identifier: GPL-2.0 */
/* netns.h - enter a named network namespace, like "ip netns exec". */
#ifndef TCPLC_NETNS_H
#define TCPLC_NETNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

#define NETNS_RUN_DIR "/run/netns"

/* Is @name usable as /run/netns/NAME (no '/', not "." or "..", printable)? */
int netns_name_ok(const char *name);
/* setns() into NETNS_RUN_DIR/@name.  Returns 0 or ERR_NETNS/ERR_PERM. */
int netns_enter(const char *name, struct err *e);
/* The same, for the namespace file @path (its name @name, for messages). */
int netns_enter_path(const char *path, const char *name, struct err *e);

/* A network namespace that some process in <proc root> is in. */
struct netns_ent {
	dev_t dev;
	ino_t ino;
	unsigned long pid;	/* the lowest such pid: read <proc root>/PID/net;
				 * 0: no process is in it, enter @path */
	bool named;		/* label is a name from /run/netns */
	char label[NAME_MAX + 1]; /* that name, or "net:[INODE]" as ls -l shows */
	char path[PATH_MAX];	/* named: its file in /run/netns */
};

/*
 * Every network namespace of a process under @proc_root that this user may
 * inspect (/proc/PID/ns/net) and every one named in /run/netns (for
 * another proc root R: R/../run/netns), once, with its name when it has
 * one; named ones first by name, then by inode.  *@out is malloc()ed.  Returns 0 or an
 * err_code.
 */
int netns_list(const char *proc_root, struct netns_ent **out, size_t *count,
	       struct err *e);

#endif
