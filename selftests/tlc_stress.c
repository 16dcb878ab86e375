// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_lifecycle under concurrent hostile traffic: a SYN flood from a raw
 * socket (each SYN-ACK answered by a reset, as from spoofed sources),
 * connections reset by either side (SO_LINGER 0), orderly closes and
 * refused connects, all at once on every CPU for TLC_STRESS_SECONDS
 * (default 10).  Then transitions_raw must equal the
 * sock:inet_sock_set_state tracepoint pair by pair, and every conservation
 * law (lib/conserve.c) must hold.
 */
#include "tlc_lib.h"
#include <netinet/ip.h>
#include <pthread.h>

#include "kselftest_harness.h"
#include "tlc_harness.h"

/* Each worker stops at its bound, so the trace buffer cannot overflow. */
#define MAX_ROUNDS	3000
#define FLOOD_PORTS	10000	/* spoofed source ports 10000..19999 */

struct work {
	uint64_t deadline;
	unsigned short port;	/* the worker's listener (or closed port) */
	int lfd;
	int kind;
	uint64_t done, errors;
};

enum { W_FLOOD, W_RESET, W_ORDERLY, W_REFUSED, W_NKINDS };

static const char * const kind_names[] = {
	"SYNs sent", "resets", "orderly closes", "refused connects",
};

