// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_lifecycle: keepalive and dead-peer detection.
 *
 * A peer that dies without FIN or RST is simulated by dropping, with nft,
 * everything the local end sends it.  The module's keepalive and detection
 * figures are checked against the kernel's counters (TCPKeepAlive,
 * TCPAbortOnTimeout), the socket's error, and the clock of the test.
 */
#include "tlc_lib.h"
#include "kselftest_harness.h"
#include "tlc_harness.h"

TLC_FIXTURE_SLOW()

#define NS_PER_S	1000000000ull

static long long ka(const char *name)
{
	return tlc_read_key(TLC_PROC "/keepalive", name);
}

/*
 * "detect NAME" histogram line of the keepalive file, or "idle NAME" of
 * keepalive_idle.
 */
static int ka_hist(const char *kind, const char *name, struct tlc_hist *h)
{
	char line[2048], k[32], n[32];
	unsigned long long c, s, mn, mx;
	FILE *f = tlc_open_versioned(strcmp(kind, "idle") ?
				     TLC_PROC "/keepalive" :
				     TLC_PROC "/keepalive_idle");
	int found = -1;

	memset(h, 0, sizeof(*h));
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %31s %llu %llu %llu %llu", k, n, &c, &s,
			   &mn, &mx) != 6 || strcmp(k, kind) || strcmp(n, name))
			continue;
		h->count = c;
		h->sum = s;
		h->min = mn;
		h->max = mx;
		found = 0;
	}
	fclose(f);
	return found;
}

static void keepalive(int fd, int idle, int intvl, int cnt)
{
	int one = 1;

	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

/* Everything @fd sends to its peer vanishes: the peer "crashed". */
static int silence(int fd, unsigned short port)
{
	char rule[128];

	snprintf(rule, sizeof(rule), "tcp dport %u tcp sport %u", port,
		 tlc_local_port(fd));
	return tlc_nft_drop(rule);
}

static int wait_error(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLERR };
	socklen_t len = sizeof(int);
	int err = 0;

	if (poll(&p, 1, ms) != 1)
		return -1;
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
	return err;
}

/* Keepalive 1/1/3 finds a peer that went silent, after ~4 s. */
TEST(dead_peer_found_by_keepalive)
{
	long long probes0, kern0, killed0, abort0;
	struct tlc_hist d0, d1;
	unsigned short port;
	int lfd, c, s;
	uint64_t detect;

	TLC_REQUIRE_MODULE();
	lfd = tlc_listen(AF_INET, &port, 4);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, tlc_pair(lfd, port, &c, &s));
	probes0 = ka("probes_sent");
	kern0 = tlc_netstat("TCPKeepAlive");
	killed0 = ka("timer_killed");
	abort0 = tlc_netstat("TCPAbortOnTimeout");
	ASSERT_EQ(0, ka_hist("detect", "keepalive", &d0));
	keepalive(c, 1, 1, 3);
	ASSERT_EQ(0, silence(c, port));
	EXPECT_EQ(ETIMEDOUT, wait_error(c, 20000));
	tlc_sleep_ms(100);

	/* At least the 3 unanswered ones; exactly what the kernel counted. */
	EXPECT_LE(3, ka("probes_sent") - probes0);
	EXPECT_EQ(tlc_netstat("TCPKeepAlive") - kern0, ka("probes_sent") - probes0);
	EXPECT_EQ(1, ka("timer_killed") - killed0);
	EXPECT_EQ(1, tlc_netstat("TCPAbortOnTimeout") - abort0);
	ASSERT_EQ(0, ka_hist("detect", "keepalive", &d1));
	ASSERT_EQ(1, d1.count - d0.count);
	/* idle + intvl * cnt = 4 s, within one interval */
	detect = d1.sum - d0.sum;
	TH_LOG("time to detect: %.3f s", detect / 1e9);
	EXPECT_LE(3 * NS_PER_S, detect);
	EXPECT_GE(5 * NS_PER_S, detect);
	close(c);
	close(s);
	close(lfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "dead_peer_found_by_keepalive"));
}

