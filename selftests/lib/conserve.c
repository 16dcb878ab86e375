// SPDX-License-Identifier: GPL-2.0
/*
 * Conservation laws: what the module's files of one namespace must satisfy
 * once its traffic has settled, whatever the traffic was.  Each law is one
 * KTAP result, with its figures when it fails (see tlc_lib.h).
 */
#include "tlc_lib.h"

static const char * const tw_ends[] = {
	"timewait_expired", "timewait_reused_connect", "timewait_reused_syn",
	"timewait_killed_rst", "timewait_netns", "timewait_other",
};

static const char * const req_ends[] = {
	"synrecv_timeout", "synrecv_rst", "synrecv_listener_closed",
	"synrecv_netns", "synrecv_dropped_other",
};

static const char * const birth_paths[] = {
	"passive_children_reqsk", "passive_children_syncookie",
	"passive_children_fastopen",
};

#define MAX_CTRS	64

/* One settled reading of a namespace. */
struct snap {
	struct tlc_state_row st[TLC_NSTATES];
	tlc_matrix life, raw;
	uint64_t ss[TLC_NSTATES];
	uint64_t reasons[TLC_NREASONS];
	long long passive_opens;
	int nctr;			/* the counters file, as read */
	char ctr_name[MAX_CTRS][48];
	long long ctr[MAX_CTRS];
};

struct out {
	int *n;		/* KTAP test number, or NULL: diagnostics only */
	const char *label;
	int failed;
};

static void result(struct out *o, int ok, const char *law, const char *skip,
		   const char *fmt, ...)
{
	char why[1024] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	if (!ok && !skip)
		o->failed++;
	printf("%s%s %d conservation %s: %s%s%s\n", o->n ? "" : "# ",
	       ok || skip ? "ok" : "not ok", o->n ? ++*o->n : 0, o->label, law,
	       skip ? " # SKIP " : "", skip ? skip : "");
	if (why[0] && (!ok || skip))
		printf("# %s: %s\n", law, why);
	fflush(stdout);
}

/* Append one figure to a failure's line, "; " between figures. */
static void add_fig(char *fig, size_t size, const char *fmt, ...)
{
	size_t len = strlen(fig);
	va_list ap;

	if (len && len + 2 < size)
		len += snprintf(fig + len, size - len, "; ");
	va_start(ap, fmt);
	vsnprintf(fig + len, size - len, fmt, ap);
	va_end(ap);
}

static int read_counters(struct snap *s)
{
	char line[256], name[48];
	long long v;
	FILE *f = tlc_open_versioned(TLC_PROC "/counters");

	s->nctr = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && s->nctr < MAX_CTRS)
		if (sscanf(line, "%47s %lld", name, &v) == 2) {
			strcpy(s->ctr_name[s->nctr], name);
			s->ctr[s->nctr++] = v;
		}
	fclose(f);
	return 0;
}

/* A counter of the snapshot, -1 if the module has no such line. */
static long long counter(const struct snap *s, const char *name)
{
	int i;

	for (i = 0; i < s->nctr; i++)
		if (!strcmp(s->ctr_name[i], name))
			return s->ctr[i];
	return -1;
}

static int read_reasons(uint64_t r[TLC_NREASONS])
{
	char line[2048], name[64];
	unsigned long long c, u;
	FILE *f = tlc_open_versioned(TLC_PROC "/reasons");
	int seen = 0;
	size_t i;

	memset(r, 0, sizeof(uint64_t) * TLC_NREASONS);
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %llu %llu", name, &c, &u) != 3)
			continue;
		for (i = 0; i < TLC_NREASONS; i++)
			if (!strcmp(name, tlc_reason_names[i])) {
				r[i] = c + u;
				seen++;
			}
	}
	fclose(f);
	return seen == TLC_NREASONS ? 0 : -1;
}

static int read_snap(struct snap *s)
{
	if (tlc_read_states(s->st) || tlc_read_matrix("transitions", s->life) ||
	    tlc_read_matrix("transitions_raw", s->raw) ||
	    read_reasons(s->reasons) || read_counters(s))
		return -1;
	s->passive_opens = tlc_snmp("/proc/net/snmp", "Tcp", "PassiveOpens");
	return 0;
}

