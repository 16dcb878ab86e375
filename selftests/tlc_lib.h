/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the tcp_lifecycle selftests: reading the module's /proc
 * files, the kernel's independent accounting (the sock:inet_sock_set_state
 * tracepoint, /proc/net/snmp, /proc/net/tcp), network namespaces, and small
 * TCP workloads on loopback.
 *
 * Every helper returns -1 (and sets errno or prints why) on failure, so that
 * the tests can ASSERT on it.
 */
#ifndef TLC_LIB_H
#define TLC_LIB_H

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TLC_NSTATES	13	/* kernel TCP state numbers 1..12, 0 unused */
#define TLC_BUCKETS	48
#define TLC_PROC	"/proc/net/tcp_lifecycle"
#define TLC_STATUS	"/sys/kernel/debug/tcp_lifecycle/status"

enum {
	S_ESTABLISHED = 1, S_SYN_SENT, S_SYN_RECV, S_FIN_WAIT1, S_FIN_WAIT2,
	S_TIME_WAIT, S_CLOSE, S_CLOSE_WAIT, S_LAST_ACK, S_LISTEN, S_CLOSING,
	S_NEW_SYN_RECV,
};

static const char * const tlc_state_names[TLC_NSTATES] = {
	NULL, "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
	"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
	"NEW_SYN_RECV",
};

typedef uint64_t tlc_matrix[TLC_NSTATES][TLC_NSTATES];

struct tlc_hist {
	uint64_t count, sum, min, max;
	uint64_t bucket[TLC_BUCKETS];
};

struct tlc_state_row {
	uint64_t entered, exited, timed, untimed, now, oldest;
};

static inline int tlc_state_num(const char *name)
{
	int i;

	if (!strncmp(name, "TCP_", 4))
		name += 4;
	for (i = 1; i < TLC_NSTATES; i++)
		if (!strcmp(name, tlc_state_names[i]))
			return i;
	return -1;
}

static inline uint64_t tlc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static inline void tlc_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Run a shell command; returns its exit status (or -1). */
static inline int tlc_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static inline int tlc_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* Opens a /proc file and checks its "version 1" line. */
static inline FILE *tlc_open_versioned(const char *path)
{
	char line[64];
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	if (!fgets(line, sizeof(line), f) || strcmp(line, "version 1\n")) {
		fprintf(stderr, "%s: bad version line\n", path);
		fclose(f);
		errno = EPROTO;
		return NULL;
	}
	return f;
}

static inline int tlc_module_loaded(void)
{
	return access(TLC_PROC "/states", R_OK) == 0;
}

/*
 * Load the module from $TLC_KO with extra parameters (may be ""), unloading
 * it first if loaded.  Returns 0 when /proc/net/tcp_lifecycle is there.
 */
static inline int tlc_module_reload(const char *params)
{
	const char *ko = getenv("TLC_KO");

	if (!ko)
		return -1;
	tlc_sh("rmmod tcp_lifecycle 2>/dev/null");
	if (tlc_sh("insmod '%s' %s", ko, params))
		return -1;
	return tlc_module_loaded() ? 0 : -1;
}

/* The module must be loaded; load it from $TLC_KO if it is not. */
static inline int tlc_module_ensure(void)
{
	if (tlc_module_loaded())
		return 0;
	return tlc_module_reload("");
}

/* file: "transitions" (the life of connections) or "transitions_raw". */
static inline int tlc_read_matrix(const char *file, tlc_matrix m)
{
	char from[32], to[32], line[256], path[128];
	unsigned long long n;
	FILE *f;

	snprintf(path, sizeof(path), TLC_PROC "/%s", file);
	f = tlc_open_versioned(path);
	int a, b;

	memset(m, 0, sizeof(tlc_matrix));
	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f) || strcmp(line, "from to count\n"))
		goto bad;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %31s %llu", from, to, &n) != 3)
			goto bad;
		a = tlc_state_num(from);
		b = tlc_state_num(to);
		if (a < 0 || b < 0)
			goto bad;
		m[a][b] = n;
	}
	fclose(f);
	return 0;
bad:
	fprintf(stderr, "%s: malformed: %s", file, line);
	fclose(f);
	return -1;
}

/* The kernel's own state changes, as the tracepoint sees them. */
static inline int tlc_read_transitions(tlc_matrix m)
{
	return tlc_read_matrix("transitions_raw", m);
}

