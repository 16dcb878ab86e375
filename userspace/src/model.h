/* SPDX-License-Identifier: GPL-2.0 */
/*
 * model.h - in-memory form of the /proc/net/tcp_lifecycle files (format
 * version 1, Documentation/tcp_lifecycle.rst).
 *
 * One struct snapshot holds everything read at one instant.  Each file has a
 * FILE_* bit; a view asks only for the files it needs.  Adding a file means:
 * a bit here, its data in struct snapshot, a parser in parse*.c and a line in
 * the file table (parse.c).
 */
#ifndef TCPLC_MODEL_H
#define TCPLC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define FORMAT_VERSION 1 /* newest file format version this reader knows */
/* ... of the keepalive file: 2 moved its idle histograms to keepalive_idle */
#define KEEPALIVE_FORMAT_VERSION 2

/* TCP states in kernel order; index = tcp_states.h number - 1. */
enum tcp_state {
	TS_ESTABLISHED,
	TS_SYN_SENT,
	TS_SYN_RECV,
	TS_FIN_WAIT1,
	TS_FIN_WAIT2,
	TS_TIME_WAIT,
	TS_CLOSE,
	TS_CLOSE_WAIT,
	TS_LAST_ACK,
	TS_LISTEN,
	TS_CLOSING,
	TS_NEW_SYN_RECV,
	TS_COUNT
};

#define ALL_STATES ((1u << TS_COUNT) - 1)

/* Why connections end: the reasons file's lines, in its order. */
enum close_reason {
	RS_ORDERLY_ACTIVE,
	RS_ORDERLY_PASSIVE,
	RS_RST_RECEIVED,
	RS_RST_SENT_LINGER0,
	RS_RST_SENT_UNREAD,
	RS_RST_SENT_OTHER,
	RS_RETRANS_TIMEOUT,
	RS_KEEPALIVE_TIMEOUT,
	RS_SYN_TIMEOUT,
	RS_REFUSED,
	RS_FIN_WAIT2_TIMEOUT,
	RS_NETNS_TEARDOWN,
	RS_OTHER,
	RS_RST_SENT_DATA,	/* later in version 1: may be missing */
	RS_ABORTED,
	RS_COUNT
};
#define RS_REQUIRED (RS_OTHER + 1) /* in every version 1 reasons file */

#define ALL_REASONS ((1u << RS_COUNT) - 1)

/* log2 buckets: bucket N holds 2^N <= d < 2^(N+1) ns (0 also holds d=0);
 * the last bucket also holds everything longer. */
#define HIST_BUCKETS 48

/* File table order (parse.c); new files go at the end. */
enum file_bit {
	FILE_STATES = 1u << 0,
	FILE_TRANSITIONS = 1u << 1,
	FILE_HIST = 1u << 2,
	FILE_COUNTERS = 1u << 3,
	FILE_TRANSITIONS_RAW = 1u << 4,
	FILE_REASONS = 1u << 5,
	FILE_SOCKETS = 1u << 6,
	FILE_KEEPALIVE = 1u << 7,
	FILE_RESETS = 1u << 8,
	FILE_LISTENERS = 1u << 9,
	FILE_CGROUPS = 1u << 10,
	FILE_KEEPALIVE_IDLE = 1u << 11,
};

/*
 * The resets file: resets sent by the kernel's own reason (6.10+), named
 * as the kernel names them; a reader knows none of the names in advance.
 */
#define RESETS_MAX 64     /* the kernel has 40 or so */
#define RESET_NAME_MAX 48 /* with the NUL */

struct reset_row {
	char name[RESET_NAME_MAX];
	uint64_t count;
};

struct resets {
	size_t n;
	struct reset_row row[RESETS_MAX];
};

/*
 * Known counters of the counters file; unknown names are ignored.  The
 * first CTR_REQUIRED are in every version 1 file; the others came later in
 * version 1 and may be missing (snapshot.ctr_have tells).
 */
