/*
 * test_policy.c - unit tests of policy.c: which role is told of which step,
 * opt-out, the address each channel needs, masking for logs, and the daily
 * sending window (including one across midnight).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "huigao.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define OPENID_64	"0123456789012345678901234567890123456789" \
			"012345678901234567890123"

static struct step_cfg step_filed = {
	.code = "ENF_FILED",
	.label = "执行立案",
	.text = "您申请执行的{case_no}案已立案。",
	.roles = ROLE_APPLICANT | ROLE_AGENT,
};

/* A party with a good address on every channel. */
static struct party
party(const char *role)
{
	struct party	 p = {
		.id = 1,
		.role = role,
		.name = "王小明",
		.phone = "+86 138-1234-5678",
		.wechat_openid = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M",
		.email = "wang@example.org",
	};

	return (p);
}

/* policy_recipient with fixed buffers; the suppression reason in why. */
static int
decide(const struct step_cfg *st, const struct party *p, enum channel ch,
    char *to, char *why)
{
	return (policy_recipient(st, p, ch, to, 64, why, 128));
}

static void
test_policy_roles_table(void **state)
{
	static const struct {
		const char	*role;
		int		 suppressed;
		const char	*reason;
	} t[] = {
		{ "applicant", 0, "" },
		{ "agent", 0, "" },
		{ "respondent", 1,
		    "step ENF_FILED is not notified to role respondent" },
		{ "judge", 1, "unknown party role \"judge\"" },
		{ NULL, 1, "unknown party role \"\"" },
	};
	struct party	 p;
	char		 to[64], why[128];
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		p = party(t[i].role);
		assert_int_equal(decide(&step_filed, &p, CH_SMS, to, why),
		    t[i].suppressed);
		assert_string_equal(why, t[i].reason);
	}
}

static void
test_policy_unknown_step_not_checked_by_role(void **state)
{
	struct party	 p = party("respondent");
	char		 to[64], why[128];

	(void)state;
	assert_int_equal(decide(NULL, &p, CH_SMS, to, why), 0);
	assert_string_equal(to, "13812345678");
}

static void
test_policy_opted_out_is_suppressed(void **state)
{
	struct party	 p = party("applicant");
	char		 to[64], why[128];

	(void)state;
	p.opted_out = 1;
	assert_int_equal(decide(&step_filed, &p, CH_SMS, to, why), 1);
	assert_string_equal(why, "party opted out");
	assert_string_equal(to, "");
}

static void
test_policy_role_checked_before_opt_out(void **state)
{
	struct party	 p = party("respondent");
	char		 to[64], why[128];

	(void)state;
	p.opted_out = 1;
	assert_int_equal(decide(&step_filed, &p, CH_SMS, to, why), 1);
	assert_string_equal(why,
	    "step ENF_FILED is not notified to role respondent");
}

static void
test_policy_sms_phone_table(void **state)
{
	static const struct {
		const char	*phone;
		int		 suppressed;
		const char	*out;		/* recipient or reason */
	} t[] = {
		{ "13812345678", 0, "13812345678" },
		{ "+86 138-1234-5678", 0, "13812345678" },
		{ "0086 (138) 1234 5678", 0, "13812345678" },
		{ "0313-1234567", 1,
		    "no usable phone number: \"031*******67\"" },
		{ "12345", 1, "no usable phone number: \"1***5\"" },
		{ "", 1, "no phone number" },
		{ NULL, 1, "no phone number" },
	};
	struct party	 p = party("applicant");
	char		 to[64], why[128];
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		p.phone = t[i].phone;
		assert_int_equal(decide(&step_filed, &p, CH_SMS, to, why),
		    t[i].suppressed);
		assert_string_equal(t[i].suppressed ? why : to, t[i].out);
	}
}

