/*
 * test_tencent.c - the Tencent Cloud SMS adapter without a network: the
 * published TC3-HMAC-SHA256 vectors of reference/gateways.md §2.3 and the
 * derived SendSms ones of §2.4, the UTC date of the credential scope, the
 * request it builds against a golden file, and the classification of every
 * error code it maps, per request and per number. Run from the repository
 * root (it loads tests/configs/good/vendors-aliyun-tencent.conf).
 * HUIGAO_UPDATE_GOLDEN=1 rewrites the golden file instead of comparing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "huigao.h"
#include "adapter.h"
#include "fixture.h"

#define CONF	"tests/configs/good/vendors-aliyun-tencent.conf"
#define GOLDEN	"tests/golden/tencent-request.txt"

/* ---- published and derived vectors ---- */

/* §2.3: the doc's CVM DescribeInstances body, \u escapes literal. */
#define CVM_BODY "{\"Limit\": 1, \"Filters\": [{\"Values\": " \
	"[\"\\u672a\\u547d\\u540d\"], \"Name\": \"instance-name\"}]}"

static void
sha256_hex(const char *s, char out[65])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0, i;

	assert_int_equal(EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL),
	    1);
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static struct tencent_tc3
cvm_request(const char *id, const char *key, const char *body)
{
	struct tencent_tc3	 in;

	memset(&in, 0, sizeof(in));
	in.secret_id = id;
	in.secret_key = key;
	in.service = "cvm";
	in.host = "cvm.tencentcloudapi.com";
	in.content_type = "application/json; charset=utf-8";
	in.timestamp = 1551113065;
	in.body = body;
	in.bodylen = strlen(body);
	return (in);
}

/* §2.3, §11 row 13: the English doc's example. */
static void
test_tc3_doc_vector(void **state)
{
	struct tencent_tc3	 in = cvm_request(
	    "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
	    "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", CVM_BODY);
	char			*auth, hashed[65], payload[65];

	(void)state;
	sha256_hex(CVM_BODY, payload);
	assert_string_equal(payload, "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1"
	    "ff7f6e89887f1398934f064");
	assert_int_equal(tencent_sign(&in, &auth, hashed), 0);
	assert_string_equal(hashed, "5ffe6a04c0664d6b969fab9a13bdab201d63ee709"
	    "638e2749d62a09ca18d7031");
	assert_string_equal(auth, "TC3-HMAC-SHA256 Credential="
	    "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "
	    "SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a450"
	    "7b9bddcbaa8e581f516e8da2f66e2c5a96525168");
	free(auth);
}

/* §2.3, §11 row 14: the current Chinese doc, asterisks part of the key. */
static void
test_tc3_masked_key_doc_vector(void **state)
{
	struct tencent_tc3	 in = cvm_request(
	    "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******",
	    "Gu5t9xGARNpq86cd98joQYCN3*******", CVM_BODY);
	char			*auth, hashed[65];

	(void)state;
	assert_int_equal(tencent_sign(&in, &auth, hashed), 0);
	assert_string_equal(auth, "TC3-HMAC-SHA256 Credential="
	    "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, "
	    "SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891a"
	    "f7107b91597240707d778ab3738f756258d7652c");
	free(auth);
}

/* §11 row 15: the doc's Python demo puts Name first: other bytes, other hash. */
static void
test_tc3_signs_the_exact_body_bytes(void **state)
{
	const char		*demo = "{\"Limit\": 1, \"Filters\": [{\"Name\": "
	    "\"instance-name\", \"Values\": [\"\\u672a\\u547d\\u540d\"]}]}";
	struct tencent_tc3	 in = cvm_request(
	    "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
	    "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", demo);
	char			*auth, hashed[65], payload[65];

	(void)state;
	sha256_hex(demo, payload);
	assert_true(strncmp(payload, "f9dac7c1", 8) == 0);
	assert_string_equal(payload + 60, "71fd");
	assert_int_equal(tencent_sign(&in, &auth, hashed), 0);
	assert_null(strstr(auth, "72e494ea809ad7a8c8f7a4507b9bddcb"));
	free(auth);
}

