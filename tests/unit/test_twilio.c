/*
 * test_twilio.c - the Twilio adapter without a network: X-Twilio-Signature
 * against every published vector of reference/gateways.md 3.4, the
 * requests it builds against golden files, and the classification of every
 * mapped answer of 3.2. Run from the repository root (it loads
 * tests/configs/good/vendors-twilio-kannel.conf, fake secrets).
 * HUIGAO_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing.
 */
#include <sys/queue.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "huigao.h"
#include "adapter.h"
#include "fixture.h"

#define CONF		"tests/configs/good/vendors-twilio-kannel.conf"
#define CALLBACK	"https://huigao.example.org"
#define FAKE_TOKEN	"fake-twilio-auth-token-000000000"

/* ---- X-Twilio-Signature: twilio/twilio-python tests/unit/test_request_validator.py ---- */

#define URI	"https://mycompany.com/myapp.php?foo=1&bar=2"

static const struct twilio_param call_params[] = {
	{ "CallSid", "CA1234567890ABCDE" },
	{ "Digits", "1234" },
	{ "From", "+14158675309" },
	{ "To", "+18005551212" },
	{ "Caller", "+14158675309" },
};
#define NCALL	(sizeof(call_params) / sizeof(call_params[0]))

static const struct twilio_param duplicate_params[] = {
	{ "Sid", "CA123" },
	{ "SidAccount", "AC123" },
	{ "Digits", "5678" },
	{ "Digits", "1234" },
};

/* the older twilio.com/docs/usage/security example (gateways.md 11 #24) */
static const struct twilio_param old_doc_params[] = {
	{ "CallSid", "CA1234567890ABCDE" },
	{ "Digits", "1234" },
	{ "From", "+12349013030" },
	{ "To", "+18005551212" },
	{ "Caller", "+12349013030" },
};

struct sig_vector {
	const char			*what;
	const char			*url;
	const struct twilio_param	*params;
	size_t				 nparams;
	const char			*want;
};

static const struct sig_vector sig_vectors[] = {
	{ "test_compute_signature (#18)", URI, call_params, NCALL,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8=" },
	{ "test_compute_signature_duplicate_multi_dict (#19)", URI,
	    duplicate_params, 4, "IK+Dwps556ElfBT0I3Rgjkr1wJU=" },
	{ "http URI with port 1234 (#20)",
	    "http://mycompany.com:1234/myapp.php?foo=1&bar=2", call_params,
	    NCALL, "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=" },
	{ "https URI with port 443 (#21)",
	    "https://mycompany.com:443/myapp.php?foo=1&bar=2", call_params,
	    NCALL, "kvajT1Ptam85bY51eRf/AJRuM3w=" },
	{ "http URI with port 80 (#22)",
	    "http://mycompany.com:80/myapp.php?foo=1&bar=2", call_params,
	    NCALL, "0ZXoZLH/DfblKGATFgpif+LLRf4=" },
	{ "JSON body, URL with bodySHA256, no params (#23)", URI
	    "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf"
	    "19632632f96e6620", NULL, 0, "a9nBmqA0ju/hNViExpshrM61xv4=" },
	{ "older doc example (#24)", URI, old_doc_params, 5,
	    "0/KCTR6DLpKmkAf8muzZqo1nDgQ=" },
};

static void
test_twilio_signature_published_vectors(void **state)
{
	char	 sig[64];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(sig_vectors) / sizeof(sig_vectors[0]); i++) {
		assert_int_equal(twilio_signature("12345", sig_vectors[i].url,
		    sig_vectors[i].params, sig_vectors[i].nparams, sig,
		    sizeof(sig)), 0);
		if (strcmp(sig, sig_vectors[i].want) != 0)
			fail_msg("%s: %s, want %s", sig_vectors[i].what, sig,
			    sig_vectors[i].want);
	}
}

