/*
 * test_aliyun.c - the Alibaba Cloud SMS adapter without a network: every
 * published signing vector of reference/gateways.md §1 (RPC V2 HMAC-SHA1
 * and ACS3-HMAC-SHA256) plus the derived SendSms ones, the requests it
 * builds against golden files, and the classification of every error code
 * it maps. Run from the repository root (it loads
 * tests/configs/good/vendors-aliyun-tencent.conf). HUIGAO_UPDATE_GOLDEN=1
 * rewrites the golden files instead of comparing.
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

#define CONF		"tests/configs/good/vendors-aliyun-tencent.conf"
#define GOLDEN_V3	"tests/golden/aliyun-request-v3.txt"
#define GOLDEN_V2	"tests/golden/aliyun-request-v2.txt"

/* ---- published vectors ---- */

/* §1.3(a): the SMS doc's Java demo (testId / testSecret). */
static const struct aliyun_param sms_doc[] = {
	{ "AccessKeyId", "testId" },
	{ "Action", "SendSms" },
	{ "Format", "XML" },
	{ "OutId", "123" },
	{ "PhoneNumbers", "15300000001" },
	{ "RegionId", "cn-hangzhou" },
	{ "SignName", "阿里云短信测试专用" },
	{ "SignatureMethod", "HMAC-SHA1" },
	{ "SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466" },
	{ "SignatureVersion", "1.0" },
	{ "TemplateCode", "SMS_71390007" },
	{ "TemplateParam", "{\"customer\":\"test\"}" },
	{ "Timestamp", "2017-07-12T02:42:19Z" },
	{ "Version", "2017-05-25" },
};

/* The V2 string to sign of p (unless want_sts is NULL), and its signature. */
static void
assert_v2_vector(const char *secret, const char *method,
    const struct aliyun_param *p, size_t n, const char *want_sts,
    const char *want_sig)
{
	char	*sts, sig[64];

	if (want_sts != NULL) {
		sts = aliyun_v2_string_to_sign(method, p, n);
		assert_string_equal(sts, want_sts);
		free(sts);
	}
	assert_int_equal(aliyun_sign_v2(secret, method, p, n, sig, sizeof(sig)),
	    0);
	assert_string_equal(sig, want_sig);
}

static void
test_v2_sms_doc_vector_query_string_to_sign_signature_and_url(void **state)
{
	char	*q, *sts, sig[64], *esig, *url;

	(void)state;
	q = aliyun_canonical_query(sms_doc, NITEMS(sms_doc));
	assert_string_equal(q, "AccessKeyId=testId&Action=SendSms&Format=XML&"
	    "OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou&SignName="
	    "%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95"
	    "%E4%B8%93%E7%94%A8&SignatureMethod=HMAC-SHA1&SignatureNonce="
	    "45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0&"
	    "TemplateCode=SMS_71390007&TemplateParam=%7B%22customer%22%3A%22"
	    "test%22%7D&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25");
	sts = aliyun_v2_string_to_sign("GET", sms_doc, NITEMS(sms_doc));
	assert_string_equal(sts, "GET&%2F&AccessKeyId%3DtestId%26Action%3D"
	    "SendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001"
	    "%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9%2587"
	    "%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B"
	    "%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3D"
	    "HMAC-SHA1%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466"
	    "%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007%26"
	    "TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26"
	    "Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25");
	assert_int_equal(aliyun_sign_v2("testSecret", "GET", sms_doc,
	    NITEMS(sms_doc), sig, sizeof(sig)), 0);
	assert_string_equal(sig, "zJDF+Lrzhj/ThnlvIToysFRq6t4=");
	esig = aliyun_percent_encode(sig);
	assert_string_equal(esig, "zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D");
	url = xasprintf("http://dysmsapi.aliyuncs.com/?Signature=%s&%s", esig,
	    q);
	assert_string_equal(url, "http://dysmsapi.aliyuncs.com/?Signature="
	    "zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D&AccessKeyId=testId&Action="
	    "SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001&RegionId="
	    "cn-hangzhou&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF"
	    "%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8&SignatureMethod=HMAC-SHA1"
	    "&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&"
	    "SignatureVersion=1.0&TemplateCode=SMS_71390007&TemplateParam="
	    "%7B%22customer%22%3A%22test%22%7D&Timestamp=2017-07-12T02%3A42%3A"
	    "19Z&Version=2017-05-25");
	free(q);
	free(sts);
	free(esig);
	free(url);
}

