// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_lifecycle: the per-socket tracking table.
 *
 * Occupancy agrees with the kernel's own socket listing, and a table far too
 * small for the load loses no transition: it only counts the sockets it
 * could not track.
 */
#include "tlc_lib.h"
#include <sys/resource.h>
#include "kselftest_harness.h"
#include "tlc_harness.h"

TLC_FIXTURE_SLOW()

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

/* The most `oldest` may show for sockets at most @ns in their state. */
static uint64_t tlc_oldest_bound(uint64_t ns)
{
	uint64_t slack = ns / 15 * 2;

	return ns + (slack > (1ull << 28) ? slack : (1ull << 28));
}

TEST(occupancy_matches_proc_net_tcp)
{
	struct tlc_state_row r[TLC_NSTATES];
	uint64_t kern[TLC_NSTATES], t_open, t_shut, t_read;
	int c[CONNS], s[CONNS], lfd, i, try, same;
	unsigned short port;

	if (tlc_module_ensure())
		SKIP(return, "tcp_lifecycle not loaded and $TLC_KO not loadable");
	ASSERT_EQ(0, tlc_netns_new());
	lfd = tlc_listen(AF_INET, &port, CONNS);
	ASSERT_LE(0, lfd);
	t_open = tlc_now_ns();
	ASSERT_EQ(0, open_conns(lfd, port, c, s));
	t_shut = tlc_now_ns();
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
		t_read = tlc_now_ns();
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
	/*
	 * oldest is kept by cohort (Documentation/tcp_lifecycle.rst): never
	 * less than the truth, at most 2^28 ns or 2/15 of it more.
	 */
	EXPECT_GE(tlc_oldest_bound(t_read - t_shut), r[S_CLOSE_WAIT].oldest);
	EXPECT_GE(tlc_oldest_bound(t_read - t_open), r[S_ESTABLISHED].oldest);
	EXPECT_GE(tlc_oldest_bound(t_read - t_open), r[S_FIN_WAIT2].oldest);
	close_conns(c, s);
	close(lfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "occupancy_matches_proc_net_tcp"));
}

/* max_tracked=4 against 101 sockets: nothing lost, every miss counted. */
TEST_F_TIMEOUT(slow, max_tracked_small, 120)
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
	EXPECT_EQ(0, tlc_check_conservation(-1, "max_tracked_small"));
	ASSERT_EQ(0, tlc_module_reload(""));
}

/*
 * Optional features can be left unarmed; the state changes still agree
 * with the tracepoint, and a feature name the module does not know fails
 * the load.
 */
TEST_F_TIMEOUT(slow, disable_features, 120)
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
	EXPECT_EQ(0, tlc_sh("grep -q '^probe security_sock_graft owner disabled ' "
			    TLC_STATUS));
	EXPECT_EQ(0, tlc_sh("grep -q '^probe inet_sock_set_state states armed ' "
			    TLC_STATUS));

	ASSERT_EQ(0, tlc_netns_new());
	ASSERT_EQ(0, tlc_read_matrix("transitions_raw", m0));
	sc0 = tlc_probe_hits("inet_sock_set_state");
	req0 = tlc_probe_hits("inet_csk_reqsk_queue_hash_add");
	acc0 = tlc_probe_hits("security_sock_graft");
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
	EXPECT_EQ(0, tlc_probe_hits("security_sock_graft") - acc0);
	EXPECT_EQ(0, tlc_check_conservation(-1, "disable_features"));
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