/* The counts alone: `oldest` grows while nothing happens. */
static int same_counts(const struct snap *a, const struct snap *b)
{
	int st;

	for (st = 1; st < TLC_NSTATES; st++)
		if (a->st[st].entered != b->st[st].entered ||
		    a->st[st].exited != b->st[st].exited ||
		    a->st[st].now != b->st[st].now)
			return 0;
	return !memcmp(a->raw, b->raw, sizeof(a->raw)) && a->nctr == b->nctr &&
	       !memcmp(a->ctr, b->ctr, sizeof(a->ctr[0]) * a->nctr) &&
	       !memcmp(a->reasons, b->reasons, sizeof(a->reasons));
}

/*
 * Settle: the files read the same before and after ss (state changes still
 * under way, a TIME_WAIT expiring between two reads, would make the figures
 * disagree for no fault of the module's).
 */
static int settle(struct snap *s, int ms)
{
	struct snap again;

	for (; ms > 0; ms -= 200) {
		if (read_snap(s) || tlc_ss_states(s->ss) || read_snap(&again))
			return -1;
		if (same_counts(s, &again))
			return 0;
		tlc_sleep_ms(200);
	}
	return 1;
}

static int is_conn_state(int st)
{
	return st != S_CLOSE && st != S_LISTEN && st != S_NEW_SYN_RECV;
}

static void check_states(struct out *o, const struct snap *s,
			 long long untracked)
{
	char fig[1024] = "";
	int st, bad = 0;

	if (untracked > 0) {
		result(o, 0, "states entered - exited == now", "untracked sockets",
		       "untracked + synrecv_untracked %lld: now counts tracked "
		       "sockets only", untracked);
		return;
	}
	for (st = 1; st < TLC_NSTATES; st++) {
		const struct tlc_state_row *r = &s->st[st];

		if (st == S_CLOSE)
			continue;	/* not a connection's state: no now */
		if ((int64_t)(r->entered - r->exited) == (int64_t)r->now)
			continue;
		bad++;
		add_fig(fig, sizeof(fig), "%s entered %lu exited %lu now %lu",
			tlc_state_names[st], r->entered, r->exited, r->now);
	}
	result(o, !bad, "states entered - exited == now", NULL, "%s", fig);
}

/*
 * ss shows request sockets as SYN-RECV, and orphans kept by a timewait
 * socket as FIN-WAIT-2 or TIME-WAIT, as `now` counts them.
 */
static void check_ss(struct out *o, const struct snap *s, long long untracked)
{
	char fig[1024] = "";
	int st, bad = 0;

	if (untracked > 0) {
		result(o, 0, "now == ss -tan", "untracked sockets", NULL);
		return;
	}
	for (st = 1; st < TLC_NSTATES; st++) {
		uint64_t mod = s->st[st].now, ss = s->ss[st];

		if (st == S_CLOSE || st == S_NEW_SYN_RECV)
			continue;
		if (st == S_SYN_RECV)
			mod += s->st[S_NEW_SYN_RECV].now;
		if (mod == ss)
			continue;
		bad++;
		add_fig(fig, sizeof(fig), "%s now %llu ss %llu",
			tlc_state_names[st], (unsigned long long)mod,
			(unsigned long long)ss);
	}
	result(o, !bad, "now == ss -tan", NULL, "%s", fig);
}

/*
 * Request sockets: created == completed + every end + now.  Of two
 * children that race for one request socket (tcp_lifecycle.rst,
 * "counters"), only the one that took its place completes it; the loser,
 * like a child that raced the request's drop, is a child born without
 * one.  Returns created - (completed + ends + now): negative, request
 * sockets without an end; positive, more ends than requests.
 */
