/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the selftest programs share on top of kselftest_harness.h, which
 * must be included first.
 */
#ifndef TLC_HARNESS_H
#define TLC_HARNESS_H

#ifndef __KSELFTEST_HARNESS_H
#error "include kselftest_harness.h before tlc_harness.h"
#endif

/*
 * In a test: skip it unless the module is loaded or loadable from $TLC_KO,
 * then move to a network namespace of its own.
 */
#define TLC_REQUIRE_MODULE() do {					\
	if (tlc_module_ensure())					\
		SKIP(return, "tcp_lifecycle not loaded, $TLC_KO not loadable"); \
	ASSERT_EQ(0, tlc_netns_new());					\
} while (0)

/*
 * The fixture "slow": no state, there only because TEST_F_TIMEOUT() takes
 * a fixture and some tests need more than the harness's default timeout.
 */
#define TLC_FIXTURE_SLOW()						\
	FIXTURE(slow) {							\
		int unused;						\
	};								\
	FIXTURE_SETUP(slow)						\
	{								\
	}								\
	FIXTURE_TEARDOWN(slow)						\
	{								\
	}

#endif /* TLC_HARNESS_H */
