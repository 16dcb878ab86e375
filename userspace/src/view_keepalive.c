// SPDX-License-Identifier: GPL-2.0
/*
 * view_keepalive.c - "tcplc keepalive [--hist]": dead-peer detection.  The
 * namespace's settings and the worst case they imply, how long finding a
 * dead peer took (by keepalive, retransmission, SYN timeout), what the
 * keepalive timer did, and the ESTABLISHED sockets with keepalive on and
 * off with their idle times (from version 2 of the keepalive file, in
 * keepalive_idle, which only root reads: "-" for others).
 */
#include <inttypes.h>

#include "alerts.h"
#include "fmt_text.h"
#include "stats.h"
#include "view.h"

/* Timer outcomes: the keepalive file's timer_* lines after timer_runs. */
static const struct {
	int id;            /* enum ka_value */
	const char *label; /* Prometheus "outcome" and JSON member */
	const char *text;
} outcomes[] = {
	{ KA_TIMER_SENT_PROBE, "sent_probe", "sent a probe" },
	{ KA_TIMER_NOT_DUE, "not_due", "not due (connection active lately)" },
	{ KA_TIMER_IN_FLIGHT, "data_in_flight", "stood aside (data in flight)" },
	{ KA_TIMER_FIN_WAIT2, "fin_wait2", "FIN_WAIT2 orphan" },
	{ KA_TIMER_KILLED, "killed", "killed the connection" },
	{ KA_TIMER_OTHER, "other", "other (keepalive off, socket busy)" },
};
#define NOUTCOMES (sizeof(outcomes) / sizeof(outcomes[0]))

static const char *const way_text[DW_COUNT] = { "keepalive", "retransmission",
						"SYN timeout" };
static const int way_worst[DW_COUNT] = { KA_WORST_KEEPALIVE, KA_WORST_RETRANS,
					 KA_WORST_SYN };

/* Worst case of way @w; retransmission's is a lower bound (minimum RTO). */
static char *worst(char *buf, size_t size, const struct snapshot *s, int w)
{
	char d[24]; /* at most "213503d23h" */

	fmt_dur(d, sizeof(d), s->ka.v[way_worst[w]]);
	snprintf(buf, size, "%s%s", w == DW_RETRANS ? ">=" : "", d);
	return buf;
}

static char *hdur_or_dash(char *buf, size_t size, uint64_t count, uint64_t ns)
{
	if (!count) {
		snprintf(buf, size, "-");
		return buf;
	}
	return fmt_dur(buf, size, ns);
}

static void text_settings(const struct view_ctx *c)
{
	const uint64_t *v = c->s->ka.v;
	char t[32], i[32];

	fprintf(c->f, "settings  tcp_keepalive_time %s  intvl %s  probes %" PRIu64
		"  tcp_retries2 %" PRIu64 "  tcp_syn_retries %" PRIu64 "\n",
		fmt_dur(t, sizeof(t), v[KA_TIME]), fmt_dur(i, sizeof(i), v[KA_INTVL]),
		v[KA_PROBES], v[KA_RETRIES2], v[KA_SYN_RETRIES]);
}

static void text_detect(const struct view_ctx *c)
{
	struct table t;
	char b[48];

	table_init(&t, c->delta ? "lrrrrrr" : "lrrrrr");
	table_add(&t, "DEAD PEER FOUND BY");
	table_add(&t, "WORST CASE");
	table_add(&t, "FOUND");
	if (c->delta)
		table_add(&t, "FOUND/S");
	table_add(&t, "P50");
	table_add(&t, "P99");
	table_add(&t, c->delta ? "AVG" : "MAX");
	for (int w = 0; w < DW_COUNT; w++) {
		const struct hist_row *h = &c->s->ka.detect[w];
		uint64_t cap = c->cur->ka.detect[w].max;

		table_add(&t, "%s", way_text[w]);
		table_add(&t, "%s", worst(b, sizeof(b), c->cur, w));
		table_add_u64(&t, h->count);
		if (c->delta)
			table_add(&t, "%s", fmt_rate(b, sizeof(b), h->count, c->secs));
		table_add(&t, "%s", hdur_or_dash(b, sizeof(b), h->count,
						 hist_percentile(h, 50, cap)));
		table_add(&t, "%s", hdur_or_dash(b, sizeof(b), h->count,
						 hist_percentile(h, 99, cap)));
		table_add(&t, "%s", hdur_or_dash(b, sizeof(b), h->count,
						 c->delta ? hist_avg(h) : h->max));
	}
	table_print(&t, c->f);
}

