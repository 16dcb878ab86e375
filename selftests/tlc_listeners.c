// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_lifecycle: /proc/net/tcp_lifecycle/listeners against the kernel's
 * own figures.  Two listeners (IPv4 and IPv6) of different backlogs,
 * overflowed by different numbers of clients that nobody accepts: their
 * overflows and drops sum to the namespace's ListenOverflows and
 * ListenDrops (/proc/net/netstat), each listener's share is what the
 * namespace counted while only it was overflowed; per listener, request
 * sockets now, children in ESTABLISHED and CLOSE_WAIT, the accept queue and
 * its limit are what ss says; a closed listener's line is shown once, then
 * folded into the "closed" line.
 *
 * Runs in a fresh network namespace (its netstat starts at 0), pinned to
 * one CPU, as tlc_synrecv does.
 */
#include "tlc_lib.h"

#include "kselftest_harness.h"
#include "tlc_harness.h"

#define LST_FILE	TLC_PROC "/listeners"
#define LST_MAXROWS	32
#define LST_MAXCOLS	24

/* One line of the file: its first two fields, the numbers ("-": -1). */
struct lst_row {
	char id[24];
	char local[64];
	char reasons[256];
	long long v[LST_MAXCOLS];
};

struct lst_file {
	int ncols;
	char cols[LST_MAXCOLS][24];
	int n;
	struct lst_row rows[LST_MAXROWS];
};

static int lst_read(struct lst_file *f)
{
	char line[1024], *tok, *save;
	FILE *fp = tlc_open_versioned(LST_FILE);
	int c;

	memset(f, 0, sizeof(*f));
	if (!fp)
		return -1;
	if (!fgets(line, sizeof(line), fp)) {
		fclose(fp);
		return -1;
	}
	for (tok = strtok_r(line, " \n", &save); tok && f->ncols < LST_MAXCOLS;
	     tok = strtok_r(NULL, " \n", &save))
		snprintf(f->cols[f->ncols++], sizeof(f->cols[0]), "%s", tok);
	while (f->n < LST_MAXROWS && fgets(line, sizeof(line), fp)) {
		struct lst_row *r = &f->rows[f->n++];

		for (c = 0, tok = strtok_r(line, " \n", &save);
		     tok && c < f->ncols; c++, tok = strtok_r(NULL, " \n", &save)) {
			if (c == 0)
				snprintf(r->id, sizeof(r->id), "%s", tok);
			else if (c == 1)
				snprintf(r->local, sizeof(r->local), "%s", tok);
			else if (!strcmp(f->cols[c], "reasons"))
				snprintf(r->reasons, sizeof(r->reasons), "%s", tok);
			else if (!strcmp(tok, "-"))
				r->v[c] = -1;
			else
				r->v[c] = strtoll(tok, NULL, 10);
		}
	}
	fclose(fp);
	return 0;
}

static int lst_col(const struct lst_file *f, const char *name)
{
	int c;

	for (c = 0; c < f->ncols; c++)
		if (!strcmp(f->cols[c], name))
			return c;
	return -1;
}

/* The row whose local port is @port, or NULL. */
static const struct lst_row *lst_port(const struct lst_file *f,
				      unsigned short port)
{
	char suffix[16];
	size_t n, k;
	int i;

	snprintf(suffix, sizeof(suffix), ":%u", port);
	k = strlen(suffix);
	for (i = 0; i < f->n; i++) {
		n = strlen(f->rows[i].local);
		if (n > k && !strcmp(f->rows[i].local + n - k, suffix))
			return &f->rows[i];
	}
	return NULL;
}

static const struct lst_row *lst_named(const struct lst_file *f,
				       const char *id)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (!strcmp(f->rows[i].id, id))
			return &f->rows[i];
	return NULL;
}

static long long lst_get(const struct lst_file *f, const struct lst_row *r,
			 const char *name)
{
	int c = lst_col(f, name);

	return r && c >= 2 ? r->v[c] : -2;
}