static void
test_twilio_signature_sorts_duplicate_values(void **state)
{
	static const struct twilio_param sorted[] = {
		{ "Digits", "1234" }, { "Digits", "5678" }, { "Sid", "CA123" },
		{ "SidAccount", "AC123" },
	};
	char	 a[64], b[64];

	(void)state;
	/* the data string is URL + "Digits1234Digits5678SidCA123SidAccountAC123" */
	assert_int_equal(twilio_signature("12345", URI, duplicate_params, 4, a,
	    sizeof(a)), 0);
	assert_int_equal(twilio_signature("12345", URI, sorted, 4, b,
	    sizeof(b)), 0);
	assert_string_equal(a, b);
	assert_int_equal(twilio_signature("12345", URI, sorted, 4, b, 28), -1);
}

struct valid_vector {
	const char	*what;
	const char	*url;
	const char	*body;
	const char	*sig;
};

#define BODY	"{\"property\": \"value\", \"boolean\": true}"
#define BODY_HASH \
	"0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"

static const struct valid_vector valid_vectors[] = {
	{ "test_validation", URI, NULL, "RSOYDt4T1cUTdK1PDd93/VVr8B8=" },
	{ "test_validation_removes_port_on_https",
	    "https://mycompany.com:1234/myapp.php?foo=1&bar=2", NULL,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8=" },
	{ "test_validation_removes_port_on_http",
	    "http://mycompany.com:1234/myapp.php?foo=1&bar=2", NULL,
	    "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=" },
	{ "test_validation_adds_port_on_https", URI, NULL,
	    "kvajT1Ptam85bY51eRf/AJRuM3w=" },
	{ "test_validation_adds_port_on_http",
	    "http://mycompany.com/myapp.php?foo=1&bar=2", NULL,
	    "0ZXoZLH/DfblKGATFgpif+LLRf4=" },
	{ "test_validation_of_body_succeeds", URI "&bodySHA256=" BODY_HASH,
	    BODY, "a9nBmqA0ju/hNViExpshrM61xv4=" },
};

static void
test_twilio_validation_published_vectors(void **state)
{
	const struct valid_vector	*v;
	size_t				 i;

	(void)state;
	for (i = 0; i < sizeof(valid_vectors) / sizeof(valid_vectors[0]); i++) {
		v = &valid_vectors[i];
		if (twilio_signature_valid("12345", v->url, call_params, NCALL,
		    v->body, v->body ? strlen(v->body) : 0, v->sig) != 1)
			fail_msg("%s does not validate", v->what);
	}
}

static void
test_twilio_validation_rejects_tampering(void **state)
{
	struct twilio_param	 p[NCALL];
	const char		*good = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

	(void)state;
	memcpy(p, call_params, sizeof(p));
	assert_int_equal(twilio_signature_valid("12345", URI, p, NCALL, NULL,
	    0, good), 1);
	assert_int_equal(twilio_signature_valid("12346", URI, p, NCALL, NULL,
	    0, good), 0);
	assert_int_equal(twilio_signature_valid("12345", URI "&x=1", p, NCALL,
	    NULL, 0, good), 0);
	assert_int_equal(twilio_signature_valid("12345", URI, p, NCALL, NULL,
	    0, "RSOYDt4T1cUTdK1PDd93/VVr8B8"), 0);
	assert_int_equal(twilio_signature_valid("12345", URI, p, NCALL, NULL,
	    0, ""), 0);
	p[1].value = "9999";
	assert_int_equal(twilio_signature_valid("12345", URI, p, NCALL, NULL,
	    0, good), 0);
	/* a body that does not hash to bodySHA256 fails even if signed */
	assert_int_equal(twilio_signature_valid("12345", URI "&bodySHA256="
	    BODY_HASH, NULL, 0, "{\"property\": \"other\"}", 21,
	    "a9nBmqA0ju/hNViExpshrM61xv4="), 0);
	assert_int_equal(twilio_signature_valid("12345", URI, NULL, 0, BODY,
	    strlen(BODY), "a9nBmqA0ju/hNViExpshrM61xv4="), 0);
}

/* ---- the request ---- */

/* Build m on gateway `name`; compare with (or rewrite) the golden file. */
static void
golden(const char *name, const struct message *m, const char *path)
{
	struct config	*cfg = fixture_load(CONF);
	struct gateway	*gw;

	assert_non_null(gw = cfg_gateway(cfg, name));
	fixture_golden_build(gw, m, path);
	cfg_unref(cfg);
}

static void
test_twilio_request_matches_golden(void **state)
{
	struct message	 m;

	(void)state;
	fixture_receipt_message(&m, CALLBACK);
	golden("tw", &m, "tests/golden/twilio-request.txt");
}

static void
test_twilio_messaging_service_request_matches_golden(void **state)
{
	struct message	 m;

	(void)state;
	fixture_receipt_message(&m, CALLBACK);
	m.callback_url = NULL;	/* no StatusCallback without a public URL */
	golden("tw-ms", &m, "tests/golden/twilio-request-service.txt");
}

/* Build on a gateway of the test config; the request's body or the cause. */
static int
build(const char *name, const struct message *m, char **out)
{
	struct config	*cfg = fixture_load(CONF);
	struct gateway	*gw;
	struct request	 req;
	int		 rv;

	assert_non_null(gw = cfg_gateway(cfg, name));
	if ((rv = fixture_try_build(gw, m, &req, out)) == -1)
		assert_null(strstr(*out, FAKE_TOKEN));
	request_clear(&req);
	cfg_unref(cfg);
	return (rv);
}

struct recipient {
	const char	*to;
	const char	*want;		/* the To field, or NULL: refused */
};

static const struct recipient recipients[] = {
	{ "13812345678", "To=%2B8613812345678&" },
	{ "19912345678", "To=%2B8619912345678&" },
	{ "+85291234567", "To=%2B85291234567&" },
	{ "+14155550100", "To=%2B14155550100&" },
	{ "1381234567", NULL },
	{ "03123456789", NULL },
	{ "+86 138", NULL },
	{ "", NULL },
};

static void
test_twilio_recipient_is_e164_with_plus86_for_mainland(void **state)
{
	struct message	 m;
	char		*out;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(recipients) / sizeof(recipients[0]); i++) {
		fixture_receipt_message(&m, CALLBACK);
		m.to = recipients[i].to;
		if (recipients[i].want == NULL) {
			assert_int_equal(build("tw", &m, &out), -1);
			assert_non_null(strstr(out, "E.164"));
			assert_null(strstr(out, m.to[0] ? m.to : "\x01"));
		} else {
			assert_int_equal(build("tw", &m, &out), 0);
			if (strstr(out, recipients[i].want) == NULL)
				fail_msg("%s: want %s in\n%s", m.to,
				    recipients[i].want, out);
		}
		free(out);
	}
}

