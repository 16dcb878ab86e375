// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_lifecycle: the whole life of a connection.  TIME_WAIT and the
 * half-open request socket as real states, live sockets with their owner,
 * why each connection ended, port exhaustion, simultaneous open.
 *
 * Each test runs in a fresh network namespace and checks the module against
 * the kernel's own accounting (/proc/net/netstat and snmp, ss, the
 * tracepoint) or against what the test itself did.
 */
#include "tlc_lib.h"
#include <sys/prctl.h>
#include <signal.h>

#include "kselftest_harness.h"
#include "tlc_harness.h"

#define NS_PER_S	1000000000ull

static long long snmp(const char *name)
{
	return tlc_snmp("/proc/net/snmp", "Tcp", name);
}

static long long counter(const char *name)
{
	return tlc_read_key(TLC_PROC "/counters", name);
}

struct reasons {
	uint64_t n[TLC_NREASONS];
};

/* Ends per reason (timed + unknown lifetime) from the reasons file. */
static int read_reasons(struct reasons *r, struct tlc_hist *lifetimes)
{
	char line[2048], name[64];
	unsigned long long c, u;
	FILE *f = tlc_open_versioned(TLC_PROC "/reasons");
	size_t i;
	int off;

	memset(r, 0, sizeof(*r));
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %llu %llu%n", name, &c, &u, &off) != 3)
			continue;
		for (i = 0; i < TLC_NREASONS; i++) {
			if (strcmp(name, tlc_reason_names[i]))
				continue;
			r->n[i] = c + u;
			if (lifetimes) {
				char *p = line + off;
				unsigned long long s, mn, mx, bc;
				int b, used;

				memset(&lifetimes[i], 0, sizeof(lifetimes[i]));
				lifetimes[i].count = c;
				if (sscanf(p, " %llu %llu %llu%n", &s, &mn, &mx,
					   &used) != 3)
					break;
				for (p += used; sscanf(p, " %d:%llu%n", &b, &bc,
						       &used) == 2; p += used)
					if (b >= 0 && b < TLC_BUCKETS)
						lifetimes[i].bucket[b] = bc;
			}
		}
	}
	fclose(f);
	return 0;
}

