/*
 * test_backoff.c - unit tests of the retry schedule (backoff.c): doubling,
 * jitter bounds, clamping, Retry-After, and the two give-up rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "huigao.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define RND_MID		0x80000000U	/* no jitter: exactly the middle */
#define HOUR_MS		(3600 * 1000LL)

static const struct retry_policy policy = {
	.base_ms = 1000,
	.max_ms = 60000,
	.max_age_ms = 24 * HOUR_MS,
	.max_attempts = 10,
};

/* The delay after `attempts` for a fresh message, asserting RETRY. */
static int64_t
delay_for(const struct retry_policy *rp, int attempts, int64_t retry_after,
    uint32_t rnd)
{
	int64_t	 d = -1;

	assert_int_equal(backoff_next(rp, attempts, retry_after, 0, rnd, &d),
	    BACKOFF_RETRY);
	return (d);
}

static void
test_backoff_doubles_each_attempt(void **state)
{
	static const int64_t want[] = { 1000, 2000, 4000, 8000, 16000, 32000 };
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(want); i++)
		assert_int_equal(delay_for(&policy, (int)i + 1, -1, RND_MID),
		    want[i]);
}

static void
test_backoff_jitter_within_20_percent(void **state)
{
	uint32_t rnd = 12345;
	int64_t	 d, lo = INT64_MAX, hi = 0;
	int	 i;

	(void)state;
	for (i = 0; i < 100000; i++) {
		rnd = rnd * 1664525U + 1013904223U;	/* an LCG will do */
		d = delay_for(&policy, 3, -1, rnd);
		assert_true(d >= 3200 && d <= 4800);
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	/* the whole range is used, not a corner of it */
	assert_true(lo < 3250 && hi > 4750);
}

static void
test_backoff_jitter_extremes(void **state)
{
	(void)state;
	assert_int_equal(delay_for(&policy, 3, -1, 0), 3200);
	assert_int_equal(delay_for(&policy, 3, -1, UINT32_MAX), 4799);
}

static void
test_backoff_clamped_at_max(void **state)
{
	(void)state;
	assert_int_equal(delay_for(&policy, 7, -1, RND_MID), 60000);
	assert_int_equal(delay_for(&policy, 7, -1, UINT32_MAX), 60000);
	/* even the lowest jitter of a doubled delay stays at max */
	assert_int_equal(delay_for(&policy, 8, -1, 0), 60000);
}

static void
test_backoff_huge_attempts_do_not_overflow(void **state)
{
	struct retry_policy rp = policy;

	(void)state;
	rp.max_attempts = 0;
	assert_int_equal(delay_for(&rp, 64, -1, UINT32_MAX), 60000);
	assert_int_equal(delay_for(&rp, 100000, -1, 0), 60000);
	rp.max_ms = INT64_MAX;
	rp.max_age_ms = 0;
	assert_true(delay_for(&rp, 100000, -1, UINT32_MAX) > 0);
}

static void
test_backoff_retry_after_larger_wins(void **state)
{
	(void)state;
	assert_int_equal(delay_for(&policy, 1, 30000, RND_MID), 30000);
	/* even above max */
	assert_int_equal(delay_for(&policy, 7, 300000, RND_MID), 300000);
}

static void
test_backoff_retry_after_smaller_ignored(void **state)
{
	(void)state;
	assert_int_equal(delay_for(&policy, 3, 500, RND_MID), 4000);
	assert_int_equal(delay_for(&policy, 3, -1, RND_MID), 4000);
	assert_int_equal(delay_for(&policy, 3, 0, RND_MID), 4000);
}

static void
test_backoff_gives_up_after_max_attempts(void **state)
{
	int64_t	 d = -1;

	(void)state;
	assert_int_equal(backoff_next(&policy, 9, -1, 0, RND_MID, &d),
	    BACKOFF_RETRY);
	assert_int_equal(backoff_next(&policy, 10, -1, 0, RND_MID, &d),
	    BACKOFF_GIVEUP_ATTEMPTS);
	assert_int_equal(d, 0);
	assert_int_equal(backoff_next(&policy, 11, -1, 0, RND_MID, &d),
	    BACKOFF_GIVEUP_ATTEMPTS);
}

static void
test_backoff_gives_up_when_too_old(void **state)
{
	int64_t	 d = -1, max_age = policy.max_age_ms;

	(void)state;
	/* the next try (4000 ms) would land exactly at max_age: still fine */
	assert_int_equal(backoff_next(&policy, 3, -1, max_age - 4000, RND_MID,
	    &d), BACKOFF_RETRY);
	assert_int_equal(d, 4000);
	/* one millisecond later it would land after max_age */
	assert_int_equal(backoff_next(&policy, 3, -1, max_age - 3999, RND_MID,
	    &d), BACKOFF_GIVEUP_AGE);
	assert_int_equal(d, 0);
	assert_int_equal(backoff_next(&policy, 1, -1, max_age + 1, RND_MID,
	    &d), BACKOFF_GIVEUP_AGE);
}

static void
test_backoff_retry_after_past_max_age_gives_up(void **state)
{
	int64_t	 d = -1;

	(void)state;
	assert_int_equal(backoff_next(&policy, 1, 25 * HOUR_MS, 0, RND_MID,
	    &d), BACKOFF_GIVEUP_AGE);
}

static void
test_backoff_attempts_checked_before_age(void **state)
{
	int64_t	 d = -1;

	(void)state;
	assert_int_equal(backoff_next(&policy, 10, -1, 48 * HOUR_MS, RND_MID,
	    &d), BACKOFF_GIVEUP_ATTEMPTS);
}

static void
test_backoff_zero_limits_mean_none(void **state)
{
	struct retry_policy rp = policy;
	int64_t	 d = -1;

	(void)state;
	rp.max_attempts = 0;
	rp.max_age_ms = 0;
	assert_int_equal(backoff_next(&rp, 1000, -1, 365 * 24 * HOUR_MS,
	    RND_MID, &d), BACKOFF_RETRY);
	assert_int_equal(d, 60000);
}

static void
test_backoff_verdict_strings(void **state)
{
	(void)state;
	assert_string_equal(backoff_verdict_str(BACKOFF_RETRY), "retry");
	assert_string_equal(backoff_verdict_str(BACKOFF_GIVEUP_ATTEMPTS),
	    "too many attempts");
	assert_string_equal(backoff_verdict_str(BACKOFF_GIVEUP_AGE), "too old");
	assert_string_equal(backoff_verdict_str((enum backoff_verdict)42),
	    "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_doubles_each_attempt),
		cmocka_unit_test(test_backoff_jitter_within_20_percent),
		cmocka_unit_test(test_backoff_jitter_extremes),
		cmocka_unit_test(test_backoff_clamped_at_max),
		cmocka_unit_test(test_backoff_huge_attempts_do_not_overflow),
		cmocka_unit_test(test_backoff_retry_after_larger_wins),
		cmocka_unit_test(test_backoff_retry_after_smaller_ignored),
		cmocka_unit_test(test_backoff_gives_up_after_max_attempts),
		cmocka_unit_test(test_backoff_gives_up_when_too_old),
		cmocka_unit_test(test_backoff_retry_after_past_max_age_gives_up),
		cmocka_unit_test(test_backoff_attempts_checked_before_age),
		cmocka_unit_test(test_backoff_zero_limits_mean_none),
		cmocka_unit_test(test_backoff_verdict_strings),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
