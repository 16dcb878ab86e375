// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_lifecycle: every TCP state change is counted exactly, timed, and
 * charged to its own network namespace.
 *
 * Each test runs in a fresh network namespace (the harness forks per test)
 * and checks the module against the kernel's own accounting: the
 * sock:inet_sock_set_state tracepoint, /proc/net/snmp, /proc/net/tcp.
 */
#include "tlc_lib.h"
#include "kselftest_harness.h"

#define PAIRS	5

/* Client closes first: client gets FIN_WAIT*, server CLOSE_WAIT/LAST_ACK. */
static int close_pairs(int family, unsigned short port, int lfd,
		       int client_first)
{
	int i, c, s;

	for (i = 0; i < PAIRS; i++) {
		c = tlc_connect(family, port);
		s = c < 0 ? -1 : accept(lfd, NULL, NULL);
		if (c < 0 || s < 0)
			return -1;
		if (client_first) {
			close(c);
			if (tlc_wait_eof(s, 5000))
				return -1;
			close(s);
		} else {
			close(s);
			if (tlc_wait_eof(c, 5000))
				return -1;
			close(c);
		}
	}
	return 0;
}

/*
 * Both sides send FIN before either sees the other's: with 100 ms of netem
 * delay on lo, both reach FIN_WAIT1, then CLOSING.
 */
static int simultaneous_close(int family, unsigned short port, int lfd)
{
	int c, s, ret = -1;

	if (tlc_sh("tc qdisc add dev lo root netem delay 100ms"))
		return -1;
	c = tlc_connect(family, port);
	s = c < 0 ? -1 : accept(lfd, NULL, NULL);
	if (c >= 0 && s >= 0 && !shutdown(c, SHUT_WR) && !shutdown(s, SHUT_WR) &&
	    !tlc_wait_eof(c, 5000) && !tlc_wait_eof(s, 5000))
		ret = 0;
	if (c >= 0)
		close(c);
	if (s >= 0)
		close(s);
	tlc_sleep_ms(500);
	tlc_sh("tc qdisc del dev lo root");
	return ret;
}

static int refused(int family, unsigned short closed_port)
{
	int i;

	for (i = 0; i < PAIRS; i++)
		if (tlc_connect(family, closed_port) >= 0 ||
		    errno != ECONNREFUSED)
			return -1;
	return 0;
}

/* SO_LINGER {1, 0}: close() sends RST, no FIN, no TIME_WAIT. */
static int linger_resets(int family, unsigned short port, int lfd)
{
	int i, c, s;

	for (i = 0; i < 3; i++) {
		c = tlc_connect(family, port);
		s = c < 0 ? -1 : accept(lfd, NULL, NULL);
		if (c < 0 || s < 0)
			return -1;
		tlc_linger0(c);
		close(c);
		if (read(s, &i, 1) != -1 || errno != ECONNRESET)
			return -1;
		close(s);
	}
	return 0;
}

static int workload(int family)
{
	unsigned short port, port2;
	int lfd, lfd2;

	lfd = tlc_listen(family, &port, 16);
	if (lfd < 0)
		return -1;
	/* A listener that only opens and closes, and leaves a closed port. */
	lfd2 = tlc_listen(family, &port2, 1);
	if (lfd2 < 0)
		return -1;
	close(lfd2);

	if (close_pairs(family, port, lfd, 1) ||
	    close_pairs(family, port, lfd, 0) ||
	    simultaneous_close(family, port, lfd) ||
	    refused(family, port2) ||
	    linger_resets(family, port, lfd))
		return -1;
	close(lfd);
	return tlc_wait_quiet(10000);
}

