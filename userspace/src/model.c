// SPDX-License-Identifier: GPL-2.0
/* model.c - state and reason names, the table of known counters. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "model.h"

const char *const state_names[TS_COUNT] = {
	"ESTABLISHED", "SYN_SENT",   "SYN_RECV", "FIN_WAIT1",
	"FIN_WAIT2",   "TIME_WAIT",  "CLOSE",    "CLOSE_WAIT",
	"LAST_ACK",    "LISTEN",     "CLOSING",  "NEW_SYN_RECV",
};

const char *const reason_names[RS_COUNT] = {
	"orderly_active",   "orderly_passive",   "rst_received",
	"rst_sent_linger0", "rst_sent_unread",   "rst_sent_other",
	"retrans_timeout",  "keepalive_timeout", "syn_timeout",
	"refused",          "fin_wait2_timeout", "netns_teardown",
	"other",            "rst_sent_data",     "aborted",
};

const char *const section_names[SEC_COUNT] = {
	[SEC_TRACKING] = "tracking",
	[SEC_TIMEWAIT] = "time-wait ends",
	[SEC_SYNRECV] = "half-open (synrecv)",
	[SEC_PASSIVE] = "children (passive opens)",
	[SEC_PORTS] = "ports",
};

const struct ka_desc ka_descs[KA_COUNT] = {
	[KA_TIME] = { "keepalive_time", true },
	[KA_INTVL] = { "keepalive_intvl", true },
	[KA_PROBES] = { "keepalive_probes", true },
	[KA_RETRIES2] = { "tcp_retries2", true },
	[KA_SYN_RETRIES] = { "tcp_syn_retries", true },
	[KA_WORST_KEEPALIVE] = { "worst_detect_keepalive", true },
	[KA_WORST_RETRANS] = { "worst_detect_retrans", true },
	[KA_WORST_SYN] = { "worst_detect_syn", true },
	[KA_TIMER_RUNS] = { "timer_runs", false },
	[KA_TIMER_SENT_PROBE] = { "timer_sent_probe", false },
	[KA_TIMER_NOT_DUE] = { "timer_not_due", false },
	[KA_TIMER_IN_FLIGHT] = { "timer_data_in_flight", false },
	[KA_TIMER_FIN_WAIT2] = { "timer_fin_wait2", false },
	[KA_TIMER_KILLED] = { "timer_killed", false },
	[KA_TIMER_OTHER] = { "timer_other", false },
	[KA_PROBES_SENT] = { "probes_sent", false },
	[KA_PROBES_ANSWERED] = { "probes_answered", false },
	[KA_EST_ON] = { "established_keepalive_on", true },
	[KA_EST_OFF] = { "established_keepalive_off", true },
	[KA_EST_UNTRACKED] = { "established_untracked", true },
};

const char *const detect_names[DW_COUNT] = { "keepalive", "retrans", "syn" };
const char *const idle_names[KI_COUNT] = { "keepalive_on", "keepalive_off" };

#define TW_HELP "TIME_WAIT (timewait) sockets that ended, by how."
#define CHILD_HELP "Sockets born from a listener (the kernel's PassiveOpens), by birth path: request socket, SYN cookie, Fast Open."
#define REQ_HELP "Request sockets (half-open, NEW_SYN_RECV) dropped without completing, by how."

const struct counter_desc counter_descs[CTR_COUNT] = {
	[CTR_TRANSITIONS] = { "transitions", false, SEC_TRACKING,
			      "state_changes_total", NULL,
			      "TCP state changes seen in this network namespace (the kernel's view)." },
	[CTR_TRACKED] = { "tracked", true, SEC_TRACKING, "tracked_sockets", NULL,
			  "Sockets of this network namespace with a table entry now." },
	[CTR_UNTRACKED] = { "untracked", false, SEC_TRACKING,
			    "untracked_sockets_total", NULL,
			    "Sockets that needed a table entry while the table was full (raise max_tracked)." },
	[CTR_SYNRECV_UNTRACKED] = { "synrecv_untracked", false, SEC_TRACKING,
				    "synrecv_untracked_total", NULL,
				    "Request sockets born while the table was full (raise max_tracked)." },
	[CTR_TW_EXPIRED] = { "timewait_expired", false, SEC_TIMEWAIT,
			     "timewait_ends_total", "expired", TW_HELP },
	[CTR_TW_REUSED_CONNECT] = { "timewait_reused_connect", false, SEC_TIMEWAIT,
				    "timewait_ends_total", "reused_connect", TW_HELP },
	[CTR_TW_REUSED_SYN] = { "timewait_reused_syn", false, SEC_TIMEWAIT,
				"timewait_ends_total", "reused_syn", TW_HELP },
	[CTR_TW_KILLED_RST] = { "timewait_killed_rst", false, SEC_TIMEWAIT,
				"timewait_ends_total", "killed_rst", TW_HELP },
	[CTR_TW_RST_SENT] = { "timewait_rst_sent", false, SEC_TIMEWAIT,
			      "timewait_ends_total", "rst_sent", TW_HELP },
	[CTR_TW_NETNS] = { "timewait_netns", false, SEC_TIMEWAIT,
			   "timewait_ends_total", "netns", TW_HELP },
	[CTR_TW_OTHER] = { "timewait_other", false, SEC_TIMEWAIT,
			   "timewait_ends_total", "other", TW_HELP },
	[CTR_SYNRECV_CREATED] = { "synrecv_created", false, SEC_SYNRECV,
				  "synrecv_created_total", NULL,
				  "Request sockets created (SYNs accepted by a listener)." },
	[CTR_SYNRECV_SYNACK_RETRANS] = { "synrecv_synack_retrans", false, SEC_SYNRECV,
					 "synrecv_synack_retrans_total", NULL,
					 "SYN-ACKs sent again for request sockets." },
	[CTR_SYNRECV_COMPLETED] = { "synrecv_completed", false, SEC_SYNRECV,
				    "synrecv_completed_total", NULL,
				    "Request sockets completed by the third ACK (a child socket was created)." },
	[CTR_SYNRECV_TIMEOUT] = { "synrecv_timeout", false, SEC_SYNRECV,
				  "synrecv_dropped_total", "timeout", REQ_HELP },
	[CTR_SYNRECV_RST] = { "synrecv_rst", false, SEC_SYNRECV,
			      "synrecv_dropped_total", "rst", REQ_HELP },
	[CTR_SYNRECV_LISTENER_CLOSED] = { "synrecv_listener_closed", false, SEC_SYNRECV,
					  "synrecv_dropped_total", "listener_closed",
					  REQ_HELP },
	[CTR_SYNRECV_NETNS] = { "synrecv_netns", false, SEC_SYNRECV,
				"synrecv_dropped_total", "netns", REQ_HELP },
	[CTR_SYNRECV_DROPPED_OTHER] = { "synrecv_dropped_other", false, SEC_SYNRECV,
					"synrecv_dropped_total", "other", REQ_HELP },
	[CTR_PORT_EXHAUSTED] = { "port_exhausted", false, SEC_PORTS,
				 "port_exhausted_total", NULL,
				 "connect() calls that found no free local port (EADDRNOTAVAIL)." },
	[CTR_PASSIVE_REQSK] = { "passive_children_reqsk", false, SEC_PASSIVE,
				"passive_children_total", "reqsk", CHILD_HELP },
	[CTR_PASSIVE_SYNCOOKIE] = { "passive_children_syncookie", false, SEC_PASSIVE,
				    "passive_children_total", "syncookie", CHILD_HELP },
	[CTR_PASSIVE_FASTOPEN] = { "passive_children_fastopen", false, SEC_PASSIVE,
				   "passive_children_total", "fastopen", CHILD_HELP },
};

static int lookup(const char *const *names, int n, const char *name, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == len && !memcmp(names[i], name, len))
			return i;
	return -1;
}

int state_lookup(const char *name, size_t len)
{
	return lookup(state_names, TS_COUNT, name, len);
}

int reason_lookup(const char *name, size_t len)
{
	return lookup(reason_names, RS_COUNT, name, len);
}

/* Case-insensitive, '-' == '_'. */
static int lookup_arg(const char *const *names, int n, const char *arg)
{
	for (int i = 0; i < n; i++) {
		const char *s = names[i], *a = arg;

		while (*s && *a) {
			char c = *a == '-' ? '_' : *a;

			if (toupper((unsigned char)c) != toupper((unsigned char)*s))
				break;
			s++;
			a++;
		}
		if (!*s && !*a)
			return i;
	}
	return -1;
}

int state_lookup_arg(const char *arg)
{
	return lookup_arg(state_names, TS_COUNT, arg);
}

int reason_lookup_arg(const char *arg)
{
	return lookup_arg(reason_names, RS_COUNT, arg);
}

bool sock_filter_match(const struct sock_filter *f, const struct sock_row *r)
{
	if (f->has_state && r->state != f->state)
		return false;
	/* exact: the module was given min_age_ms, rounded down */
	if (f->has_min_age && !((r->known & SK_AGE) && r->age >= f->min_age_ns))
		return false;
	return sock_expr_match(f->expr, r);
}

void snapshot_free(struct snapshot *s)
{
	free(s->sockets.rows);
	s->sockets.rows = NULL;
	s->sockets.n = s->sockets.cap = 0;
	free(s->listeners.rows);
	s->listeners = (struct listener_list){ 0 };
	cgroup_list_free(&s->cgroups);
}
