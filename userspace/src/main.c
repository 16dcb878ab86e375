// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - tcplc: reader for the tcp_lifecycle kernel module's statistics
 * in /proc/net/tcp_lifecycle/.  Options, then dispatch to a view, once or
 * in watch mode.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alerts.h"
#include "allns.h"
#include "fmt_text.h"
#include "filter.h"
#include "netns.h"
#include "source.h"
#include "stats.h"
#include "version.h"
#include "view.h"
#include "watch.h"

#define INTERVAL_MIN 0.01
#define INTERVAL_MAX 86400.0

enum { OPT_PROMETHEUS = 256, OPT_PROC_ROOT, OPT_ALL_NETNS, OPT_OUTPUT, OPT_RAW, OPT_HIST, OPT_STATE,
       OPT_OLDER_THAN, OPT_SORT, OPT_LIST, OPT_BUCKETS, OPT_THRESHOLD,
       OPT_CONFIG, OPT_MAX_LABELS, OPT_CGROUP_ROOT };

static const struct option long_opts[] = {
	{ "interval", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'c' },
	{ "json", no_argument, NULL, 'j' },
	{ "prometheus", no_argument, NULL, OPT_PROMETHEUS },
	{ "buckets", required_argument, NULL, OPT_BUCKETS },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "zeros", no_argument, NULL, 'z' },
	{ "no-header", no_argument, NULL, 'H' },
	{ "netns", required_argument, NULL, 'N' },
	{ "all-netns", no_argument, NULL, OPT_ALL_NETNS },
	{ "output", required_argument, NULL, 'o' },
	{ "proc-root", required_argument, NULL, OPT_PROC_ROOT },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "hist", no_argument, NULL, OPT_HIST },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "older-than", required_argument, NULL, OPT_OLDER_THAN },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "limit", required_argument, NULL, 'n' },
	{ "max-labels", required_argument, NULL, OPT_MAX_LABELS },
	{ "cgroup-root", required_argument, NULL, OPT_CGROUP_ROOT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void help(void)
{
	printf("Usage: tcplc [OPTION]... [VIEW [ARG]...]\n"
	       "Show TCP connection lifecycle statistics of the tcp_lifecycle kernel module\n"
	       "(/proc/net/tcp_lifecycle/, per network namespace).\n\nViews:\n");
	for (size_t i = 0; views[i]; i++)
		printf("  %-12s %s\n", views[i]->name, views[i]->help);
	printf("\nOptions:\n"
	       "  -i, --interval SEC  watch: every SEC seconds print what changed since the\n"
	       "                      previous sample (deltas and per-second rates)\n"
	       "  -c, --count N       watch: stop after N reports (default: until Ctrl-C)\n"
	       "  -j, --json          JSON; in watch mode one object per line (JSON Lines)\n"
	       "      --prometheus    Prometheus text format 0.0.4 (node_exporter textfile\n"
	       "                      collector); not with --interval, not for sockets\n"
	       "      --buckets N|LIST\n"
	       "                      Prometheus histograms with fewer buckets: every\n"
	       "                      bound of a power-of-N series (N = 4, 8, ...), or\n"
	       "                      durations (1ms,100ms,1s,1m) rounded down to a bound\n"
	       "  -z, --zeros         also show all-zero states, reasons, rows and columns\n"
	       "  -H, --no-header     tables without their header line; footers such as\n"
	       "                      \"(2 of 2254 sockets shown)\" go to stderr anyway\n"
	       "  -N, --netns NAME    read the statistics of network namespace NAME\n"
	       "                      (/run/netns/NAME, as 'ip netns exec'; needs root)\n"
	       "  -o, --output FILE   write FILE whole or not at all: into a temporary file\n"
	       "                      beside it, renamed over FILE when complete (for\n"
	       "                      the node exporter's textfile collector)\n"
	       "      --all-netns     every network namespace a process is in (root: all;\n"
	       "                      else those of your processes), named as in\n"
	       "                      /run/netns or net:[INODE]: text grouped by\n"
	       "                      namespace, JSON and Prometheus with a netns label\n"
	       "      --proc-root DIR read DIR/net/tcp_lifecycle/* instead of /proc/...\n"
	       "                      (also env TCPLC_PROC_ROOT)\n"
	       "  -h, --help          this help\n"
	       "Text fits the width in COLUMNS, else the terminal's, else 80 columns.\n"
	       "  -V, --version       version\n"
	       "\n"
	       "View options:\n"
	       "      --raw           transitions: the kernel's view (transitions_raw)\n"
	       "      --list          transitions: FROM TO COUNT lines, most first (also\n"
	       "                      when the matrix is wider than the output)\n"
	       "      --hist          reasons, keepalive: the log2 histograms (lifetimes;\n"
	       "                      time to find dead peers, idle times)\n"
	       "      --state STATE   sockets: only those in STATE\n"
	       "      --older-than DURATION\n"
	       "                      sockets: only those in their state for at least\n"
	       "                      DURATION: 250ms, 1.5s, 5m, 1h30m, 3d04h (no unit: s)\n"
	       "      --sort age|lifetime\n"
	       "                      sockets: longest first by time in state (default)\n"
	       "                      or since birth\n"
	       "  -n, --limit N       sockets: show the first N\n"
	       "      --max-labels N  listeners, cgroups --prometheus: label values of\n"
	       "                      their own for the N busiest (default 50), the rest\n"
	       "                      summed into listener=\"other\" / cgroup=\"other\"\n"
	       "      --cgroup-root DIR\n"
	       "                      cgroups: resolve ids to paths below DIR (the cgroup2\n"
	       "                      mount; default: sys/fs/cgroup beside the proc root,\n"
	       "                      /sys/fs/cgroup for /proc; also env TCPLC_CGROUP_ROOT)\n"
	       "  listeners FILTER    listeners: sport and src terms of the sockets filter,\n"
	       "                      e.g. sport = :8080, src 10.0.0.0/8\n"
	       "  sockets FILTER      sockets: an ss-style filter expression, e.g.\n"
	       "                      state close-wait and sport = :8443, dst 10.0.0.0/8,\n"
	       "                      pid 42, comm 'java*', age '>' 5m (see tcplc(8))\n"
	       "\n"
	       "P50/P99 are estimates from the log2 histogram: the upper bound (2^(N+1) ns)\n"
	       "of the bucket holding that rank, capped at the exact maximum.  Dwell times\n"
	       "are measured when a socket leaves a state, lifetimes when it ends.\n"
	       "\n"
	       "Summary alerts ('!' lines), default thresholds; change them with\n"
	       "--threshold NAME=VALUE or a --config FILE of NAME = VALUE lines (names:\n"
	       "close_wait_age time_wait syn_recv synrecv_timeout_pct untracked\n"
	       "port_exhausted dead_peers keepalive_off keepalive_off_idle listen_drops):\n"
	       "  CLOSE_WAIT now > 0 and its oldest > %llus (without an oldest column:\n"
	       "    longest finished dwell > %llus)\n"
	       "  TIME_WAIT now > %d\n"
	       "  port_exhausted > %d\n"
	       "  SYN_RECV or NEW_SYN_RECV now > %d\n"
	       "  synrecv_timeout > %d%% of synrecv_created (watch mode: growing)\n"
	       "  retrans_timeout + keepalive_timeout ends > %d (dead peers)\n"
	       "  established_keepalive_off > %d and their longest idle > %llus (dead\n"
	       "    peers never noticed)\n"
	       "  untracked + synrecv_untracked > %d (the module's max_tracked table is\n"
	       "    too small)\n"
	       "  accept queue overflows + SYN drops over the listeners > %d\n"
	       "With the listeners file (else the cgroups file) the alerts name the listener\n"
	       "(or cgroup) holding most: \"all children of 0.0.0.0:8080\", \"most (180)\n"
	       "children of ...\".\n"
	       "\n"
	       "Exit status:\n"
	       "  0 ok   1 other error   2 bad usage   3 module not loaded\n"
	       "  4 permission denied   5 file format version too new\n"
	       "  6 malformed file   7 network namespace not found\n"
	       "  8 partial: the summary shown without files that were missing or\n"
	       "    malformed (a warning names each)\n"
	       "\nSee tcplc(8).\n",
	       ALERT_CLOSE_WAIT_NS / NSEC_PER_SEC, ALERT_CLOSE_WAIT_NS / NSEC_PER_SEC,
	       ALERT_TIME_WAIT_NOW, ALERT_PORT_EXHAUSTED, ALERT_SYN_RECV_NOW,
	       ALERT_SYNRECV_TIMEOUT_PCT, ALERT_DEAD_PEERS, ALERT_KEEPALIVE_OFF,
	       ALERT_KEEPALIVE_OFF_IDLE_NS / NSEC_PER_SEC, ALERT_UNTRACKED,
	       ALERT_LISTEN_DROPS);
}

static int usage(const char *fmt, const char *arg)
{
	fputs("tcplc: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'tcplc --help' for more information.\n", stderr);
	return ERR_USAGE;
}

static int parse_interval(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v) || v < INTERVAL_MIN ||
	    v > INTERVAL_MAX)
		return usage("invalid interval '%s' (seconds, 0.01 to 86400)", s);
	*out = v;
	return 0;
}