static void parity(struct __test_metadata *_metadata, int family)
{
	tlc_matrix before, after, mod, trace;
	static const int must_see[][2] = {
		{ S_CLOSE, S_LISTEN }, { S_LISTEN, S_SYN_RECV },
		{ S_SYN_RECV, S_ESTABLISHED }, { S_SYN_SENT, S_ESTABLISHED },
		{ S_ESTABLISHED, S_FIN_WAIT1 }, { S_FIN_WAIT1, S_FIN_WAIT2 },
		{ S_ESTABLISHED, S_CLOSE_WAIT }, { S_CLOSE_WAIT, S_LAST_ACK },
		{ S_LAST_ACK, S_CLOSE }, { S_FIN_WAIT1, S_CLOSING },
		{ S_SYN_SENT, S_CLOSE }, { S_ESTABLISHED, S_CLOSE },
		{ S_LISTEN, S_CLOSE },
	};
	size_t i;

	if (tlc_module_ensure())
		SKIP(return, "tcp_lifecycle not loaded and $TLC_KO not loadable");
	ASSERT_EQ(0, tlc_netns_new());
	ASSERT_EQ(0, tlc_read_transitions(before));
	ASSERT_EQ(0, tlc_trace_start());
	ASSERT_EQ(0, workload(family));
	ASSERT_EQ(0, tlc_trace_stop(trace));
	ASSERT_EQ(0, tlc_read_transitions(after));
	tlc_matrix_sub(mod, after, before);

	/* The workload reached every path it is meant to exercise. */
	for (i = 0; i < sizeof(must_see) / sizeof(must_see[0]); i++) {
		TH_LOG("%s -> %s: trace %llu",
		       tlc_state_names[must_see[i][0]],
		       tlc_state_names[must_see[i][1]],
		       (unsigned long long)trace[must_see[i][0]][must_see[i][1]]);
		EXPECT_LT(0, trace[must_see[i][0]][must_see[i][1]]);
	}
	/* Refused connects; linger-0 resets (both ends); the crossing FINs. */
	EXPECT_EQ(PAIRS, trace[S_SYN_SENT][S_CLOSE]);
	EXPECT_EQ(6, trace[S_ESTABLISHED][S_CLOSE]);
	EXPECT_EQ(2, trace[S_FIN_WAIT1][S_CLOSING]);
	/* Exact equality, pair by pair. */
	ASSERT_EQ(0, tlc_matrix_diff("module", mod, "tracepoint", trace));
}

TEST(parity_ipv4)
{
	parity(_metadata, AF_INET);
	EXPECT_EQ(0, tlc_check_conservation(-1, "parity_ipv4"));
}

TEST(parity_ipv6)
{
	parity(_metadata, AF_INET6);
	EXPECT_EQ(0, tlc_check_conservation(-1, "parity_ipv6"));
}

/* log2 bucket of a duration, as the module files it. */
static int bucket_of(uint64_t ns)
{
	int b = 0;

	while (ns >>= 1)
		b++;
	return b < TLC_BUCKETS ? b : TLC_BUCKETS - 1;
}

/*
 * The expected bucket is the one holding the duration measured here; a
 * duration within 2% of a bucket edge may land in the neighbour.
 */
static uint64_t in_bucket_window(const struct tlc_hist *d, uint64_t ns)
{
	uint64_t n = d->bucket[bucket_of(ns)];

	if (bucket_of(ns * 102 / 100) != bucket_of(ns))
		n += d->bucket[bucket_of(ns * 102 / 100)];
	if (bucket_of(ns * 98 / 100) != bucket_of(ns))
		n += d->bucket[bucket_of(ns * 98 / 100)];
	return n;
}

static void hist_sub(struct tlc_hist *d, const struct tlc_hist *a,
		     const struct tlc_hist *b)
{
	int i;

	d->count = a->count - b->count;
	d->sum = a->sum - b->sum;
	for (i = 0; i < TLC_BUCKETS; i++)
		d->bucket[i] = a->bucket[i] - b->bucket[i];
}

