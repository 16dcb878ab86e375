// SPDX-License-Identifier: GPL-2.0
/*
 * The probe framework: the hook files' tables (probes.h), armed by feature;
 * a feature whose hooks this kernel lacks is unavailable as a whole, and
 * says so.  Entry probes are ftrace-based (KPROBES_ON_FTRACE): an indirect
 * call, not a trap; the tracepoint is a direct call, never dropped (a
 * kprobe hit inside another handler is).
 *
 * Every handler runs in one of the wrappers of probes.h, made in its hook
 * file: they check noop_handlers, count the hit and turn interrupts off.
 */

#include <linux/kprobes.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <net/sock.h>

#include "cgroups.h"
#include "lifecycle.h"
#include "probes.h"

static const char * const tlc_feature_names[TLC_NFEATURES] = {
	[TLC_F_STATES]		= "states",
	[TLC_F_TIMEWAIT]	= "timewait",
	[TLC_F_SYNRECV]		= "synrecv",
	[TLC_F_REASONS]		= "reasons",
	[TLC_F_OWNER]		= "owner",
	[TLC_F_PORTS]		= "ports",
	[TLC_F_RESETS]		= "resets",
	[TLC_F_LISTENERS]	= "listeners",
	[TLC_F_CGROUPS]		= "cgroups",
};

/*
 * Benchmarking only: every handler returns at once, to measure what the
 * probes themselves cost.  The statistics are then wrong.
 */
bool tlc_noop;
module_param_named(noop_handlers, tlc_noop, bool, 0644);
MODULE_PARM_DESC(noop_handlers,
		 "benchmarking only: probes stay armed but record nothing (default off)");

/* Optional features left unarmed, to save their cost: a comma list. */
static char tlc_disable[128];
module_param_string(disable_features, tlc_disable, sizeof(tlc_disable), 0444);
MODULE_PARM_DESC(disable_features,
		 "comma-separated optional features not to arm: timewait, synrecv, reasons, owner, ports, resets, listeners, cgroups (default none)");

static const struct tlc_probe_set * const tlc_sets[] = {
	&tlc_state_probes,
	&tlc_timewait_probes,
	&tlc_reqsk_probes,
	&tlc_close_probes,
	&tlc_connect_probes,
	&tlc_reset_probes,
	&tlc_listen_probes,
};

/* Every probe of every set, in the sets' order; filled at init. */
static struct tlc_probe *tlc_probes[TLC_MAX_PROBES];
static unsigned int tlc_nprobes;

/* Hits per probe (after noop_handlers), per CPU: never shared. */
DEFINE_PER_CPU(u64 [TLC_MAX_PROBES], tlc_hits);
#ifdef TLC_PROFILE
DEFINE_PER_CPU(struct tlc_prof [TLC_MAX_PROBES], tlc_prof);
#endif

/* ---- registration --------------------------------------------------- */

enum tlc_feature_status {
	TLC_FS_UNAVAILABLE,
	TLC_FS_AVAILABLE,
	TLC_FS_DISABLED,
};

static const char * const tlc_feature_status_names[] = {
	[TLC_FS_UNAVAILABLE]	= "unavailable",
	[TLC_FS_AVAILABLE]	= "available",
	[TLC_FS_DISABLED]	= "disabled",
};

static u8 tlc_feature_status[TLC_NFEATURES];
unsigned int tlc_features_armed;

/* A tracepoint calls every function attached: nothing is ever missed. */
static unsigned long tlc_probe_missed(const struct tlc_probe *p)
{
	switch (p->kind) {
	case TLC_PK_KRETPROBE:
		return p->krp.nmissed + p->krp.kp.nmissed;
	case TLC_PK_TRACEPOINT:
		return 0;
	}
	return p->kp.nmissed;
}

struct tlc_tp_lookup {
	const char *name;
	struct tracepoint *tp;
};

static void tlc_tp_match(struct tracepoint *tp, void *priv)
{
	struct tlc_tp_lookup *l = priv;

	if (!strcmp(tp->name, l->name))
		l->tp = tp;
}