static inline int tlc_read_hist(struct tlc_hist h[TLC_NSTATES])
{
	char line[2048], name[32];
	unsigned long long c, s, mn, mx;
	FILE *f = tlc_open_versioned(TLC_PROC "/hist");
	int st, off, b;
	char *p;

	memset(h, 0, sizeof(*h) * TLC_NSTATES);
	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f) || strcmp(line, "unit ns\n"))
		goto bad;
	if (!fgets(line, sizeof(line), f))
		goto bad;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %llu %llu %llu %llu%n", name, &c, &s, &mn,
			   &mx, &off) != 5)
			goto bad;
		st = tlc_state_num(name);
		if (st < 0)
			goto bad;
		h[st].count = c;
		h[st].sum = s;
		h[st].min = mn;
		h[st].max = mx;
		for (p = line + off; *p == ' '; ) {
			unsigned long long bc;
			int used;

			if (sscanf(p, " %d:%llu%n", &b, &bc, &used) != 2 ||
			    b < 0 || b >= TLC_BUCKETS)
				goto bad;
			h[st].bucket[b] = bc;
			p += used;
		}
	}
	fclose(f);
	return 0;
bad:
	fprintf(stderr, "hist: malformed: %s", line);
	fclose(f);
	return -1;
}

static inline int tlc_read_states(struct tlc_state_row r[TLC_NSTATES])
{
	char line[512], name[32];
	FILE *f = tlc_open_versioned(TLC_PROC "/states");
	struct tlc_state_row x;
	int st, rows = 0;

	memset(r, 0, sizeof(*r) * TLC_NSTATES);
	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f) ||
	    strcmp(line, "state entered exited timed untimed now oldest\n"))
		goto bad;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %lu %lu %lu %lu %lu %lu", name,
			   &x.entered, &x.exited, &x.timed, &x.untimed, &x.now,
			   &x.oldest) != 7)
			goto bad;
		st = tlc_state_num(name);
		if (st < 0)
			goto bad;
		r[st] = x;
		rows++;
	}
	fclose(f);
	return rows == TLC_NSTATES - 1 ? 0 : -1;
bad:
	fprintf(stderr, "states: malformed: %s", line);
	fclose(f);
	return -1;
}

/* "name value" files: counters, and the debugfs status. */
static inline long long tlc_read_key(const char *path, const char *key)
{
	char line[256], k[64];
	long long v, found = -1;
	FILE *f = tlc_open_versioned(path);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", k, &v) == 2 && !strcmp(k, key))
			found = v;
	fclose(f);
	return found;
}

/* Sum of the kprobes' missed counts in the debugfs status, or -1. */
static inline long long tlc_probes_missed(void)
{
	char line[256];
	unsigned long missed;
	long long sum = 0;
	FILE *f = tlc_open_versioned(TLC_STATUS);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "probe %*s %*s %*s missed %lu", &missed) == 1)
			sum += missed;
	fclose(f);
	return sum;
}

/* Hits of one probe (or the tracepoint) since the load, -1 if not found. */
static inline long long tlc_probe_hits(const char *name)
{
	char line[256], pname[64];
	unsigned long long hits;
	long long found = -1;
	FILE *f = tlc_open_versioned(TLC_STATUS);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "probe %63s %*s %*s missed %*u hits %llu",
			   pname, &hits) == 2 && !strcmp(pname, name))
			found = (long long)hits;
	fclose(f);
	return found;
}

/* A "Tcp:" or "TcpExt:" counter from /proc/net/snmp or /proc/net/netstat. */
static inline long long tlc_snmp(const char *file, const char *prefix,
				 const char *name)
{
	char hdr[4096], val[4096], *hs, *vs, *h, *v;
	size_t plen = strlen(prefix);
	long long found = -1;
	FILE *f = fopen(file, "r");

	if (!f)
		return -1;
	while (fgets(hdr, sizeof(hdr), f) && fgets(val, sizeof(val), f)) {
		if (strncmp(hdr, prefix, plen) || hdr[plen] != ':')
			continue;
		h = strtok_r(hdr + plen + 1, " \n", &hs);
		v = strtok_r(val + plen + 1, " \n", &vs);
		for (; h && v; h = strtok_r(NULL, " \n", &hs),
			       v = strtok_r(NULL, " \n", &vs))
			if (!strcmp(h, name))
				found = atoll(v);
	}
	fclose(f);
	return found;
}

/* ------------------------------------------------------------------ */
/* The kernel's own view: the sock:inet_sock_set_state tracepoint.     */

static inline const char *tlc_tracefs(void)
{
	if (!access("/sys/kernel/tracing/trace", F_OK))
		return "/sys/kernel/tracing";
	return "/sys/kernel/debug/tracing";
}

static inline int tlc_tracefs_write(const char *file, const char *s)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tlc_tracefs(), file);
	return tlc_write_file(path, s);
}

