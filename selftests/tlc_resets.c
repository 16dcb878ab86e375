// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_lifecycle: the ends that are neither orderly nor timeouts.  Data
 * that reaches a socket after its close() (the kernel answers with a
 * reset, from the full socket or from its timewait socket), a connection
 * killed by sock_diag (ss -K), and a connect() answered by an ICMP error.
 *
 * Each test runs in a fresh network namespace and checks the module's
 * close reasons against the kernel's own counters (/proc/net/netstat and
 * snmp), which count per namespace.
 */
#include "tlc_lib.h"

#include "kselftest_harness.h"
#include "tlc_harness.h"

TLC_FIXTURE_SLOW()

static long long snmp(const char *prefix, const char *name)
{
	return tlc_snmp("/proc/net/snmp", prefix, name);
}

static long long counter(const char *name)
{
	return tlc_read_key(TLC_PROC "/counters", name);
}

/* Samples of a keepalive file "detect" histogram (keepalive|retrans|syn). */
static long long detect(const char *how)
{
	FILE *f = tlc_open_versioned(TLC_PROC "/keepalive");
	long long n = -1, v;
	char line[2048], k[32];

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "detect %31s %lld", k, &v) == 2 &&
		    !strcmp(k, how))
			n = v;
	fclose(f);
	return n;
}

/* The socket's pending error (SO_ERROR), which reading it clears. */
static int sock_err(int fd)
{
	socklen_t vl = sizeof(int);
	int v = 0;

	getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &vl);
	return v;
}

struct ends {
	long long n[TLC_NREASONS];
};

static void read_ends(struct ends *e)
{
	size_t i;

	for (i = 0; i < TLC_NREASONS; i++)
		e->n[i] = tlc_read_reason(tlc_reason_names[i]);
}

/*
 * ss -K the established socket of local port @sport: 0 if ss closed it
 * (ss -K prints what it closed), 1 if this kernel cannot close sockets
 * from sock_diag (built without CONFIG_INET_DIAG_DESTROY, as a defconfig
 * tree is: ss then skips them silently), -1 if it could and did not.
 * The kernel has the feature when tcp_diag's destroy handler exists.
 */
static int kill_by_diag(unsigned short sport)
{
	if (!tlc_sh("ss -K -tnH state established src 127.0.0.1:%u | grep -q .",
		    sport))
		return 0;
	return tlc_sh("grep -qw tcp_diag_destroy /proc/kallsyms") ? 1 : -1;
}

#define SS_KILL_UNSUPPORTED \
	"ss -K closes nothing: kernel without CONFIG_INET_DIAG_DESTROY"

/*
 * Every reason's count since @e0 must be @want's (a NULL-terminated list
 * of names and counts); every other reason's 0.  Prints them all.
 */
static int ends_differ(const struct ends *e0, const char * const *name,
		       const long long *want)
{
	struct ends e1;
	int bad = 0;
	size_t i, k;

	read_ends(&e1);
	for (i = 0; i < TLC_NREASONS; i++) {
		long long w = 0, got = e1.n[i] - e0->n[i];

		for (k = 0; name[k]; k++)
			if (!strcmp(name[k], tlc_reason_names[i]))
				w = want[k];
		if (got || w)
			fprintf(stderr, "#   %s: %lld (want %lld)\n",
				tlc_reason_names[i], got, w);
		bad += got != w;
	}
	return bad;
}

/*
 * A connected pair whose client has shut down writing and seen its FIN
 * acknowledged: it is in FIN_WAIT2, the server in CLOSE_WAIT.  close()
 * then makes the client an orphan in FIN_WAIT2 without a FIN in flight
 * (__tcp_close(): a timewait socket for tcp_fin_timeout up to 60 s, the
 * full socket on its keepalive timer beyond).
 */
static int fin_wait2_pair(int lfd, unsigned short port, int *c, int *s)
{
	if (tlc_pair(lfd, port, c, s) || shutdown(*c, SHUT_WR) ||
	    tlc_wait_eof(*s, 5000))
		return -1;
	tlc_sleep_ms(100);
	return 0;
}

/*
 * The client of a pair closes: an orphan, still a full socket; the server
 * (once it saw the FIN, if @wait_fin) sends it data.  The kernel counts
 * TCPAbortOnData, resets the server (EPIPE in CLOSE_WAIT, tcp_reset())
 * and the client's end is rst_sent_data.  Returns the failed checks.
 */