/* The count of reason @name in a row's "reasons" (name:count,...), or 0. */
static long long lst_reason(const struct lst_row *r, const char *name)
{
	size_t k = strlen(name);
	const char *p;

	if (!r)
		return -2;
	for (p = r->reasons; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, name, k) && p[k] == ':')
			return strtoll(p + k + 1, NULL, 10);
	return 0;
}

/* Column @name summed over every line (entries, closed, untracked). */
static long long lst_sum(const struct lst_file *f, const char *name)
{
	int c = lst_col(f, name), i;
	long long sum = 0;

	if (c < 2)
		return -1;
	for (i = 0; i < f->n; i++)
		if (f->rows[i].v[c] > 0)
			sum += f->rows[i].v[c];
	return sum;
}

/* How many lines an ss command prints. */
static long long ss_count(const char *fmt, unsigned short port)
{
	char cmd[256], line[512];
	long long n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), fmt, port);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p))
		n++;
	return pclose(p) ? -1 : n;
}

/* ss -ltn's Recv-Q and Send-Q of the listener on @port. */
static int ss_listen_q(unsigned short port, long long *recvq, long long *sendq)
{
	char cmd[128], line[512], state[32];
	FILE *p;
	int ok = -1;

	snprintf(cmd, sizeof(cmd), "ss -ltnH sport = :%u", port);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (fgets(line, sizeof(line), p) &&
	    sscanf(line, "%31s %lld %lld", state, recvq, sendq) == 3)
		ok = 0;
	pclose(p);
	return ok;
}

/* The file, line by line, into the log (real output for tcplc's tests). */
static void lst_dump(struct __test_metadata *_metadata)
{
	char line[1024];
	FILE *fp = fopen(LST_FILE, "r");

	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = 0;
		TH_LOG("listeners| %s", line);
	}
	fclose(fp);
}

/*
 * tcplc's listeners view of the live file, text and JSON: its exit
 * status (0: parsed), 4 if there is no tcplc ($TCPLC, or
 * ../userspace/tcplc next to this program's directory).
 */
static int tcplc_parses(struct __test_metadata *_metadata)
{
	char exe[512], bin[600], cmd[1400];
	const char *env = getenv("TCPLC");
	ssize_t n;
	int st;

	if (env) {
		snprintf(bin, sizeof(bin), "%s", env);
	} else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n <= 0)
			return 4;
		exe[n] = 0;
		*strrchr(exe, '/') = 0;
		snprintf(bin, sizeof(bin), "%s/../userspace/tcplc", exe);
	}
	if (access(bin, X_OK))
		return 4;
	snprintf(cmd, sizeof(cmd), "%s listeners >/dev/null && %s -j listeners >/dev/null",
		 bin, bin);
	st = system(cmd);
	TH_LOG("%s listeners: status %d", bin, st);
	return st == 0 ? 0 : 1;
}

#define REQUIRE_MODULE() do {						\
	TLC_REQUIRE_MODULE();						\
	if (tlc_read_key(TLC_STATUS, "max_listeners") < 0)		\
		SKIP(return, "module without the listeners table");	\
	if (access(LST_FILE, R_OK))					\
		SKIP(return, "no %s", LST_FILE);			\
	tlc_pin_cpu0();							\
} while (0)

/*
 * Clients that find the accept queue of the listener on @port full: a
 * non-blocking connect each, its SYN dropped (ListenOverflows and
 * ListenDrops), closed before the SYN is sent again.
 */
static int overflow_clients(int family, unsigned short port, int n)
{
	union tlc_addr a;
	socklen_t len = tlc_loopback(family, port, &a);
	int fds[64], i, err = 0;

	if (n > 64)
		return -1;
	for (i = 0; i < n; i++) {
		fds[i] = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fds[i] < 0 || (connect(fds[i], &a.sa, len) &&
				   errno != EINPROGRESS))
			err = -1;
	}
	tlc_sleep_ms(200);
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return err;
}