/* §1.3(a) note, DERIVED: lowercase testid/testsecret give another value. */
static void
test_v2_sms_doc_vector_credentials_are_case_sensitive(void **state)
{
	struct aliyun_param	 p[NITEMS(sms_doc)];

	(void)state;
	memcpy(p, sms_doc, sizeof(p));
	p[0].value = "testid";
	assert_v2_vector("testsecret", "GET", p, NITEMS(p), NULL,
	    "LxugEBqtL8lacmz/6I2QOoMzw+Y=");
}

/* §1.3(b): the generic RPC doc, DescribeDedicatedHosts. */
static void
test_v2_generic_rpc_doc_vector(void **state)
{
	static const struct aliyun_param p[] = {
		{ "AccessKeyId", "testid" },
		{ "Action", "DescribeDedicatedHosts" },
		{ "Format", "JSON" },
		{ "RegionId", "cn-beijing" },
		{ "SignatureMethod", "HMAC-SHA1" },
		{ "SignatureNonce", "edb2b34af0af9a6d14deaf7c1a5315eb" },
		{ "SignatureVersion", "1.0" },
		{ "Timestamp", "2023-03-13T08:34:30Z" },
		{ "Version", "2014-05-26" },
	};
	char	*q;

	(void)state;
	q = aliyun_canonical_query(p, NITEMS(p));
	assert_string_equal(q, "AccessKeyId=testid&Action=DescribeDedicatedHosts"
	    "&Format=JSON&RegionId=cn-beijing&SignatureMethod=HMAC-SHA1&"
	    "SignatureNonce=edb2b34af0af9a6d14deaf7c1a5315eb&SignatureVersion="
	    "1.0&Timestamp=2023-03-13T08%3A34%3A30Z&Version=2014-05-26");
	assert_v2_vector("testsecret", "GET", p, NITEMS(p),
	    "GET&%2F&AccessKeyId%3Dtestid%26Action%3D"
	    "DescribeDedicatedHosts%26Format%3DJSON%26RegionId%3Dcn-beijing%26"
	    "SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D"
	    "edb2b34af0af9a6d14deaf7c1a5315eb%26SignatureVersion%3D1.0%26"
	    "Timestamp%3D2023-03-13T08%253A34%253A30Z%26Version%3D2014-05-26",
	    "9NaGiOspFP5UPcwX8Iwt2YJXXuk=");
	free(q);
}