static int abort_on_data(struct __test_metadata *_metadata, int c, int s,
			 int wait_fin)
{
	const char *names[3] = { "rst_sent_data", "rst_received", NULL };
	long long rst0, abort0, rsts, want[3] = { 0, 1 };
	struct ends e0;
	int bad = 0, err;

	read_ends(&e0);
	rst0 = snmp("Tcp", "OutRsts");
	abort0 = tlc_netstat("TCPAbortOnData");
	close(c);
	if (wait_fin)
		bad += tlc_wait_eof(s, 5000) != 0;
	else
		tlc_sleep_ms(200);
	bad += write(s, "data", 5) != 5;
	tlc_sleep_ms(300);
	err = sock_err(s);
	close(s);
	tlc_sleep_ms(100);

	rsts = snmp("Tcp", "OutRsts") - rst0;
	want[0] = tlc_netstat("TCPAbortOnData") - abort0;
	TH_LOG("server's error %d, OutRsts %lld, TCPAbortOnData %lld", err,
	       rsts, want[0]);
	bad += err != EPIPE;
	bad += rsts != 1;
	bad += want[0] != 1;
	return bad + ends_differ(&e0, names, want);
}

/*
 * The orphan is a timewait socket in FIN_WAIT2: data for it makes
 * tcp_timewait_state_process() answer TCP_TW_RST, the kernel resets the
 * peer and kills the timewait socket.  Not an orderly end, and not a
 * timewait end "otherwise".
 */
TEST(data_after_close_timewait)
{
	long long rst0, abort0, tw_other0, tw_rst0, want[3];
	const char *names[3] = { "rst_sent_data", "rst_received", NULL };
	unsigned short port;
	int lfd, c, s;
	struct ends e0;

	TLC_REQUIRE_MODULE();
	ASSERT_EQ(0, tlc_sysctl("tcp_fin_timeout", "30"));
	lfd = tlc_listen(AF_INET, &port, 8);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, fin_wait2_pair(lfd, port, &c, &s));
	read_ends(&e0);
	rst0 = snmp("Tcp", "OutRsts");
	abort0 = tlc_netstat("TCPAbortOnData");
	tw_other0 = counter("timewait_other");
	tw_rst0 = counter("timewait_rst_sent");
	close(c);
	tlc_sleep_ms(200);
	ASSERT_EQ(5, write(s, "data", 5));
	tlc_sleep_ms(300);
	/* The server was reset in CLOSE_WAIT: EPIPE (tcp_reset()). */
	EXPECT_EQ(EPIPE, sock_err(s));
	close(s);
	tlc_sleep_ms(100);

	EXPECT_EQ(1, snmp("Tcp", "OutRsts") - rst0);
	EXPECT_EQ(0, tlc_netstat("TCPAbortOnData") - abort0);
	want[0] = snmp("Tcp", "OutRsts") - rst0;
	want[1] = 1;
	EXPECT_EQ(0, ends_differ(&e0, names, want));
	TH_LOG("timewait_other %lld, timewait_rst_sent %lld",
	       counter("timewait_other") - tw_other0,
	       counter("timewait_rst_sent") - tw_rst0);
	EXPECT_EQ(0, counter("timewait_other") - tw_other0);
	EXPECT_LE(0, tw_rst0);
	EXPECT_EQ(1, counter("timewait_rst_sent") - tw_rst0);
	close(lfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "data_after_close_timewait"));
}

/*
 * With tcp_fin_timeout above 60 s the orphan stays a full socket in
 * FIN_WAIT2: data for it is TCPAbortOnData, tcp_reset() closes it, and
 * tcp_v4_do_rcv() sends the reset.  This side sent it; none was received.
 */
TEST(data_after_close_full)
{
	unsigned short port;
	int lfd, c, s;

	TLC_REQUIRE_MODULE();
	ASSERT_EQ(0, tlc_sysctl("tcp_fin_timeout", "120"));
	lfd = tlc_listen(AF_INET, &port, 8);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, fin_wait2_pair(lfd, port, &c, &s));
	EXPECT_EQ(0, abort_on_data(_metadata, c, s, 0));
	close(lfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "data_after_close_full"));
}

/*
 * The orphan is still in FIN_WAIT1 (the server's pure ACK of its FIN is
 * lost) when the server's data arrives, acknowledging the FIN: the
 * FIN_WAIT1 case of tcp_rcv_state_process() moves it to FIN_WAIT2, finds
 * data after close() and calls tcp_done() (TCPAbortOnData), without
 * tcp_reset(); tcp_v4_do_rcv() sends the reset.  Not an orderly end.
 */