enum counter_id {
	CTR_TRANSITIONS,
	CTR_TRACKED,
	CTR_UNTRACKED,
	CTR_SYNRECV_UNTRACKED,
	CTR_TW_EXPIRED,
	CTR_TW_REUSED_CONNECT,
	CTR_TW_REUSED_SYN,
	CTR_TW_KILLED_RST,
	CTR_TW_RST_SENT,
	CTR_TW_NETNS,
	CTR_TW_OTHER,
	CTR_SYNRECV_CREATED,
	CTR_SYNRECV_SYNACK_RETRANS,
	CTR_SYNRECV_COMPLETED,
	CTR_SYNRECV_TIMEOUT,
	CTR_SYNRECV_RST,
	CTR_SYNRECV_LISTENER_CLOSED,
	CTR_SYNRECV_NETNS,
	CTR_SYNRECV_DROPPED_OTHER,
	CTR_PORT_EXHAUSTED,
	CTR_PASSIVE_REQSK,
	CTR_PASSIVE_SYNCOOKIE,
	CTR_PASSIVE_FASTOPEN,
	CTR_COUNT
};
#define CTR_REQUIRED 3 /* transitions, tracked, untracked */

enum counter_section { SEC_TRACKING, SEC_TIMEWAIT, SEC_SYNRECV, SEC_PASSIVE,
		       SEC_PORTS, SEC_COUNT };

struct counter_desc {
	const char *name;   /* name in the counters file and in JSON */
	bool gauge;         /* a current value, not a cumulative count */
	enum counter_section section;
	const char *metric; /* Prometheus metric name (without prefix) */
	const char *how;    /* value of the metric's "how" label, or NULL */
	const char *help;   /* Prometheus HELP of the metric */
};

/*
 * The keepalive file's "name value" lines (all in every file, but
 * established_untracked, from version 2 on; unknown names are ignored),
 * then its histograms.
 */
enum ka_value {
	KA_TIME,             /* net.ipv4.tcp_keepalive_time, ns */
	KA_INTVL,            /* net.ipv4.tcp_keepalive_intvl, ns */
	KA_PROBES,           /* net.ipv4.tcp_keepalive_probes */
	KA_RETRIES2,         /* net.ipv4.tcp_retries2 */
	KA_SYN_RETRIES,      /* net.ipv4.tcp_syn_retries */
	KA_WORST_KEEPALIVE,  /* worst_detect_*: ns, implied by the settings */
	KA_WORST_RETRANS,
	KA_WORST_SYN,
	KA_TIMER_RUNS,       /* keepalive timer expiries, then what they did */
	KA_TIMER_SENT_PROBE,
	KA_TIMER_NOT_DUE,
	KA_TIMER_IN_FLIGHT,
	KA_TIMER_FIN_WAIT2,
	KA_TIMER_KILLED,
	KA_TIMER_OTHER,
	KA_PROBES_SENT,
	KA_PROBES_ANSWERED,
	KA_EST_ON,           /* tracked ESTABLISHED sockets with SO_KEEPALIVE */
	KA_EST_OFF,          /* ... and without */
	KA_EST_UNTRACKED,    /* established, not tracked (version 2 on) */
	KA_COUNT
};
#define KA_FIRST_OUTCOME KA_TIMER_SENT_PROBE
#define KA_LAST_OUTCOME KA_TIMER_OTHER

struct ka_desc {
	const char *name;  /* in the keepalive file */
	bool gauge;        /* a setting or a current value, not a count */
};

/* How a dead peer was found: "detect NAME" histograms, in file order. */
enum detect_way { DW_KEEPALIVE, DW_RETRANS, DW_SYN, DW_COUNT };
/* Idle time of the ESTABLISHED sockets now: "idle NAME" histograms. */
enum idle_kind { KI_ON, KI_OFF, KI_COUNT };

struct state_row {
	uint64_t entered, exited, timed, untimed, now;
	uint64_t oldest; /* ns the longest-staying tracked socket has been here */
};

struct hist_row {
	uint64_t count, sum, min, max; /* ns */
	uint64_t bucket[HIST_BUCKETS];
};

