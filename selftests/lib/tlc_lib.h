/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The library shared by the tcp_lifecycle selftests (the .c files of lib/,
 * built once into libtlc.a): reading the module's /proc files, the kernel's
 * independent accounting (the sock:inet_sock_set_state tracepoint,
 * /proc/net/snmp, /proc/net/tcp), network namespaces, and small TCP
 * workloads on loopback.  One section per file below.
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

/* "ESTABLISHED"... by kernel state number; [0] is NULL. */
extern const char * const tlc_state_names[TLC_NSTATES];

/* The close reasons, in the order of the reasons file. */
#define TLC_NREASONS	15
extern const char * const tlc_reason_names[TLC_NREASONS];

typedef uint64_t tlc_matrix[TLC_NSTATES][TLC_NSTATES];

struct tlc_hist {
	uint64_t count, sum, min, max;
	uint64_t bucket[TLC_BUCKETS];
};

struct tlc_state_row {
	uint64_t entered, exited, timed, untimed, now, oldest;
};

union tlc_addr {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

/*
 * lib/util.c: small helpers: state and reason names, time, shell commands,
 * files, sysctls, transition matrices.
 */

int tlc_state_num(const char *name);

/* A close reason's index in tlc_reason_names, -1 if unknown. */
int tlc_reason_num(const char *name);

uint64_t tlc_now_ns(void);

void tlc_sleep_ms(unsigned int ms);

/*
 * Keep the calling thread on CPU 0: for scenarios that need the slab to
 * hand a freed socket's memory out again on the same CPU, or the kernel's
 * per-CPU counters to move on one CPU.
 */
void tlc_pin_cpu0(void);

/* Run a shell command; returns its exit status (or -1). */
int tlc_sh(const char *fmt, ...);

int tlc_write_file(const char *path, const char *s);

/* Write a net.ipv4 sysctl of this namespace. */
int tlc_sysctl(const char *name, const char *val);

/* Print every pair where the two matrices differ; returns the count. */
int tlc_matrix_diff(const char *what_a, const tlc_matrix a,
		    const char *what_b, const tlc_matrix b);

void tlc_matrix_sub(tlc_matrix d, const tlc_matrix after,
		    const tlc_matrix before);

/*
 * lib/proc.c: the module: loading it, reading its /proc and debugfs files.
 */

/* Opens a /proc file and checks its version line (keepalive: 2, else 1). */
FILE *tlc_open_versioned(const char *path);

int tlc_module_loaded(void);

/*
 * Load the module from $TLC_KO with extra parameters (may be ""), unloading
 * it first if loaded.  Returns 0 when /proc/net/tcp_lifecycle is there.
 */
int tlc_module_reload(const char *params);

/* The module must be loaded; load it from $TLC_KO if it is not. */
int tlc_module_ensure(void);

/* file: "transitions" (the life of connections) or "transitions_raw". */
int tlc_read_matrix(const char *file, tlc_matrix m);
/* The same, from another namespace's directory (/proc/PID/net/tcp_lifecycle). */
int tlc_read_matrix_at(const char *dir, const char *file, tlc_matrix m);

/* The kernel's own state changes, as the tracepoint sees them. */
int tlc_read_transitions(tlc_matrix m);

int tlc_read_hist(struct tlc_hist h[TLC_NSTATES]);

int tlc_read_states(struct tlc_state_row r[TLC_NSTATES]);

/* "name value" files: counters, and the debugfs status. */
long long tlc_read_key(const char *path, const char *key);

/* Ends of one close reason (timed + unknown lifetime): 0 if none. */
long long tlc_read_reason(const char *name);

/* Sum of the kprobes' missed counts in the debugfs status, or -1. */
long long tlc_probes_missed(void);

/* Hits of one probe (or the tracepoint) since the load, -1 if not found. */
long long tlc_probe_hits(const char *name);

/*
 * lib/counters.c: the kernel's own accounting: /proc/net/snmp and netstat
 * counters, the sockets of /proc/net/tcp and of ss.
 */

/* A "Tcp:" or "TcpExt:" counter from /proc/net/snmp or /proc/net/netstat. */
long long tlc_snmp(const char *file, const char *prefix, const char *name);

long long tlc_netstat(const char *name);

/*
 * Count this namespace's TCP sockets per state from /proc/net/tcp and
 * /proc/net/tcp6 (the kernel's own listing, as ss without netlink).
 */
int tlc_proc_tcp_states(uint64_t count[TLC_NSTATES]);

/* Count this namespace's TCP sockets per state as `ss -tan` shows them. */
int tlc_ss_states(uint64_t count[TLC_NSTATES]);

/* Wait until every TCP socket of this namespace is in TIME_WAIT or gone. */
int tlc_wait_quiet(int ms);

/*
 * lib/trace.c: the kernel's own view of state changes: the
 * sock:inet_sock_set_state tracepoint, through tracefs.
 */

const char *tlc_tracefs(void);

int tlc_tracefs_write(const char *file, const char *s);

/* Start recording TCP state changes (all namespaces) into a clean buffer. */
int tlc_trace_start(void);
/* The same, only for the events that also match @extra (ftrace syntax). */
int tlc_trace_start_filter(const char *extra);

/*
 * Stop recording and count what was recorded per (old, new) pair.  Fails if
 * the buffer lost events (entries-in-buffer != entries-written).
 */
int tlc_trace_stop(tlc_matrix m);

/*
 * lib/sock.c: network namespaces, loopback sockets, nft rules.
 */

int tlc_lo_up(void);

/* Move this process into a new network namespace with lo up. */
int tlc_netns_new(void);

socklen_t tlc_loopback(int family, unsigned short port, union tlc_addr *a);

/* A listener on loopback; *port gets its (ephemeral) port. */
int tlc_listen(int family, unsigned short *port, int backlog);

/* A blocking connect to loopback:port; returns the fd, or -1 (errno). */
int tlc_connect(int family, unsigned short port);

/* Wait (up to ms) until fd is readable and read to EOF or error. */
int tlc_wait_eof(int fd, int ms);

void tlc_linger0(int fd);

unsigned short tlc_local_port(int fd);

/* A connected IPv4 pair on loopback; returns 0 and fills *c, *s. */
int tlc_pair(int lfd, unsigned short port, int *c, int *s);

/*
 * A pair ended by the client's close() with linger 0: rst_sent_linger0
 * (client), rst_received (server).
 */
int tlc_pair_linger0(int lfd, unsigned short port);

/*
 * A pair ended by the server's close() with data not read:
 * rst_sent_unread (server), rst_received (client).
 */
int tlc_pair_unread(int lfd, unsigned short port);

/*
 * An nft rule dropping on the input hook of this namespace (table created
 * once): packets leave, and the receiver never sees them, as when the
 * network or the peer loses them.  (Dropped on output, the sender would see
 * its own send fail: the kernel drops a request socket whose SYN-ACK cannot
 * be sent, and retries a keepalive probe sooner.)
 */
int tlc_nft_drop(const char *match);

/*
 * lib/conserve.c: the conservation laws of one namespace, at quiescence
 * (it waits up to 10 s for the files to stop changing; TIME_WAIT may
 * remain, it is counted in `now`).  For a namespace whose sockets were all
 * born with the module loaded (a fresh one): every state's entered -
 * exited == now, now == ss -tan, synrecv_created == completions + ends +
 * NEW_SYN_RECV now (a child that lost its request completes nothing),
 * children by birth path == PassiveOpens, one end reason per ended
 * connection, born == ended + alive, timewait ends == TIME_WAIT exits, and
 * nothing lost in the debugfs status since the baseline (module-wide:
 * stale entries, probes' missed, lost_* lines).  One KTAP result per law.
 */

/*
 * The debugfs baseline: a copy of the status file (NULL: none, every loss
 * since the load counts).  A program linking this starts with the status
 * as it found it, so that what earlier programs lost stays theirs.
 */
void tlc_conserve_baseline(const char *status);

/*
 * In namespace nsfd (-1: the current one), back in the caller's after.
 * ktap_n NULL: results as "# ok 0 conservation LABEL: LAW" diagnostics
 * (inside a kselftest_harness test); else KTAP results numbered from
 * *ktap_n + 1.  Returns the number of laws that failed (skips aside).
 */
int tlc_conserve_run(int nsfd, const char *label, int *ktap_n);

/* The same as diagnostics: EXPECT_EQ(0, tlc_check_conservation(-1, "x")). */
int tlc_check_conservation(int nsfd, const char *label);

#endif /* TLC_LIB_H */