/* §1.3(c): the older ECS doc, DescribeRegions (parameters given unsorted). */
static void
test_v2_old_ecs_doc_vector(void **state)
{
	static const struct aliyun_param p[] = {
		{ "Format", "XML" },
		{ "AccessKeyId", "testid" },
		{ "Action", "DescribeRegions" },
		{ "SignatureMethod", "HMAC-SHA1" },
		{ "SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf" },
		{ "SignatureVersion", "1.0" },
		{ "Version", "2014-05-26" },
		{ "Timestamp", "2016-02-23T12:46:24Z" },
	};

	(void)state;
	assert_v2_vector("testsecret", "GET", p, NITEMS(p),
	    "GET&%2F&AccessKeyId%3Dtestid%26Action%3D"
	    "DescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26"
	    "SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26"
	    "SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z"
	    "%26Version%3D2014-05-26", "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
}

/* §1.3(d): darabonba-openapi-util python/tests/test_client.py. */
static void
test_v2_darabonba_python_sdk_vector(void **state)
{
	static const struct aliyun_param p[] = {
		{ "query", "test" },
		{ "body", "test" },
	};

	(void)state;
	assert_v2_vector("secret", "GET", p, NITEMS(p), NULL,
	    "XlUyV4sXjOuX5FnjUz9IF9tm5rU=");
}

/* §1.3(d): darabonba-openapi-util golang/service/service_test.go, method "". */
static void
test_v2_darabonba_go_sdk_vector_with_empty_method(void **state)
{
	static const struct aliyun_param p[] = { { "test", "ok" } };

	(void)state;
	assert_v2_vector("accessKeySecret", "", p, 1, "&%2F&test%3Dok",
	    "jHx/oHoHNrbVfhncHEvPdHXZwHU=");
}

/* §1.3(d): get_canonical_query_string of {'test': SPACE ~ / * - +}. */
static void
test_canonical_query_encoding_sdk_vector(void **state)
{
	static const struct aliyun_param p[] = { { "test", " ~/*-+" } };
	char	*q;

	(void)state;
	q = aliyun_canonical_query(p, 1);
	assert_string_equal(q, "test=%20~%2F%2A-%2B");
	free(q);
	q = aliyun_percent_encode("AZaz09-_.~ *%=&+/é");
	assert_string_equal(q, "AZaz09-_.~%20%2A%25%3D%26%2B%2F%C3%A9");
	free(q);
}

/* §1.5: the V3 doc's fixed-parameter example (RunInstances). */
static void
test_v3_doc_fixed_parameter_vector(void **state)
{
	static const struct aliyun_param q[] = {
		{ "ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd" },
		{ "RegionId", "cn-shanghai" },
	};
	static const struct aliyun_param h[] = {
		{ "host", "ecs.cn-shanghai.aliyuncs.com" },
		{ "x-acs-action", "RunInstances" },
		{ "x-acs-version", "2014-05-26" },
		{ "x-acs-date", "2023-10-26T10:22:32Z" },
		{ "x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d" },
		/* §11 row 9: SHA-256 of the empty body */
		{ "x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae"
		    "41e4649b934ca495991b7852b855" },
	};
	struct aliyun_v3	 in = { .key_id = "YourAccessKeyId",
	    .secret = "YourAccessKeySecret", .method = "POST", .query = q,
	    .nquery = NITEMS(q), .headers = h, .nheaders = NITEMS(h),
	    .body = "", .bodylen = 0 };
	char			*auth, hashed[65];

	(void)state;
	assert_int_equal(aliyun_sign_v3(&in, &auth, hashed), 0);
	assert_string_equal(hashed, "7ea06492da5221eba5297e897ce16e55f96406105"
	    "4b7695beedaac1145b1e259");
	assert_string_equal(auth, "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,"
	    "SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;"
	    "x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b"
	    "81484da74bceab24a1d853912eee15083a6f0f3283c0");
	free(auth);
}

/* §1.6, DERIVED: ACS3 for SendSms, header names in mixed case and order. */
static void
test_v3_sendsms_derived_vector(void **state)
{
	static const struct aliyun_param q[] = {
		{ "TemplateParam", "{\"code\":\"1234\"}" },
		{ "PhoneNumbers", "13800000000" },
		{ "TemplateCode", "SMS_154950909" },
		{ "SignName", "阿里云短信测试" },
	};
	static const struct aliyun_param h[] = {
		{ "X-Acs-Signature-Nonce", "3156853299f313e23d1673dc12e1703d" },
		{ "x-acs-action", "SendSms" },
		{ "Host", "dysmsapi.aliyuncs.com" },
		{ "x-acs-version", "2017-05-25" },
		{ "x-acs-date", " 2023-10-26T10:22:32Z " },
		{ "x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae"
		    "41e4649b934ca495991b7852b855" },
	};
	struct aliyun_v3	 in = { .key_id = "YourAccessKeyId",
	    .secret = "YourAccessKeySecret", .method = "POST", .query = q,
	    .nquery = NITEMS(q), .headers = h, .nheaders = NITEMS(h),
	    .body = NULL, .bodylen = 0 };
	char			*auth, hashed[65];

	(void)state;
	assert_int_equal(aliyun_sign_v3(&in, &auth, hashed), 0);
	assert_string_equal(hashed, "32653f55b28ad550b1a37aec5d9c7363440683a28"
	    "6da84c03112f28e6f7c44c3");
	assert_string_equal(auth, "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,"
	    "SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;"
	    "x-acs-signature-nonce;x-acs-version,Signature=8ea074df6b09a413025b"
	    "88585d4f753bc2ae681c8c8104d71c3e0e2d9b0f9aeb");
	free(auth);
}

/* §1.6, DERIVED: the RPC signature of SendSms sent by POST. */
static void
test_v2_sendsms_post_derived_vector(void **state)
{
	static const struct aliyun_param p[] = {
		{ "AccessKeyId", "testId" },
		{ "Action", "SendSms" },
		{ "Format", "JSON" },
		{ "PhoneNumbers", "13800000000" },
		{ "RegionId", "cn-hangzhou" },
		{ "SignName", "阿里云短信测试" },
		{ "SignatureMethod", "HMAC-SHA1" },
		{ "SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466" },
		{ "SignatureVersion", "1.0" },
		{ "TemplateCode", "SMS_154950909" },
		{ "TemplateParam", "{\"code\":\"1234\"}" },
		{ "Timestamp", "2017-07-12T02:42:19Z" },
		{ "Version", "2017-05-25" },
	};

	(void)state;
	assert_v2_vector("testSecret", "POST", p, NITEMS(p),
	    "POST&%2F&AccessKeyId%3DtestId%26Action%3D"
	    "SendSms%26Format%3DJSON%26PhoneNumbers%3D13800000000%26RegionId%3D"
	    "cn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA"
	    "%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595"
	    "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D45e25e9b-0a6f-"
	    "4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode%3D"
	    "SMS_154950909%26TemplateParam%3D%257B%2522code%2522%253A%25221234"
	    "%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D"
	    "2017-05-25", "7FCTIDfizwPktKaaHrlYGozzVzM=");
}

/* ---- the requests the adapter builds ---- */

#define VARS	"{\"amount\":\"123456.78\",\"case_no\":\"(2024)冀0724执1234号\"," \
	"\"court\":\"沽源县人民法院\",\"date\":\"6月1日\",\"name\":\"王某\"," \
	"\"step\":\"冻结银行存款\",\"step_code\":\"ENF_DEPOSIT_FROZEN\"}"

static void
test_v3_request_matches_golden(void **state)
{
	struct message	 m;

	(void)state;
	fixture_golden_build(fixture_template_message(&m, "ali", VARS), &m,
	    GOLDEN_V3);
}

static void
test_v1_rpc_request_matches_golden(void **state)
{
	struct message	 m;

	(void)state;
	fixture_golden_build(fixture_template_message(&m, "ali1", VARS), &m,
	    GOLDEN_V2);
}

static void
test_request_never_carries_the_secret(void **state)
{
	static const char *const gws[] = { "ali", "ali1" };
	struct message	 m;
	char		*got;
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(gws); i++) {
		got = fixture_build(fixture_template_message(&m, gws[i], VARS),
		    &m);
		assert_null(strstr(got, "FakeAliyunSecretNotARealOne00001"));
		assert_non_null(strstr(got, "LTAI5tFAKEFAKEFAKEFAKE01"));
		free(got);
	}
}