/* Send or receive one file descriptor over a unix socket. */
static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {}, b = 0;
	struct iovec iov = { &b, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &mh, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], b;
	struct iovec iov = { &b, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &mh, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* The whole of a /proc file from its start, NUL-terminated; -1 on error. */
static ssize_t read_all(int fd, char *buf, size_t size)
{
	ssize_t n, got = 0;

	if (lseek(fd, 0, SEEK_SET))
		return -1;
	while ((n = read(fd, buf + got, size - 1 - got)) > 0)
		got += n;
	buf[got] = 0;
	return n < 0 ? -1 : got;
}

/* The "now" column of @state in a states file's text, or -1. */
static long long states_now(const char *text, const char *state)
{
	char pat[32];
	const char *p;
	unsigned long long v[6];

	snprintf(pat, sizeof(pat), "\n%s ", state);
	p = strstr(text, pat);
	if (!p || sscanf(p + strlen(pat), "%llu %llu %llu %llu %llu %llu",
			 &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	return v[4];
}

/*
 * Wait up to 20 s for the table to hold only the sockets it held before the
 * churn: every namespace made so far has then been through its pernet exit
 * (which purges its entries and frees its statistics).
 */
static int wait_tracked(long long tracked0)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (tlc_read_key(TLC_STATUS, "tracked") == tracked0)
			return 0;
		tlc_sleep_ms(200);
	}
	return -1;
}

/*
 * 200 namespaces, each with connections left in TIME_WAIT, come and go:
 * their statistics and table entries go with them.  While each one dies, the
 * parent keeps reading its states file through /proc/PID/net (the reads may
 * fail once the process is gone, never crash).  Every 10th namespace also
 * hands its open states and sockets files to the parent before its last
 * process exits: an open /proc/net file pins its namespace, so reading them
 * then still shows its three TIME_WAIT sockets; once they are closed the
 * namespace goes, with its entries (checked at the end through "tracked").
 */
TEST_F_TIMEOUT(slow, netns_churn, 900)
{
	static char buf[65536];
	long long tracked0, pcpu0, pcpu1, tw;
	int i, st, n = 200, pinned = 0, racing_reads = 0;

	if (tlc_module_ensure())
		SKIP(return, "tcp_lifecycle not loaded and $TLC_KO not loadable");
	tracked0 = tlc_read_key(TLC_STATUS, "tracked");
	pcpu0 = meminfo_kb("Percpu");
	for (i = 0; i < n; i++) {
		int sv[2], fd_states = -1, fd_sockets = -1, pin = i % 10 == 0;
		char path[64];
		pid_t pid;

		/*
		 * The kernel frees namespaces from a workqueue, which falls
		 * behind on a busy host: bound how many are dying at once, or
		 * their peak (~36 kB each with 2 CPUs, 6 of them the kernel's)
		 * stays in Percpu as allocator slack that looks like a leak.
		 */
		if (i && pin)
			ASSERT_EQ(0, wait_tracked(tracked0));
		ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			unsigned short port = 0;
			long long tracked;
			int lfd, c, s, k;

			close(sv[0]);
			/*
			 * No connect() may take over an earlier one's
			 * TIME_WAIT (tcp_tw_reuse is on for loopback by
			 * default): all three must stay.
			 */
			if (tlc_netns_new() || tlc_sysctl("tcp_tw_reuse", "0"))
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
			close(lfd);
			tracked = tlc_read_key(TLC_PROC "/counters", "tracked");
			if (tracked < 3) {
				/* What the table and the kernel saw instead. */
				fprintf(stderr, "# namespace %d: tracked %lld, untracked %lld, missed %lld\n",
					i, tracked,
					tlc_read_key(TLC_PROC "/counters", "untracked"),
					tlc_probes_missed());
				tlc_sh("sed 's/^/# /' " TLC_PROC "/states /proc/net/tcp >&2");
				_exit(2);
			}
			if (tlc_wait_quiet(5000))
				_exit(3);
			if (pin &&
			    (send_fd(sv[1], open(TLC_PROC "/states", O_RDONLY)) ||
			     send_fd(sv[1], open(TLC_PROC "/sockets", O_RDWR))))
				_exit(4);
			_exit(0);
		}
		close(sv[1]);
		if (pin) {
			fd_states = recv_fd(sv[0]);
			fd_sockets = recv_fd(sv[0]);
		}
		close(sv[0]);
		/* Read the namespace's file as it dies. */
		snprintf(path, sizeof(path), "/proc/%d/net/tcp_lifecycle/states", pid);
		while (waitpid(pid, &st, WNOHANG) == 0) {
			int fd = open(path, O_RDONLY);

			if (fd >= 0 && read_all(fd, buf, sizeof(buf)) > 0)
				racing_reads++;
			if (fd >= 0)
				close(fd);
		}
		ASSERT_TRUE(WIFEXITED(st));
		ASSERT_EQ(0, WEXITSTATUS(st));
		if (!pin)
			continue;
		ASSERT_LE(0, fd_states);
		ASSERT_LE(0, fd_sockets);
		/* Its last process is gone: the open files still hold it. */
		ASSERT_LT(0, read_all(fd_states, buf, sizeof(buf)));
		tw = states_now(buf, "TIME_WAIT");
		EXPECT_EQ(3, tw);
		ASSERT_LT(0, read_all(fd_sockets, buf, sizeof(buf)));
		EXPECT_NE(NULL, strstr(buf, "\nTIME_WAIT 127.0.0.1:"));
		close(fd_states);
		close(fd_sockets);
		pinned++;
	}
	TH_LOG("%d namespaces, %d read through files held open after their last process exited, %d reads of a dying one's states",
	       n, pinned, racing_reads);
	/* Namespaces are destroyed by a workqueue: give it time. */
	wait_tracked(tracked0);
	EXPECT_EQ(tracked0, tlc_read_key(TLC_STATUS, "tracked"));
	EXPECT_EQ(0, tlc_read_key(TLC_STATUS, "nets_uncounted"));
	/*
	 * Each namespace's statistics take ~15 kB of per-CPU memory: a leak
	 * would keep 3 MB per CPU.  The kernel frees a namespace's own
	 * per-CPU data after an RCU grace period and gives back pages in a
	 * work item too, later still on a busy host: wait up to 30 s for it.
	 */
	for (i = 0; i < 150; i++) {
		pcpu1 = meminfo_kb("Percpu");
		if (pcpu1 < pcpu0 + 1024)
			break;
		tlc_sleep_ms(200);
	}
	TH_LOG("Percpu %lld -> %lld kB after %d namespaces (%d ms later)", pcpu0,
	       pcpu1, n, i * 200);
	EXPECT_GT(pcpu0 + 1024, pcpu1);
}

