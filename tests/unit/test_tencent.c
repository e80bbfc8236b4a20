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

#define CONF	"tests/configs/good/vendors-aliyun-tencent.conf"
#define GOLDEN	"tests/golden/tencent-request.txt"
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

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

static struct config	*cfg;

static int
load_config(void **state)
{
	char	*cause = NULL;

	(void)state;
	if ((cfg = cfg_load(CONF, &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return (-1);
	}
	return (0);
}

static int
unload_config(void **state)
{
	(void)state;
	cfg_unref(cfg);
	return (0);
}

/* A fixed message for gateway gw, as the scheduler would fill it. */
static const struct gateway *
fixed_message(const char *gw, struct message *m)
{
	const struct gateway	*g = cfg_gateway(cfg, gw);

	assert_non_null(g);
	memset(m, 0, sizeof(*m));
	m->id = 42;
	m->key = "hg-7-3-sms";
	m->channel = "sms";
	m->to = "13812345678";
	m->text = "【沽源县人民法院】(2024)冀0724执1234号案已冻结被执行人银行存款"
	    "123456.78元。";
	m->sign = "沽源县人民法院";
	m->case_no = "(2024)冀0724执1234号";
	m->step = "ENF_DEPOSIT_FROZEN";
	m->label = "冻结银行存款";
	m->court = "gy";
	m->vars = VARS;
	m->attempt = 1;
	m->now_ms = 1717207200000LL;	/* 2024-06-01 10:00 in Beijing */
	m->tpl = cfg_vtpl(cfg_step(cfg, m->step), gw);
	assert_non_null(m->tpl);
	return (g);
}

/* The request as text: method, URL, headers, blank line, body. */
static char *
request_text(const struct request *r)
{
	char	*s = xasprintf("%s %s\n", r->method, r->url), *t;
	size_t	 i;

	for (i = 0; i < r->nheaders; i++) {
		t = xasprintf("%s%s\n", s, r->headers[i]);
		free(s);
		s = t;
	}
	t = xasprintf("%s\n%.*s\n", s, (int)r->bodylen, r->body);
	free(s);
	return (t);
}

/* Build the request of message m on gateway g, as text. */
static char *
build_text(const struct gateway *g, const struct message *m)
{
	struct request	 req;
	char		*cause = NULL, *s;

	memset(&req, 0, sizeof(req));
	if (g->ad->build(g, m, &req, &cause) == -1)
		fail_msg("build: %s", cause);
	s = request_text(&req);
	request_clear(&req);
	return (s);
}

static char *
slurp(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*buf;
	long	 n;

	if (f == NULL)
		return (NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	buf[fread(buf, 1, (size_t)n, f)] = '\0';
	fclose(f);
	return (buf);
}

static void
test_request_matches_golden(void **state)
{
	struct message	 m;
	char		*got, *want;
	FILE		*f;

	(void)state;
	got = build_text(fixed_message("tx", &m), &m);
	if (getenv("HUIGAO_UPDATE_GOLDEN") != NULL) {
		assert_non_null(f = fopen(GOLDEN, "w"));
		fputs(got, f);
		fclose(f);
	}
	if ((want = slurp(GOLDEN)) == NULL)
		fail_msg("%s is missing; run with HUIGAO_UPDATE_GOLDEN=1", GOLDEN);
	assert_string_equal(got, want);
	free(got);
	free(want);
}

/* The body of the contract: E.164 number, ordered params, the stable key. */
static void
test_request_body_has_e164_number_ordered_params_and_key(void **state)
{
	struct message	 m;
	char		*got;

	(void)state;
	got = build_text(fixed_message("tx", &m), &m);
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
	got = build_text(fixed_message("tx_sign", &m), &m);
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
	struct request		 req;
	char			*cause = NULL;

	(void)state;
	g = fixed_message("tx", &m);
	m.vars = "{\"case_no\":\"(2024)冀0724执1234号\"}";
	memset(&req, 0, sizeof(req));
	assert_int_equal(g->ad->build(g, &m, &req, &cause), -1);
	assert_non_null(strstr(cause, "variable \"amount\""));
	assert_non_null(strstr(cause, "template 1110"));
	free(cause);
	request_clear(&req);
	m.vars = VARS;
	m.tpl = NULL;
	assert_int_equal(g->ad->build(g, &m, &req, &cause), -1);
	assert_non_null(strstr(cause, "vendor_templates.tx"));
	free(cause);
	request_clear(&req);
}

/* ---- the answers ---- */

struct answer {
	long		 status;
	const char	*body;
	enum outcome	 want;
	int		 gwfault;
	const char	*reason;	/* substring of the error, or NULL */
};

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
static const struct answer answers[] = {
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
	struct result	 res;
	struct response	 resp;
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(answers); i++) {
		memset(&resp, 0, sizeof(resp));
		memset(&res, 0, sizeof(res));
		resp.status = answers[i].status;
		resp.body = answers[i].body;
		resp.bodylen = strlen(answers[i].body);
		resp.retry_after_ms = -1;
		adapter_tencent.parse(NULL, NULL, &resp, &res);
		if (res.outcome != answers[i].want ||
		    res.gwfault != answers[i].gwfault)
			fail_msg("row %zu (HTTP %ld %s): outcome %d gwfault %d, "
			    "want %d %d", i, answers[i].status, answers[i].body,
			    res.outcome, res.gwfault, answers[i].want,
			    answers[i].gwfault);
		assert_int_equal(res.http_status, answers[i].status);
		if (answers[i].reason != NULL &&
		    strstr(res.error, answers[i].reason) == NULL)
			fail_msg("row %zu: error \"%s\", want \"%s\"", i,
			    res.error, answers[i].reason);
		if (res.outcome != OUTCOME_OK && res.error[0] == '\0')
			fail_msg("row %zu: a failure without a reason", i);
	}
}

/* The doc's success answer: SerialNo is the provider id. */
static void
test_success_takes_serial_no_as_provider_id(void **state)
{
	struct result	 res;
	struct response	 resp;

	(void)state;
	memset(&resp, 0, sizeof(resp));
	memset(&res, 0, sizeof(res));
	resp.status = 200;
	resp.body = "{\"Response\":{\"SendStatusSet\":[{\"SerialNo\":"
	    "\"5000:1045710669157053657849499619\",\"PhoneNumber\":"
	    "\"+8618511122233\",\"Fee\":1,\"SessionContext\":\"test\",\"Code\":"
	    "\"Ok\",\"Message\":\"send success\",\"IsoCode\":\"CN\"}],"
	    "\"RequestId\":\"a0aabda6-cf91-4f3e-a81f-9198114a2279\"}}";
	resp.bodylen = strlen(resp.body);
	resp.retry_after_ms = -1;
	adapter_tencent.parse(NULL, NULL, &resp, &res);
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
	struct response	 resp;
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(rows); i++) {
		memset(&resp, 0, sizeof(resp));
		memset(&res, 0, sizeof(res));
		resp.status = 200;
		resp.body = rows[i].body;
		resp.bodylen = strlen(rows[i].body);
		resp.retry_after_ms = rows[i].retry_after;
		adapter_tencent.parse(NULL, NULL, &resp, &res);
		assert_int_equal(res.outcome, OUTCOME_TEMPFAIL);
		assert_int_equal(res.retry_after_ms, rows[i].want);
	}
}

static void
test_phone_numbers_in_vendor_errors_are_masked(void **state)
{
	struct result	 res;
	struct response	 resp;

	(void)state;
	memset(&resp, 0, sizeof(resp));
	memset(&res, 0, sizeof(res));
	resp.status = 200;
	resp.body = "{\"Response\":{\"SendStatusSet\":[{\"Code\":\"InvalidParameter"
	    "Value.IncorrectPhoneNumber\",\"Message\":\"number +8613812345678 is "
	    "wrong\"}]}}";
	resp.bodylen = strlen(resp.body);
	resp.retry_after_ms = -1;
	adapter_tencent.parse(NULL, NULL, &resp, &res);
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

	log_init("test_tencent", 0);
	rv = cmocka_run_group_tests_name("tencent vectors and answers", vectors,
	    NULL, NULL);
	rv += cmocka_run_group_tests_name("tencent requests", requests,
	    load_config, unload_config);
	return (rv);
}