static int nonblocking_connect(unsigned short port)
{
	union tlc_addr a;
	socklen_t len = tlc_loopback(AF_INET, port, &a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, &a.sa, len) && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Poll until ss shows @n sockets in @state (or the time is up). */
static int wait_ss(int state, uint64_t n, int ms)
{
	uint64_t c[TLC_NSTATES];

	for (; ms > 0; ms -= 100) {
		if (!tlc_ss_states(c) && c[state] == n)
			return 0;
		tlc_sleep_ms(100);
	}
	return -1;
}

TLC_FIXTURE_SLOW()

/*
 * Five active closes: TIME_WAIT is a state of its own, counted like the
 * kernel's TW counter and ss, timed over its 60 s, and ended by its timer.
 */
TEST_F_TIMEOUT(slow, timewait_lifecycle, 150)
{
	tlc_matrix l0, l1, r0, r1;
	struct tlc_hist h0[TLC_NSTATES], h1[TLC_NSTATES];
	struct tlc_hist lt[TLC_NREASONS];
	struct tlc_state_row st[TLC_NSTATES];
	struct reasons re0, re1;
	uint64_t ss[TLC_NSTATES], to_tw;
	long long tw0, exp0, killed0;
	int lfd, c, s, i;
	unsigned short port;

	TLC_REQUIRE_MODULE();
	ASSERT_EQ(0, tlc_read_matrix("transitions", l0));
	ASSERT_EQ(0, tlc_read_matrix("transitions_raw", r0));
	ASSERT_EQ(0, tlc_read_hist(h0));
	ASSERT_EQ(0, read_reasons(&re0, NULL));
	tw0 = tlc_netstat("TW");
	killed0 = tlc_netstat("TWKilled");
	exp0 = counter("timewait_expired");
	lfd = tlc_listen(AF_INET, &port, 8);
	ASSERT_LE(0, lfd);
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, tlc_pair(lfd, port, &c, &s));
		close(c);
		ASSERT_EQ(0, tlc_wait_eof(s, 5000));
		close(s);
	}
	close(lfd);
	ASSERT_EQ(0, tlc_wait_quiet(5000));

	ASSERT_EQ(0, tlc_read_states(st));
	ASSERT_EQ(0, tlc_ss_states(ss));
	ASSERT_EQ(0, tlc_read_matrix("transitions", l1));
	ASSERT_EQ(0, tlc_read_matrix("transitions_raw", r1));
	EXPECT_EQ(5, ss[S_TIME_WAIT]);
	EXPECT_EQ(ss[S_TIME_WAIT], st[S_TIME_WAIT].now);
	EXPECT_EQ(5, tlc_netstat("TW") - tw0);
	to_tw = l1[S_FIN_WAIT1][S_TIME_WAIT] + l1[S_FIN_WAIT2][S_TIME_WAIT] +
		l1[S_CLOSING][S_TIME_WAIT] - l0[S_FIN_WAIT1][S_TIME_WAIT] -
		l0[S_FIN_WAIT2][S_TIME_WAIT] - l0[S_CLOSING][S_TIME_WAIT];
	EXPECT_EQ(5, to_tw);
	/* The kernel's own view never shows TIME_WAIT. */
	EXPECT_EQ(0, r1[S_FIN_WAIT2][S_TIME_WAIT] - r0[S_FIN_WAIT2][S_TIME_WAIT]);
	EXPECT_EQ(5, r1[S_FIN_WAIT2][S_CLOSE] - r0[S_FIN_WAIT2][S_CLOSE]);
	EXPECT_EQ(0, l1[S_FIN_WAIT2][S_CLOSE] - l0[S_FIN_WAIT2][S_CLOSE]);

	/* TCP_TIMEWAIT_LEN is 60 s: the timer ends them. */
	TH_LOG("waiting for TIME_WAIT to expire (60 s)");
	ASSERT_EQ(0, wait_ss(S_TIME_WAIT, 0, 80000));
	tlc_sleep_ms(200);
	ASSERT_EQ(0, tlc_read_matrix("transitions", l1));
	ASSERT_EQ(0, tlc_read_hist(h1));
	ASSERT_EQ(0, read_reasons(&re1, lt));
	EXPECT_EQ(5, l1[S_TIME_WAIT][S_CLOSE] - l0[S_TIME_WAIT][S_CLOSE]);
	EXPECT_EQ(5, counter("timewait_expired") - exp0);
	/*
	 * __inet_twsk_schedule() counts each timewait socket as its timer is
	 * set, TW (or TWKilled, under 4 s): all five have expired since.
	 */
	EXPECT_EQ(tlc_netstat("TW") - tw0 + tlc_netstat("TWKilled") - killed0,
		  counter("timewait_expired") - exp0);
	EXPECT_EQ(5, h1[S_TIME_WAIT].count - h0[S_TIME_WAIT].count);
	/* 60 s is in [2^35, 2^36) ns. */
	EXPECT_EQ(5, h1[S_TIME_WAIT].bucket[35] - h0[S_TIME_WAIT].bucket[35]);
	EXPECT_EQ(5, re1.n[tlc_reason_num("orderly_active")] -
		     re0.n[tlc_reason_num("orderly_active")]);
	EXPECT_EQ(5, re1.n[tlc_reason_num("orderly_passive")] -
		     re0.n[tlc_reason_num("orderly_passive")]);
	EXPECT_LE(5, lt[tlc_reason_num("orderly_active")].bucket[35]);
	EXPECT_EQ(0, tlc_check_conservation(-1, "timewait_lifecycle"));
}