static void
test_policy_wechat_openid_table(void **state)
{
	static const struct {
		const char	*openid;
		int		 suppressed;
	} t[] = {
		{ "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", 0 },
		{ "oABC-def_123", 0 },
		{ "a", 0 },
		{ "o6_bmjr PTlm6", 1 },
		{ "o6_bmjr/PTlm6", 1 },
		{ "o6_bmjr\nPTlm6", 1 },
		{ "微信", 1 },
		{ "", 1 },
		{ NULL, 1 },
		{ OPENID_64, 0 },
		{ OPENID_64 "4", 1 },
	};
	struct party	 p = party("agent");
	char		 to[80], why[128];
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		p.wechat_openid = t[i].openid;
		if (policy_recipient(&step_filed, &p, CH_WECHAT, to, sizeof(to),
		    why, sizeof(why)) != t[i].suppressed)
			fail_msg("openid \"%s\"", t[i].openid);
		if (!t[i].suppressed)
			assert_string_equal(to, t[i].openid);
	}
	p.wechat_openid = NULL;
	assert_int_equal(decide(&step_filed, &p, CH_WECHAT, to, why), 1);
	assert_string_equal(why, "no WeChat openid");
}

static void
test_policy_email_table(void **state)
{
	static const struct {
		const char	*email;
		int		 suppressed;
	} t[] = {
		{ "wang@example.org", 0 },
		{ "wang.xm+court@mail.example.com.cn", 0 },
		{ "wang@example", 1 },
		{ "wang@@example.org", 1 },
		{ "a@b@example.org", 1 },
		{ "@example.org", 1 },
		{ "wang@.org", 1 },
		{ "wang@example.", 1 },
		{ "wang @example.org", 1 },
		{ "wang@example.org\r\nBcc: x@example.org", 1 },
		{ "wang@example.org,li@example.org", 1 },
		{ "<wang@example.org>", 1 },
		{ "", 1 },
		{ NULL, 1 },
	};
	struct party	 p = party("applicant");
	char		 to[64], why[128];
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		p.email = t[i].email;
		if (decide(&step_filed, &p, CH_EMAIL, to, why) !=
		    t[i].suppressed)
			fail_msg("e-mail \"%s\": %s", t[i].email, why);
		if (!t[i].suppressed)
			assert_string_equal(to, t[i].email);
	}
	p.email = "wang@example";
	assert_int_equal(decide(&step_filed, &p, CH_EMAIL, to, why), 1);
	assert_string_equal(why, "no usable e-mail address: \"wan*******le\"");
}

static void
test_policy_recipient_too_long_for_buffer(void **state)
{
	struct party	 p = party("applicant");
	char		 to[8], why[128];

	(void)state;
	assert_int_equal(policy_recipient(&step_filed, &p, CH_EMAIL, to,
	    sizeof(to), why, sizeof(why)), 1);
	assert_int_equal(policy_recipient(&step_filed, &p, CH_SMS, to,
	    sizeof(to), why, sizeof(why)), 1);
}

static void
test_policy_step_limited_to_some_channels(void **state)
{
	struct step_cfg	 st = step_filed;
	struct party	 p = party("applicant");
	char		 to[64], why[128];

	(void)state;
	st.channels = 1U << CH_SMS;
	assert_int_equal(decide(&st, &p, CH_SMS, to, why), 0);
	assert_int_equal(decide(&st, &p, CH_WECHAT, to, why), 1);
	assert_string_equal(why, "step ENF_FILED is not sent by wechat");
}

static void
test_policy_no_party_or_bad_channel(void **state)
{
	struct party	 p = party("applicant");
	char		 to[64], why[128];

	(void)state;
	assert_int_equal(decide(&step_filed, NULL, CH_SMS, to, why), 1);
	assert_string_equal(why, "no party");
	assert_int_equal(decide(&step_filed, &p, CH_COUNT, to, why), 1);
	assert_string_equal(why, "unknown channel 3");
}

static void
test_policy_mask_table(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;
	} t[] = {
		{ "13812345678", "138****5678" },
		{ "wang@example.org", "w***@example.org" },
		{ "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", "o6_********2M" },
		{ "", "" },
		{ NULL, "" },
	};
	char	 out[64];
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		policy_mask(t[i].in, out, sizeof(out));
		assert_string_equal(out, t[i].want);
	}
}

/* ---- the sending window, in a fixed zone (UTC+8, no DST) ---- */

static int
setup_tz(void **state)
{
	(void)state;
	setenv("TZ", "CST-8", 1);
	tzset();
	return (0);
}

/* Local time to epoch ms. */
static int64_t
at(int y, int mon, int d, int h, int min)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = min;
	tm.tm_isdst = -1;
	return ((int64_t)mktime(&tm) * 1000);
}