static long long pressure_key(const char *key)
{
	return tlc_read_key(TLC_PROC "/counters", key);
}

static long long tcp_opens(void)
{
	return tlc_snmp("/proc/net/snmp", "Tcp", "ActiveOpens") +
	       tlc_snmp("/proc/net/snmp", "Tcp", "PassiveOpens");
}

/*
 * Table pressure: max_tracked=1000, then 100k connections ($TLC_PRESSURE_CONNS)
 * opened and reset one after another on loopback.  600 held connections fill
 * the table first and keep it full, so that every later birth finds it full:
 * the untracked counts must equal what /proc/net/snmp counts (ActiveOpens:
 * clients, PassiveOpens: children of request sockets).  The module allocates
 * nothing per socket: slab and vmalloc use must not grow with the load, and
 * no probe may miss.  The time per 10k connections is logged, not asserted.
 */
#define PRESSURE_CAP	1000
#define PRESSURE_HOLD	600

TEST_F_TIMEOUT(slow, table_pressure, 3000)
{
	static int hc[PRESSURE_HOLD], hs[PRESSURE_HOLD];
	struct rlimit rl = { 4 * PRESSURE_HOLD + 64, 4 * PRESSURE_HOLD + 64 };
	long long n = 100000, i, opens0, opens, untr0, untr, req0, req;
	long long act0, pas0, vm0, vm1, slab0, slab1;
	uint64_t t0, tb;
	unsigned short port;
	int lfd, c, s;
	const char *env = getenv("TLC_PRESSURE_CONNS");

	if (!getenv("TLC_KO"))
		SKIP(return, "needs $TLC_KO to reload the module");
	if (env)
		n = atoll(env);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	ASSERT_EQ(0, tlc_module_reload("max_tracked=1000"));
	ASSERT_EQ(0, tlc_netns_new());
	lfd = tlc_listen(AF_INET, &port, 1024);
	ASSERT_LE(0, lfd);

	/* Fill: 1 listener + 2 * 600 sockets, the table holds 1000. */
	for (i = 0; i < PRESSURE_HOLD; i++)
		ASSERT_EQ(0, tlc_pair(lfd, port, &hc[i], &hs[i]));
	EXPECT_EQ(PRESSURE_CAP, tlc_read_key(TLC_STATUS, "tracked"));
	opens = tcp_opens();
	EXPECT_EQ(2 * PRESSURE_HOLD, opens);
	EXPECT_EQ(1 + opens - PRESSURE_CAP, pressure_key("untracked"));

	untr0 = pressure_key("untracked");
	req0 = pressure_key("synrecv_untracked");
	act0 = tlc_snmp("/proc/net/snmp", "Tcp", "ActiveOpens");
	pas0 = tlc_snmp("/proc/net/snmp", "Tcp", "PassiveOpens");
	opens0 = act0 + pas0;
	vm0 = meminfo_kb("VmallocUsed");
	slab0 = meminfo_kb("Slab");
	t0 = tb = tlc_now_ns();
	for (i = 1; i <= n; i++) {
		ASSERT_EQ(0, tlc_pair(lfd, port, &c, &s));
		tlc_linger0(c);
		close(c);
		close(s);
		if (i % 10000 == 0 || i == n) {
			uint64_t t = tlc_now_ns();

			TH_LOG("connections %lld: last block %.1f s, %.0f/s; tracked %lld untracked %lld",
			       i, (t - tb) / 1e9,
			       (i % 10000 ? i % 10000 : 10000) / ((t - tb) / 1e9),
			       tlc_read_key(TLC_STATUS, "tracked"),
			       pressure_key("untracked"));
			tb = t;
		}
	}
	TH_LOG("%lld connections in %.1f s", n, (tlc_now_ns() - t0) / 1e9);
	opens = tcp_opens() - opens0;
	untr = pressure_key("untracked") - untr0;
	req = pressure_key("synrecv_untracked") - req0;
	vm1 = meminfo_kb("VmallocUsed");
	slab1 = meminfo_kb("Slab");
	TH_LOG("ActiveOpens +%lld PassiveOpens +%lld; untracked +%lld synrecv_untracked +%lld",
	       tlc_snmp("/proc/net/snmp", "Tcp", "ActiveOpens") - act0,
	       tlc_snmp("/proc/net/snmp", "Tcp", "PassiveOpens") - pas0,
	       untr, req);
	TH_LOG("VmallocUsed %lld -> %lld kB, Slab %lld -> %lld kB", vm0, vm1,
	       slab0, slab1);
	EXPECT_EQ(2 * n, opens);
	EXPECT_EQ(opens, untr);
	EXPECT_EQ(n, req);
	EXPECT_EQ(PRESSURE_CAP, tlc_read_key(TLC_STATUS, "tracked"));
	EXPECT_EQ(0, tlc_probes_missed());
	EXPECT_GT(512, vm1 - vm0);
	/* 100k connections: 8 MB is 80 bytes each. */
	EXPECT_GT(8192, slab1 - slab0);

	for (i = 0; i < PRESSURE_HOLD; i++) {
		close(hc[i]);
		close(hs[i]);
	}
	close(lfd);
	EXPECT_EQ(0, tlc_check_conservation(-1, "table_pressure"));
	ASSERT_EQ(0, tlc_module_reload(""));
}

#include "tlc_harness_main.h"