#define TLC_EVENT "events/sock/inet_sock_set_state/"

/* Start recording TCP state changes (all namespaces) into a clean buffer. */
static inline int tlc_trace_start(void)
{
	if (tlc_tracefs_write("tracing_on", "0") ||
	    tlc_tracefs_write("buffer_size_kb", "4096") ||
	    tlc_tracefs_write("trace", "") ||
	    tlc_tracefs_write(TLC_EVENT "filter", "protocol == 6") ||
	    tlc_tracefs_write(TLC_EVENT "enable", "1") ||
	    tlc_tracefs_write("tracing_on", "1"))
		return -1;
	return 0;
}

/*
 * Stop recording and count what was recorded per (old, new) pair.  Fails if
 * the buffer lost events (entries-in-buffer != entries-written).
 */
static inline int tlc_trace_stop(tlc_matrix m)
{
	char path[256], line[1024], *o, *n;
	unsigned long in_buf, written;
	int lost = 1, a, b;
	FILE *f;

	memset(m, 0, sizeof(tlc_matrix));
	if (tlc_tracefs_write(TLC_EVENT "enable", "0") ||
	    tlc_tracefs_write("tracing_on", "0"))
		return -1;
	snprintf(path, sizeof(path), "%s/trace", tlc_tracefs());
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "# entries-in-buffer/entries-written: %lu/%lu",
			   &in_buf, &written) == 2)
			lost = in_buf != written;
		if (line[0] == '#' || !strstr(line, "inet_sock_set_state:"))
			continue;
		o = strstr(line, "oldstate=");
		n = strstr(line, "newstate=");
		if (!o || !n)
			continue;
		o[strcspn(o, " \n")] = 0;
		n[strcspn(n, " \n")] = 0;
		a = tlc_state_num(o + 9);
		b = tlc_state_num(n + 9);
		if (a < 0 || b < 0) {
			fprintf(stderr, "trace: unknown state %s %s\n", o, n);
			fclose(f);
			return -1;
		}
		m[a][b]++;
	}
	fclose(f);
	tlc_tracefs_write(TLC_EVENT "filter", "0");
	tlc_tracefs_write("trace", "");
	if (lost)
		fprintf(stderr, "trace: events were lost\n");
	return lost ? -1 : 0;
}

/* Print every pair where the two matrices differ; returns the count. */
static inline int tlc_matrix_diff(const char *what_a, const tlc_matrix a,
				  const char *what_b, const tlc_matrix b)
{
	int i, j, diffs = 0;

	for (i = 1; i < TLC_NSTATES; i++)
		for (j = 1; j < TLC_NSTATES; j++)
			if (a[i][j] != b[i][j]) {
				fprintf(stderr, "# %s -> %s: %s %llu, %s %llu\n",
					tlc_state_names[i], tlc_state_names[j],
					what_a, (unsigned long long)a[i][j],
					what_b, (unsigned long long)b[i][j]);
				diffs++;
			}
	return diffs;
}

static inline void tlc_matrix_sub(tlc_matrix d, const tlc_matrix after,
				  const tlc_matrix before)
{
	int i, j;

	for (i = 0; i < TLC_NSTATES; i++)
		for (j = 0; j < TLC_NSTATES; j++)
			d[i][j] = after[i][j] - before[i][j];
}

/* ------------------------------------------------------------------ */
/* Namespaces and sockets.                                            */

static inline int tlc_lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret = -1;

	if (fd < 0)
		return -1;
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret;
}

/* Move this process into a new network namespace with lo up. */
static inline int tlc_netns_new(void)
{
	if (unshare(CLONE_NEWNET))
		return -1;
	return tlc_lo_up();
}

union tlc_addr {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

static inline socklen_t tlc_loopback(int family, unsigned short port,
				     union tlc_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET6) {
		a->v6.sin6_family = AF_INET6;
		a->v6.sin6_addr = in6addr_loopback;
		a->v6.sin6_port = htons(port);
		return sizeof(a->v6);
	}
	a->v4.sin_family = AF_INET;
	a->v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a->v4.sin_port = htons(port);
	return sizeof(a->v4);
}

/* A listener on loopback; *port gets its (ephemeral) port. */
static inline int tlc_listen(int family, unsigned short *port, int backlog)
{
	union tlc_addr a;
	socklen_t len = tlc_loopback(family, 0, &a);
	int fd = socket(family, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, &a.sa, len) || listen(fd, backlog) ||
	    getsockname(fd, &a.sa, &len)) {
		close(fd);
		return -1;
	}
	*port = ntohs(family == AF_INET6 ? a.v6.sin6_port : a.v4.sin_port);
	return fd;
}