static void text_timer(const struct view_ctx *c)
{
	const uint64_t *v = c->s->ka.v;
	uint64_t runs = v[KA_TIMER_RUNS];
	struct table t;
	char b[32];

	table_init(&t, c->delta ? "lrrr" : "lrr");
	table_add(&t, "KEEPALIVE TIMER RUNS");
	table_add(&t, "COUNT");
	if (c->delta)
		table_add(&t, "COUNT/S");
	table_add(&t, "SHARE");
	for (size_t k = 0; k < NOUTCOMES; k++) {
		uint64_t n = v[outcomes[k].id];

		table_add(&t, "%s", outcomes[k].text);
		table_add_u64(&t, n);
		if (c->delta)
			table_add(&t, "%s", fmt_rate(b, sizeof(b), n, c->secs));
		table_add(&t, "%s", fmt_share(b, sizeof(b), n, runs));
	}
	table_add(&t, "total");
	table_add_u64(&t, runs);
	if (c->delta)
		table_add(&t, "%s", fmt_rate(b, sizeof(b), runs, c->secs));
	table_add(&t, "%s", "");
	table_print(&t, c->f);
	fprintf(c->f, "probes sent %" PRIu64, v[KA_PROBES_SENT]);
	if (c->delta)
		fprintf(c->f, " (%s/s)", fmt_rate(b, sizeof(b), v[KA_PROBES_SENT], c->secs));
	fprintf(c->f, ", probing episodes answered %" PRIu64, v[KA_PROBES_ANSWERED]);
	if (c->delta)
		fprintf(c->f, " (%s/s)",
			fmt_rate(b, sizeof(b), v[KA_PROBES_ANSWERED], c->secs));
	fputc('\n', c->f);
}

static void text_established(const struct view_ctx *c)
{
	static const int now[KI_COUNT] = { KA_EST_ON, KA_EST_OFF };
	struct table t;
	char b[32], msg[320];

	table_init(&t, "lrrrr");
	table_add(&t, "ESTABLISHED");
	table_add(&t, "NOW");
	table_add(&t, "IDLE P50");
	table_add(&t, "IDLE P99");
	table_add(&t, "IDLE MAX");
	for (int k = 0; k < KI_COUNT; k++) {
		const struct hist_row *h = &c->s->ka.idle[k];
		uint64_t n = c->s->ka.have_idle ? h->count : 0;

		table_add(&t, "keepalive %s", k == KI_ON ? "on" : "off");
		table_add_u64(&t, c->s->ka.v[now[k]]);
		table_add(&t, "%s", hdur_or_dash(b, sizeof(b), n,
						 hist_percentile(h, 50, h->max)));
		table_add(&t, "%s", hdur_or_dash(b, sizeof(b), n,
						 hist_percentile(h, 99, h->max)));
		table_add(&t, "%s", hdur_or_dash(b, sizeof(b), n, h->max));
	}
	if (c->s->ka.have_untracked) {
		table_add(&t, "not tracked");
		table_add_u64(&t, c->s->ka.v[KA_EST_UNTRACKED]);
		for (int i = 0; i < 3; i++)
			table_add(&t, "-");
	}
	table_print(&t, c->f);
	if (!c->s->ka.have_idle)
		fprintf(c->f, "(idle times: in keepalive_idle, which only root reads)\n");
	if (alert_keepalive_off(c->cur, msg, sizeof(msg)))
		fprintf(c->f, "! %s\n", msg);
}

