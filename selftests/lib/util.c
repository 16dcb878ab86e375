// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers: state names, time, shell commands, files, matrices.
 */
#include "tlc_lib.h"

const char * const tlc_state_names[TLC_NSTATES] = {
	NULL, "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
	"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
	"NEW_SYN_RECV",
};

const char * const tlc_reason_names[TLC_NREASONS] = {
	"orderly_active", "orderly_passive", "rst_received",
	"rst_sent_linger0", "rst_sent_unread", "rst_sent_other",
	"retrans_timeout", "keepalive_timeout", "syn_timeout", "refused",
	"fin_wait2_timeout", "netns_teardown", "other", "rst_sent_data",
	"aborted",
};

int tlc_reason_num(const char *name)
{
	int i;

	for (i = 0; i < TLC_NREASONS; i++)
		if (!strcmp(name, tlc_reason_names[i]))
			return i;
	return -1;
}

int tlc_state_num(const char *name)
{
	int i;

	if (!strncmp(name, "TCP_", 4))
		name += 4;
	for (i = 1; i < TLC_NSTATES; i++)
		if (!strcmp(name, tlc_state_names[i]))
			return i;
	return -1;
}

uint64_t tlc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void tlc_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void tlc_pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

int tlc_sh(const char *fmt, ...)
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

int tlc_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

int tlc_sysctl(const char *name, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/%s", name);
	return tlc_write_file(path, val);
}

int tlc_matrix_diff(const char *what_a, const tlc_matrix a,
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

void tlc_matrix_sub(tlc_matrix d, const tlc_matrix after,
		    const tlc_matrix before)
{
	int i, j;

	for (i = 0; i < TLC_NSTATES; i++)
		for (j = 0; j < TLC_NSTATES; j++)
			d[i][j] = after[i][j] - before[i][j];
}