/* 【沽源县人民法院】 + n ideographs: 9 + n characters, UCS-2. */
static char *
chinese(size_t n)
{
	char	*s = xstrdup("【沽源县人民法院】"), *t;
	size_t	 i;

	for (i = 0; i < n; i++) {
		t = xasprintf("%s%s", s, "执");
		free(s);
		s = t;
	}
	return (s);
}

static void
test_twilio_more_parts_than_max_parts_is_refused_with_counts(void **state)
{
	struct message	 m;
	char		*text, *out;

	(void)state;
	fixture_receipt_message(&m, CALLBACK);
	m.text = text = chinese(134 - 9);	/* 134 characters: 2 parts */
	assert_int_equal(build("tw-ms", &m, &out), 0);
	free(out);
	free(text);
	m.text = text = chinese(135 - 9);	/* 135: 3 parts */
	assert_int_equal(build("tw-ms", &m, &out), -1);
	assert_string_equal(out, "the text takes 3 SMS parts (135 characters, "
	    "UCS-2); gateway \"tw-ms\" allows 2 (max_parts)");
	free(out);
	/* the gateway without max_parts takes it: Twilio concatenates */
	assert_int_equal(build("tw", &m, &out), 0);
	free(out);
	free(text);
	m.text = "\xff\xfe";
	assert_int_equal(build("tw", &m, &out), -1);
	assert_string_equal(out, "the text is not valid UTF-8");
	free(out);
}