/* A blocking connect to loopback:port; returns the fd, or -1 (errno). */
static inline int tlc_connect(int family, unsigned short port)
{
	union tlc_addr a;
	socklen_t len = tlc_loopback(family, port, &a);
	int fd = socket(family, SOCK_STREAM, 0), err;

	if (fd < 0)
		return -1;
	if (connect(fd, &a.sa, len)) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* Wait (up to ms) until fd is readable and read to EOF or error. */
static inline int tlc_wait_eof(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[256];
	ssize_t n;

	for (;;) {
		if (poll(&p, 1, ms) <= 0)
			return -1;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return 0;
	}
}

static inline void tlc_linger0(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

/*
 * Count this namespace's TCP sockets per state from /proc/net/tcp and
 * /proc/net/tcp6 (the kernel's own listing, as ss without netlink).
 */
static inline int tlc_proc_tcp_states(uint64_t count[TLC_NSTATES])
{
	static const char * const files[] = { "/proc/net/tcp", "/proc/net/tcp6" };
	char line[512];
	unsigned int st;
	size_t i;

	memset(count, 0, sizeof(uint64_t) * TLC_NSTATES);
	for (i = 0; i < 2; i++) {
		FILE *f = fopen(files[i], "r");

		if (!f)
			continue;
		if (!fgets(line, sizeof(line), f)) {
			fclose(f);
			continue;
		}
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "%*s %*s %*s %x", &st) == 1 &&
			    st < TLC_NSTATES)
				count[st]++;
		fclose(f);
	}
	return 0;
}

/* Count this namespace's TCP sockets per state as `ss -tan` shows them. */
static inline int tlc_ss_states(uint64_t count[TLC_NSTATES])
{
	static const char * const names[TLC_NSTATES] = {
		NULL, "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1",
		"FIN-WAIT-2", "TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK",
		"LISTEN", "CLOSING", NULL,
	};
	char line[512], st[32];
	FILE *p = popen("ss -tanH", "r");
	int i;

	memset(count, 0, sizeof(uint64_t) * TLC_NSTATES);
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		if (sscanf(line, "%31s", st) != 1)
			continue;
		for (i = 1; i < TLC_NSTATES; i++)
			if (names[i] && !strcmp(st, names[i]))
				count[i]++;
	}
	return pclose(p) ? -1 : 0;
}

/* Wait until every TCP socket of this namespace is in TIME_WAIT or gone. */
static inline int tlc_wait_quiet(int ms)
{
	uint64_t c[TLC_NSTATES];
	int i, busy;

	for (; ms > 0; ms -= 20) {
		tlc_proc_tcp_states(c);
		for (busy = 0, i = 1; i < TLC_NSTATES; i++)
			if (i != S_TIME_WAIT)
				busy += c[i];
		if (!busy)
			return 0;
		tlc_sleep_ms(20);
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* Scenario helpers.                                                  */

/* Write a net.ipv4 sysctl of this namespace. */
static inline int tlc_sysctl(const char *name, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/%s", name);
	return tlc_write_file(path, val);
}

static inline long long tlc_netstat(const char *name)
{
	return tlc_snmp("/proc/net/netstat", "TcpExt", name);
}

/*
 * An nft rule dropping on the input hook of this namespace (table created
 * once): packets leave, and the receiver never sees them, as when the
 * network or the peer loses them.  (Dropped on output, the sender would see
 * its own send fail: the kernel drops a request socket whose SYN-ACK cannot
 * be sent, and retries a keepalive probe sooner.)
 */
static inline int tlc_nft_drop(const char *match)
{
	if (tlc_sh("nft list table inet tlc >/dev/null 2>&1") &&
	    tlc_sh("nft add table inet tlc && nft add chain inet tlc in "
		   "'{ type filter hook input priority 0; }'"))
		return -1;
	return tlc_sh("nft add rule inet tlc in %s drop", match);
}

static inline unsigned short tlc_local_port(int fd)
{
	union tlc_addr a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, &a.sa, &len))
		return 0;
	return ntohs(a.v4.sin_port);
}

/* A connected IPv4 pair on loopback; returns 0 and fills *c, *s. */
static inline int tlc_pair(int lfd, unsigned short port, int *c, int *s)
{
	*c = tlc_connect(AF_INET, port);
	*s = *c < 0 ? -1 : accept(lfd, NULL, NULL);
	return *c < 0 || *s < 0 ? -1 : 0;
}

#endif /* TLC_LIB_H */