/* Positive decimal integer; -1 if @s is not one. */
static int parse_count(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end || errno || !v)
		return -1;
	*out = v;
	return 0;
}

/* COLUMNS if set, else the terminal's width (stdout), else TEXT_WIDTH. */
static size_t out_width(void)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	uint64_t v;

	if (env && *env && !parse_count(env, &v))
		return v < 20 ? 20 : v > 10000 ? 10000 : (size_t)v;
	if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) &&
	    ws.ws_col)
		return ws.ws_col < 20 ? 20 : ws.ws_col;
	return TEXT_WIDTH;
}

/*
 * --buckets: a power of two N (every log2(N)-th bound: 4 keeps 1 of 2), or
 * a comma-separated list of durations, each rounded down to a bound
 * 2^(b+1) ns (the only ones at which the cumulative count is exact).
 */
static int parse_buckets(const char *s, uint64_t *mask)
{
	uint64_t v, m = 0;
	char buf[512], *tok, *save;

	if (!parse_count(s, &v)) {
		unsigned k = 0;

		if (v < 2 || (v & (v - 1)))
			return -1;
		while ((1ULL << k) < v)
			k++;
		for (int b = HIST_BUCKETS - 2; b >= 0; b -= (int)k)
			m |= 1ULL << b;
		*mask = m;
		return 0;
	}
	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int b = -1;

		if (parse_duration(tok, &v) || v < 2)
			return -1;
		while (b + 1 < HIST_BUCKETS - 1 && bucket_le(b + 1) <= v)
			b++;
		if (b >= 0)
			m |= 1ULL << b;
	}
	if (!m)
		return -1;
	*mask = m;
	return 0;
}