/* §2.4, §11 row 17, DERIVED: SendSms with and without x-tc-action signed. */
static void
test_tc3_sendsms_derived_vectors(void **state)
{
	const char		*body = "{\"PhoneNumberSet\":[\"+8613800000000\"],"
	    "\"SmsSdkAppId\":\"1400006666\",\"SignName\":\"腾讯云\","
	    "\"TemplateId\":\"1110\",\"TemplateParamSet\":[\"4370\"]}";
	struct tencent_tc3	 in = cvm_request(
	    "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
	    "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", body);
	char			*auth, hashed[65], payload[65];

	(void)state;
	in.service = "sms";
	in.host = "sms.tencentcloudapi.com";
	sha256_hex(body, payload);
	assert_string_equal(payload, "0a9983fba553479a82f97f0521d99ba81258f3f51"
	    "7395ea5e2398bf93575543e");
	assert_int_equal(tencent_sign(&in, &auth, hashed), 0);
	assert_string_equal(hashed, "3c59eff1f7ede32b3d393def39dd1ec63437480d8"
	    "e0ae185dfe9f983f0c78064");
	assert_non_null(strstr(auth, "SignedHeaders=content-type;host, "
	    "Signature=2490501031b8e941c77a80d12c63c2cdffc34b8b4cfd5178c91706a2"
	    "89d76809"));
	free(auth);
	in.action = "SendSms";
	assert_int_equal(tencent_sign(&in, &auth, hashed), 0);
	assert_string_equal(hashed, "f9a04392f13f58c2a5f6018727c0587239dd8ab37"
	    "53a5d5acdb8c55a158b605a");
	assert_non_null(strstr(auth, "SignedHeaders=content-type;host;"
	    "x-tc-action, Signature=db2cefa59e3c22dcc8dc6cd529c8f092745bc3eb61a"
	    "b2252e58e7284079db6ed"));
	free(auth);
}

/* 07:30 in Beijing on 1 June is still 31 May in UTC: the scope says so. */
static void
test_credential_scope_is_the_utc_date(void **state)
{
	struct tencent_tc3	 in = cvm_request("id", "key", "{}");
	char			*auth, hashed[65];

	(void)state;
	in.service = "sms";
	in.timestamp = 1717198200;	/* 2024-05-31T23:30:00Z */
	assert_int_equal(tencent_sign(&in, &auth, hashed), 0);
	assert_non_null(strstr(auth, "Credential=id/2024-05-31/sms/"
	    "tc3_request, "));
	free(auth);
}

/* ---- the request the adapter builds ---- */

#define VARS	"{\"amount\":123456.78,\"case_no\":\"(2024)冀0724执1234号\"," \
	"\"court\":\"沽源县人民法院\",\"date\":\"6月1日\",\"name\":\"王某\"," \
	"\"step\":\"冻结银行存款\",\"step_code\":\"ENF_DEPOSIT_FROZEN\"}"

static void
test_request_matches_golden(void **state)
{
	struct message	 m;

	(void)state;
	fixture_golden_build(fixture_template_message(&m, "tx", VARS), &m,
	    GOLDEN);
}

