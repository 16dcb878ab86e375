// SPDX-License-Identifier: GPL-2.0
/*
 * The module: loading it, and reading its /proc and debugfs files.
 */
#include "tlc_lib.h"

/* The format version this test suite reads of @path: keepalive's is 2. */
static const char *tlc_version_line(const char *path)
{
	const char *base = strrchr(path, '/');

	return base && !strcmp(base, "/keepalive") ? "version 2\n" :
						     "version 1\n";
}

FILE *tlc_open_versioned(const char *path)
{
	char line[64];
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	if (!fgets(line, sizeof(line), f) || strcmp(line, tlc_version_line(path))) {
		fprintf(stderr, "%s: bad version line\n", path);
		fclose(f);
		errno = EPROTO;
		return NULL;
	}
	return f;
}

int tlc_module_loaded(void)
{
	return access(TLC_PROC "/states", R_OK) == 0;
}

int tlc_module_reload(const char *params)
{
	const char *ko = getenv("TLC_KO");

	if (!ko)
		return -1;
	tlc_sh("rmmod tcp_lifecycle 2>/dev/null");
	if (tlc_sh("insmod '%s' %s", ko, params))
		return -1;
	return tlc_module_loaded() ? 0 : -1;
}

int tlc_module_ensure(void)
{
	if (tlc_module_loaded())
		return 0;
	return tlc_module_reload("");
}

int tlc_read_matrix(const char *file, tlc_matrix m)
{
	return tlc_read_matrix_at(TLC_PROC, file, m);
}

int tlc_read_matrix_at(const char *dir, const char *file, tlc_matrix m)
{
	char from[32], to[32], line[256], path[128];
	unsigned long long n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
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

int tlc_read_transitions(tlc_matrix m)
{
	return tlc_read_matrix("transitions_raw", m);
}

int tlc_read_hist(struct tlc_hist h[TLC_NSTATES])
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

int tlc_read_states(struct tlc_state_row r[TLC_NSTATES])
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

long long tlc_read_key(const char *path, const char *key)
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

long long tlc_read_reason(const char *name)
{
	FILE *f = tlc_open_versioned(TLC_PROC "/reasons");
	unsigned long long c, u;
	char line[2048], k[64];
	long long n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %llu %llu", k, &c, &u) == 3 &&
		    !strcmp(k, name))
			n = c + u;
	fclose(f);
	return n;
}

long long tlc_probes_missed(void)
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

long long tlc_probe_hits(const char *name)
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