/* Tracepoints of the kernel proper are not exported one by one. */
static int tlc_tp_arm(struct tlc_probe *p)
{
	struct tlc_tp_lookup l = { .name = p->name };

	if (!p->tp_func)	/* this kernel's tracepoint is not usable */
		return -EOPNOTSUPP;
	for_each_kernel_tracepoint(tlc_tp_match, &l);
	if (!l.tp)
		return -ENOENT;
	p->tp = l.tp;
	return tracepoint_probe_register(p->tp, p->tp_func, p);
}

static int tlc_probe_arm(struct tlc_probe *p)
{
	int err;

	switch (p->kind) {
	case TLC_PK_KRETPROBE:
		p->krp.kp.symbol_name = p->name;
		err = register_kretprobe(&p->krp);
		break;
	case TLC_PK_TRACEPOINT:
		err = tlc_tp_arm(p);
		break;
	default:
		p->kp.symbol_name = p->name;
		err = register_kprobe(&p->kp);
	}
	p->armed = !err;
	return err;
}

/*
 * Disarms the armed probes of the features in @mask, the state changes
 * first, then waits until none of their handlers runs (an RCU grace period
 * per batch of kprobes, and the tracepoints' own).
 */
static void tlc_disarm(unsigned int mask)
{
	struct kretprobe *krps[TLC_MAX_PROBES];
	struct kprobe *kps[TLC_MAX_PROBES];
	int i, nk = 0, nr = 0;
	bool tps = false;

	for (i = 0; i < tlc_nprobes; i++) {
		struct tlc_probe *p = tlc_probes[i];

		if (!p->armed || !(mask & BIT(p->feature)))
			continue;
		switch (p->kind) {
		case TLC_PK_KRETPROBE:
			krps[nr++] = &p->krp;
			break;
		case TLC_PK_TRACEPOINT:
			tracepoint_probe_unregister(p->tp, p->tp_func, p);
			tps = true;
			break;
		default:
			kps[nk++] = &p->kp;
		}
		p->armed = false;
	}
	unregister_kprobes(kps, nk);
	unregister_kretprobes(krps, nr);
	if (tps)
		tracepoint_synchronize_unregister();
}

/**
 * tlc_probes_show() - print each feature and probe, for the status file
 * @m: the seq_file
 */
void tlc_probes_show(struct seq_file *m)
{
	int i, cpu;

	/* cgroups.c says its own feature's state (tlc_cgroups_status()). */
	for (i = 0; i < TLC_NFEATURES; i++)
		if (i != TLC_F_CGROUPS)
			seq_printf(m, "feature %s %s\n", tlc_feature_names[i],
				   tlc_feature_status_names[tlc_feature_status[i]]);
	for (i = 0; i < tlc_nprobes; i++) {
		const struct tlc_probe *p = tlc_probes[i];

		u64 hits = 0;

		for_each_possible_cpu(cpu)
			hits += per_cpu(tlc_hits[i], cpu);
		seq_printf(m, "probe %s %s %s missed %lu hits %llu\n",
			   p->name, tlc_feature_names[p->feature],
			   p->armed ? "armed" :
			   tlc_feature_status[p->feature] == TLC_FS_DISABLED ?
			   "disabled" : "unavailable",
			   tlc_probe_missed(p), hits);
	}
	seq_printf(m, "bad_state %llu\n", tlc_life_bad_states());
}

#ifdef TLC_PROFILE
/**
 * tlc_prof_show() - a profiling build's debugfs profile file
 * @m: the seq_file
 *
 * One line per armed probe: its handler calls and cycles at entry and at
 * return, summed over CPUs since load.  A reader takes differences.
 */
void tlc_prof_show(struct seq_file *m)
{
	int i, s, cpu;

	seq_puts(m, "version 1\n");
	for (i = 0; i < tlc_nprobes; i++) {
		const struct tlc_probe *p = tlc_probes[i];
		u64 calls[TLC_PROF_NSITES] = {}, cycles[TLC_PROF_NSITES] = {};

		if (!p->armed)
			continue;
		for_each_possible_cpu(cpu) {
			const struct tlc_prof *pr = per_cpu_ptr(&tlc_prof[i], cpu);

			for (s = 0; s < TLC_PROF_NSITES; s++) {
				calls[s] += pr->calls[s];
				cycles[s] += pr->cycles[s];
			}
		}
		seq_printf(m, "probe %s entry %llu %llu return %llu %llu\n",
			   p->name, calls[TLC_PROF_ENTRY],
			   cycles[TLC_PROF_ENTRY], calls[TLC_PROF_RETURN],
			   cycles[TLC_PROF_RETURN]);
	}
}
#endif