TEST_F_TIMEOUT(slow, data_after_close_fin_wait1, 90)
{
	unsigned short port;
	char rule[128];
	int lfd, c, s;

	TLC_REQUIRE_MODULE();
	lfd = tlc_listen(AF_INET, &port, 8);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, tlc_pair(lfd, port, &c, &s));
	/* The server's pure ACKs to the client are lost; data passes. */
	snprintf(rule, sizeof(rule), "tcp sport %u tcp dport %u tcp flags == ack",
		 port, tlc_local_port(c));
	ASSERT_EQ(0, tlc_nft_drop(rule));
	EXPECT_EQ(0, abort_on_data(_metadata, c, s, 1));
	tlc_sh("nft flush table inet tlc");
	close(lfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "data_after_close_fin_wait1"));
}

/*
 * ss -K (sock_diag destroy, tcp_abort() with ECONNABORTED): an abort,
 * no timeout, and no sample in the dead-peer histograms.
 */
TEST(ss_kill)
{
	const char *names[3] = { "aborted", "rst_received", NULL };
	long long rst0, timeout0, retrans0, ka0, want[3] = { 1, 1 };
	unsigned short port;
	int lfd, c, s, i;
	struct ends e0;

	TLC_REQUIRE_MODULE();
	lfd = tlc_listen(AF_INET, &port, 8);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, tlc_pair(lfd, port, &c, &s));
	read_ends(&e0);
	rst0 = snmp("Tcp", "OutRsts");
	timeout0 = tlc_netstat("TCPAbortOnTimeout");
	retrans0 = detect("retrans");
	ka0 = detect("keepalive");
	i = kill_by_diag(tlc_local_port(c));
	if (i == 1) {
		close(c);
		close(s);
		close(lfd);
		SKIP(return, SS_KILL_UNSUPPORTED);
	}
	ASSERT_EQ(0, i);
	EXPECT_EQ(0, tlc_wait_eof(s, 5000));
	EXPECT_EQ(ECONNABORTED, sock_err(c));
	close(c);
	close(s);
	tlc_sleep_ms(100);

	EXPECT_EQ(1, snmp("Tcp", "OutRsts") - rst0);
	EXPECT_EQ(0, tlc_netstat("TCPAbortOnTimeout") - timeout0);
	EXPECT_EQ(0, ends_differ(&e0, names, want));
	EXPECT_EQ(0, detect("retrans") - retrans0);
	EXPECT_EQ(0, detect("keepalive") - ka0);
	close(lfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "ss_kill"));
}

/*
 * connect()s answered by an ICMP host unreachable (an nft reject on the
 * input hook): EHOSTUNREACH.  No reset is sent and nothing timed out:
 * "other", and no sample in the SYN detection histogram.
 */
TEST(icmp_unreachable_connect)
{
	const char *names[2] = { "other", NULL };
	long long unreach0, rst0, timeout0, syn0, fails0, want[2];
	unsigned short port;
	struct ends e0;
	int lfd, i;

	TLC_REQUIRE_MODULE();
	ASSERT_EQ(0, tlc_sysctl("tcp_syn_retries", "2"));
	lfd = tlc_listen(AF_INET, &port, 8);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, tlc_sh("nft add table inet tlcrej && nft add chain inet "
			    "tlcrej in '{ type filter hook input priority 0; }' "
			    "&& nft add rule inet tlcrej in tcp dport %u reject "
			    "with icmp type host-unreachable", port));
	read_ends(&e0);
	unreach0 = snmp("Icmp", "InDestUnreachs");
	rst0 = snmp("Tcp", "OutRsts");
	timeout0 = tlc_netstat("TCPAbortOnTimeout");
	syn0 = detect("syn");
	fails0 = snmp("Tcp", "AttemptFails");
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(-1, tlc_connect(AF_INET, port));
		EXPECT_EQ(EHOSTUNREACH, errno);
	}
	tlc_sleep_ms(100);

	/*
	 * An ICMP error that finds the socket held by connect() is kept as
	 * a soft error, the next one (the SYN sent again) ends it: one or
	 * two per connect().  Each ended in SYN_SENT, by tcp_done().
	 */
	TH_LOG("IcmpInDestUnreachs %lld, AttemptFails %lld",
	       snmp("Icmp", "InDestUnreachs") - unreach0,
	       snmp("Tcp", "AttemptFails") - fails0);
	EXPECT_LE(3, snmp("Icmp", "InDestUnreachs") - unreach0);
	EXPECT_EQ(3, snmp("Tcp", "AttemptFails") - fails0);
	want[0] = snmp("Tcp", "AttemptFails") - fails0;
	EXPECT_EQ(0, snmp("Tcp", "OutRsts") - rst0);
	EXPECT_EQ(0, tlc_netstat("TCPAbortOnTimeout") - timeout0);
	EXPECT_EQ(0, ends_differ(&e0, names, want));
	EXPECT_EQ(0, detect("syn") - syn0);
	close(lfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "icmp_unreachable_connect"));
}

