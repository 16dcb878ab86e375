// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - tcplc: reader for the tcp_lifecycle kernel module's statistics
 * in /proc/net/tcp_lifecycle/.  Options, then dispatch to a view, once or
 * in watch mode.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "netns.h"
#include "source.h"
#include "version.h"
#include "view.h"
#include "watch.h"

#define INTERVAL_MIN 0.01
#define INTERVAL_MAX 86400.0

enum { OPT_PROMETHEUS = 256, OPT_PROC_ROOT };

static const struct option long_opts[] = {
	{ "interval", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'c' },
	{ "json", no_argument, NULL, 'j' },
	{ "prometheus", no_argument, NULL, OPT_PROMETHEUS },
	{ "zeros", no_argument, NULL, 'z' },
	{ "netns", required_argument, NULL, 'N' },
	{ "proc-root", required_argument, NULL, OPT_PROC_ROOT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void help(void)
{
	printf("Usage: tcplc [OPTION]... [VIEW [STATE]...]\n"
	       "Show TCP state transition statistics of the tcp_lifecycle kernel module\n"
	       "(/proc/net/tcp_lifecycle/, per network namespace).\n\nViews:\n");
	for (size_t i = 0; views[i]; i++)
		printf("  %-12s %s\n", views[i]->name, views[i]->help);
	printf("\nOptions:\n"
	       "  -i, --interval SEC  watch: every SEC seconds print what changed since the\n"
	       "                      previous sample (deltas and per-second rates)\n"
	       "  -c, --count N       watch: stop after N reports (default: until Ctrl-C)\n"
	       "  -j, --json          JSON; in watch mode one object per line (JSON Lines)\n"
	       "      --prometheus    Prometheus text format 0.0.4 (node_exporter textfile\n"
	       "                      collector); not with --interval\n"
	       "  -z, --zeros         also show all-zero states, rows and columns\n"
	       "  -N, --netns NAME    read the statistics of network namespace NAME\n"
	       "                      (/run/netns/NAME, as 'ip netns exec'; needs root)\n"
	       "      --proc-root DIR read DIR/net/tcp_lifecycle/* instead of /proc/...\n"
	       "                      (also env TCPLC_PROC_ROOT)\n"
	       "  -h, --help          this help\n"
	       "  -V, --version       version\n"
	       "\n"
	       "P50/P99 are estimates from the log2 histogram: the upper bound (2^(N+1) ns)\n"
	       "of the bucket holding that rank, capped at the exact maximum.  Dwell times\n"
	       "are measured when a socket leaves a state.\n"
	       "\n"
	       "Summary alerts ('!' lines):\n"
	       "  CLOSE_WAIT now > 0 and longest CLOSE_WAIT dwell > %llus (finished, or\n"
	       "    the oldest socket still there)\n"
	       "  TIME_WAIT now > %d\n"
	       "  SYN_RECV or NEW_SYN_RECV now > %d\n"
	       "  untracked > %d (the module's max_tracked table is too small)\n"
	       "\n"
	       "Exit status:\n"
	       "  0 ok   1 other error   2 bad usage   3 module not loaded\n"
	       "  4 permission denied   5 file format version too new\n"
	       "  6 malformed file   7 network namespace not found\n"
	       "\nSee tcplc(8).\n",
	       ALERT_CLOSE_WAIT_MAX_NS / NSEC_PER_SEC, ALERT_TIME_WAIT_NOW,
	       ALERT_SYN_RECV_NOW, ALERT_UNTRACKED);
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

static int parse_args(int argc, char **argv, struct options *o)
{
	const char *env = getenv("TCPLC_PROC_ROOT");
	bool prom = false;
	int c;

	*o = (struct options){ .proc_root = env && *env ? env : "/proc",
			       .view = &view_summary };
	while ((c = getopt_long(argc, argv, "i:c:jzN:hV", long_opts, NULL)) != -1) {
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
		case 'z':
			o->zeros = true;
			break;
		case 'N':
			if (!netns_name_ok(optarg))
				return usage("invalid network namespace name '%s'", optarg);
			o->netns = optarg;
			break;
		case OPT_PROC_ROOT:
			if (!*optarg)
				return usage("%s", "--proc-root needs a directory");
			o->proc_root = optarg;
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
	if (prom && o->interval > 0)
		return usage("%s", "--prometheus exports totals; it does not combine "
			     "with --interval (Prometheus computes rates itself)");
	if (o->count && !(o->interval > 0))
		return usage("%s", "--count needs --interval");
	if (optind < argc) {
		o->view = view_find(argv[optind]);
		if (!o->view)
			return usage("unknown view '%s' (views: summary states "
				     "transitions hist counters)", argv[optind]);
		optind++;
	}
	for (; optind < argc; optind++) {
		int st = state_lookup_arg(argv[optind]);

		if (!o->view->takes_states)
			return usage("unexpected argument '%s'", argv[optind]);
		if (st < 0)
			return usage("unknown state '%s' (ESTABLISHED SYN_SENT SYN_RECV "
				     "FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE CLOSE_WAIT "
				     "LAST_ACK LISTEN CLOSING NEW_SYN_RECV)",
				     argv[optind]);
		o->state_mask |= 1u << st;
	}
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

	if (source_load(o->proc_root, o->view->files, &s, e))
		return e->code;
	view_render(o->view, &c);
	return 0;
}

int main(int argc, char **argv)
{
	struct options o;
	struct err e = { 0 };
	int r = parse_args(argc, argv, &o);

	if (r)
		return r;
	if (o.netns && netns_enter(o.netns, &e))
		r = e.code;
	else
		r = o.interval > 0 ? watch_run(&o, &e) : run_once(&o, &e);
	if (r) {
		fflush(stdout);
		err_print(&e, stderr);
		return r;
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "tcplc: write error: %s\n", strerror(errno));
		return ERR_IO;
	}
	return 0;
}
