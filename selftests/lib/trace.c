// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own view of state changes: the sock:inet_sock_set_state
 * tracepoint, through tracefs.
 */
#include "tlc_lib.h"

#define TLC_EVENT "events/sock/inet_sock_set_state/"

const char *tlc_tracefs(void)
{
	if (!access("/sys/kernel/tracing/trace", F_OK))
		return "/sys/kernel/tracing";
	return "/sys/kernel/debug/tracing";
}

int tlc_tracefs_write(const char *file, const char *s)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tlc_tracefs(), file);
	return tlc_write_file(path, s);
}

int tlc_trace_start(void)
{
	return tlc_trace_start_filter(NULL);
}

int tlc_trace_start_filter(const char *extra)
{
	char filter[512];

	snprintf(filter, sizeof(filter), "protocol == 6%s%s%s",
		 extra ? " && (" : "", extra ? extra : "", extra ? ")" : "");
	/*
	 * No comm recording: with it, every event enable registers probes on
	 * sched_switch and sched_wakeup, patching a static branch in
	 * __schedule() that idle CPUs run all the time.  Under multi-threaded
	 * TCG one such patch left a stale int3 behind (an "Oops: int3" in
	 * __schedule on 6.12, 2026-12-03); the oracle needs no comms.
	 */
	tlc_tracefs_write("options/record-cmd", "0");
	if (tlc_tracefs_write("tracing_on", "0") ||
	    tlc_tracefs_write("buffer_size_kb", "4096") ||
	    tlc_tracefs_write("trace", "") ||
	    tlc_tracefs_write(TLC_EVENT "filter", filter) ||
	    tlc_tracefs_write(TLC_EVENT "enable", "1") ||
	    tlc_tracefs_write("tracing_on", "1"))
		return -1;
	return 0;
}

int tlc_trace_stop(tlc_matrix m)
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