/* A live peer answers the probes: nothing is killed. */
TEST(live_peer_answers_probes)
{
	long long probes0, kern0, answered0, killed0;
	struct tlc_state_row st[TLC_NSTATES];
	unsigned short port;
	int lfd, c, s;

	TLC_REQUIRE_MODULE();
	lfd = tlc_listen(AF_INET, &port, 4);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, tlc_pair(lfd, port, &c, &s));
	probes0 = ka("probes_sent");
	kern0 = tlc_netstat("TCPKeepAlive");
	answered0 = ka("probes_answered");
	killed0 = ka("timer_killed");
	keepalive(c, 1, 1, 3);
	tlc_sleep_ms(4500);

	EXPECT_LE(3, ka("probes_sent") - probes0);
	EXPECT_EQ(tlc_netstat("TCPKeepAlive") - kern0, ka("probes_sent") - probes0);
	EXPECT_LE(2, ka("probes_answered") - answered0);
	EXPECT_EQ(0, ka("timer_killed") - killed0);
	ASSERT_EQ(0, tlc_read_states(st));
	EXPECT_EQ(2, st[S_ESTABLISHED].now);
	close(c);
	close(s);
	close(lfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "live_peer_answers_probes"));
}

/*
 * Data in flight to a silent peer: retransmission owns the connection, the
 * keepalive timer stands aside, tcp_retries2 ends it.
 */
TEST_F_TIMEOUT(slow, data_in_flight_found_by_retransmission, 120)
{
	long long abort0, inflight0, killed0;
	struct tlc_hist d0, d1;
	unsigned short port;
	int lfd, c, s;
	char data[100] = { 0 };

	TLC_REQUIRE_MODULE();
	ASSERT_EQ(0, tlc_sysctl("tcp_retries2", "3"));
	lfd = tlc_listen(AF_INET, &port, 4);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, tlc_pair(lfd, port, &c, &s));
	abort0 = tlc_netstat("TCPAbortOnTimeout");
	inflight0 = ka("timer_data_in_flight");
	killed0 = ka("timer_killed");
	ASSERT_EQ(0, ka_hist("detect", "retrans", &d0));
	keepalive(c, 1, 1, 3);
	ASSERT_EQ(0, silence(c, port));
	ASSERT_EQ(sizeof(data), write(c, data, sizeof(data)));
	EXPECT_EQ(ETIMEDOUT, wait_error(c, 60000));
	tlc_sleep_ms(100);

	EXPECT_EQ(1, tlc_netstat("TCPAbortOnTimeout") - abort0);
	EXPECT_EQ(0, ka("timer_killed") - killed0);
	EXPECT_LE(1, ka("timer_data_in_flight") - inflight0);
	ASSERT_EQ(0, ka_hist("detect", "retrans", &d1));
	EXPECT_EQ(1, d1.count - d0.count);
	TH_LOG("time to detect: %.3f s (the kernel gives up after %.3f s)",
	       (d1.sum - d0.sum) / 1e9, ka("worst_detect_retrans") / 1e9);
	/* tcp_retries2=3 with the minimum RTO: 0.2 * (2^4 - 1) = 3 s */
	EXPECT_EQ(3 * NS_PER_S, ka("worst_detect_retrans"));
	EXPECT_LE(ka("worst_detect_retrans"), d1.sum - d0.sum);
	close(c);
	close(s);
	close(lfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "data_in_flight_found_by_retransmission"));
}

/* No keepalive, no data: ESTABLISHED forever, and the idle gauge says so. */
TEST(idle_without_keepalive_is_visible)
{
	struct tlc_hist off, on;
	unsigned short port;
	int lfd, c, s, c2, s2;

	TLC_REQUIRE_MODULE();
	/* The default, 2 h: longer than 32-bit microseconds can hold. */
	EXPECT_EQ(7200 * NS_PER_S, ka("keepalive_time"));
	EXPECT_EQ(7875 * NS_PER_S, ka("worst_detect_keepalive"));
	ASSERT_EQ(0, tlc_sysctl("tcp_keepalive_time", "600"));
	lfd = tlc_listen(AF_INET, &port, 4);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, tlc_pair(lfd, port, &c, &s));
	ASSERT_EQ(0, tlc_pair(lfd, port, &c2, &s2));
	keepalive(c2, 600, 60, 5);
	tlc_sleep_ms(2000);

	EXPECT_EQ(600 * NS_PER_S, ka("keepalive_time"));
	EXPECT_EQ(3, ka("established_keepalive_off"));
	EXPECT_EQ(1, ka("established_keepalive_on"));
	ASSERT_EQ(0, ka_hist("idle", "keepalive_off", &off));
	ASSERT_EQ(0, ka_hist("idle", "keepalive_on", &on));
	EXPECT_EQ(3, off.count);
	EXPECT_EQ(1, on.count);
	EXPECT_LE(1500000000ull, off.max);
	EXPECT_GE(10 * NS_PER_S, off.max);
	close(c);
	close(s);
	close(c2);
	close(s2);
	close(lfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "idle_without_keepalive_is_visible"));
}

