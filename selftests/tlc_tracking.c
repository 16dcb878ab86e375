// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_lifecycle: the per-socket tracking table.
 *
 * Occupancy agrees with the kernel's own socket listing, and a table far too
 * small for the load loses no transition: it only counts the sockets it
 * could not track.
 */
#include "tlc_lib.h"
#include "kselftest_harness.h"

#define CONNS	50

static int open_conns(int lfd, unsigned short port, int *c, int *s)
{
	int i;

	for (i = 0; i < CONNS; i++) {
		c[i] = tlc_connect(AF_INET, port);
		s[i] = c[i] < 0 ? -1 : accept(lfd, NULL, NULL);
		if (c[i] < 0 || s[i] < 0)
			return -1;
	}
	return 0;
}

static void close_conns(int *c, int *s)
{
	int i;

	for (i = 0; i < CONNS; i++) {
		close(c[i]);
		tlc_wait_eof(s[i], 5000);
		close(s[i]);
	}
}

/* Births the tracepoint saw: leaving CLOSE, or a child born to a listener. */
static uint64_t births(tlc_matrix m)
{
	uint64_t n = m[S_LISTEN][S_SYN_RECV];
	int j;

	for (j = 1; j < TLC_NSTATES; j++)
		if (j != S_CLOSE)
			n += m[S_CLOSE][j];
	return n;
}

TEST(occupancy_matches_proc_net_tcp)
{
	struct tlc_state_row r[TLC_NSTATES];
	uint64_t kern[TLC_NSTATES];
	int c[CONNS], s[CONNS], lfd, i, try, same;
	unsigned short port;

	if (tlc_module_ensure())
		SKIP(return, "tcp_lifecycle not loaded and $TLC_KO not loadable");
	ASSERT_EQ(0, tlc_netns_new());
	lfd = tlc_listen(AF_INET, &port, CONNS);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, open_conns(lfd, port, c, s));
	/*
	 * Half of the clients shut down their side (FIN_WAIT2, not orphaned,
	 * so still a full socket); their servers hold CLOSE_WAIT.
	 */
	for (i = 0; i < CONNS / 2; i++) {
		ASSERT_EQ(0, shutdown(c[i], SHUT_WR));
		ASSERT_EQ(0, tlc_wait_eof(s[i], 5000));
	}
	/* Let the last ACKs land (a loaded machine can take a while). */
	for (try = 0; try < 50; try++) {
		tlc_sleep_ms(100);
		ASSERT_EQ(0, tlc_proc_tcp_states(kern));
		ASSERT_EQ(0, tlc_read_states(r));
		for (same = 1, i = 1; i < TLC_NSTATES; i++)
			same &= kern[i] == r[i].now;
		if (same)
			break;
	}
	TH_LOG("kprobe misses so far: %lld", tlc_probes_missed());
	for (i = 1; i < TLC_NSTATES; i++) {
		TH_LOG("%s: module %llu, /proc/net/tcp %llu", tlc_state_names[i],
		       (unsigned long long)r[i].now,
		       (unsigned long long)kern[i]);
		EXPECT_EQ(kern[i], r[i].now);
		/* Every exit is either timed or untimed (CLOSE: neither). */
		if (i != S_CLOSE)
			EXPECT_EQ(r[i].exited, r[i].timed + r[i].untimed);
	}
	EXPECT_EQ(CONNS / 2, r[S_CLOSE_WAIT].now);
	EXPECT_EQ(CONNS / 2, r[S_FIN_WAIT2].now);
	EXPECT_EQ(CONNS, r[S_ESTABLISHED].now);
	EXPECT_EQ(1, r[S_LISTEN].now);
	EXPECT_LT(100000000ull, r[S_CLOSE_WAIT].oldest);
	close_conns(c, s);
	close(lfd);
}