/* tcp_tw_reuse: a new connect() from the same port takes the TIME_WAIT. */
TEST(timewait_reused_by_connect)
{
	union tlc_addr a;
	socklen_t len;
	long long rec0, reu0;
	int lfd, c, s, one = 1;
	unsigned short port, cport;

	TLC_REQUIRE_MODULE();
	lfd = tlc_listen(AF_INET, &port, 8);
	ASSERT_LE(0, lfd);
	c = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_EQ(0, setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	len = tlc_loopback(AF_INET, 0, &a);
	ASSERT_EQ(0, bind(c, &a.sa, len));
	ASSERT_EQ(0, getsockname(c, &a.sa, &len));
	cport = ntohs(a.v4.sin_port);
	tlc_loopback(AF_INET, port, &a);
	ASSERT_EQ(0, connect(c, &a.sa, len));
	s = accept(lfd, NULL, NULL);
	ASSERT_LE(0, s);
	close(c);
	ASSERT_EQ(0, tlc_wait_eof(s, 5000));
	close(s);
	ASSERT_EQ(0, wait_ss(S_TIME_WAIT, 1, 5000));
	rec0 = tlc_netstat("TWRecycled");
	reu0 = counter("timewait_reused_connect");
	tlc_sleep_ms(1500);	/* reuse needs a timestamp 1 s newer */

	c = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_EQ(0, setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	tlc_loopback(AF_INET, cport, &a);
	ASSERT_EQ(0, bind(c, &a.sa, len));
	tlc_loopback(AF_INET, port, &a);
	ASSERT_EQ(0, connect(c, &a.sa, len));
	EXPECT_EQ(1, tlc_netstat("TWRecycled") - rec0);
	EXPECT_EQ(tlc_netstat("TWRecycled") - rec0,
		  counter("timewait_reused_connect") - reu0);
	close(c);
	close(lfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "timewait_reused_by_connect"));
}

/* A server-side TIME_WAIT taken over by a new SYN from the same client. */
TEST(timewait_reused_by_syn)
{
	union tlc_addr a;
	socklen_t len;
	long long reu0, tw_now;
	struct tlc_state_row st[TLC_NSTATES];
	int lfd, c, s, one = 1;
	unsigned short port, cport;

	TLC_REQUIRE_MODULE();
	lfd = tlc_listen(AF_INET, &port, 8);
	ASSERT_LE(0, lfd);
	c = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	len = tlc_loopback(AF_INET, 0, &a);
	ASSERT_EQ(0, bind(c, &a.sa, len));
	ASSERT_EQ(0, getsockname(c, &a.sa, &len));
	cport = ntohs(a.v4.sin_port);
	tlc_loopback(AF_INET, port, &a);
	ASSERT_EQ(0, connect(c, &a.sa, len));
	s = accept(lfd, NULL, NULL);
	ASSERT_LE(0, s);
	close(s);			/* the server closes first */
	ASSERT_EQ(0, tlc_wait_eof(c, 5000));
	close(c);
	ASSERT_EQ(0, wait_ss(S_TIME_WAIT, 1, 5000));
	reu0 = counter("timewait_reused_syn");
	tlc_sleep_ms(1100);

	c = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	tlc_loopback(AF_INET, cport, &a);
	ASSERT_EQ(0, bind(c, &a.sa, len));
	tlc_loopback(AF_INET, port, &a);
	ASSERT_EQ(0, connect(c, &a.sa, len));
	s = accept(lfd, NULL, NULL);
	ASSERT_LE(0, s);
	EXPECT_EQ(1, counter("timewait_reused_syn") - reu0);
	ASSERT_EQ(0, tlc_read_states(st));
	tw_now = st[S_TIME_WAIT].now;
	EXPECT_EQ(0, tw_now);
	close(c);
	close(s);
	close(lfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "timewait_reused_by_syn"));
}

/*
 * The client's final ACK is lost: the server's request sockets retransmit
 * their SYN-ACK (tcp_synack_retries=1) and time out after ~3 s.
 */
TEST(synrecv_final_ack_lost)
{
	struct tlc_hist h0[TLC_NSTATES], h1[TLC_NSTATES];
	struct tlc_state_row st[TLC_NSTATES];
	uint64_t ss[TLC_NSTATES], kern[TLC_NSTATES];
	long long created0, timeout0, rtx0, synretrans0, timeouts0;
	int lfd, c[4], i;
	unsigned short port;
	char rule[128];

	TLC_REQUIRE_MODULE();
	ASSERT_EQ(0, tlc_sysctl("tcp_synack_retries", "1"));
	lfd = tlc_listen(AF_INET, &port, 16);
	ASSERT_LE(0, lfd);
	snprintf(rule, sizeof(rule),
		 "tcp dport %u tcp flags '&' '(fin|syn|rst|ack)' == ack", port);
	ASSERT_EQ(0, tlc_nft_drop(rule));
	ASSERT_EQ(0, tlc_read_hist(h0));
	created0 = counter("synrecv_created");
	timeout0 = counter("synrecv_timeout");
	rtx0 = counter("synrecv_synack_retrans");
	synretrans0 = tlc_netstat("TCPSynRetrans");
	timeouts0 = tlc_netstat("TCPTimeouts");

	for (i = 0; i < 4; i++) {
		c[i] = nonblocking_connect(port);
		ASSERT_LE(0, c[i]);
	}
	tlc_sleep_ms(300);
	ASSERT_EQ(0, tlc_read_states(st));
	ASSERT_EQ(0, tlc_ss_states(ss));
	ASSERT_EQ(0, tlc_proc_tcp_states(kern));
	EXPECT_EQ(4, st[S_NEW_SYN_RECV].now);
	EXPECT_EQ(ss[S_SYN_RECV], st[S_NEW_SYN_RECV].now);
	EXPECT_EQ(kern[S_SYN_RECV], st[S_NEW_SYN_RECV].now);
	EXPECT_EQ(4, counter("synrecv_created") - created0);

	ASSERT_EQ(0, wait_ss(S_SYN_RECV, 0, 20000));
	tlc_sleep_ms(100);
	ASSERT_EQ(0, tlc_read_hist(h1));
	EXPECT_EQ(4, counter("synrecv_timeout") - timeout0);
	EXPECT_EQ(tlc_netstat("TCPSynRetrans") - synretrans0,
		  counter("synrecv_synack_retrans") - rtx0);
	EXPECT_EQ(4, counter("synrecv_synack_retrans") - rtx0);
	/* Two timer runs each: one retransmits, one gives up. */
	EXPECT_EQ(8, tlc_netstat("TCPTimeouts") - timeouts0);
	EXPECT_EQ(4, h1[S_NEW_SYN_RECV].count - h0[S_NEW_SYN_RECV].count);
	/* 1 s + 2 s of timers: [2^31, 2^32) ns. */
	EXPECT_EQ(4, h1[S_NEW_SYN_RECV].bucket[31] - h0[S_NEW_SYN_RECV].bucket[31]);
	ASSERT_EQ(0, tlc_read_states(st));
	EXPECT_EQ(0, st[S_NEW_SYN_RECV].now);
	for (i = 0; i < 4; i++)
		close(c[i]);
	close(lfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "synrecv_final_ack_lost"));
}