struct reason_row {
	struct hist_row life; /* lifetimes of the ends whose birth was known */
	uint64_t unknown;     /* ends whose lifetime is unknown */
};

struct keepalive {
	uint64_t v[KA_COUNT];               /* enum ka_value */
	struct hist_row detect[DW_COUNT];   /* time from the peer's last segment
					     * (SYN: from connect()) to the abort */
	struct hist_row idle[KI_COUNT];     /* a gauge: the sockets there now */
	bool have_untracked;                /* v[KA_EST_UNTRACKED] was read */
	bool have_idle;                     /* idle[] was read: keepalive version
					     * 1, or keepalive_idle (root's) */
};

/* One line of the sockets file. */
enum addr_family { ADDR_NONE, ADDR_V4, ADDR_V6 }; /* ADDR_NONE: "-" */

struct sock_addr {
	uint8_t family; /* enum addr_family */
	uint8_t a[16];  /* network order; IPv4 in the first 4 bytes */
	uint16_t port;
};

#define SOCK_COMM_MAX 64 /* longest command name accepted, with its NUL */

enum sock_known { SK_AGE = 1, SK_LIFETIME = 2, SK_PID = 4, SK_COOKIE = 8 };

struct sock_row {
	uint64_t age, lifetime, cookie; /* ns, ns, socket cookie */
	uint32_t pid;
	uint8_t state;                  /* enum tcp_state */
	uint8_t known;                  /* SK_* of the fields not "-" */
	struct sock_addr local, remote;
	char comm[SOCK_COMM_MAX];       /* "" when unknown */
};

/*
 * Which sockets to keep, as the module's filter does (all zero: all):
 * those in @state, in it for at least @min_age_ns, that match @expr.
 */
struct sock_expr; /* filter.h */

struct sock_filter {
	const struct sock_expr *expr; /* the view's filter expression, or NULL */
	bool has_state;
	bool has_min_age;
	uint8_t state;       /* enum tcp_state */
	uint64_t min_age_ns; /* to the module in ms, rounded down */
};

struct sock_list {
	struct sock_row *rows; /* malloc'ed; snapshot_free() frees it */
	size_t n, cap;
	size_t lines;          /* socket lines in the file, before filtering */
};

/*
 * The listeners file: one row per listening socket (by id), then the
 * "closed" and "untracked" rows.  Numbers a row does not have ("-") have
 * their bit clear in @known.  Reasons a reader does not know are skipped.
 */
enum listener_col {
	LC_REQ_CREATED,
	LC_REQ_COMPLETED,
	LC_REQ_TIMEOUT,
	LC_REQ_RST,
	LC_REQ_OTHER,
	LC_REQ_NOW,
	LC_REQ_OLDEST,        /* ns */
	LC_SYNACK_RETRANS,
	LC_COOKIES_SENT,
	LC_OVERFLOWS,
	LC_DROPS,
	LC_ACCEPTQ,
	LC_ACCEPTQ_MAX,
	LC_ACCEPTED,
	LC_ESTAB_NOW,
	LC_CLOSE_WAIT_NOW,
	LC_CLOSE_WAIT_OLDEST, /* ns */
	LC_COUNT
};

enum row_kind { ROW_ENTRY, ROW_CLOSED, ROW_UNTRACKED, ROW_OTHER };

#define LISTENER_ADDR_MAX 48 /* "[1111:...:8888]:65535" with its NUL */

struct listener_row {
	uint64_t id;                    /* ROW_ENTRY only */
	uint8_t kind;                   /* enum row_kind: ENTRY, CLOSED, UNTRACKED */
	struct sock_addr local;         /* family ADDR_NONE for "-" */
	char local_text[LISTENER_ADDR_MAX]; /* as the file wrote it, or "-" */
	uint32_t known;                 /* bit c: column c was a number */
	uint64_t v[LC_COUNT];
	uint64_t reasons[RS_COUNT];     /* its children's ends */
};

