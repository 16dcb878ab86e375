/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The probe framework: feature groups of kprobes, return probes and
 * tracepoints, armed together, counted, listed.  The hook files (hook_*.c)
 * each give it a table of probes, and wrap each handler with one of the
 * framework's wrappers (below), so that a handler only captures facts.
 */
#ifndef _TLC_PROBES_H
#define _TLC_PROBES_H

#include <linux/irqflags.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/timex.h>
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
	TLC_F_LISTENERS,
	TLC_F_CGROUPS,		/* no probes: the cgroups table's switch */
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
 * @kind: enum tlc_probe_kind
 * @feature: enum tlc_feature
 * @kp: the kprobe: the table gives its pre_handler (a TLC_WRAP_KPROBE())
 * @krp: the return probe: the table gives its handlers (TLC_WRAP_ENTRY(),
 *	TLC_WRAP_RET()), data_size and maxactive (concurrent calls, 0 for
 *	the kernel's default)
 * @tp_func: the tracepoint's function: a TLC_WRAP_STATE(), or for another
 *	tracepoint a function of its prototype (the probe as data first)
 *	that brackets its work with tlc_tp_begin() and tlc_tp_end(); NULL:
 *	this kernel's tracepoint is not usable (the feature is unavailable)
 * @tp: the framework's: the tracepoint found
 * @idx: the framework's: index of its hit count
 * @armed: the framework's: registered
 */
struct tlc_probe {
	const char *name;
	u8 kind;
	u8 feature;

	struct kprobe kp;
	struct kretprobe krp;
	void *tp_func;
	struct tracepoint *tp;
	u8 idx;
	bool armed;
};

#define TLC_MAX_PROBES	40

/* The framework's, for the wrappers: noop_handlers, the hits per CPU. */
extern bool tlc_noop;
DECLARE_PER_CPU(u64 [TLC_MAX_PROBES], tlc_hits);

static __always_inline void tlc_probe_hit(const struct tlc_probe *p)
{
	this_cpu_inc(tlc_hits[p->idx]);
}

static __always_inline struct tlc_probe *
tlc_krp_probe(struct kretprobe_instance *ri)
{
	return container_of(get_kretprobe(ri), struct tlc_probe, krp);
}

/*
 * A profiling build (TLC_PROFILE=1 on make's command line; make bench
 * --profile makes one) times every handler with the CPU's cycle counter,
 * from just after the wrapper turns interrupts off to just before it turns
 * them on, and lists the sums in debugfs (profile).  Under make bench's
 * -icount, guest time counts instructions, so the sums are instructions
 * per handler.  Other builds compile all of it away.
 */
enum tlc_prof_site {
	TLC_PROF_ENTRY,		/* a kprobe, tracepoint or return probe entry */
	TLC_PROF_RETURN,	/* a return probe's return */
	TLC_PROF_NSITES,
};

#ifdef TLC_PROFILE
/**
 * struct tlc_prof - one probe's profile, per CPU
 * @calls: handler calls, per site
 * @cycles: cycles spent in them, per site
 */
struct tlc_prof {
	u64 calls[TLC_PROF_NSITES];
	u64 cycles[TLC_PROF_NSITES];
};
DECLARE_PER_CPU(struct tlc_prof [TLC_MAX_PROBES], tlc_prof);

static __always_inline u64 tlc_prof_begin(void)
{
	return get_cycles();
}

/* With interrupts off: nothing else on this CPU adds to the same slot. */
static __always_inline void tlc_prof_end(const struct tlc_probe *p,
					 enum tlc_prof_site site, u64 t0)
{
	struct tlc_prof *pr = this_cpu_ptr(&tlc_prof[p->idx]);

	pr->calls[site]++;
	pr->cycles[site] += get_cycles() - t0;
}

void tlc_prof_show(struct seq_file *m);
#else
static __always_inline u64 tlc_prof_begin(void)
{
	return 0;
}

static __always_inline void tlc_prof_end(const struct tlc_probe *p,
					 enum tlc_prof_site site, u64 t0)
{
}
#endif

/*
 * The wrappers: each hook file follows a handler with one of these, which
 * makes the function its table registers.  The wrapper checks
 * noop_handlers, counts the hit and calls the handler directly (inlined:
 * no indirect call), with interrupts off: a softirq run on an interrupt's
 * exit would change another socket's state in the middle of this one's,
 * or reuse this CPU's markers.  A handler does none of this itself.
 *
 * TLC_WRAP_KPROBE(fn):	void fn(struct pt_regs *regs)
 * TLC_WRAP_ENTRY(fn):	bool fn(void *data, struct pt_regs *regs), a return
 *			probe's entry: false skips the call (no return
 *			handler then; the hit is counted here)
 * TLC_WRAP_RET(fn):	void fn(void *data, struct pt_regs *regs), with what
 *			the entry filled in @data
 * TLC_WRAP_STATE(fn):	void fn(struct sock *sk, int oldstate, int newstate),
 *			sock:inet_sock_set_state's arguments
 */
#define TLC_WRAP_KPROBE(fn)						\
static int fn##_wrapper(struct kprobe *kp, struct pt_regs *regs)	\
{									\
	unsigned long flags;						\
	u64 t0;								\
									\
	if (READ_ONCE(tlc_noop))					\
		return 0;						\
	tlc_probe_hit(container_of(kp, struct tlc_probe, kp));		\
	local_irq_save(flags);						\
	t0 = tlc_prof_begin();						\
	fn(regs);							\
	tlc_prof_end(container_of(kp, struct tlc_probe, kp),		\
		     TLC_PROF_ENTRY, t0);				\
	local_irq_restore(flags);					\
	return 0;							\
}

#define TLC_WRAP_ENTRY(fn)						\
static int fn##_wrapper(struct kretprobe_instance *ri,			\
			struct pt_regs *regs)				\
{									\
	unsigned long flags;						\
	bool run;							\
	u64 t0;								\
									\
	if (READ_ONCE(tlc_noop))					\
		return 1;						\
	local_irq_save(flags);						\
	t0 = tlc_prof_begin();						\
	run = fn(ri->data, regs);					\
	tlc_prof_end(tlc_krp_probe(ri), TLC_PROF_ENTRY, t0);		\
	local_irq_restore(flags);					\
	if (!run)							\
		tlc_probe_hit(tlc_krp_probe(ri));			\
	return !run;							\
}