/* Non-blocking connects whose SYN-ACKs an nft rule drops: half-open. */
static int halfopen_clients(unsigned short port, int n, int *fds)
{
	union tlc_addr a;
	socklen_t len = tlc_loopback(AF_INET, port, &a);
	int i;

	for (i = 0; i < n; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fds[i] < 0 || (connect(fds[i], &a.sa, len) &&
				   errno != EINPROGRESS))
			return -1;
	}
	return 0;
}

/*
 * The namespace's ListenOverflows and ListenDrops and the file, read
 * together: again until the counters did not move across the file's read.
 */
static int read_together(struct lst_file *f, long long *ovf, long long *drops)
{
	long long o2, d2;
	int i;

	for (i = 0; i < 20; i++) {
		*ovf = tlc_netstat("ListenOverflows");
		*drops = tlc_netstat("ListenDrops");
		if (lst_read(f))
			return -1;
		o2 = tlc_netstat("ListenOverflows");
		d2 = tlc_netstat("ListenDrops");
		if (o2 == *ovf && d2 == *drops)
			return 0;
		tlc_sleep_ms(100);
	}
	return -1;
}

TLC_FIXTURE_SLOW()

TEST_F_TIMEOUT(slow, listeners_overflow_share, 120)
{
	int l1, l2, c1[3], c2[6], s1[1], i, cfd;
	long long ovf0, drop0, ovf1, drop1, ovf2, drop2, ovf, drops;
	long long rq, sq, want, got;
	uint64_t t_cw;
	unsigned short p1, p2;
	struct lst_file f;
	const struct lst_row *r1, *r2;

	REQUIRE_MODULE();
	l1 = tlc_listen(AF_INET, &p1, 2);
	l2 = tlc_listen(AF_INET6, &p2, 5);	/* the IPv6 functions */
	ASSERT_LE(0, l1);
	ASSERT_LE(0, l2);
	ovf0 = tlc_netstat("ListenOverflows");
	drop0 = tlc_netstat("ListenDrops");
	TH_LOG("listeners 127.0.0.1:%u (backlog 2) [::1]:%u (backlog 5); ListenOverflows %lld ListenDrops %lld at start",
	       p1, p2, ovf0, drop0);

	/* Fill the accept queues (backlog + 1 children each), accept none. */
	for (i = 0; i < 3; i++)
		ASSERT_LE(0, c1[i] = tlc_connect(AF_INET, p1));
	for (i = 0; i < 6; i++)
		ASSERT_LE(0, c2[i] = tlc_connect(AF_INET6, p2));

	/* Listener 1 overflowed by 4 clients, then listener 2 by 9. */
	ASSERT_EQ(0, overflow_clients(AF_INET, p1, 4));
	ovf1 = tlc_netstat("ListenOverflows");
	drop1 = tlc_netstat("ListenDrops");
	ASSERT_EQ(0, overflow_clients(AF_INET6, p2, 9));
	ovf2 = tlc_netstat("ListenOverflows");
	drop2 = tlc_netstat("ListenDrops");
	TH_LOG("netstat: listener 1's phase +%lld overflows +%lld drops, listener 2's +%lld +%lld",
	       ovf1 - ovf0, drop1 - drop0, ovf2 - ovf1, drop2 - drop1);

	/* One child of listener 1 gets the client's FIN: CLOSE_WAIT. */
	t_cw = tlc_now_ns();
	close(c1[0]);
	tlc_sleep_ms(200);

	ASSERT_EQ(0, read_together(&f, &ovf, &drops));
	r1 = lst_port(&f, p1);
	r2 = lst_port(&f, p2);
	ASSERT_NE(NULL, r1);
	ASSERT_NE(NULL, r2);
	TH_LOG("listener 1: overflows %lld drops %lld; listener 2: %lld %lld; sums %lld %lld; netstat %lld %lld",
	       lst_get(&f, r1, "overflows"), lst_get(&f, r1, "drops"),
	       lst_get(&f, r2, "overflows"), lst_get(&f, r2, "drops"),
	       lst_sum(&f, "overflows"), lst_sum(&f, "drops"), ovf, drops);

	/* The sums are the namespace's counts (fresh: they started at 0). */
	EXPECT_EQ(ovf, lst_sum(&f, "overflows"));
	EXPECT_EQ(drops, lst_sum(&f, "drops"));
	/* Each share is what the namespace counted in its phase. */
	EXPECT_EQ(ovf1 - ovf0, lst_get(&f, r1, "overflows"));
	EXPECT_EQ(drop1 - drop0, lst_get(&f, r1, "drops"));
	EXPECT_EQ(ovf2 - ovf1, lst_get(&f, r2, "overflows"));
	EXPECT_EQ(drop2 - drop1, lst_get(&f, r2, "drops"));
	/* At least one SYN of each client was dropped. */
	EXPECT_LE(4, lst_get(&f, r1, "overflows"));
	EXPECT_LE(9, lst_get(&f, r2, "overflows"));

	/* The accept queue and its limit, as ss -ltn has them. */
	ASSERT_EQ(0, ss_listen_q(p1, &rq, &sq));
	TH_LOG("listener 1: acceptq %lld/%lld, ss Recv-Q/Send-Q %lld/%lld",
	       lst_get(&f, r1, "acceptq"), lst_get(&f, r1, "acceptq_max"),
	       rq, sq);
	EXPECT_EQ(rq, lst_get(&f, r1, "acceptq"));
	EXPECT_EQ(sq, lst_get(&f, r1, "acceptq_max"));
	EXPECT_EQ(2, sq);
	ASSERT_EQ(0, ss_listen_q(p2, &rq, &sq));
	TH_LOG("listener 2: acceptq %lld/%lld, ss Recv-Q/Send-Q %lld/%lld",
	       lst_get(&f, r2, "acceptq"), lst_get(&f, r2, "acceptq_max"),
	       rq, sq);
	EXPECT_EQ(rq, lst_get(&f, r2, "acceptq"));
	EXPECT_EQ(sq, lst_get(&f, r2, "acceptq_max"));
	EXPECT_EQ(5, sq);

	/* Children now, as ss has them by source port. */
	want = ss_count("ss -tnH state established sport = :%u", p1);
	got = lst_get(&f, r1, "estab_now");
	TH_LOG("listener 1: estab_now %lld, ss %lld", got, want);
	EXPECT_EQ(want, got);
	EXPECT_EQ(2, want);
	want = ss_count("ss -tnH state close-wait sport = :%u", p1);
	got = lst_get(&f, r1, "close_wait_now");
	TH_LOG("listener 1: close_wait_now %lld, ss %lld", got, want);
	EXPECT_EQ(want, got);
	EXPECT_EQ(1, want);
	/* Its age: since the close, at most (the same clock). */
	got = lst_get(&f, r1, "close_wait_oldest");
	want = (long long)(tlc_now_ns() - t_cw);
	TH_LOG("listener 1: close_wait_oldest %lld, at most %lld", got, want);
	EXPECT_LT(0, got);
	EXPECT_GE(want, got);
	want = ss_count("ss -tnH state established sport = :%u", p2);
	EXPECT_EQ(want, lst_get(&f, r2, "estab_now"));
	EXPECT_EQ(6, want);
	EXPECT_EQ(0, lst_get(&f, r2, "close_wait_now"));

	lst_dump(_metadata);
	i = tcplc_parses(_metadata);
	if (i == 4)
		TH_LOG("no tcplc: its parse of the live file not checked");
	else
		EXPECT_EQ(0, i);

	/* Accepted children count. */
	cfd = accept(l1, NULL, NULL);
	ASSERT_LE(0, cfd);
	s1[0] = cfd;
	ASSERT_EQ(0, lst_read(&f));
	r1 = lst_port(&f, p1);
	EXPECT_EQ(1, lst_get(&f, r1, "accepted"));

	for (i = 1; i < 3; i++)
		close(c1[i]);
	for (i = 0; i < 6; i++)
		close(c2[i]);
	close(s1[0]);
	close(l1);
	close(l2);
	ASSERT_EQ(0, tlc_wait_quiet(5000));
	EXPECT_EQ(0, tlc_check_conservation(-1, "listeners_overflow_share"));
}