/* ---- the answers ---- */

struct answer {
	long		 status;
	const char	*body;
	int64_t		 retry_after;
	enum outcome	 want;
	int		 gwfault;
	const char	*reason;	/* substring of the error, or NULL */
};

#define ERR(code, status, msg) "{\"code\": " #code ", \"message\": \"" msg \
	"\", \"more_info\": \"https://www.twilio.com/docs/errors/" #code \
	"\", \"status\": " #status "}"

static const struct answer answers[] = {
	{ 201, "{\"sid\": \"SM0123456789abcdef0123456789abcdef\", \"status\": "
	    "\"queued\", \"num_segments\": \"1\", \"error_code\": null}", -1,
	    OUTCOME_OK, 0, NULL },
	{ 201, "{\"sid\": \"SM1\", \"status\": \"accepted\", \"num_segments\": "
	    "\"0\", \"error_code\": null}", -1, OUTCOME_OK, 0, NULL },
	{ 201, "{\"sid\": \"SM2\", \"status\": \"scheduled\"}", -1, OUTCOME_OK,
	    0, NULL },
	{ 201, "{\"sid\": \"SM3\", \"status\": \"failed\", \"error_code\": "
	    "30007}", -1, OUTCOME_PERMFAIL, 0, "Twilio 30007 (HTTP 201): "
	    "filtered by the carrier" },
	/* every code of gateways.md 3.2 */
	{ 401, ERR(20003, 401, "Authenticate"), -1, OUTCOME_TEMPFAIL, 1,
	    "Twilio 20003 (HTTP 401): authentication failed" },
	{ 429, ERR(20429, 429, "Too Many Requests"), 3000, OUTCOME_TEMPFAIL, 1,
	    "Twilio 20429 (HTTP 429): too many requests" },
	{ 400, ERR(21211, 400, "The 'To' number 5551234567 is not a valid "
	    "phone number."), -1, OUTCOME_PERMFAIL, 0,
	    "Twilio 21211 (HTTP 400): invalid 'To' number" },
	{ 400, ERR(21614, 400, "'To' number is not a valid mobile number"), -1,
	    OUTCOME_PERMFAIL, 0, "Twilio 21614 (HTTP 400): the 'To' number "
	    "cannot receive SMS" },
	{ 400, ERR(21612, 400, "The 'To' phone number is not currently "
	    "reachable via SMS"), -1, OUTCOME_PERMFAIL, 0,
	    "Twilio 21612 (HTTP 400): Twilio cannot route to this number" },
	{ 400, ERR(21408, 400, "Permission to send an SMS has not been "
	    "enabled for the region indicated by the 'To' number"), -1,
	    OUTCOME_TEMPFAIL, 1, "Twilio 21408 (HTTP 400): the account may "
	    "not send to this region; enable it in the Geo permissions" },
	{ 400, ERR(21608, 400, "The number is unverified. Trial accounts "
	    "cannot send messages to unverified numbers"), -1,
	    OUTCOME_TEMPFAIL, 1, "Twilio 21608 (HTTP 400): a trial account" },
	{ 400, ERR(21610, 400, "Attempt to send to unsubscribed recipient"),
	    -1, OUTCOME_PERMFAIL, 0, "Twilio 21610 (HTTP 400): the recipient "
	    "has opted out (STOP)" },
	{ 400, ERR(21606, 400, "The 'From' phone number provided is not a "
	    "valid message-capable Twilio phone number for this destination"),
	    -1, OUTCOME_TEMPFAIL, 1, "Twilio 21606 (HTTP 400): the 'From' "
	    "number cannot send SMS" },
	{ 400, ERR(21617, 400, "The concatenated message body exceeds the "
	    "1600 character limit"), -1, OUTCOME_PERMFAIL, 0,
	    "Twilio 21617 (HTTP 400): the body is too long" },
	{ 401, ERR(10001, 401, "Account is not active"), -1, OUTCOME_TEMPFAIL,
	    1, "Twilio 10001 (HTTP 401): the account is not active" },
	{ 400, ERR(30003, 400, "Unreachable destination handset"), -1,
	    OUTCOME_PERMFAIL, 0, "Twilio 30003 (HTTP 400): the handset is "
	    "unreachable" },
	{ 400, ERR(30005, 400, "Unknown destination handset"), -1,
	    OUTCOME_PERMFAIL, 0, "Twilio 30005 (HTTP 400): unknown or inactive "
	    "number" },
	{ 400, ERR(30006, 400, "Landline or unreachable carrier"), -1,
	    OUTCOME_PERMFAIL, 0, "Twilio 30006 (HTTP 400): a landline" },
	/* without a known code, the HTTP status decides */
	{ 429, "", 5000, OUTCOME_TEMPFAIL, 1, "Twilio HTTP 429" },
	{ 500, "<html>Internal Server Error</html>", -1, OUTCOME_TEMPFAIL, 1,
	    "Twilio HTTP 500" },
	{ 503, ERR(20500, 503, "Service Unavailable"), 30000, OUTCOME_TEMPFAIL,
	    1, "Twilio HTTP 503: Service Unavailable" },
	{ 401, "", -1, OUTCOME_TEMPFAIL, 1, "Twilio HTTP 401" },
	{ 404, ERR(20404, 404, "The requested resource was not found"), -1,
	    OUTCOME_TEMPFAIL, 1, "Twilio HTTP 404: The requested resource" },
	{ 408, "", -1, OUTCOME_TEMPFAIL, 0, "Twilio HTTP 408" },
	{ 400, ERR(21602, 400, "Message body is required."), -1,
	    OUTCOME_PERMFAIL, 0, "Twilio 21602 (HTTP 400): Message body is "
	    "required." },
	{ 301, "", -1, OUTCOME_TEMPFAIL, 1, "Twilio HTTP 301" },
	/* a 2xx that is not a Message resource is not Twilio's */
	{ 200, "<html>captive portal</html>", -1, OUTCOME_TEMPFAIL, 1,
	    "unexpected answer from Twilio (HTTP 200 without a message sid)" },
	{ 201, "{\"status\": \"queued\"}", -1, OUTCOME_TEMPFAIL, 1,
	    "unexpected answer" },
};