/* Whether a feature is available, from the debugfs status. */
static int feature_available(const char *name)
{
	char line[256], want[128];
	FILE *f = tlc_open_versioned(TLC_STATUS);
	int found = 0;

	if (!f)
		return 0;
	snprintf(want, sizeof(want), "feature %s available\n", name);
	while (fgets(line, sizeof(line), f))
		if (!strcmp(line, want))
			found = 1;
	fclose(f);
	return found;
}

static const char * const rst_names[] = {
	"not_specified", "no_socket", "tcp_invalid_ack_sequence",
	"tcp_rfc7323_paws", "tcp_too_old_ack", "tcp_ack_unsent_data",
	"tcp_flags", "tcp_old_ack", "tcp_abort_on_data",
	"tcp_timewait_socket", "invalid_syn", "tcp_abort_on_close",
	"tcp_abort_on_linger", "tcp_abort_on_memory", "tcp_state",
	"tcp_keepalive_timeout", "tcp_disconnect_with_data", "error",
};

#define NRST (sizeof(rst_names) / sizeof(rst_names[0]))

/* Resets sent per kernel reason (0 for a name this kernel lacks). */
static void read_resets(long long *n)
{
	size_t i;

	for (i = 0; i < NRST; i++) {
		n[i] = tlc_read_key(TLC_PROC "/resets", rst_names[i]);
		if (n[i] < 0)
			n[i] = 0;
	}
}

/* The sum of every line of the resets file. */
static long long resets_total(void)
{
	FILE *f = tlc_open_versioned(TLC_PROC "/resets");
	long long sum = 0, v;
	char line[256], k[64];

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", k, &v) == 2)
			sum += v;
	fclose(f);
	return sum;
}

static int rst_idx(const char *name)
{
	size_t i;

	for (i = 0; i < NRST; i++)
		if (!strcmp(name, rst_names[i]))
			return i;
	return 0;
}

/*
 * The kernel's own reason for each reset it sends (6.10+): the module's
 * resets file against the module's close reasons for the same ends, and
 * its total against OutRsts.  One reset of each kind this side sends:
 * linger 0, unread data, data after close (full and timewait socket),
 * ss -K, and the reset to a connect() to a closed port.
 */