/* One log2 histogram of --hist: dead-peer detection or idle time. */
static void text_one_hist(const struct view_ctx *c, const char *kind,
			  const char *name, const struct hist_row *h,
			  uint64_t cap, const char *note, int *shown)
{
	if (!h->count && !c->o->zeros)
		return;
	if ((*shown)++)
		fputc('\n', c->f);
	fprintf(c->f, "%s = %s  (%s)\n", kind, name, note);
	if (!h->count) {
		fprintf(c->f, "(none)\n");
		return;
	}
	view_hist_text(c, h, cap, "");
}

static void text_hist(const struct view_ctx *c)
{
	/* the idle times are the sockets there now, not what happened since
	 * the previous sample: shown as totals in watch mode too */
	struct view_ctx now = *c;
	int shown = 0;
	char b[48], note[96];

	now.delta = false;
	now.s = c->cur;
	for (int w = 0; w < DW_COUNT; w++) {
		snprintf(note, sizeof(note), "worst case %s",
			 worst(b, sizeof(b), c->cur, w));
		text_one_hist(c, "detect", detect_names[w], &c->s->ka.detect[w],
			      c->cur->ka.detect[w].max, note, &shown);
	}
	for (int k = 0; k < KI_COUNT && c->cur->ka.have_idle; k++) {
		uint64_t n = c->cur->ka.v[k == KI_ON ? KA_EST_ON : KA_EST_OFF];

		snprintf(note, sizeof(note), "%" PRIu64 " ESTABLISHED now", n);
		text_one_hist(&now, "idle", idle_names[k], &c->cur->ka.idle[k],
			      c->cur->ka.idle[k].max, note, &shown);
	}
	if (!c->cur->ka.have_idle) {
		if (!shown)
			fprintf(c->f, "(no dead peers found%s)\n",
				c->delta ? " in this interval" : "");
		fprintf(c->f, "(idle times: in keepalive_idle, which only root reads)\n");
	} else if (!shown) {
		fprintf(c->f, "(no dead peers found%s, no ESTABLISHED connections)\n",
			c->delta ? " in this interval" : "");
	}
}

static void text(const struct view_ctx *c)
{
	if (c->o->hist) {
		text_hist(c);
		return;
	}
	text_settings(c);
	fputc('\n', c->f);
	text_detect(c);
	fputc('\n', c->f);
	text_timer(c);
	fputc('\n', c->f);
	text_established(c);
}