TEST(dwell_established_and_close_wait)
{
	struct tlc_hist h0[TLC_NSTATES], h1[TLC_NSTATES], est, cw;
	uint64_t t_est, t_cw, t0;
	unsigned short port;
	int lfd, c, s;

	if (tlc_module_ensure())
		SKIP(return, "tcp_lifecycle not loaded and $TLC_KO not loadable");
	ASSERT_EQ(0, tlc_netns_new());
	ASSERT_EQ(0, tlc_read_hist(h0));
	lfd = tlc_listen(AF_INET, &port, 4);
	ASSERT_LE(0, lfd);
	c = tlc_connect(AF_INET, port);
	ASSERT_LE(0, c);
	t0 = tlc_now_ns();
	s = accept(lfd, NULL, NULL);
	ASSERT_LE(0, s);
	tlc_sleep_ms(2000);		/* both ends ESTABLISHED */
	close(c);			/* client FIN_WAIT1, server CLOSE_WAIT */
	t_est = tlc_now_ns() - t0;
	ASSERT_EQ(0, tlc_wait_eof(s, 5000));
	t0 = tlc_now_ns();
	tlc_sleep_ms(3000);		/* server holds CLOSE_WAIT */
	t_cw = tlc_now_ns() - t0;
	close(s);
	close(lfd);
	ASSERT_EQ(0, tlc_wait_quiet(5000));
	ASSERT_EQ(0, tlc_read_hist(h1));

	hist_sub(&est, &h1[S_ESTABLISHED], &h0[S_ESTABLISHED]);
	hist_sub(&cw, &h1[S_CLOSE_WAIT], &h0[S_CLOSE_WAIT]);
	TH_LOG("ESTABLISHED held %.3f s, CLOSE_WAIT %.3f s",
	       t_est / 1e9, t_cw / 1e9);
	/* Client and server ESTABLISHED, both ~t_est; server CLOSE_WAIT ~t_cw. */
	ASSERT_EQ(2, est.count);
	EXPECT_EQ(2, in_bucket_window(&est, t_est));
	EXPECT_LT(est.sum, 2 * t_est + 2 * 100000000ull);
	EXPECT_GT(est.sum + 2 * 100000000ull, 2 * t_est);
	ASSERT_EQ(1, cw.count);
	EXPECT_EQ(1, in_bucket_window(&cw, t_cw));
	EXPECT_LT(cw.sum, t_cw + 100000000ull);
	EXPECT_GT(cw.sum + 100000000ull, t_cw);
	EXPECT_EQ(0, tlc_check_conservation(-1, "dwell_established_and_close_wait"));
}

/* Traffic in one namespace shows there only. */
TEST(netns_isolation)
{
	tlc_matrix init0, init1, a, b;
	long long opens0, opens1;
	int self, nsa, nsb, i, c, s, lfd;
	unsigned short port;

	if (tlc_module_ensure())
		SKIP(return, "tcp_lifecycle not loaded and $TLC_KO not loadable");
	self = open("/proc/self/ns/net", O_RDONLY);
	ASSERT_LE(0, self);
	ASSERT_EQ(0, tlc_read_transitions(init0));

	ASSERT_EQ(0, tlc_netns_new());
	nsa = open("/proc/self/ns/net", O_RDONLY);
	ASSERT_EQ(0, tlc_netns_new());
	nsb = open("/proc/self/ns/net", O_RDONLY);
	ASSERT_LE(0, nsa);
	ASSERT_LE(0, nsb);

	ASSERT_EQ(0, setns(nsa, CLONE_NEWNET));
	opens0 = tlc_snmp("/proc/net/snmp", "Tcp", "ActiveOpens");
	lfd = tlc_listen(AF_INET, &port, 16);
	ASSERT_LE(0, lfd);
	for (i = 0; i < 10; i++) {
		c = tlc_connect(AF_INET, port);
		ASSERT_LE(0, c);
		s = accept(lfd, NULL, NULL);
		ASSERT_LE(0, s);
		close(c);
		ASSERT_EQ(0, tlc_wait_eof(s, 5000));
		close(s);
	}
	close(lfd);
	ASSERT_EQ(0, tlc_wait_quiet(5000));
	opens1 = tlc_snmp("/proc/net/snmp", "Tcp", "ActiveOpens");
	ASSERT_EQ(0, tlc_read_transitions(a));
	/* The kernel's ActiveOpens agrees with the module in namespace A. */
	EXPECT_EQ(10, opens1 - opens0);
	EXPECT_EQ(opens1 - opens0, a[S_CLOSE][S_SYN_SENT]);
	EXPECT_EQ(10, a[S_LISTEN][S_SYN_RECV]);
	EXPECT_EQ(1, a[S_CLOSE][S_LISTEN]);

	ASSERT_EQ(0, setns(nsb, CLONE_NEWNET));
	ASSERT_EQ(0, tlc_read_transitions(b));
	memset(init1, 0, sizeof(init1));
	EXPECT_EQ(0, tlc_matrix_diff("netns B", b, "nothing", init1));

	ASSERT_EQ(0, setns(self, CLONE_NEWNET));
	ASSERT_EQ(0, tlc_read_transitions(init1));
	EXPECT_EQ(0, tlc_matrix_diff("init_net after", init1, "before", init0));
	EXPECT_EQ(0, tlc_check_conservation(nsa, "netns_isolation A"));
	EXPECT_EQ(0, tlc_check_conservation(nsb, "netns_isolation B"));
	close(self);
	close(nsa);
	close(nsb);
}

#include "tlc_harness_main.h"
