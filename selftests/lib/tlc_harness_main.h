/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The end of a selftest program, in place of TEST_HARNESS_MAIN: the same
 * main(), with every test's timeout multiplied by $TLC_TIMEOUT_SCALE (an
 * integer, default 1).  A slow guest (TCG on a loaded host, a cloud
 * kernel reading its modules over virtiofs) then gets more time before a
 * test is killed; what a test checks does not change.  Include it once,
 * last, after kselftest_harness.h and every TEST().
 */
#ifndef TLC_HARNESS_MAIN_H
#define TLC_HARNESS_MAIN_H

#include <stdlib.h>

int tlc_ksft_main(int argc, char **argv);

#define main tlc_ksft_main
TEST_HARNESS_MAIN
#undef main

static void tlc_scale_timeouts(void)
{
	const char *env = getenv("TLC_TIMEOUT_SCALE");
	struct __fixture_metadata *f;
	struct __test_metadata *t;
	long scale = env ? strtol(env, NULL, 10) : 1;

	if (scale <= 1 || scale > 100)
		return;
	for (f = __fixture_list; f; f = f->next)
		for (t = f->tests; t; t = t->next)
			t->timeout *= scale;
}

int main(int argc, char **argv)
{
	tlc_scale_timeouts();
	return tlc_ksft_main(argc, argv);
}

#endif /* TLC_HARNESS_MAIN_H */
