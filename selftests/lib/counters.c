// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own accounting: /proc/net/snmp and netstat counters,
 * the sockets of /proc/net/tcp and of ss.
 */
#include "tlc_lib.h"

long long tlc_snmp(const char *file, const char *prefix, const char *name)
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

long long tlc_netstat(const char *name)
{
	return tlc_snmp("/proc/net/netstat", "TcpExt", name);
}

int tlc_proc_tcp_states(uint64_t count[TLC_NSTATES])
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

int tlc_ss_states(uint64_t count[TLC_NSTATES])
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

int tlc_wait_quiet(int ms)
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