/* The business parameters and the headers the V3 request must carry. */
static void
test_v3_request_carries_template_outid_and_utc_time(void **state)
{
	struct message	 m;
	char		*got;

	(void)state;
	got = fixture_build(fixture_template_message(&m, "ali", VARS), &m);
	assert_non_null(strstr(got, "POST https://dysmsapi.aliyuncs.com/?"
	    "OutId=hg-7-3-sms&PhoneNumbers=13812345678&SignName="));
	assert_non_null(strstr(got, "&TemplateCode=SMS_154950909&TemplateParam="
	    "%7B%22case_no%22%3A%22%282024%29%E5%86%800724%E6%89%A71234%E5%8F"
	    "%B7%22%2C%22money%22%3A%22123456.78%22%7D\n"));
	assert_non_null(strstr(got, "\nx-acs-date: 2024-06-01T02:00:00Z\n"));
	assert_non_null(strstr(got, "\nHost: dysmsapi.aliyuncs.com\n"));
	free(got);
}

static void
test_nonce_changes_with_attempt_and_time_only(void **state)
{
	struct message	 m;
	char		*a, *b, *c;

	(void)state;
	fixture_template_message(&m, "ali", VARS);
	a = fixture_build(fixture_gateway("ali"), &m);
	b = fixture_build(fixture_gateway("ali"), &m);
	assert_string_equal(a, b);
	m.attempt = 2;
	c = fixture_build(fixture_gateway("ali"), &m);
	assert_string_not_equal(a, c);
	assert_non_null(strstr(c, "x-acs-date: 2024-06-01T02:00:00Z"));
	free(a);
	free(b);
	free(c);
}

