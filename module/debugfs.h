/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /sys/kernel/debug/tcp_lifecycle/: module-wide details (root only).
 */
#ifndef _TLC_DEBUGFS_H
#define _TLC_DEBUGFS_H

void tlc_debugfs_init(void);
void tlc_debugfs_exit(void);

#endif /* _TLC_DEBUGFS_H */