/* The body of the contract: E.164 number, ordered params, the stable key. */
static void
test_request_body_has_e164_number_ordered_params_and_key(void **state)
{
	struct message	 m;
	char		*got;

	(void)state;
	got = fixture_build(fixture_template_message(&m, "tx", VARS), &m);
	assert_non_null(strstr(got, "\n\n{\"PhoneNumberSet\":[\"+8613812345678\"],"
	    "\"SmsSdkAppId\":\"1400006666\",\"SignName\":\"沽源县人民法院\","
	    "\"TemplateId\":\"1110\",\"TemplateParamSet\":[\"(2024)冀0724执1234号"
	    "\",\"123456.78\"],\"SessionContext\":\"hg-7-3-sms\"}\n"));
	assert_non_null(strstr(got, "\nContent-Type: application/json; "
	    "charset=utf-8\n"));
	assert_non_null(strstr(got, "\nX-TC-Timestamp: 1717207200\n"));
	assert_non_null(strstr(got, "Credential=AKIDFAKEFAKEFAKEFAKEFAKEFAKEFAKE"
	    "0001/2024-06-01/sms/tc3_request, SignedHeaders=content-type;host;"
	    "x-tc-action, "));
	assert_null(strstr(got, "FakeTencentSecretKeyNotReal00001"));
	free(got);
}

/* sdk_app_id written as an integer, region set, sign_name from the court. */
static void
test_integer_app_id_region_and_court_signature(void **state)
{
	struct message	 m;
	char		*got;

	(void)state;
	got = fixture_build(fixture_template_message(&m, "tx_sign", VARS), &m);
	assert_non_null(strstr(got, "\"SmsSdkAppId\":\"1400006666\""));
	assert_non_null(strstr(got, "\nX-TC-Region: ap-beijing\n"));
	assert_non_null(strstr(got, "\"SignName\":\"沽源县人民法院\""));
	free(got);
}

static void
test_missing_variable_is_a_build_error_naming_it(void **state)
{
	const struct gateway	*g;
	struct message		 m;
	char			*cause;

	(void)state;
	g = fixture_template_message(&m, "tx", VARS);
	m.vars = "{\"case_no\":\"(2024)冀0724执1234号\"}";
	cause = fixture_build_error(g, &m);
	assert_non_null(strstr(cause, "variable \"amount\""));
	assert_non_null(strstr(cause, "template 1110"));
	free(cause);
	m.vars = VARS;
	m.tpl = NULL;
	cause = fixture_build_error(g, &m);
	assert_non_null(strstr(cause, "vendor_templates.tx"));
	free(cause);
}

/* ---- the answers ---- */

/* A request-level error, and a per-number one under HTTP 200. */
#define REQ(code)	"{\"Response\":{\"Error\":{\"Code\":\"" code "\"," \
	"\"Message\":\"m\"},\"RequestId\":\"r\"}}"
#define NUM(code)	"{\"Response\":{\"SendStatusSet\":[{\"SerialNo\":\"\"," \
	"\"PhoneNumber\":\"+8613812345678\",\"Fee\":0,\"SessionContext\":" \
	"\"hg-7-3-sms\",\"Code\":\"" code "\",\"Message\":\"m\",\"IsoCode\":" \
	"\"CN\"}],\"RequestId\":\"r\"}}"
#define T	OUTCOME_TEMPFAIL
#define P	OUTCOME_PERMFAIL
#define BOTH(code, o, f)	\
	{ 200, REQ(code), o, f, code ": m" }, { 200, NUM(code), o, f, code ": m" }