/* Half-opens that never answer, as a SYN flood leaves them. */
TEST_F_TIMEOUT(slow, syn_flood_visible, 120)
{
	struct tlc_state_row st[TLC_NSTATES];
	uint64_t ss[TLC_NSTATES];
	long long created0;
	int lfd, c[64], i;
	unsigned short port;
	char rule[128];

	TLC_REQUIRE_MODULE();
	lfd = tlc_listen(AF_INET, &port, 512);
	ASSERT_LE(0, lfd);
	snprintf(rule, sizeof(rule),
		 "tcp sport %u tcp flags '&' '(syn|ack)' == '(syn|ack)'", port);
	ASSERT_EQ(0, tlc_nft_drop(rule));
	created0 = counter("synrecv_created");
	for (i = 0; i < 64; i++) {
		c[i] = nonblocking_connect(port);
		ASSERT_LE(0, c[i]);
	}
	tlc_sleep_ms(300);
	ASSERT_EQ(0, tlc_read_states(st));
	ASSERT_EQ(0, tlc_ss_states(ss));
	EXPECT_EQ(64, ss[S_SYN_RECV]);
	EXPECT_EQ(ss[S_SYN_RECV], st[S_NEW_SYN_RECV].now);
	EXPECT_EQ(64, counter("synrecv_created") - created0);
	EXPECT_LT(0, st[S_NEW_SYN_RECV].oldest);
	for (i = 0; i < 64; i++)
		close(c[i]);
	close(lfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "syn_flood_visible"));
}

/* Read the sockets listing through a filter. */
static int list_sockets(const char *filter, char *buf, size_t size)
{
	int fd = open(TLC_PROC "/sockets", O_RDWR);
	ssize_t n, len = 0;

	if (fd < 0)
		return -1;
	if (filter && write(fd, filter, strlen(filter)) != (ssize_t)strlen(filter)) {
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	buf[len] = 0;
	close(fd);
	return n < 0 ? -1 : 0;
}

/* The program that leaks CLOSE_WAIT is named, with its pid and the age. */
TEST(close_wait_leak_owner)
{
	char buf[8192], comm[32], st[32], *line;
	unsigned long long age, life;
	int p[2], c, i, found = 0, pid;
	unsigned short port;
	uint64_t t0;
	pid_t child;

	TLC_REQUIRE_MODULE();
	ASSERT_EQ(0, pipe(p));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		int lfd;

		prctl(PR_SET_NAME, "cw_leaker");
		lfd = tlc_listen(AF_INET, &port, 8);
		if (write(p[1], &port, sizeof(port)) != sizeof(port))
			_exit(1);
		for (i = 0; i < 3; i++)
			accept(lfd, NULL, NULL);	/* never closed */
		pause();
		_exit(0);
	}
	ASSERT_EQ(sizeof(port), read(p[0], &port, sizeof(port)));
	for (i = 0; i < 3; i++) {
		c = tlc_connect(AF_INET, port);
		ASSERT_LE(0, c);
		tlc_sleep_ms(50);
		close(c);
	}
	t0 = tlc_now_ns();
	tlc_sleep_ms(2000);
	ASSERT_EQ(0, list_sockets("state=CLOSE_WAIT", buf, sizeof(buf)));
	age = (tlc_now_ns() - t0);
	/* One version line and one header, whatever the buckets hold. */
	EXPECT_TRUE(strstr(buf, "version 1\nstate local remote ") == buf);
	EXPECT_TRUE(strstr(buf + 1, "version 1") == NULL);
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long long a;

		if (sscanf(line, "%31s %*s %*s %llu %llu %d %31s", st, &a,
			   &life, &pid, comm) != 5)
			continue;
		TH_LOG("%s", line);
		EXPECT_STREQ("CLOSE_WAIT", st);
		EXPECT_EQ(child, pid);
		EXPECT_STREQ("cw_leaker", comm);
		EXPECT_LT(a, age + NS_PER_S);
		EXPECT_GT(a + NS_PER_S, age);
		EXPECT_LE(a, life);
		found++;
	}
	EXPECT_EQ(3, found);
	/* Older than 60 s: none. */
	ASSERT_EQ(0, list_sockets("state=CLOSE_WAIT min_age_ms=60000", buf,
				  sizeof(buf)));
	EXPECT_EQ(NULL, strstr(buf, "CLOSE_WAIT "));
	/* Bad filters are refused. */
	EXPECT_EQ(-1, list_sockets("state=NOPE", buf, sizeof(buf)));
	EXPECT_EQ(-1, list_sockets("min_age_ms=-1", buf, sizeof(buf)));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	EXPECT_EQ(0, tlc_check_conservation(-1, "close_wait_leak_owner"));
}