/* endpoint keeps only scheme, host and port; sign_name falls back to the court. */
static void
test_endpoint_replaces_scheme_host_and_port(void **state)
{
	struct message	 m;
	char		*got;

	(void)state;
	fixture_template_message(&m, "ali_local", VARS);
	m.vars = "{\"deadline\":\"2024-06-30\"}";
	got = fixture_build(fixture_gateway("ali_local"), &m);
	assert_true(strncmp(got, "POST http://127.0.0.1:8080/?OutId=", 34) == 0);
	assert_non_null(strstr(got, "\nHost: 127.0.0.1:8080\n"));
	/* the court's signature, and an ISO date written as the text writes it */
	assert_non_null(strstr(got, "SignName=%E6%B2%BD%E6%BA%90%E5%8E%BF%E4%BA"
	    "%BA%E6%B0%91%E6%B3%95%E9%99%A2&"));
	assert_non_null(strstr(got, "TemplateParam=%7B%22deadline%22%3A%226%E6"
	    "%9C%8830%E6%97%A5%22%7D"));
	free(got);
}

static void
test_missing_variable_is_a_build_error_naming_it(void **state)
{
	static const char *const gws[] = { "ali", "ali1" };
	const struct gateway	*g;
	struct message		 m;
	char			*cause;
	size_t			 i;

	(void)state;
	for (i = 0; i < NITEMS(gws); i++) {
		g = fixture_template_message(&m, gws[i], VARS);
		m.vars = "{\"case_no\":\"(2024)冀0724执1234号\"}";
		cause = fixture_build_error(g, &m);
		assert_non_null(strstr(cause, "variable \"amount\""));
		assert_non_null(strstr(cause, "SMS_154950909"));
		free(cause);
	}
}

static void
test_bad_variables_and_no_template_are_build_errors(void **state)
{
	const struct gateway	*g;
	struct message		 m;
	char			*cause;

	(void)state;
	g = fixture_template_message(&m, "ali", VARS);
	m.vars = "{\"case_no\":\"x\",\"amount\":[1]}";
	cause = fixture_build_error(g, &m);
	assert_non_null(strstr(cause, "amount"));
	free(cause);
	m.vars = "not json";
	free(fixture_build_error(g, &m));
	m.vars = VARS;
	m.tpl = NULL;
	cause = fixture_build_error(g, &m);
	assert_non_null(strstr(cause, "vendor_templates.ali"));
	free(cause);
}

/* ---- the answers ---- */

#define ERR(code)	"{\"RequestId\":\"A0000000-3CC1-4000-8000-E00000000000\"," \
	"\"Code\":\"" code "\",\"Message\":\"m\"}"
#define T	OUTCOME_TEMPFAIL
#define P	OUTCOME_PERMFAIL
/* The answer with error code: outcome o, gateway's fault f, the code named. */
#define CODE(status, code, o, f)	{ status, ERR(code), o, f, code }

