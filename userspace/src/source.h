/* SPDX-License-Identifier: GPL-2.0 */
/* source.h - read the tcp_lifecycle files from <proc root>/net/tcp_lifecycle. */
#ifndef TCPLC_SOURCE_H
#define TCPLC_SOURCE_H

#include "err.h"
#include "model.h"

#define SOURCE_DIR "net/tcp_lifecycle"
#define SOURCE_MAX_FILE (16u << 20) /* refuse files larger than this */

/*
 * Read and parse the files in @files (FILE_* bits) below @proc_root into @s
 * (zeroed first).  Returns 0 or an err_code with @e filled in.
 */
int source_load(const char *proc_root, unsigned files, struct snapshot *s,
		struct err *e);

#endif