/* max_tracked=4 against 101 sockets: nothing lost, every miss counted. */
TEST(max_tracked_small)
{
	tlc_matrix m0, m1, mod, trace;
	int c[CONNS], s[CONNS], lfd;
	long long tracked, untracked, req_untracked, now;
	struct tlc_state_row r[TLC_NSTATES];
	int i;
	unsigned short port;

	if (!getenv("TLC_KO"))
		SKIP(return, "needs $TLC_KO to reload the module");
	ASSERT_EQ(0, tlc_module_reload("max_tracked=4"));
	ASSERT_EQ(0, tlc_netns_new());
	ASSERT_EQ(0, tlc_read_transitions(m0));
	ASSERT_EQ(0, tlc_trace_start());
	lfd = tlc_listen(AF_INET, &port, CONNS);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, open_conns(lfd, port, c, s));

	tracked = tlc_read_key(TLC_STATUS, "tracked");
	untracked = tlc_read_key(TLC_PROC "/counters", "untracked");
	EXPECT_EQ(4, tlc_read_key(TLC_STATUS, "max_tracked"));
	EXPECT_EQ(4, tracked);
	EXPECT_EQ(4, tlc_read_key(TLC_PROC "/counters", "tracked"));

	close_conns(c, s);
	close(lfd);
	ASSERT_EQ(0, tlc_wait_quiet(10000));
	ASSERT_EQ(0, tlc_trace_stop(trace));
	ASSERT_EQ(0, tlc_read_transitions(m1));
	tlc_matrix_sub(mod, m1, m0);

	/*
	 * 1 listener + 50 clients + 50 children: the 4 entries end up with
	 * full sockets (a child takes over its request socket's entry), every
	 * other full socket is counted.  Request sockets count on their own.
	 */
	EXPECT_EQ(2 * CONNS + 1, births(trace));
	EXPECT_EQ(births(trace) - 4, untracked);
	req_untracked = tlc_read_key(TLC_PROC "/counters", "synrecv_untracked");
	EXPECT_LE(CONNS - 4, req_untracked);
	EXPECT_GE(CONNS, req_untracked);
	ASSERT_EQ(0, tlc_matrix_diff("module", mod, "tracepoint", trace));
	/* What is still tracked is what the listing shows (TIME_WAIT). */
	ASSERT_EQ(0, tlc_read_states(r));
	for (now = 0, i = 1; i < TLC_NSTATES; i++)
		now += r[i].now;
	EXPECT_EQ(tlc_read_key(TLC_STATUS, "tracked"), now);
	EXPECT_EQ(now, r[S_TIME_WAIT].now);
	EXPECT_EQ(0, tlc_probes_missed());
	ASSERT_EQ(0, tlc_module_reload(""));
}

/*
 * Optional features can be left unarmed; the state changes still agree
 * with the tracepoint, and a feature name the module does not know fails
 * the load.
 */
TEST(disable_features)
{
	tlc_matrix m0, m1, mod, trace;
	int c[CONNS], s[CONNS], lfd, i, j;
	long long sc0, req0, acc0, passive0, sc;
	unsigned short port;

	if (!getenv("TLC_KO"))
		SKIP(return, "needs $TLC_KO to reload the module");
	EXPECT_NE(0, tlc_module_reload("disable_features=owner,nosuch"));
	EXPECT_FALSE(tlc_module_loaded());
	ASSERT_EQ(0, tlc_module_reload("disable_features=owner,ports"));
	EXPECT_EQ(0, tlc_sh("grep -qx 'feature owner disabled' " TLC_STATUS));
	EXPECT_EQ(0, tlc_sh("grep -qx 'feature ports disabled' " TLC_STATUS));
	EXPECT_EQ(0, tlc_sh("grep -qx 'feature timewait available' " TLC_STATUS));
	EXPECT_EQ(0, tlc_sh("grep -q '^probe inet_csk_accept owner disabled ' "
			    TLC_STATUS));
	EXPECT_EQ(0, tlc_sh("grep -q '^probe inet_sock_set_state states armed ' "
			    TLC_STATUS));

	ASSERT_EQ(0, tlc_netns_new());
	ASSERT_EQ(0, tlc_read_matrix("transitions_raw", m0));
	sc0 = tlc_probe_hits("inet_sock_set_state");
	req0 = tlc_probe_hits("inet_csk_reqsk_queue_hash_add");
	acc0 = tlc_probe_hits("inet_csk_accept");
	passive0 = tlc_snmp("/proc/net/snmp", "Tcp", "PassiveOpens");
	ASSERT_EQ(0, tlc_trace_start());
	lfd = tlc_listen(AF_INET, &port, CONNS);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, open_conns(lfd, port, c, s));
	close_conns(c, s);
	close(lfd);
	ASSERT_EQ(0, tlc_wait_quiet(10000));
	ASSERT_EQ(0, tlc_trace_stop(trace));
	ASSERT_EQ(0, tlc_read_matrix("transitions_raw", m1));
	tlc_matrix_sub(mod, m1, m0);
	ASSERT_EQ(0, tlc_matrix_diff("module", mod, "tracepoint", trace));
	EXPECT_EQ(0, tlc_probes_missed());
	/*
	 * Hit counts: every state change the tracepoint recorded, a request
	 * socket per passive open (the kernel's count), none for a disabled
	 * feature.
	 */
	for (sc = 0, i = 0; i < TLC_NSTATES; i++)
		for (j = 0; j < TLC_NSTATES; j++)
			sc += trace[i][j];
	EXPECT_EQ(sc, tlc_probe_hits("inet_sock_set_state") - sc0);
	EXPECT_EQ(tlc_snmp("/proc/net/snmp", "Tcp", "PassiveOpens") - passive0,
		  tlc_probe_hits("inet_csk_reqsk_queue_hash_add") - req0);
	EXPECT_EQ(CONNS, tlc_probe_hits("inet_csk_reqsk_queue_hash_add") - req0);
	EXPECT_EQ(0, tlc_probe_hits("inet_csk_accept") - acc0);
	ASSERT_EQ(0, tlc_module_reload(""));
	EXPECT_EQ(0, tlc_sh("grep -qx 'feature owner available' " TLC_STATUS));
}

