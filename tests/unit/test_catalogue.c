/*
 * test_catalogue.c - checks config/steps.conf, the default step catalogue:
 * the 66 step codes of reference/domain.md §3 in order, the roles told of
 * each, and that every text renders with sample values and fits one SMS
 * part with the 9-character signature and a 17-character case number.
 * Run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "huigao.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define CATALOGUE	"config/steps.conf"
#define SIGNATURE	"【沽源县人民法院】"
#define CASE_NO		"(2024)冀0724执1234号"

#define A	(ROLE_APPLICANT | ROLE_AGENT)
#define R	ROLE_RESPONDENT
#define AR	(A | R)

/* domain.md §3, in the table's order, with the notified roles. */
static const struct {
	const char	*code;
	unsigned	 roles;
} steps[] = {
	{ "TRK_JUDGMENT_EFFECTIVE", A }, { "TRK_REVIEW", 0 },
	{ "TRK_VERIFY_REQUEST", A }, { "TRK_PROPERTY_CHECK", 0 },
	{ "TRK_URGE_NOTICE", R }, { "TRK_CREDIT_WARNING", R },
	{ "TRK_APPLY_GUIDE", A }, { "TRK_LIMITATION_REMINDER", A },
	{ "TRK_PERFORMED", AR },
	{ "ENF_FILED", A }, { "ENF_JUDGE_CHANGED", A },
	{ "ENF_NOTICE_ISSUED", A }, { "ENF_NOTICE_TO_DEBTOR", R },
	{ "ENF_PROPERTY_REPORTED", A }, { "ENF_PROPERTY_REPORT_OVERDUE", A },
	{ "ENF_NET_QUERY_SENT", A }, { "ENF_NET_QUERY_RESULT", A },
	{ "ENF_CLUE_VERIFIED", A }, { "ENF_DEPOSIT_FROZEN", A },
	{ "ENF_DEPOSIT_DEDUCTED", A }, { "ENF_INCOME_WITHHELD", A },
	{ "ENF_ASSET_SEALED", A }, { "ENF_ASSET_SEIZED", A },
	{ "ENF_RIGHT_FROZEN", A }, { "ENF_CONTROL_EXPIRING", A },
	{ "ENF_CONTROL_RELEASED", A }, { "ENF_SEARCH", A },
	{ "ENF_REWARD_NOTICE", A }, { "ENF_CONSUMPTION_RESTRICTED", A },
	{ "ENF_CONSUMPTION_RESTRICTED_R", R }, { "ENF_DISHONEST_LISTED", A },
	{ "ENF_EXIT_RESTRICTED", A }, { "ENF_RESTRICTION_LIFTED", A },
	{ "ENF_SUMMONED", A }, { "ENF_FINED", A }, { "ENF_DETAINED", A },
	{ "ENF_CRIMINAL_REFERRAL", A },
	{ "DSP_VALUATION_STARTED", AR }, { "DSP_VALUATION_REPORT", AR },
	{ "DSP_AUCTION_ANNOUNCED", AR }, { "DSP_AUCTION_SOLD", AR },
	{ "DSP_AUCTION_FAILED", A }, { "DSP_AUCTION_SUSPENDED", AR },
	{ "DSP_SALE", AR }, { "DSP_IN_KIND", A }, { "DSP_DELIVERY", A },
	{ "FND_RECEIVED", A }, { "FND_DISBURSED", A },
	{ "FND_DISTRIBUTION_PLAN", A },
	{ "ADJ_OBJECTION_FILED", A }, { "ADJ_OBJECTION_DECIDED", A },
	{ "ADJ_REVIEW_DECIDED", A }, { "ADJ_PARTY_CHANGED", A },
	{ "ADJ_SETTLEMENT", A }, { "ADJ_TRANSFERRED", A },
	{ "CLS_DEFERRED", A }, { "CLS_SUSPENDED", A }, { "CLS_RESUMED", A },
	{ "CLS_ZHONGBEN_CONSULT", A }, { "CLS_ZHONGBEN", A },
	{ "CLS_ZHONGBEN_PERIODIC_QUERY", A }, { "CLS_TERMINATED", A },
	{ "CLS_FULFILLED", AR }, { "CLS_OTHER", A }, { "CLS_TO_BANKRUPTCY", A },
	{ "DIGEST_DAILY", A },
};

static const char sample_params[] = "{"
    "\"amount\": \"123456.78\", \"asset\": \"房产1处\", "
    "\"deadline\": \"6月30日\", \"judge\": \"王某\", "
    "\"phone\": \"0313-1234567\", \"result\": \"属实，已冻结\", "
    "\"reason\": \"案外人异议成立\", \"measure\": \"查封\", "
    "\"method\": \"网络询价\", \"platform\": \"淘宝网\", \"round\": \"1\", "
    "\"days\": \"15\", \"count\": \"3\", \"party\": \"张三\", "
    "\"new_court\": \"康保县法院\", "
    "\"new_case_no\": \"(2024)冀0723执56号\", \"mode\": \"销案\", "
    "\"auction_date\": \"6月30日\"}";

static config_t	 cfg;

/* Parse the catalogue once for every test. */
static int
setup(void **state)
{
	(void)state;
	config_init(&cfg);
	if (config_read_file(&cfg, CATALOGUE) != CONFIG_TRUE) {
		fprintf(stderr, "%s:%d: %s\n", config_error_file(&cfg) != NULL ?
		    config_error_file(&cfg) : CATALOGUE,
		    config_error_line(&cfg), config_error_text(&cfg));
		config_destroy(&cfg);
		return (-1);
	}
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	config_destroy(&cfg);
	return (0);
}