/* Parse an answer as the core would. */
static void
parse(long status, const char *body, int64_t retry_after, struct result *res)
{
	fixture_parse(&adapter_twilio, NULL, status, body, retry_after, res);
}

static void
test_twilio_answers_are_classified(void **state)
{
	const struct answer	*a;
	struct result		 res;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		a = &answers[i];
		parse(a->status, a->body, a->retry_after, &res);
		if (res.outcome != a->want || res.gwfault != a->gwfault)
			fail_msg("row %zu (HTTP %ld): outcome %d gwfault %d, want "
			    "%d %d (%s)", i, a->status, res.outcome, res.gwfault,
			    a->want, a->gwfault, res.error);
		assert_int_equal(res.http_status, a->status);
		assert_int_equal(res.retry_after_ms, a->retry_after);
		if (a->reason != NULL && strstr(res.error, a->reason) == NULL)
			fail_msg("row %zu: error \"%s\", want \"%s\"", i,
			    res.error, a->reason);
	}
}

static void
test_twilio_provider_id_is_the_message_sid(void **state)
{
	struct result	 res;

	(void)state;
	parse(201, answers[0].body, -1, &res);
	assert_string_equal(res.provider_id,
	    "SM0123456789abcdef0123456789abcdef");
	assert_string_equal(res.error, "");
}