static uint16_t csum(const void *p, size_t len, uint32_t sum)
{
	const uint16_t *w = p;

	for (; len > 1; len -= 2)
		sum += *w++;
	if (len)
		sum += *(const uint8_t *)w;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* One bare SYN from 127.0.0.1:sport, with the pseudo-header checksum. */
static int send_syn(int raw, unsigned short sport, unsigned short dport,
		    uint32_t seq)
{
	struct {
		uint32_t src, dst;
		uint8_t zero, proto;
		uint16_t len;
		struct tcphdr th;
	} ph = {
		.src = htonl(INADDR_LOOPBACK), .dst = htonl(INADDR_LOOPBACK),
		.proto = IPPROTO_TCP, .len = htons(sizeof(struct tcphdr)),
	};
	union tlc_addr a;
	socklen_t len = tlc_loopback(AF_INET, 0, &a);

	ph.th.source = htons(sport);
	ph.th.dest = htons(dport);
	ph.th.seq = htonl(seq);
	ph.th.doff = 5;
	ph.th.syn = 1;
	ph.th.window = htons(65535);
	ph.th.check = csum(&ph, sizeof(ph), 0);
	return sendto(raw, &ph.th, sizeof(ph.th), 0, &a.sa, len) ==
	       sizeof(ph.th) ? 0 : -1;
}

static int flood(struct work *w)
{
	int raw = socket(AF_INET, SOCK_RAW, IPPROTO_TCP), small = 4096;
	union tlc_addr a;
	socklen_t len = tlc_loopback(AF_INET, 0, &a);

	if (raw < 0 || bind(raw, &a.sa, len))
		return -1;
	/* It receives a copy of every TCP segment: keep that small. */
	setsockopt(raw, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	while (tlc_now_ns() < w->deadline && w->done < MAX_ROUNDS) {
		if (send_syn(raw, 10000 + w->done % FLOOD_PORTS, w->port,
			     (uint32_t)random()))
			w->errors++;
		w->done++;
		if (!(w->done % 8))
			tlc_sleep_ms(5);
	}
	close(raw);
	return 0;
}

/* Reset by the client's close(), then by the server's, in turn. */
static int reset_round(struct work *w)
{
	int c, s, by_client = w->done & 1, ret = 0;
	char b;

	if (tlc_pair(w->lfd, w->port, &c, &s))
		return -1;
	tlc_linger0(by_client ? c : s);
	close(by_client ? c : s);
	if (read(by_client ? s : c, &b, 1) != -1 || errno != ECONNRESET)
		ret = -1;
	close(by_client ? s : c);
	return ret;
}

/* The client closes first (TIME_WAIT), the server on end of file. */
static int orderly_round(struct work *w)
{
	int c, s, ret;

	if (tlc_pair(w->lfd, w->port, &c, &s))
		return -1;
	if (write(c, "x", 1) != 1)
		return -1;
	close(c);
	ret = tlc_wait_eof(s, 5000);
	close(s);
	return ret;
}

static void *worker(void *arg)
{
	struct work *w = arg;

	if (w->kind == W_FLOOD) {
		if (flood(w))
			w->errors++;
		return NULL;
	}
	while (tlc_now_ns() < w->deadline && w->done < MAX_ROUNDS) {
		int ret;

		if (w->kind == W_RESET)
			ret = reset_round(w);
		else if (w->kind == W_ORDERLY)
			ret = orderly_round(w);
		else
			ret = tlc_connect(AF_INET, w->port) < 0 &&
			      errno == ECONNREFUSED ? 0 : -1;
		if (ret)
			w->errors++;
		w->done++;
	}
	return NULL;
}

TLC_FIXTURE_SLOW()

TEST_F_TIMEOUT(slow, concurrent_floods_resets_closes, 600)
{
	const char *env = getenv("TLC_STRESS_SECONDS");
	int seconds = env ? atoi(env) : 10, i, lfd2;
	struct work w[W_NKINDS] = {};
	pthread_t th[W_NKINDS];
	tlc_matrix before, after, mod, trace, init0, init1, initd;
	char ports[256];
	long long emb0, emb1;
	uint64_t deadline;

	if (tlc_module_ensure())
		SKIP(return, "tcp_lifecycle not loaded and $TLC_KO not loadable");
	ASSERT_EQ(0, tlc_netns_new());
	/* Every SYN gets a request socket, as the flood did. */
	ASSERT_EQ(0, tlc_sysctl("tcp_syncookies", "0"));
	/* The flood's listener has a small backlog. */
	w[W_FLOOD].lfd = tlc_listen(AF_INET, &w[W_FLOOD].port, 8);
	w[W_RESET].lfd = tlc_listen(AF_INET, &w[W_RESET].port, 64);
	w[W_ORDERLY].lfd = tlc_listen(AF_INET, &w[W_ORDERLY].port, 64);
	lfd2 = tlc_listen(AF_INET, &w[W_REFUSED].port, 1);
	ASSERT_LE(0, w[W_FLOOD].lfd);
	ASSERT_LE(0, w[W_RESET].lfd);
	ASSERT_LE(0, w[W_ORDERLY].lfd);
	ASSERT_LE(0, lfd2);
	close(lfd2);		/* a closed port: connects are refused */

	/*
	 * The tracepoint sees every namespace: a socket a program before this
	 * one left in init_net (an orphan retransmitting its FIN, seen on
	 * 7.2-rt) may change state meanwhile.  init_net's own changes count
	 * on the module's side too, read through pid 1's /proc.
	 */
	ASSERT_EQ(0, tlc_read_matrix_at("/proc/1/net/tcp_lifecycle",
					"transitions_raw", init0));
	ASSERT_EQ(0, tlc_read_transitions(before));
	emb0 = tlc_netstat("EmbryonicRsts");
	/*
	 * Only this test's connections: each has one of its four ports at
	 * one end.  A dying namespace of an earlier program still moves its
	 * sockets to CLOSE (seen: one FIN_WAIT1 -> CLOSE) where no module
	 * file counts it any more.
	 */
	snprintf(ports, sizeof(ports), "sport == %u || dport == %u || sport == %u || "
		 "dport == %u || sport == %u || dport == %u || sport == %u || dport == %u",
		 w[0].port, w[0].port, w[1].port, w[1].port, w[2].port, w[2].port,
		 w[3].port, w[3].port);
	ASSERT_EQ(0, tlc_trace_start_filter(ports));
	deadline = tlc_now_ns() + seconds * 1000000000ull;
	for (i = 0; i < W_NKINDS; i++) {
		w[i].kind = i;
		w[i].deadline = deadline;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, worker, &w[i]));
	}
	for (i = 0; i < W_NKINDS; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < W_NKINDS; i++)
		close(w[i].lfd);
	/* The flood's last resets, and the listeners' ends. */
	ASSERT_EQ(0, tlc_wait_quiet(20000));
	tlc_sleep_ms(500);
	ASSERT_EQ(0, tlc_trace_stop(trace));
	ASSERT_EQ(0, tlc_read_transitions(after));
	ASSERT_EQ(0, tlc_read_matrix_at("/proc/1/net/tcp_lifecycle",
					"transitions_raw", init1));
	tlc_matrix_sub(mod, after, before);
	tlc_matrix_sub(initd, init1, init0);
	for (i = 0; i < TLC_NSTATES * TLC_NSTATES; i++) {
		if (initd[i / TLC_NSTATES][i % TLC_NSTATES])
			TH_LOG("init_net meanwhile: %s -> %s %llu",
			       tlc_state_names[i / TLC_NSTATES],
			       tlc_state_names[i % TLC_NSTATES],
			       (unsigned long long)initd[i / TLC_NSTATES][i % TLC_NSTATES]);
		mod[i / TLC_NSTATES][i % TLC_NSTATES] +=
			initd[i / TLC_NSTATES][i % TLC_NSTATES];
	}
	emb1 = tlc_netstat("EmbryonicRsts");

	for (i = 0; i < W_NKINDS; i++) {
		TH_LOG("%s: %llu (%llu failed)", kind_names[i],
		       (unsigned long long)w[i].done,
		       (unsigned long long)w[i].errors);
		EXPECT_LT(0, w[i].done);
		EXPECT_EQ(0, w[i].errors);
	}
	TH_LOG("EmbryonicRsts %lld, synrecv_rst %lld, synrecv_created %lld",
	       emb1 - emb0, tlc_read_key(TLC_PROC "/counters", "synrecv_rst"),
	       tlc_read_key(TLC_PROC "/counters", "synrecv_created"));
	/* The flood reached request sockets that resets ended: each counted. */
	EXPECT_LT(0, emb1 - emb0);
	EXPECT_EQ(emb1 - emb0, tlc_read_key(TLC_PROC "/counters", "synrecv_rst"));
	EXPECT_LT(0, trace[S_ESTABLISHED][S_CLOSE]);
	EXPECT_LT(0, trace[S_SYN_SENT][S_CLOSE]);
	EXPECT_LT(0, trace[S_FIN_WAIT2][S_CLOSE]);
	EXPECT_EQ(0, tlc_matrix_diff("module", mod, "tracepoint", trace));
	EXPECT_EQ(0, tlc_check_conservation(-1, "stress"));
}

#include "tlc_harness_main.h"