struct listener_list {
	struct listener_row *rows;      /* malloc'ed; snapshot_free() frees it */
	size_t n, cap;
};

/*
 * The cgroups file: one row per cgroup v2 (by id), then "other".  @path
 * is the cgroup's directory below the cgroup root ("/" for the root
 * itself), found by its inode number; NULL if not found.
 */
struct cgroup_row {
	uint64_t id;                    /* ROW_ENTRY only */
	uint8_t kind;                   /* ROW_ENTRY or ROW_OTHER */
	bool has_cw_oldest;
	uint64_t opened, ended, cw_oldest;
	uint64_t now[TS_COUNT];         /* its full sockets by state now */
	uint64_t reasons[RS_COUNT];
	char *path;                     /* malloc'ed, or NULL */
};

struct cgroup_list {
	struct cgroup_row *rows;        /* malloc'ed; snapshot_free() frees it */
	size_t n, cap;
};

/*
 * Where cgroup ids are looked up: the cgroup v2 mount, a directory whose
 * subdirectories' inode numbers are the ids.  Set once in main (default:
 * sys/fs/cgroup beside the proc root: /sys/fs/cgroup for /proc).  NULL:
 * ids are not resolved.
 */
extern const char *cgroup_root;

struct snapshot {
	unsigned have;             /* FILE_* bits that were read */
	unsigned left_out;         /* FILE_* bits missing or damaged (partial) */
	struct timespec wall;      /* CLOCK_REALTIME when read */
	struct timespec mono;      /* CLOCK_MONOTONIC when read */
	struct state_row states[TS_COUNT];
	bool has_oldest;           /* the states file had an "oldest" column */
	uint64_t trans[TS_COUNT][TS_COUNT];     /* [from][to], lifecycle view */
	uint64_t trans_raw[TS_COUNT][TS_COUNT]; /* [from][to], kernel's view */
	struct hist_row hist[TS_COUNT];
	struct reason_row reasons[RS_COUNT];
	uint32_t rs_have;          /* bit r: reason r was in the file */
	uint64_t counters[CTR_COUNT];
	uint32_t ctr_have;         /* bit i: counter i was in the file */
	struct keepalive ka;
	struct resets resets;      /* no rows: the kernel gives no reasons */
	struct sock_filter filter; /* input of the sockets parser */
	struct sock_list sockets;  /* the sockets that passed the filter */
	struct listener_list listeners;
	struct cgroup_list cgroups;
};

extern const char *const state_names[TS_COUNT];
extern const char *const reason_names[RS_COUNT];
extern const struct counter_desc counter_descs[CTR_COUNT];
extern const char *const section_names[SEC_COUNT];
extern const struct ka_desc ka_descs[KA_COUNT];
extern const char *const detect_names[DW_COUNT]; /* keepalive retrans syn */
extern const char *const idle_names[KI_COUNT];   /* keepalive_on keepalive_off */

/* Exact (case-sensitive) name as used in the files; -1 if unknown. */
int state_lookup(const char *name, size_t len);
int reason_lookup(const char *name, size_t len);
/* Lenient lookups for command-line arguments: case-insensitive, '-' == '_'. */
int state_lookup_arg(const char *arg);
int reason_lookup_arg(const char *arg);

static inline bool have_counter(const struct snapshot *s, int id)
{
	return s->ctr_have & (1u << id);
}

static inline bool have_reason(const struct snapshot *s, int r)
{
	return s->rs_have & (1u << r);
}

/* Is @r's age at least the filter's minimum, its state the filter's, and
 * does it match the filter's expression? */
bool sock_filter_match(const struct sock_filter *f, const struct sock_row *r);

void cgroup_list_free(struct cgroup_list *l);
/* Set the rows' paths from their ids, walking the cgroup tree at @root
 * (NULL: nothing); rows not found keep path NULL (cgroup.c). */
void cgroups_resolve(struct cgroup_list *l, const char *root);

/* Free what the parsers allocated (sockets, listeners, cgroups); @s stays
 * usable. */
void snapshot_free(struct snapshot *s);

#endif
