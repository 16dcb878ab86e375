/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kprobes that see TCP state changes.
 */
#ifndef _TLC_PROBES_H
#define _TLC_PROBES_H

#include <linux/types.h>

struct seq_file;

int tlc_probes_init(void);
void tlc_probes_exit(void);
void tlc_probes_show(struct seq_file *m);

#endif /* _TLC_PROBES_H */