/* Every code of gateways.md §1.7, and what is not an answer at all. */
static const struct fixture_answer answers[] = {
	{ 200, "{\"Code\":\"OK\",\"Message\":\"OK\",\"BizId\":"
	    "\"700000000000000000^0\",\"RequestId\":\"r\"}", OUTCOME_OK, 0, NULL },
	/* flow control and system errors: retry on the same gateway */
	{ 200, ERR("isv.BUSINESS_LIMIT_CONTROL"), T, 0,
	    "isv.BUSINESS_LIMIT_CONTROL: m" },
	CODE(400, "Throttling.User", T, 0),
	CODE(200, "isp.SYSTEM_ERROR", T, 0),
	/* the account's caps, the balance, the credentials: fail over */
	CODE(200, "isv.DAY_LIMIT_CONTROL", T, 1),
	CODE(200, "isv.MONTH_LIMIT_CONTROL", T, 1),
	CODE(200, "isv.AMOUNT_NOT_ENOUGH", T, 1),
	CODE(200, "isv.OUT_OF_SERVICE", T, 1),
	{ 400, ERR("SignatureDoesNotMatch"), T, 1, "SignatureDoesNotMatch: m" },
	CODE(400, "InvalidTimeStamp.Expired", T, 1),
	CODE(400, "SignatureNonceUsed", T, 1),
	CODE(404, "InvalidAccessKeyId.NotFound", T, 1),
	CODE(403, "isp.RAM_PERMISSION_DENY", T, 1),
	CODE(200, "isv.ACCOUNT_NOT_EXISTS", T, 1),
	CODE(200, "isv.ACCOUNT_ABNORMAL", T, 1),
	CODE(200, "isv.PRODUCT_UN_SUBSCRIPT", T, 1),
	CODE(200, "isv.DENY_IP_RANGE", T, 1),
	/* the number */
	CODE(200, "isv.MOBILE_NUMBER_ILLEGAL", P, 0),
	CODE(200, "isv.MOBILE_COUNT_OVER_LIMIT", P, 0),
	CODE(200, "isv.DOMESTIC_NUMBER_NOT_SUPPORTED", P, 0),
	/* template, signature and content */
	CODE(200, "isv.SMS_TEMPLATE_ILLEGAL", P, 0),
	CODE(200, "isv.SMS_SIGNATURE_ILLEGAL", P, 0),
	CODE(200, "isv.SMS_SIGN_ILLEGAL", P, 0),
	CODE(200, "isv.SIGN_STATE_ILLEGAL", P, 0),
	CODE(200, "isv.SMS_SIGNATURE_SCENE_ILLEGAL", P, 0),
	CODE(200, "isv.TEMPLATE_MISSING_PARAMETERS", P, 0),
	CODE(200, "isv.INVALID_JSON_PARAM", P, 0),
	CODE(200, "isv.PARAM_LENGTH_LIMIT", P, 0),
	CODE(200, "isv.PARAM_NOT_SUPPORT_URL", P, 0),
	CODE(200, "isv.SMS_CONTENT_ILLEGAL", P, 0),
	CODE(200, "isv.BLACK_KEY_CONTROL_LIMIT", P, 0),
	/* families and the unknown: retried, never lost */
	{ 400, ERR("InvalidAccessKeyId.Inactive"), T, 1, "InvalidAccessKeyId" },
	{ 503, ERR("ServiceUnavailable"), T, 1, "HTTP 503: ServiceUnavailable: m" },
	{ 500, ERR("isp.SYSTEM_ERROR"), T, 1, "HTTP 500: isp.SYSTEM_ERROR" },
	{ 200, ERR("isv.SOMETHING_NEW"), T, 1, "an unrecognised code" },
	/* not an answer: the vendor's outage */
	{ 502, "<html>Bad Gateway</html>", T, 1, "HTTP 502: <html>Bad Gateway" },
	{ 500, "", T, 1, "HTTP 500" },
	{ 200, "not json at all", T, 1, "not SendSms JSON: not json at all" },
	{ 200, "", T, 1, "not SendSms JSON" },
	{ 200, "{\"Message\":\"OK\"}", T, 1, "not SendSms JSON" },
	{ 200, "[\"Code\",\"OK\"]", T, 1, "not SendSms JSON" },
	{ 404, "Not Found", T, 1, "HTTP 404: Not Found" },
	{ 301, "", T, 1, "redirects are not followed" },
	{ 429, "", T, 0, "HTTP 429" },
	/* "OK" under an error status is not a success */
	{ 500, "{\"Code\":\"OK\",\"BizId\":\"1\"}", T, 1, "HTTP 500" },
};

static void
test_answers_are_classified(void **state)
{
	(void)state;
	fixture_check_answers(&adapter_aliyun, answers, NITEMS(answers));
}

static void
test_success_takes_biz_id_as_provider_id(void **state)
{
	struct result	 res;

	(void)state;
	fixture_parse(&adapter_aliyun, NULL, 200, answers[0].body, -1, &res);
	assert_int_equal(res.outcome, OUTCOME_OK);
	assert_string_equal(res.provider_id, "700000000000000000^0");
	assert_string_equal(res.error, "");
}

