/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-socket tracking: when did each socket enter its current state, when
 * was it born, who owns it.  Keys are full sockets, timewait sockets and
 * request sockets alike (their addresses, with their cookies as identity).
 */
#ifndef _TLC_TRACK_H
#define _TLC_TRACK_H

#include <linux/atomic.h>
#include <linux/sched.h>
#include <linux/types.h>

struct net;

enum tlc_kind {
	TLC_KIND_FULL,		/* struct sock */
	TLC_KIND_TW,		/* struct inet_timewait_sock */
	TLC_KIND_REQ,		/* struct request_sock, NEW_SYN_RECV */
	TLC_KIND_HANDOVER,	/* full socket whose life a timewait sock took */
};

/* Why a socket is about to close, noted before the close happens. */
enum tlc_hint {
	TLC_HINT_NONE,
	TLC_HINT_RST_RECEIVED,
	TLC_HINT_LINGER0,
	TLC_HINT_UNREAD,
	TLC_HINT_DISCONNECT,
	TLC_HINT_RST_SENT_DATA,	/* data after close: the kernel resets */
};

/**
 * struct tlc_sock_info - what the table knows about one socket
 * @state_ts: ktime_get_ns() when it entered @state
 * @birth_ts: ktime_get_ns() of its birth, 0 if unknown (predates the module)
 * @pid: tgid of the process that connected, listened or accepted; 0 unknown
 * @comm: that process's command
 * @state: its TCP state (for timewait sockets, the substate)
 * @kind: enum tlc_kind
 * @hint: enum tlc_hint (full sockets)
 * @flags: TLC_SF_* bits (full sockets)
 * @cg_row: a timewait socket's connection's row in the cgroups table
 *	(tlc_cgroups_handover()), in place of the two above, which only full
 *	sockets use: the timewait socket has no cgroup of its own
 */
struct tlc_sock_info {
	u64 state_ts;
	u64 birth_ts;
	u32 pid;
	char comm[TASK_COMM_LEN];
	u8 state;
	u8 kind;
	union {
		struct {
			u8 hint;
			u8 flags;
		};
		u16 cg_row;
	};
};

/* A keepalive probe is outstanding (sent, not yet known to be answered). */
#define TLC_SF_KA_PROBING	0x01
/* A request socket's child, not yet known to own the request. */
#define TLC_SF_CHILD_PENDING	0x02
/* A listener's child (born LISTEN -> SYN_RECV). */
#define TLC_SF_PASSIVE		0x04
/*
 * In ESTABLISHED: counted as having SOCK_KEEPOPEN (set as it entered
 * ESTABLISHED, then as tcp_set_keepalive() changes it).
 */
#define TLC_SF_KA_ON		0x08

int tlc_track_init(unsigned int max_tracked);
void tlc_track_exit(void);

bool tlc_track_insert(const void *key, const struct net *net,
		      const struct tlc_sock_info *info);
bool tlc_track_insert_as(const void *key, const void *id,
			 const struct net *net,
			 const struct tlc_sock_info *info);
bool tlc_track_get(const void *key, struct tlc_sock_info *info);
bool tlc_track_remove(const void *key, struct tlc_sock_info *info);
bool tlc_track_set_state(const void *key, int state, u64 now, u8 ka_on,
			 struct tlc_sock_info *before);
bool tlc_track_move_state(const void *key, int from, int to, u64 now,
			  struct tlc_sock_info *before);
bool tlc_track_lookup(const void *key, const struct net *net, u64 cookie,
		      u8 kind, struct tlc_sock_info *info);
bool tlc_track_set_hint(const void *key, u8 hint);
bool tlc_track_set_owner(const void *key, u32 pid, const char *comm);
bool tlc_track_update_flags(const void *key, u8 set, u8 clear, u8 *old);

typedef void (*tlc_walk_fn)(const void *key, const struct tlc_sock_info *info,
			    void *arg);
void tlc_track_walk(const struct net *net, tlc_walk_fn fn, void *arg);
void tlc_track_walk_bucket(unsigned int bucket, const struct net *net,
			   tlc_walk_fn fn, void *arg);
unsigned int tlc_track_buckets(void);

void tlc_track_purge_net(const struct net *net);

unsigned int tlc_track_capacity(void);
unsigned int tlc_track_used(void);
u64 tlc_track_stale(void);

extern atomic_t tlc_track_fault_keep;

#endif /* _TLC_TRACK_H */
