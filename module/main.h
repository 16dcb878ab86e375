/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLC_MAIN_H
#define _TLC_MAIN_H

/* The module's name; KBUILD_MODNAME carries the module/ directory. */
#define TLC_NAME "tcp_lifecycle"

#ifndef TLC_VERSION
#define TLC_VERSION "unknown"
#endif

#endif /* _TLC_MAIN_H */