static void
test_twilio_error_text_masks_phone_numbers(void **state)
{
	struct result	 res;

	(void)state;
	parse(400, ERR(21999, 400, "The 'To' number +8613812345678 is odd"), -1,
	    &res);
	assert_int_equal(res.outcome, OUTCOME_PERMFAIL);
	assert_null(strstr(res.error, "13812345678"));
	assert_non_null(strstr(res.error, "+86138****5678"));
}

/* ---- receipts ---- */

static void
test_twilio_receipt_auth_checks_the_status_callback(void **state)
{
	const char	*url = "https://huigao.example.org/v1/receipts/twilio"
			    "?key=hg-7-3-sms";
	const char	*form = "MessageSid=SM1&MessageStatus=delivered&"
			    "AccountSid=AC0123456789abcdef0123456789abcdef&"
			    "To=%2B8613812345678&ApiVersion=2010-04-01";
	struct twilio_param params[] = {
		{ "MessageSid", "SM1" }, { "MessageStatus", "delivered" },
		{ "AccountSid", "AC0123456789abcdef0123456789abcdef" },
		{ "To", "+8613812345678" }, { "ApiVersion", "2010-04-01" },
	};
	struct evkeyvalq q;
	struct config	*cfg;
	struct gateway	*gw;
	char		 sig[64];

	(void)state;
	cfg = fixture_load(CONF);
	assert_non_null(gw = cfg_gateway(cfg, "tw"));
	assert_int_equal(twilio_signature(FAKE_TOKEN, url, params, 5, sig,
	    sizeof(sig)), 0);
	TAILQ_INIT(&q);
	assert_int_equal(evhttp_parse_query_str(form, &q), 0);
	assert_int_equal(gw->ad->receipt_auth(gw, url, &q, sig), 1);
	/* behind a proxy Twilio may have signed the URL with :443 */
	assert_int_equal(gw->ad->receipt_auth(gw, "https://huigao.example.org"
	    ":443/v1/receipts/twilio?key=hg-7-3-sms", &q, sig), 1);
	assert_int_equal(gw->ad->receipt_auth(gw, "https://huigao.example.org"
	    "/v1/receipts/twilio?key=hg-8-3-sms", &q, sig), 0);
	evhttp_clear_headers(&q);
	assert_int_equal(evhttp_parse_query_str("MessageSid=SM1&"
	    "MessageStatus=undelivered&AccountSid=AC0123456789abcdef0123456789"
	    "abcdef&To=%2B8613812345678&ApiVersion=2010-04-01", &q), 0);
	assert_int_equal(gw->ad->receipt_auth(gw, url, &q, sig), 0);
	evhttp_clear_headers(&q);
	cfg_unref(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_twilio_signature_published_vectors),
		cmocka_unit_test(test_twilio_signature_sorts_duplicate_values),
		cmocka_unit_test(test_twilio_validation_published_vectors),
		cmocka_unit_test(test_twilio_validation_rejects_tampering),
		cmocka_unit_test(test_twilio_request_matches_golden),
		cmocka_unit_test(
		    test_twilio_messaging_service_request_matches_golden),
		cmocka_unit_test(
		    test_twilio_recipient_is_e164_with_plus86_for_mainland),
		cmocka_unit_test(
		    test_twilio_more_parts_than_max_parts_is_refused_with_counts),
		cmocka_unit_test(test_twilio_answers_are_classified),
		cmocka_unit_test(test_twilio_provider_id_is_the_message_sid),
		cmocka_unit_test(test_twilio_error_text_masks_phone_numbers),
		cmocka_unit_test(
		    test_twilio_receipt_auth_checks_the_status_callback),
	};

	fixture_init("test_twilio", NULL);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