TEST(kernel_reset_reasons)
{
	long long r0[NRST], r1[NRST], d[NRST], rst0, total0, tw0;
	unsigned short port, closed_port = 0;
	int lfd, c, s, i, aborted;
	struct ends e0, e1;

	TLC_REQUIRE_MODULE();
	if (!feature_available("resets"))
		SKIP(return, "feature resets unavailable: this kernel's tcp:tcp_send_reset has no reason argument (before 6.10)");
	lfd = tlc_listen(AF_INET, &port, 8);
	ASSERT_LE(0, lfd);
	i = tlc_listen(AF_INET, &closed_port, 1);
	close(i);
	read_ends(&e0);
	read_resets(r0);
	total0 = resets_total();
	rst0 = snmp("Tcp", "OutRsts");
	tw0 = counter("timewait_rst_sent");

	ASSERT_EQ(0, tlc_pair_linger0(lfd, port));
	ASSERT_EQ(0, tlc_pair_unread(lfd, port));
	/* rst_sent_data, from the full socket and from a timewait socket */
	ASSERT_EQ(0, tlc_sysctl("tcp_fin_timeout", "120"));
	ASSERT_EQ(0, fin_wait2_pair(lfd, port, &c, &s));
	close(c);
	tlc_sleep_ms(100);
	ASSERT_EQ(5, write(s, "data", 5));
	tlc_sleep_ms(200);
	close(s);
	ASSERT_EQ(0, tlc_sysctl("tcp_fin_timeout", "30"));
	ASSERT_EQ(0, fin_wait2_pair(lfd, port, &c, &s));
	close(c);
	tlc_sleep_ms(100);
	ASSERT_EQ(5, write(s, "data", 5));
	tlc_sleep_ms(200);
	close(s);
	/* aborted, where the kernel can (else one reset fewer) */
	ASSERT_EQ(0, tlc_pair(lfd, port, &c, &s));
	i = kill_by_diag(tlc_local_port(c));
	ASSERT_NE(-1, i);
	aborted = i == 0;
	if (aborted) {
		ASSERT_EQ(0, tlc_wait_eof(s, 5000));
	} else {
		TH_LOG("no abort: %s", SS_KILL_UNSUPPORTED);
	}
	close(c);
	close(s);
	/* refused: the closed port's reset, sent without a socket */
	EXPECT_EQ(-1, tlc_connect(AF_INET, closed_port));
	tlc_sleep_ms(200);

	read_ends(&e1);
	read_resets(r1);
	for (i = 0; i < (int)NRST; i++) {
		d[i] = r1[i] - r0[i];
		if (d[i])
			TH_LOG("%s %lld", rst_names[i], d[i]);
	}
#define END(name) (e1.n[tlc_reason_num(name)] - e0.n[tlc_reason_num(name)])
#define RST(name) d[rst_idx(name)]
	TH_LOG("OutRsts %lld, resets %lld", snmp("Tcp", "OutRsts") - rst0,
	       resets_total() - total0);
	EXPECT_EQ(snmp("Tcp", "OutRsts") - rst0, resets_total() - total0);
	EXPECT_EQ(5 + aborted, resets_total() - total0);
	EXPECT_EQ(END("rst_sent_unread"), RST("tcp_abort_on_close"));
	EXPECT_EQ(1, RST("tcp_abort_on_close"));
	EXPECT_EQ(1, RST("tcp_abort_on_data"));
	EXPECT_EQ(counter("timewait_rst_sent") - tw0,
		  RST("tcp_timewait_socket"));
	EXPECT_EQ(END("rst_sent_data"),
		  RST("tcp_abort_on_data") + RST("tcp_timewait_socket"));
	EXPECT_EQ(END("refused"), RST("no_socket"));
	/* tcp_disconnect() (linger 0) and tcp_abort() (ss -K) */
	EXPECT_EQ(END("rst_sent_linger0") + END("aborted"),
		  RST("tcp_state") + RST("tcp_disconnect_with_data"));
#undef END
#undef RST
	close(lfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "kernel_reset_reasons"));
}

/*
 * TCP_LINGER2 below 0: close() in FIN_WAIT2 resets the peer instead of
 * waiting for its FIN (TCPAbortOnLinger).  This side sent the reset.
 */
TEST(linger2_abort)
{
	const char *names[3] = { "rst_sent_other", "rst_received", NULL };
	long long rst0, abort0, kernel0 = -1, want[3];
	unsigned short port;
	int lfd, c, s, v = -1;
	struct ends e0;

	TLC_REQUIRE_MODULE();
	lfd = tlc_listen(AF_INET, &port, 8);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, tlc_pair(lfd, port, &c, &s));
	ASSERT_EQ(0, setsockopt(c, IPPROTO_TCP, TCP_LINGER2, &v, sizeof(v)));
	ASSERT_EQ(0, shutdown(c, SHUT_WR));
	ASSERT_EQ(0, tlc_wait_eof(s, 5000));
	tlc_sleep_ms(100);
	read_ends(&e0);
	rst0 = snmp("Tcp", "OutRsts");
	abort0 = tlc_netstat("TCPAbortOnLinger");
	if (feature_available("resets"))
		kernel0 = tlc_read_key(TLC_PROC "/resets", "tcp_abort_on_linger");
	close(c);
	tlc_sleep_ms(200);
	EXPECT_EQ(EPIPE, sock_err(s));
	close(s);
	tlc_sleep_ms(100);

	EXPECT_EQ(1, snmp("Tcp", "OutRsts") - rst0);
	want[0] = tlc_netstat("TCPAbortOnLinger") - abort0;
	want[1] = 1;
	EXPECT_EQ(1, want[0]);
	EXPECT_EQ(0, ends_differ(&e0, names, want));
	/* 6.12 and later: the kernel's reason for it */
	if (kernel0 >= 0)
		EXPECT_EQ(1, tlc_read_key(TLC_PROC "/resets",
					  "tcp_abort_on_linger") - kernel0);
	close(lfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "linger2_abort"));
}

#include "tlc_harness_main.h"
