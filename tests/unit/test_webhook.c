/*
 * test_webhook.c - the webhook adapter without a network: the Standard
 * Webhooks signature against its published vector, the request it builds
 * against a golden file, and the classification of gateway answers.
 * Run from the repository root (it loads tests/configs/good/full.conf).
 * HUIGAO_UPDATE_GOLDEN=1 rewrites the golden file instead of comparing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "huigao.h"
#include "adapter.h"
#include "fixture.h"

#define CONF	"tests/configs/good/full.conf"
#define GOLDEN	"tests/golden/webhook-request.txt"

/* standard-webhooks/standard-webhooks libraries/python/tests/test_webhooks.py */
static void
test_standard_webhooks_published_vector(void **state)
{
	const char	*body = "{\"test\": 2432232314}";
	char		 sig[128], *cause = NULL;

	(void)state;
	assert_int_equal(webhook_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	    "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, strlen(body),
	    sig, sizeof(sig), &cause), 0);
	assert_string_equal(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	/* the same file's negative case differs in the last character */
	assert_string_not_equal(sig,
	    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=");
}

static void
test_standard_webhooks_signature_covers_the_body(void **state)
{
	char	 a[128], b[128], *cause = NULL;

	(void)state;
	assert_int_equal(webhook_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	    "id", 1, "{}", 2, a, sizeof(a), &cause), 0);
	assert_int_equal(webhook_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	    "id", 1, "{ }", 3, b, sizeof(b), &cause), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(webhook_sign("not base64!", "id", 1, "{}", 2, a,
	    sizeof(a), &cause), -1);
	assert_non_null(cause);
	free(cause);
}

static void
test_webhook_request_matches_golden(void **state)
{
	struct config	*cfg = fixture_load(CONF);
	struct gateway	*gw;
	struct message	 m;

	(void)state;
	assert_non_null(gw = cfg_gateway(cfg, "hook"));
	fixture_message(&m);
	fixture_golden_build(gw, &m, GOLDEN);
	cfg_unref(cfg);
}

static void
test_webhook_without_secret_has_no_signature(void **state)
{
	struct config	*cfg = fixture_load(CONF);
	struct gateway	*gw;
	struct message	 m;
	char		*got;

	(void)state;
	assert_non_null(gw = cfg_gateway(cfg, "backup"));
	fixture_message(&m);
	got = fixture_build(gw, &m);
	assert_non_null(strstr(got, "Idempotency-Key: hg-7-3-sms\n"));
	assert_null(strstr(got, "webhook-signature"));
	free(got);
	cfg_unref(cfg);
}

struct answer {
	long		 status;
	const char	*body;
	int64_t		 retry_after;
	enum outcome	 want;
	const char	*reason;	/* substring of the error, or NULL */
	int		 gwfault;	/* the gateway's fault: fail over */
};

static const struct answer answers[] = {
	{ 200, "{\"id\":\"m-1\"}", -1, OUTCOME_OK, NULL, 0 },
	{ 202, "", -1, OUTCOME_OK, NULL, 0 },
	{ 204, NULL, -1, OUTCOME_OK, NULL, 0 },
	{ 400, "{\"error\":\"invalid number\"}", -1, OUTCOME_PERMFAIL,
	    "HTTP 400: invalid number", 0 },
	{ 401, "unauthorized", -1, OUTCOME_TEMPFAIL, "HTTP 401: unauthorized", 1 },
	{ 403, "", -1, OUTCOME_TEMPFAIL, "HTTP 403", 1 },
	{ 404, "", -1, OUTCOME_PERMFAIL, "HTTP 404", 0 },
	{ 408, "", -1, OUTCOME_TEMPFAIL, "HTTP 408", 0 },
	{ 425, "", -1, OUTCOME_TEMPFAIL, "HTTP 425", 0 },
	{ 429, "{\"message\":\"slow down\"}", 2000, OUTCOME_TEMPFAIL,
	    "HTTP 429: slow down", 0 },
	{ 500, "<html>oops</html>", -1, OUTCOME_TEMPFAIL, "HTTP 500", 1 },
	{ 503, "", 30000, OUTCOME_TEMPFAIL, "HTTP 503", 1 },
	{ 301, "", -1, OUTCOME_PERMFAIL, "redirects are not followed", 0 },
	{ 200, "not json at all", -1, OUTCOME_OK, NULL, 0 },
};

static void
test_webhook_answers_are_classified(void **state)
{
	struct result	 res;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		fixture_parse(&adapter_webhook, NULL, answers[i].status,
		    answers[i].body, answers[i].retry_after, &res);
		if (res.outcome != answers[i].want)
			fail_msg("HTTP %ld: outcome %d, want %d", answers[i].status,
			    res.outcome, answers[i].want);
		assert_int_equal(res.http_status, answers[i].status);
		if (res.gwfault != answers[i].gwfault)
			fail_msg("HTTP %ld: gwfault %d, want %d",
			    answers[i].status, res.gwfault, answers[i].gwfault);
		assert_int_equal(res.retry_after_ms, answers[i].retry_after);
		if (answers[i].reason != NULL &&
		    strstr(res.error, answers[i].reason) == NULL)
			fail_msg("HTTP %ld: error \"%s\", want \"%s\"",
			    answers[i].status, res.error, answers[i].reason);
	}
}

static void
test_webhook_provider_id_is_taken_from_the_answer(void **state)
{
	struct result	 res;

	(void)state;
	fixture_parse(&adapter_webhook, NULL, 200, "{\"id\":\"SM123\"}", 0,
	    &res);
	assert_string_equal(res.provider_id, "SM123");
}

static void
test_request_header_injection_is_refused(void **state)
{
	struct request	 req;

	(void)state;
	memset(&req, 0, sizeof(req));
	assert_int_equal(request_add_header(&req, "X-A: %s", "ok"), 0);
	assert_int_equal(request_add_header(&req, "X-B: %s", "a\r\nEvil: 1"), -1);
	assert_int_equal(req.nheaders, 1);
	request_clear(&req);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standard_webhooks_published_vector),
		cmocka_unit_test(test_standard_webhooks_signature_covers_the_body),
		cmocka_unit_test(test_webhook_request_matches_golden),
		cmocka_unit_test(test_webhook_without_secret_has_no_signature),
		cmocka_unit_test(test_webhook_answers_are_classified),
		cmocka_unit_test(test_webhook_provider_id_is_taken_from_the_answer),
		cmocka_unit_test(test_request_header_injection_is_refused),
	};

	fixture_init("test_webhook", NULL);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
