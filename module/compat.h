/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel version differences, turned into feature macros and tlc_ inlines.
 * This is the only file of the module that tests LINUX_VERSION_CODE.
 */
#ifndef _TLC_COMPAT_H
#define _TLC_COMPAT_H

#include <linux/version.h>
#include <linux/ptrace.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "tcp_lifecycle needs Linux 6.1 or newer"
#endif

/**
 * tlc_kprobe_arg() - the Nth argument of the probed function
 * @regs: registers at the probed function's entry
 * @n: argument number, 0 based
 *
 * Return: the argument as an unsigned long.
 */
static inline unsigned long tlc_kprobe_arg(struct pt_regs *regs, unsigned int n)
{
	return regs_get_kernel_argument(regs, n);
}

#endif /* _TLC_COMPAT_H */