TEST_F_TIMEOUT(slow, listeners_halfopen_closed, 120)
{
	long long want, got, created, rcreated0, rother0;
	int l3, fds[3], i;
	unsigned short p3;
	struct lst_file f;
	const struct lst_row *r3, *closed;
	char rule[64];
	uint64_t t_req;

	REQUIRE_MODULE();
	l3 = tlc_listen(AF_INET, &p3, 16);
	ASSERT_LE(0, l3);
	/* The client never sees the SYN-ACKs: the server stays half-open. */
	snprintf(rule, sizeof(rule), "tcp sport %u", p3);
	ASSERT_EQ(0, tlc_nft_drop(rule));
	t_req = tlc_now_ns();
	ASSERT_EQ(0, halfopen_clients(p3, 3, fds));
	tlc_sleep_ms(300);

	ASSERT_EQ(0, lst_read(&f));
	r3 = lst_port(&f, p3);
	ASSERT_NE(NULL, r3);
	want = ss_count("ss -tnH state syn-recv sport = :%u", p3);
	got = lst_get(&f, r3, "req_now");
	TH_LOG("listener 3: req_now %lld, ss syn-recv %lld; req_created %lld req_oldest %lld",
	       got, want, lst_get(&f, r3, "req_created"),
	       lst_get(&f, r3, "req_oldest"));
	EXPECT_EQ(want, got);
	EXPECT_EQ(3, want);
	EXPECT_EQ(3, lst_get(&f, r3, "req_created"));
	EXPECT_LT(0, lst_get(&f, r3, "req_oldest"));
	EXPECT_GE((long long)(tlc_now_ns() - t_req),
		  lst_get(&f, r3, "req_oldest"));
	closed = lst_named(&f, "closed");
	ASSERT_NE(NULL, closed);
	rcreated0 = lst_get(&f, closed, "req_created");
	rother0 = lst_get(&f, closed, "req_other");

	/* The listener closes: its request sockets end with it. */
	close(l3);
	for (i = 0; i < 3; i++)
		close(fds[i]);
	/* Their timer (or a segment) finds the listener gone. */
	for (i = 0; i < 100 &&
	     ss_count("ss -tnH state syn-recv sport = :%u", p3); i++)
		tlc_sleep_ms(100);
	ASSERT_EQ(0, lst_read(&f));
	r3 = lst_port(&f, p3);
	ASSERT_NE(NULL, r3);		/* shown once more, closed */
	created = lst_get(&f, r3, "req_created");
	TH_LOG("listener 3 closed: req_created %lld req_other %lld acceptq %lld",
	       created, lst_get(&f, r3, "req_other"),
	       lst_get(&f, r3, "acceptq"));
	EXPECT_EQ(-1, lst_get(&f, r3, "acceptq"));	/* "-": not live */
	EXPECT_EQ(0, lst_get(&f, r3, "req_now"));
	EXPECT_EQ(3, lst_get(&f, r3, "req_other"));
	EXPECT_EQ(0, ss_count("ss -tnH state syn-recv sport = :%u", p3));

	/* The next read folds it into "closed". */
	ASSERT_EQ(0, lst_read(&f));
	EXPECT_EQ(NULL, lst_port(&f, p3));
	closed = lst_named(&f, "closed");
	ASSERT_NE(NULL, closed);
	TH_LOG("closed: req_created %lld (was %lld) req_other %lld (was %lld)",
	       lst_get(&f, closed, "req_created"), rcreated0,
	       lst_get(&f, closed, "req_other"), rother0);
	EXPECT_EQ(rcreated0 + created, lst_get(&f, closed, "req_created"));
	EXPECT_EQ(rother0 + 3, lst_get(&f, closed, "req_other"));
	EXPECT_EQ(-1, lst_get(&f, closed, "acceptq"));
	ASSERT_EQ(0, tlc_sh("nft delete table inet tlc"));
	ASSERT_EQ(0, tlc_wait_quiet(5000));
	EXPECT_EQ(0, tlc_check_conservation(-1, "listeners_halfopen_closed"));
}