/* Arm every probe of @feature, or none. */
static int tlc_feature_arm(int feature)
{
	int i, err = 0;

	for (i = 0; i < tlc_nprobes && !err; i++) {
		if (tlc_probes[i]->feature != feature)
			continue;
		err = tlc_probe_arm(tlc_probes[i]);
		if (err)
			pr_warn("cannot probe %s (%d): %s unavailable\n",
				tlc_probes[i]->name, err,
				tlc_feature_names[feature]);
	}
	if (err)
		tlc_disarm(BIT(feature));
	tlc_feature_status[feature] = err ? TLC_FS_UNAVAILABLE :
					    TLC_FS_AVAILABLE;
	if (!err)
		WRITE_ONCE(tlc_features_armed, tlc_features_armed | BIT(feature));
	return err;
}

/* disable_features: which optional features to leave out, as a mask. */
static int tlc_parse_disabled(unsigned int *mask)
{
	char buf[sizeof(tlc_disable)], *p = buf, *tok;
	int f;

	*mask = 0;
	strscpy(buf, tlc_disable, sizeof(buf));
	while ((tok = strsep(&p, ",")) != NULL) {
		tok = strim(tok);
		if (!*tok)
			continue;
		for (f = TLC_F_STATES + 1; f < TLC_NFEATURES; f++)
			if (!strcmp(tok, tlc_feature_names[f]))
				break;
		if (f == TLC_NFEATURES) {
			pr_err("disable_features: no optional feature \"%s\"\n",
			       tok);
			return -EINVAL;
		}
		*mask |= BIT(f);
	}
	return 0;
}

/* Gather the hook files' tables, numbering their hit counts. */
static int tlc_probes_gather(void)
{
	unsigned int s, i;

	tlc_nprobes = 0;
	for (s = 0; s < ARRAY_SIZE(tlc_sets); s++) {
		for (i = 0; i < tlc_sets[s]->n; i++) {
			struct tlc_probe *p = &tlc_sets[s]->probe[i];

			if (WARN_ON(tlc_nprobes == TLC_MAX_PROBES))
				return -E2BIG;
			p->idx = tlc_nprobes;
			tlc_probes[tlc_nprobes++] = p;
		}
	}
	return 0;
}

/**
 * tlc_probes_init() - arm every probe
 *
 * The state changes are needed for exact counts: without them loading
 * fails.  Any other feature the kernel cannot support is left unavailable,
 * and those named in disable_features are not armed.
 *
 * Return: 0, -EINVAL for a bad disable_features, or the error of the
 * state-change tracepoint.
 */
int tlc_probes_init(void)
{
	unsigned int disabled;
	int f, err;

	err = tlc_probes_gather();
	if (err)
		return err;
	err = tlc_parse_disabled(&disabled);
	if (err)
		return err;
	/*
	 * The cgroups table has no probes: it counts what lifecycle tells it,
	 * from the first event of any feature on.
	 */
	tlc_cgroups_enable(!(disabled & BIT(TLC_F_CGROUPS)));
	for (f = TLC_NFEATURES - 1; f > TLC_F_STATES; f--) {
		if (disabled & BIT(f))
			tlc_feature_status[f] = TLC_FS_DISABLED;
		else
			tlc_feature_arm(f);
	}
	/* Last: from now on every event is seen whole. */
	err = tlc_feature_arm(TLC_F_STATES);
	if (err)
		tlc_probes_exit();
	return err;
}

/* Disarms every probe: afterwards no handler can touch our data. */
void tlc_probes_exit(void)
{
	WRITE_ONCE(tlc_features_armed, 0);
	tlc_disarm(~0U);
	memset(tlc_feature_status, 0, sizeof(tlc_feature_status));
}