static const struct delivery_cfg day_window = {
	.window_start = 8 * 60, .window_end = 20 * 60,
};
static const struct delivery_cfg night_window = {
	.window_start = 20 * 60, .window_end = 8 * 60,
};
static const struct delivery_cfg no_window = {
	.window_start = -1, .window_end = -1,
};

static void
test_policy_window_day(void **state)
{
	(void)state;
	assert_false(policy_in_window(&day_window, at(2024, 6, 30, 7, 59)));
	assert_true(policy_in_window(&day_window, at(2024, 6, 30, 8, 0)));
	assert_true(policy_in_window(&day_window, at(2024, 6, 30, 19, 59)));
	assert_false(policy_in_window(&day_window, at(2024, 6, 30, 20, 0)));
	assert_false(policy_in_window(&day_window, at(2024, 6, 30, 0, 0)));
}

static void
test_policy_window_wraps_midnight(void **state)
{
	(void)state;
	assert_true(policy_in_window(&night_window, at(2024, 6, 30, 20, 0)));
	assert_true(policy_in_window(&night_window, at(2024, 6, 30, 23, 59)));
	assert_true(policy_in_window(&night_window, at(2024, 7, 1, 0, 0)));
	assert_true(policy_in_window(&night_window, at(2024, 7, 1, 7, 59)));
	assert_false(policy_in_window(&night_window, at(2024, 7, 1, 8, 0)));
	assert_false(policy_in_window(&night_window, at(2024, 7, 1, 12, 0)));
}

static void
test_policy_no_window_always_inside(void **state)
{
	int64_t	 ms = at(2024, 6, 30, 3, 0);

	(void)state;
	assert_true(policy_in_window(&no_window, ms));
	assert_int_equal(policy_window_open(&no_window, ms), ms);
}

static void
test_policy_window_open_today_or_tomorrow(void **state)
{
	int64_t	 noon = at(2024, 6, 30, 12, 0) + 1234;

	(void)state;
	assert_int_equal(policy_window_open(&day_window, noon), noon);
	assert_int_equal(policy_window_open(&day_window, at(2024, 6, 30, 6, 0)),
	    at(2024, 6, 30, 8, 0));
	assert_int_equal(policy_window_open(&day_window,
	    at(2024, 6, 30, 21, 0)), at(2024, 7, 1, 8, 0));
	/* across a month and a year end */
	assert_int_equal(policy_window_open(&day_window,
	    at(2024, 12, 31, 20, 0)), at(2025, 1, 1, 8, 0));
}

static void
test_policy_window_open_wrapped(void **state)
{
	int64_t	 late = at(2024, 6, 30, 23, 0);

	(void)state;
	assert_int_equal(policy_window_open(&night_window, late), late);
	assert_int_equal(policy_window_open(&night_window,
	    at(2024, 7, 1, 8, 0)), at(2024, 7, 1, 20, 0));
	assert_int_equal(policy_window_open(&night_window,
	    at(2024, 7, 1, 19, 59)), at(2024, 7, 1, 20, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_roles_table),
		cmocka_unit_test(test_policy_unknown_step_not_checked_by_role),
		cmocka_unit_test(test_policy_opted_out_is_suppressed),
		cmocka_unit_test(test_policy_role_checked_before_opt_out),
		cmocka_unit_test(test_policy_sms_phone_table),
		cmocka_unit_test(test_policy_wechat_openid_table),
		cmocka_unit_test(test_policy_email_table),
		cmocka_unit_test(test_policy_recipient_too_long_for_buffer),
		cmocka_unit_test(test_policy_step_limited_to_some_channels),
		cmocka_unit_test(test_policy_no_party_or_bad_channel),
		cmocka_unit_test(test_policy_mask_table),
		cmocka_unit_test(test_policy_window_day),
		cmocka_unit_test(test_policy_window_wraps_midnight),
		cmocka_unit_test(test_policy_no_window_always_inside),
		cmocka_unit_test(test_policy_window_open_today_or_tomorrow),
		cmocka_unit_test(test_policy_window_open_wrapped),
	};

	return (cmocka_run_group_tests(tests, setup_tz, NULL));
}