static void so_keepalive(int fd, int on)
{
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
}

/*
 * This namespace's ESTABLISHED sockets as ss sees them: with a keepalive
 * timer (SO_KEEPALIVE, nothing in flight) or without.
 */
static int ss_established(long long *on, long long *off)
{
	char line[1024];
	FILE *p = popen("ss -tnoeH state established", "r");

	*on = *off = 0;
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p))
		(*(strstr(line, "timer:(keepalive") ? on : off))++;
	return pclose(p) ? -1 : 0;
}

/*
 * The tests below read ss and the module's files a dozen times each, and
 * check conservation: over the default 30 s under TCG beside other VMs.
 */

/*
 * The keepalive file's established counts: as the test expects, and as
 * ss counts the kernel's sockets.
 */
#define EXPECT_ESTABLISHED(want_on, want_off, want_untracked) do {	\
	long long ss_on_, ss_off_;					\
									\
	tlc_sleep_ms(50);						\
	ASSERT_EQ(0, ss_established(&ss_on_, &ss_off_));		\
	EXPECT_EQ(want_on, ss_on_);					\
	EXPECT_EQ(want_off + want_untracked, ss_off_);			\
	EXPECT_EQ(want_on, ka("established_keepalive_on"));		\
	EXPECT_EQ(want_off, ka("established_keepalive_off"));		\
	EXPECT_EQ(want_untracked, ka("established_untracked"));	\
	EXPECT_EQ(ss_on_ + ss_off_, ka("established_keepalive_on") +	\
		  ka("established_keepalive_off") +			\
		  ka("established_untracked"));				\
} while (0)

/* Connect to @port with SO_KEEPALIVE set before connect(); accept it. */
static int ka_pair_before(int lfd, unsigned short port, int *c, int *s)
{
	union tlc_addr a;
	socklen_t len = tlc_loopback(AF_INET, port, &a);

	*c = socket(AF_INET, SOCK_STREAM, 0);
	if (*c < 0)
		return -1;
	so_keepalive(*c, 1);
	if (connect(*c, &a.sa, len))
		return -1;
	*s = accept(lfd, NULL, NULL);
	return *s < 0 ? -1 : 0;
}

/*
 * SO_KEEPALIVE set and cleared on live sockets, before connect(), and
 * inherited from a listener: the counts follow, as ss sees the timers.
 */
TEST_F_TIMEOUT(slow, established_follow_so_keepalive, 120)
{
	int lfd, klfd, c1, s1, c2, s2, c3, s3, idle = 600;
	unsigned short port, kport;

	TLC_REQUIRE_MODULE();
	lfd = tlc_listen(AF_INET, &port, 4);
	ASSERT_LE(0, lfd);
	klfd = tlc_listen(AF_INET, &kport, 4);
	ASSERT_LE(0, klfd);
	so_keepalive(klfd, 1);
	setsockopt(klfd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	EXPECT_ESTABLISHED(0, 0, 0);
	ASSERT_EQ(0, tlc_pair(lfd, port, &c1, &s1));
	EXPECT_ESTABLISHED(0, 2, 0);
	/* The child copies its listener's SO_KEEPALIVE, the client not. */
	ASSERT_EQ(0, tlc_pair(klfd, kport, &c2, &s2));
	EXPECT_ESTABLISHED(1, 3, 0);
	so_keepalive(c1, 1);
	EXPECT_ESTABLISHED(2, 2, 0);
	so_keepalive(c1, 1);			/* no change */
	EXPECT_ESTABLISHED(2, 2, 0);
	so_keepalive(c1, 0);
	EXPECT_ESTABLISHED(1, 3, 0);
	so_keepalive(c1, 0);			/* no change */
	EXPECT_ESTABLISHED(1, 3, 0);
	so_keepalive(c1, 1);
	EXPECT_ESTABLISHED(2, 2, 0);
	/* Set before connect(): counted as it enters ESTABLISHED. */
	ASSERT_EQ(0, ka_pair_before(lfd, port, &c3, &s3));
	EXPECT_ESTABLISHED(3, 3, 0);
	so_keepalive(s2, 0);
	EXPECT_ESTABLISHED(2, 4, 0);
	/* Leaving ESTABLISHED: c1 (on) to FIN_WAIT2, s1 (off) CLOSE_WAIT. */
	close(c1);
	EXPECT_ESTABLISHED(1, 3, 0);
	so_keepalive(s1, 1);			/* CLOSE_WAIT: in neither */
	EXPECT_ESTABLISHED(1, 3, 0);
	close(s1);
	close(c2);
	close(s2);
	close(c3);
	close(s3);
	EXPECT_ESTABLISHED(0, 0, 0);
	close(lfd);
	close(klfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "established_follow_so_keepalive"));
}