/*
 * Every way a connection ends, each once, in one namespace; the kernel's
 * own counters agree where it has them.
 */
TEST_F_TIMEOUT(slow, close_reasons, 120)
{
	struct reasons r0, r1;
	long long abort_timeout0, abort_data0, abort_close0, attempt0, resets0;
	long long twkilled0, tw0, expired0;
	struct tlc_state_row st[TLC_NSTATES];
	int fw2_s, fw2_reset;
	tlc_matrix m0, m1, l0, l1;
	int lfd, c, s, ka, i, one = 1, v;
	unsigned short port, closed_port = 0, dead_port;
	char rule[128], data[10] = "unread";
	struct pollfd pfd;
	int keep_c[4], keep_s[4], nkeep = 0;
	socklen_t vl = sizeof(v);

	TLC_REQUIRE_MODULE();
	ASSERT_EQ(0, tlc_sysctl("tcp_syn_retries", "1"));
	ASSERT_EQ(0, tlc_sysctl("tcp_retries2", "2"));
	ASSERT_EQ(0, tlc_sysctl("tcp_fin_timeout", "1"));
	lfd = tlc_listen(AF_INET, &port, 16);
	ASSERT_LE(0, lfd);
	i = tlc_listen(AF_INET, &closed_port, 1);
	close(i);
	dead_port = closed_port + 1;
	ASSERT_EQ(0, read_reasons(&r0, NULL));
	ASSERT_EQ(0, tlc_read_transitions(m0));
	ASSERT_EQ(0, tlc_read_matrix("transitions", l0));
	abort_timeout0 = tlc_netstat("TCPAbortOnTimeout");
	abort_data0 = tlc_netstat("TCPAbortOnData");
	abort_close0 = tlc_netstat("TCPAbortOnClose");
	twkilled0 = tlc_netstat("TWKilled");
	tw0 = tlc_netstat("TW");
	expired0 = counter("timewait_expired");
	attempt0 = snmp("AttemptFails");
	resets0 = snmp("EstabResets");

	/*
	 * orderly_passive: the server closes first, the client follows.  The
	 * server shuts down rather than closes, so that it is no orphan in
	 * FIN_WAIT2 (with tcp_fin_timeout=1, a short-lived timewait socket
	 * that TWKilled would count, if the client's FIN came late).
	 */
	ASSERT_EQ(0, tlc_pair(lfd, port, &c, &s));
	ASSERT_EQ(0, shutdown(s, SHUT_WR));
	ASSERT_EQ(0, tlc_wait_eof(c, 5000));
	close(c);
	ASSERT_EQ(0, tlc_wait_eof(s, 5000));
	close(s);

	ASSERT_EQ(0, tlc_pair_linger0(lfd, port));
	ASSERT_EQ(0, tlc_pair_unread(lfd, port));

	/*
	 * rst_sent_unread from CLOSE_WAIT (server; the peer's FIN is no
	 * unread byte) and rst_received (client, in FIN_WAIT2).
	 */
	ASSERT_EQ(0, tlc_pair(lfd, port, &c, &s));
	ASSERT_EQ(sizeof(data), write(c, data, sizeof(data)));
	ASSERT_EQ(0, shutdown(c, SHUT_WR));
	tlc_sleep_ms(100);
	close(s);
	ASSERT_EQ(0, tlc_wait_eof(c, 5000));
	close(c);

	/* rst_sent_other (client, connect(AF_UNSPEC)), rst_received (server) */
	ASSERT_EQ(0, tlc_pair(lfd, port, &c, &s));
	{
		struct sockaddr unspec = { .sa_family = AF_UNSPEC };

		ASSERT_EQ(0, connect(c, &unspec, sizeof(unspec)));
	}
	ASSERT_EQ(0, tlc_wait_eof(s, 5000));
	close(s);
	close(c);

	/* refused */
	EXPECT_EQ(-1, tlc_connect(AF_INET, closed_port));
	EXPECT_EQ(ECONNREFUSED, errno);

	/* syn_timeout: SYNs to dead_port vanish; 1 retry. */
	snprintf(rule, sizeof(rule), "tcp dport %u", dead_port);
	ASSERT_EQ(0, tlc_nft_drop(rule));
	EXPECT_EQ(-1, tlc_connect(AF_INET, dead_port));
	EXPECT_EQ(ETIMEDOUT, errno);

	/* fin_wait2_timeout: an orphan in FIN_WAIT2, the server never closes */
	ASSERT_EQ(0, tlc_pair(lfd, port, &c, &s));
	close(c);
	fw2_s = s;
	keep_s[nkeep] = s;
	keep_c[nkeep++] = -1;

	/* retrans_timeout: data to a peer that went silent (tcp_retries2=2) */
	ASSERT_EQ(0, tlc_pair(lfd, port, &c, &s));
	keep_s[nkeep] = s;
	keep_c[nkeep++] = c;
	snprintf(rule, sizeof(rule), "tcp dport %u tcp sport %u", port,
		 tlc_local_port(c));
	ASSERT_EQ(0, tlc_nft_drop(rule));
	ASSERT_EQ(sizeof(data), write(c, data, sizeof(data)));

	/* keepalive_timeout: idle 1 s, 2 probes 1 s apart, all dropped */
	ASSERT_EQ(0, tlc_pair(lfd, port, &ka, &s));
	keep_s[nkeep] = s;
	keep_c[nkeep++] = ka;
	setsockopt(ka, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	v = 1;
	setsockopt(ka, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof(v));
	setsockopt(ka, IPPROTO_TCP, TCP_KEEPINTVL, &v, sizeof(v));
	v = 2;
	setsockopt(ka, IPPROTO_TCP, TCP_KEEPCNT, &v, sizeof(v));
	snprintf(rule, sizeof(rule), "tcp dport %u tcp sport %u", port,
		 tlc_local_port(ka));
	ASSERT_EQ(0, tlc_nft_drop(rule));

	/* Both dead peers are found within 30 s. */
	pfd.fd = c;
	pfd.events = POLLERR;
	EXPECT_EQ(1, poll(&pfd, 1, 30000));
	pfd.fd = ka;
	EXPECT_EQ(1, poll(&pfd, 1, 30000));
	v = 0;
	getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &vl);
	EXPECT_EQ(ETIMEDOUT, v);
	getsockopt(ka, SOL_SOCKET, SO_ERROR, &v, &vl);
	EXPECT_EQ(ETIMEDOUT, v);
	tlc_sleep_ms(2500);	/* the FIN_WAIT2 orphan's 1 s, with slack */

	ASSERT_EQ(0, read_reasons(&r1, NULL));
	ASSERT_EQ(0, tlc_read_transitions(m1));
	ASSERT_EQ(0, tlc_read_matrix("transitions", l1));
	/*
	 * The FIN_WAIT2 orphan ends one of two ways, both the kernel's: if
	 * the ACK of its FIN came while close() still held the socket, it
	 * stays a full socket and its keepalive timer resets the peer
	 * (server: rst_received, out of CLOSE_WAIT); otherwise it became a
	 * short timewait socket that TWKilled counts, and the server is
	 * still in CLOSE_WAIT.  The server's own state says which.
	 */
	{
		struct tcp_info ti;
		socklen_t tl = sizeof(ti);

		memset(&ti, 0, sizeof(ti));
		ASSERT_EQ(0, getsockopt(fw2_s, IPPROTO_TCP, TCP_INFO, &ti, &tl));
		fw2_reset = ti.tcpi_state == TCP_CLOSE;
		TH_LOG("FIN_WAIT2 orphan's peer: %s", fw2_reset ?
		       "reset (orphan kept as a full socket)" :
		       "CLOSE_WAIT (orphan became a timewait socket)");
	}
	{
		const struct { const char *name; uint64_t n; } want[] = {
			{ "orderly_active", 0 }, { "orderly_passive", 1 },
			{ "rst_received", 4 + fw2_reset }, { "rst_sent_linger0", 1 },
			{ "rst_sent_unread", 2 }, { "rst_sent_other", 1 },
			{ "retrans_timeout", 1 }, { "keepalive_timeout", 1 },
			{ "syn_timeout", 1 }, { "refused", 1 },
			{ "fin_wait2_timeout", 1 }, { "other", 0 },
		};
		size_t k;

		for (k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
			int ri = tlc_reason_num(want[k].name);

			TH_LOG("%s: %llu", want[k].name,
			       (unsigned long long)(r1.n[ri] - r0.n[ri]));
			EXPECT_EQ(want[k].n, r1.n[ri] - r0.n[ri]);
		}
	}
	/* tcp_write_err(): SYN, retransmission and keepalive give-ups. */
	EXPECT_EQ(3, tlc_netstat("TCPAbortOnTimeout") - abort_timeout0);
	EXPECT_EQ(1, tlc_netstat("TCPAbortOnData") - abort_data0);
	EXPECT_EQ(2, tlc_netstat("TCPAbortOnClose") - abort_close0);
	EXPECT_EQ(!fw2_reset, tlc_netstat("TWKilled") - twkilled0);
	/*
	 * __inet_twsk_schedule() counts each timewait socket as its timer is
	 * set: TW for 60 s (orderly_passive's, still in TIME_WAIT), TWKilled
	 * under 4 s (the FIN_WAIT2 orphan's, expired by now).
	 */
	ASSERT_EQ(0, tlc_read_states(st));
	EXPECT_EQ(tlc_netstat("TW") - tw0, st[S_TIME_WAIT].now);
	EXPECT_EQ(tlc_netstat("TWKilled") - twkilled0,
		  counter("timewait_expired") - expired0);
	EXPECT_EQ(2, snmp("AttemptFails") - attempt0);
	/* The same kernel counts against the module's reasons. */
#define ENDS(name) (r1.n[tlc_reason_num(name)] - r0.n[tlc_reason_num(name)])
	EXPECT_EQ(tlc_netstat("TCPAbortOnTimeout") - abort_timeout0,
		  ENDS("syn_timeout") + ENDS("retrans_timeout") +
		  ENDS("keepalive_timeout"));
	/* close() with linger 0 counts TCPAbortOnData (no data after close) */
	EXPECT_EQ(tlc_netstat("TCPAbortOnData") - abort_data0,
		  ENDS("rst_sent_linger0"));
	EXPECT_EQ(tlc_netstat("TCPAbortOnClose") - abort_close0,
		  ENDS("rst_sent_unread"));
	/* tcp_done() in SYN_SENT: the refusal and the SYN timeout */
	EXPECT_EQ(snmp("AttemptFails") - attempt0,
		  ENDS("syn_timeout") + ENDS("refused"));
#undef ENDS
	/* EstabResets counts ESTABLISHED/CLOSE_WAIT -> CLOSE, as we do. */
	EXPECT_EQ(snmp("EstabResets") - resets0,
		  m1[S_ESTABLISHED][S_CLOSE] - m0[S_ESTABLISHED][S_CLOSE] +
		  m1[S_CLOSE_WAIT][S_CLOSE] - m0[S_CLOSE_WAIT][S_CLOSE]);
	EXPECT_EQ(snmp("EstabResets") - resets0,
		  l1[S_ESTABLISHED][S_CLOSE] - l0[S_ESTABLISHED][S_CLOSE] +
		  l1[S_CLOSE_WAIT][S_CLOSE] - l0[S_CLOSE_WAIT][S_CLOSE]);
	for (i = 0; i < nkeep; i++) {
		if (keep_c[i] >= 0)
			close(keep_c[i]);
		close(keep_s[i]);
	}
	close(lfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "close_reasons"));
}