/* Also for a return probe without entry handler: checks noop_handlers. */
#define TLC_WRAP_RET(fn)						\
static int fn##_wrapper(struct kretprobe_instance *ri,			\
			struct pt_regs *regs)				\
{									\
	unsigned long flags;						\
	u64 t0;								\
									\
	if (READ_ONCE(tlc_noop))					\
		return 0;						\
	tlc_probe_hit(tlc_krp_probe(ri));				\
	local_irq_save(flags);						\
	t0 = tlc_prof_begin();						\
	fn(ri->data, regs);						\
	tlc_prof_end(tlc_krp_probe(ri), TLC_PROF_RETURN, t0);		\
	local_irq_restore(flags);					\
	return 0;							\
}

/* The tracepoint's data is the probe; it runs with preemption off. */
#define TLC_WRAP_STATE(fn)						\
static void fn##_wrapper(void *data, const struct sock *sk,		\
			 const int oldstate, const int newstate)	\
{									\
	unsigned long flags;						\
	u64 t0;								\
									\
	if (READ_ONCE(tlc_noop))					\
		return;							\
	tlc_probe_hit(data);						\
	local_irq_save(flags);						\
	t0 = tlc_prof_begin();						\
	fn((struct sock *)sk, oldstate, newstate);			\
	tlc_prof_end(data, TLC_PROF_ENTRY, t0);				\
	local_irq_restore(flags);					\
}

/* The table's entries: each handler named has its wrapper above. */
#define TLC_KPROBE(sym, handler, feat) {				\
	.name = (sym), .kp = { .pre_handler = handler##_wrapper },	\
	.kind = TLC_PK_KPROBE, .feature = (feat),			\
}

#define TLC_KRETPROBE(sym, entry_fn, ret_fn, size, active, feat) {	\
	.name = (sym),							\
	.krp = { .entry_handler = entry_fn##_wrapper,			\
		 .handler = ret_fn##_wrapper,				\
		 .data_size = (size), .maxactive = (active) },		\
	.kind = TLC_PK_KRETPROBE, .feature = (feat),			\
}

/* A return probe without entry handler, nor data. */
#define TLC_RETPROBE(sym, ret_fn, active, feat) {			\
	.name = (sym),							\
	.krp = { .handler = ret_fn##_wrapper, .maxactive = (active) },	\
	.kind = TLC_PK_KRETPROBE, .feature = (feat),			\
}

#define TLC_TRACEPOINT(tp_name, handler, feat) {			\
	.name = (tp_name), .tp_func = handler##_wrapper,		\
	.kind = TLC_PK_TRACEPOINT, .feature = (feat),			\
}

/* A tracepoint of another prototype: @fn is its registered function. */
#define TLC_TRACEPOINT_FN(tp_name, fn, feat) {				\
	.name = (tp_name), .tp_func = (fn),				\
	.kind = TLC_PK_TRACEPOINT, .feature = (feat),			\
}

/**
 * tlc_tp_begin() - what a TLC_TRACEPOINT_FN() function starts with
 * @p: the probe, the function's data
 * @flags: saved for tlc_tp_end()
 * @t0: for tlc_tp_end(): a profiling build's start time
 *
 * Return: false to return at once (noop_handlers); true with the hit
 * counted and interrupts off, until tlc_tp_end().
 */
static __always_inline bool tlc_tp_begin(struct tlc_probe *p,
					 unsigned long *flags, u64 *t0)
{
	if (READ_ONCE(tlc_noop))
		return false;
	tlc_probe_hit(p);
	local_irq_save(*flags);
	*t0 = tlc_prof_begin();
	return true;
}

/**
 * tlc_tp_end() - the end of what tlc_tp_begin() started
 * @p: the probe, as for tlc_tp_begin()
 * @flags: as tlc_tp_begin() saved them
 * @t0: as tlc_tp_begin() set it
 */
static __always_inline void tlc_tp_end(struct tlc_probe *p,
				       unsigned long flags, u64 t0)
{
	tlc_prof_end(p, TLC_PROF_ENTRY, t0);
	local_irq_restore(flags);
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
extern const struct tlc_probe_set tlc_listen_probes;	/* hook_listen.c */

/* Bit N set while feature N's probes are all armed: from then until exit. */
extern unsigned int tlc_features_armed;

static inline bool tlc_feature_armed(enum tlc_feature feature)
{
	return READ_ONCE(tlc_features_armed) & BIT(feature);
}

int tlc_probes_init(void);
void tlc_probes_exit(void);
void tlc_probes_show(struct seq_file *m);

#endif /* _TLC_PROBES_H */