/* Every code of gateways.md §2.5, both ways, and what is not an answer. */
static const struct fixture_answer answers[] = {
	{ 200, NUM("Ok"), OUTCOME_OK, 0, NULL },
	/* rate limits: retry on the same gateway */
	BOTH("LimitExceeded.DeliveryFrequencyLimit", T, 0),
	BOTH("LimitExceeded.PhoneNumberThirtySecondLimit", T, 0),
	BOTH("LimitExceeded.PhoneNumberOneHourLimit", T, 0),
	BOTH("LimitExceeded.PhoneNumberDailyLimit", T, 0),
	BOTH("LimitExceeded.PhoneNumberSameContentDailyLimit", T, 0),
	BOTH("RequestLimitExceeded", T, 0),
	/* transient */
	BOTH("InternalError.Timeout", T, 0),
	BOTH("InternalError.SendAndRecvFail", T, 0),
	BOTH("InternalError.OtherError", T, 0),
	/* caps, balance, credentials: fail over */
	BOTH("LimitExceeded.AppDailyLimit", T, 1),
	BOTH("LimitExceeded.DailyLimit", T, 1),
	BOTH("FailedOperation.InsufficientBalanceInSmsPackage", T, 1),
	BOTH("UnauthorizedOperation.SerivceSuspendDueToArrears", T, 1),
	BOTH("AuthFailure.SignatureFailure", T, 1),
	BOTH("AuthFailure.SignatureExpire", T, 1),
	BOTH("AuthFailure.SecretIdNotFound", T, 1),
	BOTH("UnauthorizedOperation.SmsSdkAppIdVerifyFail", T, 1),
	BOTH("InternalError.RequestTimeException", T, 1),
	/* the number */
	BOTH("InvalidParameterValue.IncorrectPhoneNumber", P, 0),
	BOTH("FailedOperation.PhoneNumberInBlacklist", P, 0),
	BOTH("LimitExceeded.PhoneNumberCountLimit", P, 0),
	BOTH("UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
	    P, 0),
	/* template, signature and content */
	BOTH("FailedOperation.TemplateIncorrectOrUnapproved", P, 0),
	BOTH("FailedOperation.SignatureIncorrectOrUnapproved", P, 0),
	BOTH("FailedOperation.MissingTemplateList", P, 0),
	BOTH("InvalidParameterValue.TemplateParameterFormatError", P, 0),
	BOTH("InvalidParameterValue.TemplateParameterLengthLimit", P, 0),
	BOTH("InvalidParameterValue.ProhibitedUseUrlInTemplateParameter", P, 0),
	BOTH("FailedOperation.ContainSensitiveWord", P, 0),
	BOTH("InvalidParameterValue.ContentLengthLimit", P, 0),
	/* families and the unknown: retried, never lost */
	{ 200, REQ("AuthFailure.InvalidSecretId"), T, 1, "AuthFailure" },
	{ 200, REQ("LimitExceeded.SomethingNew"), T, 0, "LimitExceeded" },
	{ 200, NUM("FailedOperation.SomethingNew"), T, 1,
	    "an unrecognised code" },
	/* the vendor's outage */
	{ 503, REQ("InternalError"), T, 1, "HTTP 503: InternalError: m" },
	{ 502, "<html>Bad Gateway</html>", T, 1, "HTTP 502: <html>Bad Gateway" },
	{ 500, "", T, 1, "HTTP 500" },
	{ 200, "not json at all", T, 1, "not SendSms JSON: not json at all" },
	{ 200, "", T, 1, "not SendSms JSON" },
	{ 200, "{\"Response\":{\"RequestId\":\"r\"}}", T, 1, "not SendSms JSON" },
	{ 200, "{\"Response\":{\"SendStatusSet\":[],\"RequestId\":\"r\"}}", T, 1,
	    "not SendSms JSON" },
	{ 200, "{\"Response\":{\"SendStatusSet\":[{\"SerialNo\":\"1\"}]}}", T, 1,
	    "not SendSms JSON" },
	{ 404, "Not Found", T, 1, "HTTP 404: Not Found" },
	{ 302, "", T, 1, "redirects are not followed" },
	{ 429, "", T, 0, "HTTP 429" },
	/* "OK" in capitals is Alibaba's, not Tencent's success */
	{ 200, NUM("OK"), T, 1, "an unrecognised code" },
	/* a success under an error status is not a success */
	{ 500, NUM("Ok"), T, 1, "HTTP 500" },
};

static void
test_answers_are_classified(void **state)
{
	(void)state;
	fixture_check_answers(&adapter_tencent, answers, NITEMS(answers));
}