/*
 * No local port left: connect() fails with EADDRNOTAVAIL, and is counted,
 * over IPv6 too (inet6_hash_connect(), which does not go through
 * inet_hash_connect()).
 */
static void exhaust_ports(struct __test_metadata *_metadata, int family)
{
	long long ex0;
	int lfd, c, s, i;
	unsigned short port;

	/* The listener first, outside the two-port range it then gets. */
	lfd = tlc_listen(family, &port, 8);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, tlc_sysctl("ip_local_port_range", "40000 40001"));
	ASSERT_EQ(0, tlc_sysctl("tcp_tw_reuse", "0"));
	for (i = 0; i < 2; i++) {	/* two TIME_WAITs hold both ports */
		c = tlc_connect(family, port);
		ASSERT_LE(0, c);
		s = accept(lfd, NULL, NULL);
		ASSERT_LE(0, s);
		close(c);
		ASSERT_EQ(0, tlc_wait_eof(s, 5000));
		close(s);
	}
	ex0 = counter("port_exhausted");
	EXPECT_EQ(-1, tlc_connect(family, port));
	EXPECT_EQ(EADDRNOTAVAIL, errno);
	EXPECT_EQ(1, counter("port_exhausted") - ex0);
	close(lfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "port_exhaustion"));
}

TEST(port_exhaustion)
{
	TLC_REQUIRE_MODULE();
	exhaust_ports(_metadata, AF_INET);
}

