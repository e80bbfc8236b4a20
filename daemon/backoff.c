/*
 * backoff.c - the retry schedule, as a pure function.
 *
 * The delay doubles with each attempt (base, 2*base, 4*base, ...), moves by
 * up to 20% either way so that a burst of failures does not retry in step,
 * stays within [base/2, max], and yields to a longer Retry-After from the
 * gateway. A message gives up after max_attempts attempts, or when the
 * next try would fall after its max_age. The jitter comes from the caller
 * (`rnd`), so every schedule can be replayed in a test.
 *
 * Policy values are validated by cfg.c; here a base below 1 ms counts as
 * 1 ms, a max below base counts as base, and a max_attempts or max_age_ms
 * of 0 or less means no such limit. On a give-up *delay_ms is 0.
 */
#include <stdint.h>

#include "huigao.h"

/* base * 2^(attempts-1), saturating at `cap`. */
static int64_t
backoff_exp(int64_t base, int attempts, int64_t cap)
{
	int64_t	 d = base;

	while (--attempts > 0) {
		if (d > cap / 2)
			return (cap);
		d *= 2;
	}
	return (d < cap ? d : cap);
}

/* d moved by -20%..+20%: rnd 0 gives 0.8*d, UINT32_MAX just under 1.2*d. */
static int64_t
backoff_jitter(int64_t d, uint32_t rnd)
{
	uint64_t	 span = (uint64_t)(d / 5) * 2, off;

	/* span * rnd / 2^32 without overflow */
	off = (span >> 32) * rnd + (((span & 0xffffffffULL) * rnd) >> 32);
	return (d - d / 5 + (int64_t)off);
}

/* The delay before the next attempt, ignoring the give-up rules. */
static int64_t
backoff_delay(const struct retry_policy *rp, int attempts,
    int64_t retry_after_ms, uint32_t rnd)
{
	int64_t	 base, max, d;

	base = rp->base_ms < 1 ? 1 : rp->base_ms;
	max = rp->max_ms < base ? base : rp->max_ms;
	/* twice max is enough: after -20% it still clamps to max */
	d = backoff_exp(base, attempts < 1 ? 1 : attempts,
	    max > INT64_MAX / 2 ? INT64_MAX / 2 : max * 2);
	d = backoff_jitter(d, rnd);
	if (d < base / 2)
		d = base / 2;
	if (d > max)
		d = max;
	if (retry_after_ms > d)
		d = retry_after_ms;
	return (d);
}

/* Retry after *delay_ms, or give up (attempts first, then age). */
enum backoff_verdict
backoff_next(const struct retry_policy *rp, int attempts,
    int64_t retry_after_ms, int64_t age_ms, uint32_t rnd, int64_t *delay_ms)
{
	int64_t	 d;

	*delay_ms = 0;
	if (rp->max_attempts > 0 && attempts >= rp->max_attempts)
		return (BACKOFF_GIVEUP_ATTEMPTS);
	d = backoff_delay(rp, attempts, retry_after_ms, rnd);
	if (age_ms < 0)
		age_ms = 0;
	/* age_ms + d > max_age_ms, without overflow */
	if (rp->max_age_ms > 0 && (age_ms > rp->max_age_ms ||
	    d > rp->max_age_ms - age_ms))
		return (BACKOFF_GIVEUP_AGE);
	*delay_ms = d;
	return (BACKOFF_RETRY);
}

/* A verdict in words, for logs and last_error. */
const char *
backoff_verdict_str(enum backoff_verdict v)
{
	switch (v) {
	case BACKOFF_RETRY:
		return ("retry");
	case BACKOFF_GIVEUP_ATTEMPTS:
		return ("too many attempts");
	case BACKOFF_GIVEUP_AGE:
		return ("too old");
	}
	return ("unknown");
}