/*
 * Sockets established before the module loaded are untracked: in
 * established_untracked, the kernel's CurrEstab less what is tracked,
 * until they change state.
 */
TEST_F_TIMEOUT(slow, established_untracked_before_load, 120)
{
	int lfd, c1, s1, c2, s2;
	long long ss_on, ss_off;
	unsigned short port;

	TLC_REQUIRE_MODULE();
	lfd = tlc_listen(AF_INET, &port, 4);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, tlc_pair(lfd, port, &c1, &s1));
	ASSERT_EQ(0, tlc_module_reload(""));
	EXPECT_ESTABLISHED(0, 0, 2);
	/* Not tracked: no side to move to, nor back from. */
	so_keepalive(c1, 1);
	tlc_sleep_ms(50);
	ASSERT_EQ(0, ss_established(&ss_on, &ss_off));
	EXPECT_EQ(1, ss_on);
	EXPECT_EQ(1, ss_off);
	EXPECT_EQ(0, ka("established_keepalive_on"));
	EXPECT_EQ(0, ka("established_keepalive_off"));
	EXPECT_EQ(2, ka("established_untracked"));
	so_keepalive(c1, 0);
	EXPECT_ESTABLISHED(0, 0, 2);
	ASSERT_EQ(0, tlc_pair(lfd, port, &c2, &s2));
	EXPECT_ESTABLISHED(0, 2, 2);
	/* s1 is seen in CLOSE_WAIT, which CurrEstab counts too. */
	close(c1);
	EXPECT_ESTABLISHED(0, 2, 0);
	close(s1);
	close(c2);
	close(s2);
	close(lfd);
	EXPECT_ESTABLISHED(0, 0, 0);
}

/* A SYN into a black hole: found after tcp_syn_retries, as predicted. */
TEST(syn_to_black_hole)
{
	struct tlc_hist d0, d1;
	unsigned short port;
	int lfd;
	char rule[64];
	uint64_t detect, worst;

	TLC_REQUIRE_MODULE();
	ASSERT_EQ(0, tlc_sysctl("tcp_syn_retries", "1"));
	lfd = tlc_listen(AF_INET, &port, 4);
	ASSERT_LE(0, lfd);
	close(lfd);
	snprintf(rule, sizeof(rule), "tcp dport %u", port);
	ASSERT_EQ(0, tlc_nft_drop(rule));
	ASSERT_EQ(0, ka_hist("detect", "syn", &d0));
	EXPECT_EQ(-1, tlc_connect(AF_INET, port));
	EXPECT_EQ(ETIMEDOUT, errno);
	ASSERT_EQ(0, ka_hist("detect", "syn", &d1));
	ASSERT_EQ(1, d1.count - d0.count);
	detect = d1.sum - d0.sum;
	worst = ka("worst_detect_syn");
	TH_LOG("SYN timeout after %.3f s, predicted %.3f s", detect / 1e9,
	       worst / 1e9);
	EXPECT_EQ(3 * NS_PER_S, worst);		/* 1 s + 2 s */
	EXPECT_LE(worst - NS_PER_S / 2, detect);
	EXPECT_GE(worst + NS_PER_S, detect);
	EXPECT_EQ(0, tlc_check_conservation(-1, "syn_to_black_hole"));
}

#include "tlc_harness_main.h"