TEST(port_exhaustion_v6)
{
	TLC_REQUIRE_MODULE();
	exhaust_ports(_metadata, AF_INET6);
}

/* A socket connecting to itself: SYN_SENT -> SYN_RECV -> ESTABLISHED. */
TEST(simultaneous_open)
{
	tlc_matrix l0, l1, trace, r0, r1, d;
	union tlc_addr a;
	socklen_t len;
	int fd, one = 1;

	TLC_REQUIRE_MODULE();
	ASSERT_EQ(0, tlc_read_matrix("transitions", l0));
	ASSERT_EQ(0, tlc_read_transitions(r0));
	ASSERT_EQ(0, tlc_trace_start());
	fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	len = tlc_loopback(AF_INET, 0, &a);
	ASSERT_EQ(0, bind(fd, &a.sa, len));
	ASSERT_EQ(0, getsockname(fd, &a.sa, &len));
	ASSERT_EQ(0, connect(fd, &a.sa, len));
	close(fd);
	ASSERT_EQ(0, tlc_wait_quiet(5000));
	ASSERT_EQ(0, tlc_trace_stop(trace));
	ASSERT_EQ(0, tlc_read_matrix("transitions", l1));
	ASSERT_EQ(0, tlc_read_transitions(r1));
	EXPECT_EQ(1, trace[S_SYN_SENT][S_SYN_RECV]);
	EXPECT_EQ(1, l1[S_SYN_SENT][S_SYN_RECV] - l0[S_SYN_SENT][S_SYN_RECV]);
	EXPECT_EQ(1, l1[S_SYN_RECV][S_ESTABLISHED] -
		     l0[S_SYN_RECV][S_ESTABLISHED]);
	tlc_matrix_sub(d, r1, r0);
	EXPECT_EQ(0, tlc_matrix_diff("module", d, "tracepoint", trace));
	EXPECT_EQ(0, tlc_check_conservation(-1, "simultaneous_open"));
}