static int64_t check_requests(struct out *o, const struct snap *s)
{
	long long created = counter(s, "synrecv_created");
	long long completed = counter(s, "synrecv_completed");
	long long ends = 0, v;
	int64_t diff;
	char fig[512];
	size_t i, len;

	len = snprintf(fig, sizeof(fig), "created %lld completed %lld",
		       created, completed);
	for (i = 0; i < sizeof(req_ends) / sizeof(req_ends[0]); i++) {
		v = counter(s, req_ends[i]);
		if (v < 0) {
			result(o, 0, "synrecv_created balance", NULL,
			       "no %s counter", req_ends[i]);
			return 0;
		}
		ends += v;
		len += snprintf(fig + len, sizeof(fig) - len, " %s %lld",
				req_ends[i] + 8, v);
	}
	snprintf(fig + len, sizeof(fig) - len, " NEW_SYN_RECV now %lu",
		 s->st[S_NEW_SYN_RECV].now);
	if (created < 0 || completed < 0) {
		result(o, 0, "synrecv_created balance", NULL, "no counters");
		return 0;
	}
	diff = completed + ends + (int64_t)s->st[S_NEW_SYN_RECV].now - created;
	result(o, !diff, "synrecv_created balance", NULL, "%s: %lld %s", fig,
	       (long long)(diff < 0 ? -diff : diff),
	       diff < 0 ? "request sockets without an end" :
			  "more ends than requests");
	return diff;
}

static void check_birth_paths(struct out *o, const struct snap *s)
{
	long long sum = 0, v[3];
	size_t i;

	for (i = 0; i < 3; i++) {
		v[i] = counter(s, birth_paths[i]);
		if (v[i] < 0) {
			result(o, 0, "children by birth path == PassiveOpens",
			       "no passive_children_* counters", NULL);
			return;
		}
		sum += v[i];
	}
	result(o, sum == s->passive_opens,
	       "children by birth path == PassiveOpens", NULL,
	       "reqsk %lld + syncookie %lld + fastopen %lld = %lld, PassiveOpens %lld",
	       v[0], v[1], v[2], sum, s->passive_opens);
}

/*
 * A connection is born when a full socket leaves CLOSE for anything but
 * LISTEN, or as a child (SYN_RECV from a request socket or, without one,
 * from LISTEN); it ends at its one move to CLOSE from a connection's
 * state (a full socket's, or the timewait socket's that took it over; the
 * hand-over itself is not in the lifecycle view).  Each end has one reason.
 */
static void check_ends(struct out *o, const struct snap *s, long long untracked)
{
	uint64_t born = 0, ended = 0, alive = 0, reasons = 0;
	size_t i;
	int st;

	for (st = 1; st < TLC_NSTATES; st++) {
		if (st != S_LISTEN && st != S_NEW_SYN_RECV)
			born += s->life[S_CLOSE][st];
		if (is_conn_state(st)) {
			ended += s->life[st][S_CLOSE];
			alive += s->st[st].now;
		}
	}
	born += s->life[S_NEW_SYN_RECV][S_SYN_RECV] +
		s->life[S_LISTEN][S_SYN_RECV];
	for (i = 0; i < TLC_NREASONS; i++)
		reasons += s->reasons[i];
	result(o, reasons == ended, "one end reason per ended connection", NULL,
	       "reasons %llu, ends (connection states -> CLOSE) %llu",
	       (unsigned long long)reasons, (unsigned long long)ended);
	if (untracked > 0) {
		result(o, 0, "born == ended + alive", "untracked sockets", NULL);
		return;
	}
	result(o, born == ended + alive, "born == ended + alive", NULL,
	       "born %llu, ended %llu, alive (now) %llu",
	       (unsigned long long)born, (unsigned long long)ended,
	       (unsigned long long)alive);
}

/*
 * Every timewait socket ends once, with one of the timewait_* counters.
 * Those in TIME_WAIT leave it then; an orphan still in FIN_WAIT2 ends
 * FIN_WAIT2 -> CLOSE instead, so the ends beyond TIME_WAIT's exits are
 * bounded by the FIN_WAIT2 -> CLOSE moves (and exactly 0 without any).
 */
static void check_timewait(struct out *o, const struct snap *s)
{
	long long sum = 0, v[6];
	int64_t fw2;
	size_t i;

	for (i = 0; i < 6; i++) {
		v[i] = counter(s, tw_ends[i]);
		if (v[i] < 0) {
			result(o, 0, "timewait ends == TIME_WAIT exits", NULL,
			       "no %s counter", tw_ends[i]);
			return;
		}
		sum += v[i];
	}
	fw2 = sum - (int64_t)s->st[S_TIME_WAIT].exited;
	result(o, fw2 >= 0 && fw2 <= (int64_t)s->life[S_FIN_WAIT2][S_CLOSE],
	       "timewait ends == TIME_WAIT exits", NULL,
	       "expired %lld reused_connect %lld reused_syn %lld killed_rst %lld "
	       "netns %lld other %lld = %lld; TIME_WAIT exited %lu, "
	       "FIN_WAIT2 -> CLOSE %llu", v[0], v[1], v[2], v[3], v[4], v[5],
	       sum, s->st[S_TIME_WAIT].exited,
	       (unsigned long long)s->life[S_FIN_WAIT2][S_CLOSE]);
}

