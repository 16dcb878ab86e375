/* SPDX-License-Identifier: GPL-2.0 */
/* source.h - read the tcp_lifecycle files from <proc root>/net/tcp_lifecycle. */
#ifndef TCPLC_SOURCE_H
#define TCPLC_SOURCE_H

#include "err.h"
#include "model.h"

#define SOURCE_DIR "net/tcp_lifecycle"
#define SOURCE_MAX_FILE (16u << 20) /* refuse files larger than this */
/* sockets: up to max_tracked (4194304) lines of about 100 bytes */
#define SOURCE_MAX_SOCKETS_FILE (1u << 30)

/*
 * Read and parse the files in @files (FILE_* bits) below @proc_root into @s
 * (zeroed first), and those in @optional that exist.  The sockets file gets
 * @filter (NULL: none), written to the module's file when it is the real
 * one, and always applied by the parser.  Returns 0 or an err_code with @e
 * filled in; on success the caller owns s's allocations (snapshot_free()).
 * With @partial, a file that is missing or damaged gets a warning on stderr
 * and its bit in s->left_out, and the others are still read; it is an
 * error only when none of @files could be read (or there is no module).
 */
int source_load(const char *proc_root, unsigned files, unsigned optional,
		const struct sock_filter *filter, bool partial,
		struct snapshot *s, struct err *e);

#endif