static long long meminfo_kb(const char *field)
{
	char line[256];
	long long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field)) &&
		    line[strlen(field)] == ':')
			v = atoll(line + strlen(field) + 1);
	fclose(f);
	return v;
}

/* Only to give the namespace churn a longer timeout. */
FIXTURE(slow) {
	int unused;
};

FIXTURE_SETUP(slow)
{
}

FIXTURE_TEARDOWN(slow)
{
}

/*
 * 200 namespaces, each with connections left in TIME_WAIT, come and go:
 * their statistics and table entries go with them.
 */
TEST_F_TIMEOUT(slow, netns_churn, 600)
{
	long long tracked0, pcpu0, pcpu1;
	int i, st, n = 200;

	if (tlc_module_ensure())
		SKIP(return, "tcp_lifecycle not loaded and $TLC_KO not loadable");
	tracked0 = tlc_read_key(TLC_STATUS, "tracked");
	pcpu0 = meminfo_kb("Percpu");
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (!pid) {
			unsigned short port;
			int lfd, c, s, k;

			if (tlc_netns_new())
				_exit(1);
			lfd = tlc_listen(AF_INET, &port, 4);
			for (k = 0; k < 3; k++) {
				c = tlc_connect(AF_INET, port);
				s = accept(lfd, NULL, NULL);
				if (c < 0 || s < 0)
					_exit(1);
				close(c);	/* TIME_WAIT, purged with the netns */
				tlc_wait_eof(s, 2000);
				close(s);
			}
			if (tlc_read_key(TLC_PROC "/counters", "tracked") < 3)
				_exit(2);
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &st, 0));
		ASSERT_EQ(0, WEXITSTATUS(st));
	}
	/* Namespaces are destroyed by a workqueue: give it time. */
	for (i = 0; i < 100; i++) {
		if (tlc_read_key(TLC_STATUS, "tracked") == tracked0)
			break;
		tlc_sleep_ms(200);
	}
	EXPECT_EQ(tracked0, tlc_read_key(TLC_STATUS, "tracked"));
	EXPECT_EQ(0, tlc_read_key(TLC_STATUS, "nets_uncounted"));
	pcpu1 = meminfo_kb("Percpu");
	TH_LOG("Percpu %lld -> %lld kB after %d namespaces", pcpu0, pcpu1, n);
	/* Each namespace's statistics take ~15 kB of per-CPU memory. */
	EXPECT_GT(pcpu0 + 1024, pcpu1);
}

TEST_HARNESS_MAIN