/* Module-wide figures of the debugfs status that must not grow. */
struct lost {
	unsigned long long stale, missed, lost;
	char lines[1024];	/* those not 0, as read */
};

static struct lost lost_base;

static int read_lost(const char *path, struct lost *l)
{
	char line[256], name[64];
	unsigned long long v;
	FILE *f = tlc_open_versioned(path);

	memset(l, 0, sizeof(*l));
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "probe %63s %*s %*s missed %llu", name, &v) == 2)
			l->missed += v;
		else if (sscanf(line, "%63s %llu", name, &v) == 2 &&
			 !strcmp(name, "stale_entries"))
			l->stale += v;
		else if (sscanf(line, "%63s %llu", name, &v) == 2 &&
			 !strncmp(name, "lost_", 5))
			l->lost += v;
		else
			continue;
		if (!v)
			continue;
		line[strcspn(line, "\n")] = 0;
		add_fig(l->lines, sizeof(l->lines), "%s", line);
	}
	fclose(f);
	return 0;
}

void tlc_conserve_baseline(const char *status)
{
	if (!status || read_lost(status, &lost_base))
		memset(&lost_base, 0, sizeof(lost_base));
}

/* The program's baseline: what earlier programs left is theirs. */
__attribute__((constructor)) static void conserve_init(void)
{
	tlc_conserve_baseline(TLC_STATUS);
}

/* Module-wide: what the module knows it lost must not have grown. */
static void check_status(struct out *o)
{
	struct lost l;

	if (read_lost(TLC_STATUS, &l)) {
		result(o, 0, "debugfs: nothing lost", NULL, "cannot read %s",
		       TLC_STATUS);
		return;
	}
	/* Reloaded since the baseline: the module counts from 0 again. */
	if (l.stale < lost_base.stale || l.missed < lost_base.missed ||
	    l.lost < lost_base.lost)
		memset(&lost_base, 0, sizeof(lost_base));
	result(o, l.stale == lost_base.stale && l.missed == lost_base.missed &&
	       l.lost == lost_base.lost, "debugfs: nothing lost", NULL,
	       "%s (before: stale_entries %llu, missed %llu, lost_* %llu)",
	       l.lines, lost_base.stale, lost_base.missed, lost_base.lost);
}

int tlc_conserve_run(int nsfd, const char *label, int *ktap_n)
{
	struct out o = { .n = ktap_n, .label = label };
	long long untracked;
	struct snap s;
	int self = -1, st;

	if (nsfd >= 0) {
		self = open("/proc/self/ns/net", O_RDONLY);
		if (self < 0 || setns(nsfd, CLONE_NEWNET)) {
			result(&o, 0, "setns", NULL, "%s", strerror(errno));
			if (self >= 0)
				close(self);
			return o.failed;
		}
	}
	st = settle(&s, 10000);
	if (st) {
		result(&o, 0, "quiescent", NULL, st < 0 ?
		       "cannot read " TLC_PROC " or ss" :
		       "the namespace's files kept changing for 10 s");
		goto out;
	}
	untracked = counter(&s, "untracked") + counter(&s, "synrecv_untracked");
	check_requests(&o, &s);
	check_states(&o, &s, untracked);
	check_ss(&o, &s, untracked);
	check_birth_paths(&o, &s);
	check_ends(&o, &s, untracked);
	check_timewait(&o, &s);
	check_status(&o);
out:
	if (self >= 0) {
		if (setns(self, CLONE_NEWNET))
			o.failed++;
		close(self);
	}
	return o.failed;
}

int tlc_check_conservation(int nsfd, const char *label)
{
	return tlc_conserve_run(nsfd, label, NULL);
}