void view_keepalive_json(const struct view_ctx *c, struct jw *j, bool buckets)
{
	const uint64_t *v = c->s->ka.v;
	struct view_ctx now = *c;

	now.delta = false;
	now.s = c->cur;
	jw_obj(j, "settings");
	jw_u64(j, "keepalive_time_ns", v[KA_TIME]);
	jw_u64(j, "keepalive_intvl_ns", v[KA_INTVL]);
	jw_u64(j, "keepalive_probes", v[KA_PROBES]);
	jw_u64(j, "tcp_retries2", v[KA_RETRIES2]);
	jw_u64(j, "tcp_syn_retries", v[KA_SYN_RETRIES]);
	jw_end_obj(j);
	jw_arr(j, "detect");
	for (int w = 0; w < DW_COUNT; w++) {
		const struct hist_row *h = &c->s->ka.detect[w];

		jw_obj(j, NULL);
		jw_str(j, "by", detect_names[w]);
		jw_u64(j, "worst_ns", v[way_worst[w]]);
		jw_u64(j, "count", h->count);
		if (c->delta)
			jw_num(j, "per_s", rate(h->count, c->secs));
		view_hist_json(c, j, h, c->cur->ka.detect[w].max, buckets);
		jw_end_obj(j);
	}
	jw_end_arr(j);
	jw_obj(j, "timer");
	jw_u64(j, "runs", v[KA_TIMER_RUNS]);
	for (size_t k = 0; k < NOUTCOMES; k++)
		jw_u64(j, outcomes[k].label, v[outcomes[k].id]);
	jw_end_obj(j);
	if (c->delta) {
		jw_obj(j, "timer_per_s");
		jw_num(j, "runs", rate(v[KA_TIMER_RUNS], c->secs));
		for (size_t k = 0; k < NOUTCOMES; k++)
			jw_num(j, outcomes[k].label, rate(v[outcomes[k].id], c->secs));
		jw_end_obj(j);
	}
	jw_obj(j, "probes");
	jw_u64(j, "sent", v[KA_PROBES_SENT]);
	jw_u64(j, "answered", v[KA_PROBES_ANSWERED]);
	jw_end_obj(j);
	if (c->delta) {
		jw_obj(j, "probes_per_s");
		jw_num(j, "sent", rate(v[KA_PROBES_SENT], c->secs));
		jw_num(j, "answered", rate(v[KA_PROBES_ANSWERED], c->secs));
		jw_end_obj(j);
	}
	jw_arr(j, "established");
	for (int k = 0; k < KI_COUNT; k++) {
		const struct hist_row *h = &c->cur->ka.idle[k];

		jw_obj(j, NULL);
		jw_str(j, "keepalive", k == KI_ON ? "on" : "off");
		jw_u64(j, "now", c->cur->ka.v[k == KI_ON ? KA_EST_ON : KA_EST_OFF]);
		if (c->cur->ka.have_idle) {
			jw_obj(j, "idle");
			jw_u64(j, "count", h->count);
			view_hist_json(&now, j, h, h->max, buckets);
			jw_end_obj(j);
		}
		jw_end_obj(j);
	}
	jw_end_arr(j);
	if (c->cur->ka.have_untracked)
		jw_u64(j, "established_untracked", c->cur->ka.v[KA_EST_UNTRACKED]);
}

static void json(const struct view_ctx *c, struct jw *j)
{
	view_keepalive_json(c, j, true);
}

