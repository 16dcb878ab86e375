// SPDX-License-Identifier: GPL-2.0
/* watch.c - the sampling loop of watch mode. */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "source.h"
#include "stats.h"
#include "view.h"
#include "watch.h"

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleep until monotonic time @until; 1 if a signal in @set arrived. */
static int wait_until(double until, const sigset_t *set)
{
	for (;;) {
		double left = until - now_mono();
		struct timespec ts;

		if (left <= 0)
			return 0;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		if (sigtimedwait(set, NULL, &ts) > 0)
			return 1;
		if (errno != EAGAIN && errno != EINTR)
			return 0;
	}
}

/* Sample @k: from the proc root, or from "<proc root>.k" in test mode. */
static int load(const struct options *o, uint64_t k, struct snapshot *s,
		struct err *e)
{
	char root[PATH_MAX];
	int r;

	if (!o->test_series)
		return source_load(o->proc_root, o->files, o->optional, NULL, false, s, e);
	if ((size_t)snprintf(root, sizeof(root), "%s.%llu", o->proc_root,
			     (unsigned long long)k) >= sizeof(root))
		return err_set(e, ERR_USAGE, "proc root path too long");
	r = source_load(root, o->files, o->optional, NULL, false, s, e);
	s->wall.tv_sec = o->test_epoch + (time_t)((double)k * o->interval);
	s->wall.tv_nsec = 0;
	return r;
}

int watch_run(const struct options *o, struct err *e)
{
	struct snapshot prev, cur, delta;
	double next;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	/* Blocked for good: a pending Ctrl-C is taken by sigtimedwait() and
	 * ends the loop after a complete sample. */
	if (!o->test_series)
		sigprocmask(SIG_BLOCK, &set, NULL);
	if (load(o, 0, &prev, e))
		return e->code;
	next = now_mono();
	for (uint64_t k = 1; !o->count || k <= o->count; k++) {
		struct view_ctx c = { .f = stdout, .o = o, .s = &delta,
				      .cur = &cur, .delta = true };

		if (!o->test_series) {
			next += o->interval;
			if (next < now_mono()) /* fell behind: don't burst */
				next = now_mono();
			if (wait_until(next, &set))
				break;
		}
		if (load(o, k, &cur, e)) {
			snapshot_free(&prev);
			return e->code;
		}
		c.secs = o->test_series ? o->interval : elapsed_seconds(&prev, &cur);
		c.reset = snapshot_delta(&prev, &cur, &delta);
		view_render(o->view, &c);
		snapshot_free(&prev);
		prev = cur;
		if (fflush(stdout) || ferror(stdout)) {
			snapshot_free(&prev);
			return err_set(e, ERR_IO, "write error: %s", strerror(errno));
		}
	}
	snapshot_free(&prev);
	return 0;
}