/*
 * SYN cookies and the children's close reasons, per listener, against
 * the kernel's counters and what the test did.  Listener A answers every
 * SYN with a cookie (tcp_syncookies=2): its cookies_sent is the
 * namespace's SyncookiesSent, and its three children, closed by their
 * clients first, end orderly_passive.  Listener B's children: two reset
 * by their clients (linger 0: rst_received, one each of the namespace's
 * OutRsts),
 * one aborted by the server (linger 0: rst_sent_linger0).  Neither
 * listener's line may show the other's.
 */
TEST_F_TIMEOUT(slow, listeners_cookies_reasons, 120)
{
	long long ck0, ck, rst0, rst;
	int la, lb, c, s, i;
	unsigned short pa, pb;
	struct lst_file f;
	const struct lst_row *ra, *rb;

	REQUIRE_MODULE();
	la = tlc_listen(AF_INET, &pa, 16);
	lb = tlc_listen(AF_INET, &pb, 16);
	ASSERT_LE(0, la);
	ASSERT_LE(0, lb);

	ck0 = tlc_netstat("SyncookiesSent");
	ASSERT_EQ(0, tlc_sysctl("tcp_syncookies", "2"));
	for (i = 0; i < 3; i++) {
		c = tlc_connect(AF_INET, pa);
		s = c < 0 ? -1 : accept(la, NULL, NULL);
		EXPECT_LE(0, s);
		if (c >= 0)
			close(c);
		if (s >= 0) {
			EXPECT_EQ(0, tlc_wait_eof(s, 5000));
			close(s);
		}
	}
	/* The namespace is the test's own: 1 is its default. */
	ASSERT_EQ(0, tlc_sysctl("tcp_syncookies", "1"));
	ck = tlc_netstat("SyncookiesSent") - ck0;

	rst0 = tlc_snmp("/proc/net/snmp", "Tcp", "OutRsts");
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, tlc_pair_linger0(lb, pb));
	rst = tlc_snmp("/proc/net/snmp", "Tcp", "OutRsts") - rst0;
	ASSERT_EQ(0, tlc_pair(lb, pb, &c, &s));
	tlc_linger0(s);
	close(s);
	EXPECT_EQ(0, tlc_wait_eof(c, 5000));
	close(c);
	/* The listeners stay: wait for their children to have gone. */
	for (i = 0; i < 100 &&
	     (ss_count("ss -tnH exclude listening exclude time-wait sport = :%u", pa) ||
	      ss_count("ss -tnH exclude listening exclude time-wait sport = :%u", pb)); i++)
		tlc_sleep_ms(50);

	ASSERT_EQ(0, lst_read(&f));
	lst_dump(_metadata);
	ra = lst_port(&f, pa);
	rb = lst_port(&f, pb);
	ASSERT_NE(NULL, ra);
	ASSERT_NE(NULL, rb);
	TH_LOG("SyncookiesSent +%lld, OutRsts +%lld; A cookies_sent %lld reasons %s; B cookies_sent %lld reasons %s",
	       ck, rst, lst_get(&f, ra, "cookies_sent"), ra->reasons,
	       lst_get(&f, rb, "cookies_sent"), rb->reasons);
	EXPECT_EQ(3, ck);
	EXPECT_EQ(ck, lst_get(&f, ra, "cookies_sent"));
	EXPECT_EQ(0, lst_get(&f, rb, "cookies_sent"));
	EXPECT_EQ(3, lst_reason(ra, "orderly_passive"));
	EXPECT_EQ(3, lst_get(&f, ra, "accepted"));
	EXPECT_EQ(0, lst_reason(ra, "rst_received"));
	EXPECT_EQ(2, rst);
	EXPECT_EQ(rst, lst_reason(rb, "rst_received"));
	EXPECT_EQ(1, lst_reason(rb, "rst_sent_linger0"));
	EXPECT_EQ(0, lst_reason(rb, "orderly_passive"));
	EXPECT_EQ(3, lst_get(&f, rb, "accepted"));
	close(la);
	close(lb);
	ASSERT_EQ(0, tlc_wait_quiet(5000));
	EXPECT_EQ(0, tlc_check_conservation(-1, "listeners_cookies_reasons"));
}