void view_keepalive_prom(const struct view_ctx *c, const struct prom *p)
{
	static const struct {
		int id;
		const char *metric, *help;
		bool seconds;
	} settings[] = {
		{ KA_TIME, "sysctl_tcp_keepalive_time_seconds",
		  "net.ipv4.tcp_keepalive_time: idle time before the first keepalive probe.", true },
		{ KA_INTVL, "sysctl_tcp_keepalive_intvl_seconds",
		  "net.ipv4.tcp_keepalive_intvl: time between keepalive probes.", true },
		{ KA_PROBES, "sysctl_tcp_keepalive_probes",
		  "net.ipv4.tcp_keepalive_probes: unanswered probes before the connection is dropped.", false },
		{ KA_RETRIES2, "sysctl_tcp_retries2",
		  "net.ipv4.tcp_retries2: retransmissions before an established connection is dropped.", false },
		{ KA_SYN_RETRIES, "sysctl_tcp_syn_retries",
		  "net.ipv4.tcp_syn_retries: SYN retransmissions before connect() gives up.", false },
	};
	static const char *const idle_metric[3] = {
		"established_idle_p50_seconds", "established_idle_p99_seconds",
		"established_idle_max_seconds",
	};
	static const char *const idle_help[3] = {
		"ESTABLISHED sockets now: median time since the peer's last segment (log2 bucket upper bound).",
		"ESTABLISHED sockets now: 99th percentile of the time since the peer's last segment (log2 bucket upper bound).",
		"ESTABLISHED sockets now: longest time since the peer's last segment.",
	};
	const struct keepalive *ka = &c->s->ka;
	char v[32];

	for (size_t k = 0; k < sizeof(settings) / sizeof(settings[0]); k++) {
		uint64_t x = ka->v[settings[k].id];

		prom_family(p, settings[k].metric, "gauge", settings[k].help);
		prom_sample(p, settings[k].metric,
			    settings[k].seconds ? prom_seconds(v, sizeof(v), x)
						: prom_u64(v, sizeof(v), x), NULL);
	}
	prom_family(p, "dead_peer_detect_worst_seconds", "gauge",
		    "Worst-case time to find a dead peer that the namespace's settings imply, by way (retrans: a lower bound).");
	for (int w = 0; w < DW_COUNT; w++)
		prom_sample(p, "dead_peer_detect_worst_seconds",
			    prom_seconds(v, sizeof(v), ka->v[way_worst[w]]), "by",
			    detect_names[w], NULL);
	prom_family(p, "dead_peer_detect_seconds", "histogram",
		    "Time from a dead peer's last segment (SYN timeout: from connect()) to the abort, by way found (log2 buckets).");
	for (int w = 0; w < DW_COUNT; w++)
		view_hist_prom(p, "dead_peer_detect_seconds", "by", detect_names[w],
			       &ka->detect[w]);
	prom_family(p, "dead_peer_detect_max_seconds", "gauge",
		    "Longest time to find a dead peer, by way found (0 when none).");
	for (int w = 0; w < DW_COUNT; w++)
		prom_sample(p, "dead_peer_detect_max_seconds",
			    prom_seconds(v, sizeof(v), ka->detect[w].max), "by",
			    detect_names[w], NULL);
	prom_family(p, "keepalive_timer_runs_total", "counter",
		    "Keepalive timer runs, by what they did.");
	for (size_t k = 0; k < NOUTCOMES; k++)
		prom_sample(p, "keepalive_timer_runs_total",
			    prom_u64(v, sizeof(v), ka->v[outcomes[k].id]), "outcome",
			    outcomes[k].label, NULL);
	prom_family(p, "keepalive_probes_sent_total", "counter",
		    "Keepalive probes sent.");
	prom_sample(p, "keepalive_probes_sent_total",
		    prom_u64(v, sizeof(v), ka->v[KA_PROBES_SENT]), NULL);
	prom_family(p, "keepalive_probes_answered_total", "counter",
		    "Keepalive probing episodes that ended with the peer answering.");
	prom_sample(p, "keepalive_probes_answered_total",
		    prom_u64(v, sizeof(v), ka->v[KA_PROBES_ANSWERED]), NULL);
	prom_family(p, "established_keepalive", "gauge",
		    "Tracked ESTABLISHED sockets now, with keepalive on or off (off: a dead peer is never found while idle).");
	prom_sample(p, "established_keepalive", prom_u64(v, sizeof(v), ka->v[KA_EST_ON]),
		    "keepalive", "on", NULL);
	prom_sample(p, "established_keepalive", prom_u64(v, sizeof(v), ka->v[KA_EST_OFF]),
		    "keepalive", "off", NULL);
	if (ka->have_untracked) {
		prom_family(p, "established_untracked", "gauge",
			    "Established sockets (the kernel's CurrEstab) the module does not track, in neither of established_keepalive.");
		prom_sample(p, "established_untracked",
			    prom_u64(v, sizeof(v), ka->v[KA_EST_UNTRACKED]), NULL);
	}
	for (int m = 0; m < 3 && ka->have_idle; m++) {
		prom_family(p, idle_metric[m], "gauge", idle_help[m]);
		for (int k = 0; k < KI_COUNT; k++) {
			const struct hist_row *h = &ka->idle[k];
			uint64_t x = m == 2 ? h->max
					    : hist_percentile(h, m ? 99 : 50, h->max);

			prom_sample(p, idle_metric[m], prom_seconds(v, sizeof(v), x),
				    "keepalive", k == KI_ON ? "on" : "off", NULL);
		}
	}
}

const struct view view_keepalive = {
	.name = "keepalive",
	.help = "dead-peer detection: settings and worst case, time to detect by\n"
		"               keepalive/retransmission/SYN timeout, keepalive timer\n"
		"               runs and probes, ESTABLISHED with keepalive on/off and\n"
		"               idle times [--hist: log2 histograms]",
	.files = FILE_KEEPALIVE,
	.optional = FILE_KEEPALIVE_IDLE,
	.text = text,
	.json = json,
	.prom = view_keepalive_prom,
};