/* --config FILE: "NAME = VALUE" lines of thresholds, '#' comments. */
static int read_config(const char *path)
{
	char line[512], as[512], msg[400];
	unsigned long n = 0;
	FILE *f = fopen(path, "re");

	if (!f) {
		fprintf(stderr, "tcplc: %s: %s\n", path, strerror(errno));
		return ERR_USAGE;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t o = 0;

		n++;
		for (char *p = line; *p && *p != '#'; p++)
			if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
				as[o++] = *p;
		as[o] = '\0';
		if (o && alert_threshold_set(as, msg, sizeof(msg))) {
			fprintf(stderr, "tcplc: %s:%lu: %s\n", path, n, msg);
			fclose(f);
			return ERR_USAGE;
		}
	}
	fclose(f);
	return 0;
}

/* sys/fs/cgroup beside @proc_root: /proc -> /sys/fs/cgroup,
 * /host/proc -> /host/sys/fs/cgroup. */
static const char *default_cgroup_root(const char *proc_root)
{
	static char buf[PATH_MAX];
	size_t n = strlen(proc_root);

	while (n > 1 && proc_root[n - 1] == '/')
		n--;
	while (n > 0 && proc_root[n - 1] != '/')
		n--;
	while (n > 1 && proc_root[n - 1] == '/')
		n--;
	if (!n)
		return "sys/fs/cgroup";
	if ((size_t)snprintf(buf, sizeof(buf), "%.*s/sys/fs/cgroup",
			     n == 1 && proc_root[0] == '/' ? 0 : (int)n,
			     proc_root) >= sizeof(buf))
		return NULL;
	return buf;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	const char *env = getenv("TCPLC_PROC_ROOT");
	bool prom = false, sock_opts = false, label_opt = false;
	const char *cg_root = getenv("TCPLC_CGROUP_ROOT");
	uint64_t v;
	int c, st;

	*o = (struct options){ .proc_root = env && *env ? env : "/proc",
			       .view = &view_summary, .max_labels = 50 };
	while ((c = getopt_long(argc, argv, "i:c:jzHN:n:o:hV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (parse_interval(optarg, &o->interval))
				return ERR_USAGE;
			break;
		case 'c':
			if (parse_count(optarg, &o->count))
				return usage("invalid count '%s' (a positive integer)",
					     optarg);
			break;
		case 'j':
			o->fmt = FMT_JSON;
			break;
		case OPT_PROMETHEUS:
			prom = true;
			break;
		case OPT_THRESHOLD: {
			char msg[400];

			if (alert_threshold_set(optarg, msg, sizeof(msg)))
				return usage("%s", msg);
			break;
		}
		case OPT_CONFIG:
			if (read_config(optarg))
				return ERR_USAGE;
			break;
		case OPT_BUCKETS:
			if (parse_buckets(optarg, &o->le_mask))
				return usage("invalid --buckets '%s' (a power of two such as "
					     "4, or durations such as 1ms,100ms,1s,1m)", optarg);
			break;
		case 'z':
			o->zeros = true;
			break;
		case 'H':
			text_no_header = true;
			break;
		case 'N':
			if (!netns_name_ok(optarg))
				return usage("invalid network namespace name '%s'", optarg);
			o->netns = optarg;
			break;
		case 'o':
			if (!*optarg)
				return usage("%s", "--output needs a file name");
			o->output = optarg;
			break;
		case OPT_ALL_NETNS:
			o->all_netns = true;
			break;
		case OPT_PROC_ROOT:
			if (!*optarg)
				return usage("%s", "--proc-root needs a directory");
			o->proc_root = optarg;
			break;
		case OPT_RAW:
			o->raw = true;
			break;
		case OPT_LIST:
			o->list = true;
			break;
		case OPT_HIST:
			o->hist = true;
			break;
		case OPT_STATE:
			st = state_lookup_arg(optarg);
			if (st < 0)
				return usage("unknown state '%s' (ESTABLISHED SYN_SENT SYN_RECV "
					     "FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE CLOSE_WAIT "
					     "LAST_ACK LISTEN CLOSING NEW_SYN_RECV)", optarg);
			o->filter.has_state = true;
			o->filter.state = (uint8_t)st;
			sock_opts = true;
			break;
		case OPT_OLDER_THAN:
			if (parse_duration(optarg, &o->filter.min_age_ns))
				return usage("invalid duration '%s' (e.g. 250ms, 1.5s, 90s, "
					     "5m, 1h30m, 45m15s)", optarg);
			o->filter.has_min_age = true;
			sock_opts = true;
			break;
		case OPT_SORT:
			if (!strcmp(optarg, "age"))
				o->sort = SORT_AGE;
			else if (!strcmp(optarg, "lifetime"))
				o->sort = SORT_LIFETIME;
			else
				return usage("invalid sort key '%s' (age or lifetime)",
					     optarg);
			sock_opts = true;
			break;
		case 'n':
			if (parse_count(optarg, &o->limit))
				return usage("invalid number of sockets '%s' (a positive "
					     "integer)", optarg);
			sock_opts = true;
			break;
		case OPT_MAX_LABELS:
			if (parse_count(optarg, &v) || v > 100000)
				return usage("invalid --max-labels '%s' (1 to 100000)", optarg);
			o->max_labels = (size_t)v;
			label_opt = true;
			break;
		case OPT_CGROUP_ROOT:
			if (!*optarg)
				return usage("%s", "--cgroup-root needs a directory");
			cg_root = optarg;
			break;
		case 'h':
			help();
			exit(0);
		case 'V':
			printf("tcplc %s (file format version %d)\n", TCPLC_VERSION,
			       FORMAT_VERSION);
			exit(0);
		default: /* getopt_long() said what was wrong */
			fputs("Try 'tcplc --help' for more information.\n", stderr);
			return ERR_USAGE;
		}
	}
	if (prom && o->fmt == FMT_JSON)
		return usage("%s", "--json and --prometheus exclude each other");
	if (prom)
		o->fmt = FMT_PROM;
	if (o->le_mask && !prom)
		return usage("%s", "--buckets is an option of --prometheus");
	if (prom && o->interval > 0)
		return usage("%s", "--prometheus exports totals; it does not combine "
			     "with --interval (Prometheus computes rates itself)");
	if (o->all_netns && o->netns)
		return usage("%s", "--all-netns and -N exclude each other");
	if (o->all_netns && o->interval > 0)
		return usage("%s", "--all-netns shows totals; it does not combine with "
			     "--interval (run one tcplc -N NAME -i per namespace)");
	if (o->output && o->interval > 0)
		return usage("%s", "--output writes one report; it does not combine "
			     "with --interval");
	if (o->count && !(o->interval > 0))
		return usage("%s", "--count needs --interval");
	if (optind < argc) {
		o->view = view_find(argv[optind]);
		if (!o->view)
			return usage("unknown view '%s' (views: summary states "
				     "transitions hist reasons keepalive counters "
				     "resets sockets listeners cgroups)",
				     argv[optind]);
		optind++;
	}
	if (optind < argc && o->view->takes_filter) {
		char msg[320];

		if (sock_expr_parse(argv + optind, argc - optind, &o->expr, msg,
				    sizeof(msg)))
			return usage("%s", msg);
		o->filter.expr = &o->expr;
		optind = argc;
	}
	for (; optind < argc; optind++) {
		int r;

		if (o->view->takes_reasons) {
			r = reason_lookup_arg(argv[optind]);
			if (r < 0)
				return usage("unknown reason '%s' (orderly_active "
					     "orderly_passive rst_received rst_sent_linger0 "
					     "rst_sent_unread rst_sent_other retrans_timeout "
					     "keepalive_timeout syn_timeout refused "
					     "fin_wait2_timeout netns_teardown other rst_sent_data aborted)",
					     argv[optind]);
			o->reason_mask |= 1u << r;
			continue;
		}
		if (!o->view->takes_states)
			return usage("unexpected argument '%s'", argv[optind]);
		r = state_lookup_arg(argv[optind]);
		if (r < 0)
			return usage("unknown state '%s' (ESTABLISHED SYN_SENT SYN_RECV "
				     "FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE CLOSE_WAIT "
				     "LAST_ACK LISTEN CLOSING NEW_SYN_RECV)",
				     argv[optind]);
		o->state_mask |= 1u << r;
	}
	if (o->raw && o->view != &view_transitions)
		return usage("%s", "--raw is an option of the transitions view");
	if (o->list && o->view != &view_transitions)
		return usage("%s", "--list is an option of the transitions view");
	if (o->hist && o->view != &view_reasons && o->view != &view_keepalive)
		return usage("%s", "--hist is an option of the reasons and keepalive "
			     "views (dwell time histograms: tcplc hist)");
	if (sock_opts && o->view != &view_sockets)
		return usage("%s", "--state, --older-than, --sort and -n are options "
			     "of the sockets view");
	if (prom && !o->view->prom)
		return usage("the %s view has no Prometheus output (it lists sockets, "
			     "not metrics): use -j", o->view->name);
	if (o->interval > 0 && o->view->no_watch)
		return usage("the %s view lists what is there now: it has no watch "
			     "mode (-i); try watch(1)", o->view->name);
	if (label_opt && o->view != &view_listeners && o->view != &view_cgroups)
		return usage("%s", "--max-labels is an option of the listeners and "
			     "cgroups views");
	if (cg_root && *cg_root)
		cgroup_root = cg_root;
	else
		cgroup_root = default_cgroup_root(o->proc_root);
	o->files = o->view->files;
	o->optional = o->view->optional;
	if (o->raw)
		o->files = (o->files & ~(unsigned)FILE_TRANSITIONS) | FILE_TRANSITIONS_RAW;
	env = getenv("TCPLC_TEST_SERIES");
	if (env && *env && o->interval > 0) {
		uint64_t epoch;

		if (parse_count(env, &epoch))
			return usage("invalid TCPLC_TEST_SERIES '%s' (epoch seconds)",
				     env);
		o->test_series = true;
		o->test_epoch = (time_t)epoch;
	}
	return 0;
}

static int run_once(const struct options *o, struct err *e)
{
	struct snapshot s;
	struct view_ctx c = { .f = stdout, .o = o, .s = &s, .cur = &s };

	/* a view of several files shows what it can of a partial directory */
	bool partial = o->files & (o->files - 1);
	unsigned left_out;

	if (source_load(o->proc_root, o->files, o->optional, &o->filter, partial,
			&s, e))
		return e->code;
	view_render(o->view, &c);
	left_out = s.left_out;
	snapshot_free(&s);
	if (left_out) {
		/* the warnings said which files; exit status says "partial" */
		err_set(e, ERR_PARTIAL, "some files were left out: partial output");
		e->path[0] = '\0';
		return ERR_PARTIAL;
	}
	return 0;
}

/* --output: stdout is a temporary file beside FILE until output_commit(). */
static char output_tmp[PATH_MAX];

static void output_abort(void)
{
	if (output_tmp[0])
		unlink(output_tmp);
	output_tmp[0] = '\0';
}

static int output_open(const struct options *o, struct err *e)
{
	int fd;

	snprintf(e->path, sizeof(e->path), "%s", o->output);
	if ((size_t)snprintf(output_tmp, sizeof(output_tmp), "%s.tmpXXXXXX",
			     o->output) >= sizeof(output_tmp))
		return err_set(e, ERR_USAGE, "output file name too long");
	fd = mkostemp(output_tmp, O_CLOEXEC);
	if (fd < 0) {
		int errnum = errno;

		output_tmp[0] = '\0';
		return err_set(e, errnum == EACCES || errnum == EPERM ? ERR_PERM : ERR_IO,
			       "cannot create a file beside it: %s", strerror(errnum));
	}
	if (fchmod(fd, 0644) || fflush(stdout) || dup2(fd, STDOUT_FILENO) < 0) {
		int errnum = errno;

		close(fd);
		output_abort();
		return err_set(e, ERR_IO, "%s", strerror(errnum));
	}
	close(fd);
	e->path[0] = '\0';
	return 0;
}

static int output_commit(const struct options *o, struct err *e)
{
	if (fsync(STDOUT_FILENO) || rename(output_tmp, o->output)) {
		int errnum = errno;

		output_abort();
		snprintf(e->path, sizeof(e->path), "%s", o->output);
		return err_set(e, ERR_IO, "%s", strerror(errnum));
	}
	output_tmp[0] = '\0';
	return 0;
}

int main(int argc, char **argv)
{
	struct options o;
	struct err e = { 0 };
	int r = parse_args(argc, argv, &o);

	if (r)
		return r;
	if (o.output && output_open(&o, &e)) {
		err_print(&e, stderr);
		return e.code;
	}
	text_width = out_width();
	if (o.netns && netns_enter(o.netns, &e))
		r = e.code;
	else if (o.all_netns)
		r = allns_run(&o, &e);
	else
		r = o.interval > 0 ? watch_run(&o, &e) : run_once(&o, &e);
	if (r && r != ERR_PARTIAL) {
		fflush(stdout);
		if (o.output)
			output_abort();
		err_print(&e, stderr);
		return r;
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "tcplc: write error: %s\n", strerror(errno));
		if (o.output)
			output_abort();
		return ERR_IO;
	}
	/* partial output is still output: what could be read replaces FILE */
	if (o.output && output_commit(&o, &e) && !r) {
		err_print(&e, stderr);
		return e.code;
	}
	if (r)
		err_print(&e, stderr);
	return r;
}