/* The doc's success answer: SerialNo is the provider id. */
static void
test_success_takes_serial_no_as_provider_id(void **state)
{
	const char	*body;
	struct result	 res;

	(void)state;
	body = "{\"Response\":{\"SendStatusSet\":[{\"SerialNo\":"
	    "\"5000:1045710669157053657849499619\",\"PhoneNumber\":"
	    "\"+8618511122233\",\"Fee\":1,\"SessionContext\":\"test\",\"Code\":"
	    "\"Ok\",\"Message\":\"send success\",\"IsoCode\":\"CN\"}],"
	    "\"RequestId\":\"a0aabda6-cf91-4f3e-a81f-9198114a2279\"}}";
	fixture_parse(&adapter_tencent, NULL, 200, body, -1, &res);
	assert_int_equal(res.outcome, OUTCOME_OK);
	assert_string_equal(res.provider_id, "5000:1045710669157053657849499619");
	assert_string_equal(res.error, "");
}

/* Per-number limits say how long to wait; a larger Retry-After still wins. */
static void
test_per_number_limits_wait_for_their_window(void **state)
{
	static const struct {
		const char	*body;
		int64_t		 retry_after, want;
	} rows[] = {
		{ NUM("LimitExceeded.PhoneNumberThirtySecondLimit"), -1, 30000 },
		{ NUM("LimitExceeded.PhoneNumberOneHourLimit"), -1, 3600000 },
		{ NUM("LimitExceeded.PhoneNumberDailyLimit"), -1, 3600000 },
		{ NUM("LimitExceeded.PhoneNumberThirtySecondLimit"), 90000, 90000 },
		{ NUM("InternalError.Timeout"), -1, -1 },
	};
	struct result	 res;
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(rows); i++) {
		fixture_parse(&adapter_tencent, NULL, 200, rows[i].body,
		    rows[i].retry_after, &res);
		assert_int_equal(res.outcome, OUTCOME_TEMPFAIL);
		assert_int_equal(res.retry_after_ms, rows[i].want);
	}
}

static void
test_phone_numbers_in_vendor_errors_are_masked(void **state)
{
	const char	*body = "{\"Response\":{\"SendStatusSet\":[{\"Code\":"
	    "\"InvalidParameterValue.IncorrectPhoneNumber\",\"Message\":"
	    "\"number +8613812345678 is wrong\"}]}}";
	struct result	 res;

	(void)state;
	fixture_parse(&adapter_tencent, NULL, 200, body, -1, &res);
	assert_int_equal(res.outcome, OUTCOME_PERMFAIL);
	assert_null(strstr(res.error, "13812345678"));
	assert_non_null(strstr(res.error, "+861******5678"));
}

int
main(void)
{
	const struct CMUnitTest vectors[] = {
		cmocka_unit_test(test_tc3_doc_vector),
		cmocka_unit_test(test_tc3_masked_key_doc_vector),
		cmocka_unit_test(test_tc3_signs_the_exact_body_bytes),
		cmocka_unit_test(test_tc3_sendsms_derived_vectors),
		cmocka_unit_test(test_credential_scope_is_the_utc_date),
		cmocka_unit_test(test_answers_are_classified),
		cmocka_unit_test(test_success_takes_serial_no_as_provider_id),
		cmocka_unit_test(test_per_number_limits_wait_for_their_window),
		cmocka_unit_test(test_phone_numbers_in_vendor_errors_are_masked),
	};
	const struct CMUnitTest requests[] = {
		cmocka_unit_test(test_request_matches_golden),
		cmocka_unit_test(
		    test_request_body_has_e164_number_ordered_params_and_key),
		cmocka_unit_test(test_integer_app_id_region_and_court_signature),
		cmocka_unit_test(test_missing_variable_is_a_build_error_naming_it),
	};
	int	 rv;

	fixture_init("test_tencent", CONF);
	rv = cmocka_run_group_tests_name("tencent vectors and answers", vectors,
	    NULL, NULL);
	rv += cmocka_run_group_tests_name("tencent requests", requests,
	    fixture_setup, fixture_teardown);
	return (rv);
}