/* Flow control names its window; a larger Retry-After still wins. */
static void
test_flow_control_waits_for_its_window(void **state)
{
	static const struct {
		const char	*msg;
		int64_t		 retry_after, want;
	} rows[] = {
		{ "触发分钟级流控Permits:1", -1, 60000 },
		{ "触发小时级流控Permits:5", -1, 3600000 },
		{ "触发天级流控Permits:10", -1, 3600000 },
		{ "触发分钟级流控Permits:1", 120000, 120000 },
	};
	struct result	 res;
	char		*body;
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(rows); i++) {
		body = xasprintf("{\"Code\":\"isv.BUSINESS_LIMIT_CONTROL\","
		    "\"Message\":\"%s\"}", rows[i].msg);
		fixture_parse(&adapter_aliyun, NULL, 200, body,
		    rows[i].retry_after, &res);
		assert_int_equal(res.outcome, OUTCOME_TEMPFAIL);
		assert_int_equal(res.gwfault, 0);
		assert_int_equal(res.retry_after_ms, rows[i].want);
		assert_non_null(strstr(res.error, rows[i].msg));
		free(body);
	}
}

/* The server's string to sign names the phone number: it is masked. */
static void
test_phone_numbers_in_vendor_errors_are_masked(void **state)
{
	const char	*body = "{\"Code\":\"SignatureDoesNotMatch\","
	    "\"Message\":\"Specified signature is not matched with our "
	    "calculation. server string to sign is:POST&%2F&OutId%3Dhg%26"
	    "PhoneNumbers%3D13812345678\"}";
	struct result	 res;

	(void)state;
	fixture_parse(&adapter_aliyun, NULL, 400, body, -1, &res);
	assert_null(strstr(res.error, "13812345678"));
	assert_non_null(strstr(res.error, "PhoneNumbers%3D138****5678"));
}

int
main(void)
{
	const struct CMUnitTest vectors[] = {
		cmocka_unit_test(
		    test_v2_sms_doc_vector_query_string_to_sign_signature_and_url),
		cmocka_unit_test(
		    test_v2_sms_doc_vector_credentials_are_case_sensitive),
		cmocka_unit_test(test_v2_generic_rpc_doc_vector),
		cmocka_unit_test(test_v2_old_ecs_doc_vector),
		cmocka_unit_test(test_v2_darabonba_python_sdk_vector),
		cmocka_unit_test(
		    test_v2_darabonba_go_sdk_vector_with_empty_method),
		cmocka_unit_test(test_canonical_query_encoding_sdk_vector),
		cmocka_unit_test(test_v3_doc_fixed_parameter_vector),
		cmocka_unit_test(test_v3_sendsms_derived_vector),
		cmocka_unit_test(test_v2_sendsms_post_derived_vector),
		cmocka_unit_test(test_answers_are_classified),
		cmocka_unit_test(test_success_takes_biz_id_as_provider_id),
		cmocka_unit_test(test_flow_control_waits_for_its_window),
		cmocka_unit_test(test_phone_numbers_in_vendor_errors_are_masked),
	};
	const struct CMUnitTest requests[] = {
		cmocka_unit_test(test_v3_request_matches_golden),
		cmocka_unit_test(test_v1_rpc_request_matches_golden),
		cmocka_unit_test(test_request_never_carries_the_secret),
		cmocka_unit_test(test_v3_request_carries_template_outid_and_utc_time),
		cmocka_unit_test(test_nonce_changes_with_attempt_and_time_only),
		cmocka_unit_test(test_endpoint_replaces_scheme_host_and_port),
		cmocka_unit_test(test_missing_variable_is_a_build_error_naming_it),
		cmocka_unit_test(test_bad_variables_and_no_template_are_build_errors),
	};
	int	 rv;

	fixture_init("test_aliyun", CONF);
	rv = cmocka_run_group_tests_name("aliyun vectors and answers", vectors,
	    NULL, NULL);
	rv += cmocka_run_group_tests_name("aliyun requests", requests,
	    fixture_setup, fixture_teardown);
	return (rv);
}