/* The steps group, asserted present. */
static config_setting_t *
steps_group(void)
{
	config_setting_t	*g = config_lookup(&cfg, "steps");

	assert_non_null(g);
	assert_true(config_setting_is_group(g));
	return (g);
}

/* One step's settings, failing the test when the code is missing. */
static config_setting_t *
step_setting(const char *code)
{
	config_setting_t	*st;

	if ((st = config_setting_get_member(steps_group(), code)) == NULL)
		fail_msg("%s is missing from %s", code, CATALOGUE);
	return (st);
}

/* ROLE_* bits of a notify list. */
static unsigned
notify_roles(const config_setting_t *st)
{
	config_setting_t	*n = config_setting_get_member(st, "notify");
	const char		*r;
	unsigned		 roles = 0;
	int			 i;

	assert_non_null(n);
	assert_true(config_setting_is_array(n));
	for (i = 0; i < config_setting_length(n); i++) {
		assert_non_null(r = config_setting_get_string_elem(n, i));
		if (strcmp(r, "applicant") == 0)
			roles |= ROLE_APPLICANT;
		else if (strcmp(r, "agent") == 0)
			roles |= ROLE_AGENT;
		else if (strcmp(r, "respondent") == 0)
			roles |= ROLE_RESPONDENT;
		else
			fail_msg("%s: unknown role \"%s\"",
			    config_setting_name(st), r);
	}
	return (roles);
}

static void
test_catalogue_has_all_66_codes_in_order(void **state)
{
	config_setting_t	*g = steps_group(), *st;
	size_t			 i;

	(void)state;
	assert_int_equal(nitems(steps), 66);
	assert_int_equal(config_setting_length(g), 66);
	for (i = 0; i < nitems(steps); i++) {
		st = config_setting_get_elem(g, (unsigned)i);
		if (strcmp(config_setting_name(st), steps[i].code) != 0)
			fail_msg("entry %zu is %s, want %s", i,
			    config_setting_name(st), steps[i].code);
	}
}

static void
test_catalogue_every_step_has_a_label(void **state)
{
	config_setting_t	*st;
	const char		*label;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(steps); i++) {
		st = step_setting(steps[i].code);
		if (config_setting_lookup_string(st, "label", &label) !=
		    CONFIG_TRUE || label[0] == '\0')
			fail_msg("%s has no label", steps[i].code);
	}
}

static void
test_catalogue_roles_match_the_reference(void **state)
{
	config_setting_t	*st;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(steps); i++) {
		st = step_setting(steps[i].code);
		if (notify_roles(st) != steps[i].roles)
			fail_msg("%s notifies roles 0x%x, want 0x%x",
			    steps[i].code, notify_roles(st), steps[i].roles);
	}
}

static void
test_catalogue_notified_steps_have_text(void **state)
{
	config_setting_t	*st;
	const char		*text;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(steps); i++) {
		st = step_setting(steps[i].code);
		if (steps[i].roles == 0)
			continue;
		if (config_setting_lookup_string(st, "text", &text) !=
		    CONFIG_TRUE || text[0] == '\0')
			fail_msg("%s is notified but has no text",
			    steps[i].code);
		if (strstr(text, "【") != NULL || strstr(text, "】") != NULL)
			fail_msg("%s: the signature is added by the daemon",
			    steps[i].code);
	}
}

static void
test_catalogue_nothing_urgent_by_default(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(steps); i++)
		assert_null(config_setting_get_member(
		    step_setting(steps[i].code), "urgent"));
}

/* Render one step's text with the sample values; the SMS as sent. */
static char *
render_step(const char *code, const char *text, json_t *params)
{
	struct render_ctx	 ctx;
	char			*out = NULL, *cause = NULL, *sms;

	memset(&ctx, 0, sizeof(ctx));
	ctx.case_no = CASE_NO;
	ctx.court = "沽源县人民法院";
	ctx.params = params;
	if (text_render(text, &ctx, &out, &cause) != 0)
		fail_msg("%s: %s", code, cause);
	if (asprintf(&sms, "%s%s", SIGNATURE, out) == -1)
		fail();
	free(out);
	return (sms);
}

static void
test_catalogue_every_text_fits_one_sms(void **state)
{
	struct sms_count	 sc;
	json_t			*params;
	const char		*text;
	char			*sms, *longest = NULL;
	size_t			 i, most = 0;

	(void)state;
	assert_int_equal(text_sms_count(CASE_NO, 0, &sc), 0);
	assert_int_equal(sc.chars, 17);
	params = json_loads(sample_params, 0, NULL);
	assert_non_null(params);
	for (i = 0; i < nitems(steps); i++) {
		if (config_setting_lookup_string(
		    step_setting(steps[i].code), "text", &text) != CONFIG_TRUE)
			continue;
		sms = render_step(steps[i].code, text, params);
		assert_int_equal(text_sms_count(sms, 0, &sc), 0);
		if (sc.chars > 70 || sc.parts != 1)
			fail_msg("%s: %zu characters: %s", steps[i].code,
			    sc.chars, sms);
		if (sc.chars > most) {
			most = sc.chars;
			free(longest);
			longest = xasprintf("%s (%zu): %s", steps[i].code,
			    sc.chars, sms);
		}
		free(sms);
	}
	printf("longest: %s\n", longest);
	free(longest);
	json_decref(params);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue_has_all_66_codes_in_order),
		cmocka_unit_test(test_catalogue_every_step_has_a_label),
		cmocka_unit_test(test_catalogue_roles_match_the_reference),
		cmocka_unit_test(test_catalogue_notified_steps_have_text),
		cmocka_unit_test(test_catalogue_nothing_urgent_by_default),
		cmocka_unit_test(test_catalogue_every_text_fits_one_sms),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