/*
 * max_listeners=1: the second listener gets no line, its events are
 * "untracked"'s, and the sums still are the namespace's.
 */
TEST_F_TIMEOUT(slow, listeners_table_full, 120)
{
	long long ovf0, ovf1, ovf, drops;
	int la, lb, ca[2], cb[2], i;
	const struct lst_row *ra, *u;
	unsigned short pa, pb;
	struct lst_file f;

	if (!getenv("TLC_KO"))
		SKIP(return, "needs $TLC_KO to reload the module");
	ASSERT_EQ(0, tlc_module_reload("max_listeners=1"));
	if (tlc_read_key(TLC_STATUS, "max_listeners") != 1)
		SKIP(return, "module without the listeners table");
	ASSERT_EQ(0, tlc_netns_new());
	tlc_pin_cpu0();
	la = tlc_listen(AF_INET, &pa, 1);
	lb = tlc_listen(AF_INET, &pb, 1);
	ASSERT_LE(0, la);
	ASSERT_LE(0, lb);
	for (i = 0; i < 2; i++) {
		ASSERT_LE(0, ca[i] = tlc_connect(AF_INET, pa));
		ASSERT_LE(0, cb[i] = tlc_connect(AF_INET, pb));
	}
	ovf0 = tlc_netstat("ListenOverflows");
	ASSERT_EQ(0, overflow_clients(AF_INET, pa, 2));
	ovf1 = tlc_netstat("ListenOverflows");
	ASSERT_EQ(0, overflow_clients(AF_INET, pb, 3));
	ASSERT_EQ(0, read_together(&f, &ovf, &drops));
	lst_dump(_metadata);
	ra = lst_port(&f, pa);
	u = lst_named(&f, "untracked");
	ASSERT_NE(NULL, ra);
	ASSERT_NE(NULL, u);
	EXPECT_EQ(NULL, lst_port(&f, pb));
	TH_LOG("netstat: +%lld overflows (listener a), +%lld (b); listener a %lld, untracked %lld; listeners_untracked %lld",
	       ovf1 - ovf0, ovf - ovf1, lst_get(&f, ra, "overflows"),
	       lst_get(&f, u, "overflows"),
	       tlc_read_key(TLC_STATUS, "listeners_untracked"));
	EXPECT_EQ(ovf, lst_sum(&f, "overflows"));
	EXPECT_EQ(drops, lst_sum(&f, "drops"));
	EXPECT_EQ(ovf1 - ovf0, lst_get(&f, ra, "overflows"));
	EXPECT_EQ(ovf - ovf1, lst_get(&f, u, "overflows"));
	EXPECT_EQ(2, lst_get(&f, u, "req_created"));
	EXPECT_EQ(1, tlc_read_key(TLC_STATUS, "listeners_untracked"));
	EXPECT_EQ(1, tlc_read_key(TLC_STATUS, "listeners_used"));

	for (i = 0; i < 2; i++) {
		close(ca[i]);
		close(cb[i]);
	}
	close(la);
	close(lb);
	ASSERT_EQ(0, tlc_wait_quiet(5000));
	EXPECT_EQ(0, tlc_check_conservation(-1, "listeners_table_full"));
	ASSERT_EQ(0, tlc_module_reload(""));
}

#include "tlc_harness_main.h"
