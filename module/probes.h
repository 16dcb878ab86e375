/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The probe framework: feature groups of kprobes, return probes and
 * tracepoints, armed together, counted, listed.  The hook files (hook_*.c)
 * each give it a table of probes; the framework's own wrappers run every
 * handler, so that a handler only captures facts.
 */
#ifndef _TLC_PROBES_H
#define _TLC_PROBES_H

#include <linux/kprobes.h>
#include <linux/types.h>

struct pt_regs;
struct seq_file;
struct sock;
struct tracepoint;

/* Probes group into features, armed (or found unavailable) as a whole. */
enum tlc_feature {
	TLC_F_STATES,		/* required */
	TLC_F_TIMEWAIT,
	TLC_F_SYNRECV,
	TLC_F_REASONS,
	TLC_F_OWNER,
	TLC_F_PORTS,
	TLC_F_RESETS,
	TLC_NFEATURES,
};

enum tlc_probe_kind {
	TLC_PK_KPROBE,		/* at a function's entry */
	TLC_PK_KRETPROBE,	/* at its entry (optional) and return */
	TLC_PK_TRACEPOINT,
};

/**
 * struct tlc_probe - one probe, as a hook file's table gives it
 * @name: the probed function, or the tracepoint
 * @pre: kprobe handler
 * @entry: return probe's entry handler (may be NULL): false to skip the
 *	call (no @ret then), true once it filled the call's data
 * @ret: return probe's handler, with what @entry filled
 * @state: tracepoint handler, for sock:inet_sock_set_state's arguments
 * @tp_fn: for any other tracepoint, the function registered, of its
 *	prototype with the probe as data first; it brackets its work with
 *	tlc_tp_begin() and tlc_tp_end().  Neither @state nor @tp_fn: this
 *	kernel's tracepoint is not usable (the feature is unavailable).
 * @kind: enum tlc_probe_kind
 * @feature: enum tlc_feature
 * @kp: the framework's: the kprobe
 * @krp: the return probe: the table gives its data_size and maxactive
 *	(concurrent calls, 0 for the kernel's default)
 * @tp: the framework's: the tracepoint found
 * @idx: the framework's: index of its hit count
 * @armed: the framework's: registered
 *
 * The framework calls each handler with interrupts off, after its
 * noop_handlers check and its hit count: a handler does neither.
 */
struct tlc_probe {
	const char *name;
	void (*pre)(struct pt_regs *regs);
	bool (*entry)(void *data, struct pt_regs *regs);
	void (*ret)(void *data, struct pt_regs *regs);
	void (*state)(struct sock *sk, int oldstate, int newstate);
	void *tp_fn;
	u8 kind;
	u8 feature;

	struct kprobe kp;
	struct kretprobe krp;
	struct tracepoint *tp;
	u8 idx;
	bool armed;
};

#define TLC_KPROBE(sym, handler, feat) {				\
	.name = (sym), .pre = (handler),				\
	.kind = TLC_PK_KPROBE, .feature = (feat),			\
}

#define TLC_KRETPROBE(sym, entry_fn, ret_fn, size, active, feat) {	\
	.name = (sym), .entry = (entry_fn), .ret = (ret_fn),		\
	.krp = { .data_size = (size), .maxactive = (active) },		\
	.kind = TLC_PK_KRETPROBE, .feature = (feat),			\
}

#define TLC_TRACEPOINT(tp_name, handler, feat) {			\
	.name = (tp_name), .state = (handler),				\
	.kind = TLC_PK_TRACEPOINT, .feature = (feat),			\
}

#define TLC_TRACEPOINT_FN(tp_name, fn, feat) {				\
	.name = (tp_name), .tp_fn = (fn),				\
	.kind = TLC_PK_TRACEPOINT, .feature = (feat),			\
}

/**
 * struct tlc_probe_set - a hook file's table of probes
 * @probe: the table
 * @n: its entries
 */
struct tlc_probe_set {
	struct tlc_probe *probe;
	unsigned int n;
};

/* The hook files' tables, armed and listed in this order. */
extern const struct tlc_probe_set tlc_state_probes;	/* hook_state.c */
extern const struct tlc_probe_set tlc_timewait_probes;	/* hook_timewait.c */
extern const struct tlc_probe_set tlc_reqsk_probes;	/* hook_reqsk.c */
extern const struct tlc_probe_set tlc_close_probes;	/* hook_close.c */
extern const struct tlc_probe_set tlc_connect_probes;	/* hook_connect.c */
extern const struct tlc_probe_set tlc_reset_probes;	/* hook_reset.c */

bool tlc_tp_begin(struct tlc_probe *p, unsigned long *flags);
void tlc_tp_end(unsigned long flags);

bool tlc_feature_armed(enum tlc_feature feature);

int tlc_probes_init(void);
void tlc_probes_exit(void);
void tlc_probes_show(struct seq_file *m);

#endif /* _TLC_PROBES_H */