/* After a mixed workload settles, every state's count equals ss's. */
TEST(occupancy_matches_ss)
{
	struct tlc_state_row st[TLC_NSTATES];
	uint64_t ss[TLC_NSTATES], mine;
	int lfd, lfd2, c[8], s[8], h[2], i;
	unsigned short port, port2;
	char rule[128];

	TLC_REQUIRE_MODULE();
	lfd = tlc_listen(AF_INET, &port, 16);
	lfd2 = tlc_listen(AF_INET6, &port2, 16);
	ASSERT_LE(0, lfd);
	ASSERT_LE(0, lfd2);
	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, tlc_pair(lfd, port, &c[i], &s[i]));
	for (i = 0; i < 2; i++) {	/* TIME_WAIT */
		close(c[i]);
		ASSERT_EQ(0, tlc_wait_eof(s[i], 5000));
		close(s[i]);
	}
	for (i = 2; i < 4; i++) {	/* FIN_WAIT2 / CLOSE_WAIT */
		shutdown(c[i], SHUT_WR);
		ASSERT_EQ(0, tlc_wait_eof(s[i], 5000));
	}
	snprintf(rule, sizeof(rule),
		 "tcp dport %u tcp flags '&' '(fin|syn|rst|ack)' == ack", port);
	ASSERT_EQ(0, tlc_nft_drop(rule));
	for (i = 0; i < 2; i++)		/* half-open */
		h[i] = nonblocking_connect(port);
	tlc_sleep_ms(300);
	ASSERT_EQ(0, tlc_read_states(st));
	ASSERT_EQ(0, tlc_ss_states(ss));
	for (i = 1; i < TLC_NSTATES; i++) {
		if (i == S_NEW_SYN_RECV || i == S_CLOSE)
			continue;
		mine = st[i].now;
		if (i == S_SYN_RECV)	/* ss shows request sockets as SYN-RECV */
			mine += st[S_NEW_SYN_RECV].now;
		TH_LOG("%s: module %llu, ss %llu", tlc_state_names[i],
		       (unsigned long long)mine, (unsigned long long)ss[i]);
		EXPECT_EQ(ss[i], mine);
	}
	EXPECT_EQ(2, st[S_TIME_WAIT].now);
	EXPECT_EQ(2, st[S_NEW_SYN_RECV].now);
	EXPECT_EQ(2, st[S_LISTEN].now);
	for (i = 2; i < 8; i++) {
		close(c[i]);
		close(s[i]);
	}
	close(h[0]);
	close(h[1]);
	close(lfd);
	close(lfd2);
	EXPECT_EQ(0, tlc_check_conservation(-1, "occupancy_matches_ss"));
}

#include "tlc_harness_main.h"
