/*
 * test_kannel.c - the Kannel adapter without a network: how a text is cut
 * into UCS-2 parts (the segmentation vectors of reference/gateways.md 10
 * and 11 that apply to Kannel's split), the UTF-16BE vector of 11 #32, the
 * sendsms requests it builds against golden files, and every answer of
 * 7.2. Run from the repository root (it loads
 * tests/configs/good/vendors-twilio-kannel.conf, fake secrets).
 * HUIGAO_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing.
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

#define CONF		"tests/configs/good/vendors-twilio-kannel.conf"
#define CALLBACK	"https://huigao.example.org/"
#define FAKE_PASSWORD	"fake kannel&pw=1"

/* s repeated n times, after prefix. */
static char *
repeat(const char *prefix, const char *s, size_t n)
{
	size_t	 plen = strlen(prefix), slen = strlen(s), i;
	char	*out = xmalloc(plen + slen * n + 1);

	memcpy(out, prefix, plen);
	for (i = 0; i < n; i++)
		memcpy(out + plen + i * slen, s, slen);
	out[plen + slen * n] = '\0';
	return (out);
}

#define DIGITS	"1234567890"

/* ---- segmentation ---- */

struct seg_vector {
	const char	*what;
	const char	*prefix;	/* then `unit` repeated n times */
	const char	*unit;
	size_t		 n;
	size_t		 units;
	size_t		 parts;
};

/*
 * TwilioDevEd/message-segment-calculator tests/index.test.js (gateways.md
 * 10.2, 11 #35): the UCS-2 bodies, whose segment counts Kannel's 70/67
 * split gives too; the repository's digits after the emoji are written
 * here as n times "2" (only their number matters). The adapter sends
 * GSM-7 bodies as UCS-2 as well, so the domestic rule applies to them
 * (Alibaba 160 -> 3; Huawei 68 -> 1, 134 -> 2, 135 -> 3).
 */
static const struct seg_vector seg_vectors[] = {
	{ "UCS-2 message in one segment", "😜", "2", 68, 70, 1 },
	{ "UCS-2 message in two segments", "😜", "2", 69, 71, 2 },
	{ "UCS-2 message in three segments", "😜", "2", 133, 135, 3 },
	{ "UCS-2 with two bytes extended characters in one segments boundary",
	    "🇮🇹", "2", 66, 70, 1 },
	{ "UCS-2 with extended characters in two segments boundary",
	    "🇮🇹", "2", 67, 71, 2 },
	{ "UCS-2 with four bytes extended characters in one segments boundary",
	    "🏳️‍🌈", "2", 64, 70, 1 },
	{ "UCS-2 with four bytes extended characters in two segments boundary",
	    "🏳️‍🌈", "2", 65, 71, 2 },
	{ "'😀' + ']' x 68: one segment", "😀", "]", 68, 70, 1 },
	{ "'😀' + ']' x 69: two segments", "😀", "]", 69, 71, 2 },
	{ "GSM-7 body of 160 digits, sent as UCS-2 (Alibaba: 3)", "", "1", 160,
	    160, 3 },
	{ "GSM-7 body of 161 digits, sent as UCS-2", "", "1", 161, 161, 3 },
	{ "Huawei: 68 characters, 1 part", "", "执", 68, 68, 1 },
	{ "70 characters, 1 part", "", "执", 70, 70, 1 },
	{ "71 characters, 2 parts", "", "执", 71, 71, 2 },
	{ "Huawei: 134 characters, 2 parts", "", "执", 134, 134, 2 },
	{ "Huawei: 135 characters, 3 parts", "", "执", 135, 135, 3 },
	{ "the 150-character e2e text", "【沽源县人民法院】", "执", 141, 150, 3 },
	{ "500 characters, the most an SMS may carry", "", "执", 500, 500, 8 },
};

static void
test_kannel_parts_match_the_segmentation_vectors(void **state)
{
	const struct seg_vector	*v;
	struct kannel_parts	 kp;
	struct sms_count	 sc;
	char			*text;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(seg_vectors) / sizeof(seg_vectors[0]); i++) {
		v = &seg_vectors[i];
		text = repeat(v->prefix, v->unit, v->n);
		assert_int_equal(kannel_parts(text, &kp), 0);
		if (kp.units != v->units || kp.parts != v->parts)
			fail_msg("%s: %zu units %zu parts, want %zu %zu", v->what,
			    kp.units, kp.parts, v->units, v->parts);
		/* what huigao bills (domestic count) is what Kannel sends */
		assert_int_equal(text_sms_count(text, 0, &sc), 0);
		assert_int_equal(sc.parts, kp.parts);
		assert_int_equal(kp.cut_part, 0);
		free(text);
	}
}

struct cut_vector {
	const char	*what;
	size_t		 before;	/* ideographs before the emoji */
	size_t		 after;		/* and after it */
	size_t		 cut_part;	/* 0: not cut */
	size_t		 cut_char;
};

static const struct cut_vector cut_vectors[] = {
	{ "emoji on units 67-68 of a 2-part text: cut after part 1", 66, 10, 1,
	    67 },
	{ "emoji on units 66-67: whole in part 1", 65, 10, 0, 0 },
	{ "emoji on units 68-69: whole in part 2", 67, 10, 0, 0 },
	{ "emoji on units 134-135: cut after part 2", 133, 10, 2, 134 },
	{ "emoji on units 67-68 of a 1-part text (69 units): no cut", 66, 1, 0,
	    0 },
	{ "emoji on units 69-70, 70 units: one part", 68, 0, 0, 0 },
	{ "emoji last, units 70-71: two parts, 67 + 4", 69, 0, 0, 0 },
};

static void
test_kannel_parts_find_a_surrogate_pair_cut_in_half(void **state)
{
	const struct cut_vector	*v;
	struct kannel_parts	 kp;
	char			*a, *b, *text;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cut_vectors) / sizeof(cut_vectors[0]); i++) {
		v = &cut_vectors[i];
		a = repeat("", "一", v->before);
		b = repeat("😀", "二", v->after);
		text = xasprintf("%s%s", a, b);
		assert_int_equal(kannel_parts(text, &kp), 0);
		if (kp.cut_part != v->cut_part || kp.cut_char != v->cut_char)
			fail_msg("%s: cut part %zu char %zu, want %zu %zu",
			    v->what, kp.cut_part, kp.cut_char, v->cut_part,
			    v->cut_char);
		if (kp.cut_part != 0)
			assert_int_equal(kp.cut_cp, 0x1f600);
		free(a);
		free(b);
		free(text);
	}
}

static void
test_kannel_parts_refuse_invalid_utf8(void **state)
{
	static const char *const bad[] = {
		"\xff", "\xc0\x80", "\xe0\x80\x80", "\xed\xa0\x80" /* U+D800 */,
		"\xf4\x90\x80\x80" /* > U+10FFFF */, "abc\xe6\xb5",
	};
	struct kannel_parts	 kp;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(kannel_parts(bad[i], &kp), -1);
	assert_int_equal(kannel_parts("", &kp), 0);
	assert_int_equal(kp.parts, 0);
}

/* ---- the request ---- */

/* Build on a gateway of the test config: 0 and the request, or -1 and the cause. */
static int
build(const char *name, const struct message *m, char **out)
{
	struct config	*cfg = fixture_load(CONF);
	struct gateway	*gw;
	struct request	 req;
	int		 rv;

	assert_non_null(gw = cfg_gateway(cfg, name));
	if ((rv = fixture_try_build(gw, m, &req, out)) == 0) {
		assert_string_equal(req.method, "GET");
		assert_null(req.body);
	} else
		assert_null(strstr(*out, FAKE_PASSWORD));
	request_clear(&req);
	cfg_unref(cfg);
	return (rv);
}

/* Build m on gateway `name`; compare with (or rewrite) the golden file. */
static void
golden(const char *name, const struct message *m, const char *path)
{
	char	*got;

	if (build(name, m, &got) == -1)
		fail_msg("build: %s", got);
	fixture_golden(path, got);
	free(got);
}

static void
test_kannel_request_matches_golden(void **state)
{
	struct message	 m;

	(void)state;
	fixture_receipt_message(&m, CALLBACK);
	golden("kan", &m, "tests/golden/kannel-request.txt");
}

static void
test_kannel_request_without_dlr_matches_golden(void **state)
{
	struct message	 m;

	(void)state;
	/* dlr_mask = 0: no report, callback or not */
	fixture_receipt_message(&m, CALLBACK);
	golden("kan-plain", &m, "tests/golden/kannel-request-plain.txt");
}

static void
test_kannel_long_request_matches_golden(void **state)
{
	struct message	 m;
	char		*text;

	(void)state;
	fixture_receipt_message(&m, CALLBACK);
	m.text = text = repeat("【沽源县人民法院】", "执", 141);	/* 150, 3 parts */
	golden("kan", &m, "tests/golden/kannel-request-long.txt");
	free(text);
}

/* gateways.md 11 #32: "测试😀" as raw UTF-16BE, every byte %XX. */
static void
test_kannel_text_is_utf16be_published_vector(void **state)
{
	struct message	 m;
	char		*out;

	(void)state;
	fixture_receipt_message(&m, CALLBACK);
	m.text = "测试😀";
	assert_int_equal(build("kan", &m, &out), 0);
	if (strstr(out, "&coding=2&charset=UTF-16BE&text=%6D%4B%8B%D5%D8%3D"
	    "%DE%00&") == NULL)
		fail_msg("no UTF-16BE text in %s", out);
	free(out);
}

static void
test_kannel_dlr_url_needs_callback_and_token(void **state)
{
	struct message	 m;
	char		*out;

	(void)state;
	fixture_receipt_message(&m, CALLBACK);
	m.receipt_token = NULL;
	assert_int_equal(build("kan", &m, &out), 0);
	assert_null(strstr(out, "dlr-"));
	free(out);
	fixture_receipt_message(&m, CALLBACK);
	m.callback_url = NULL;
	assert_int_equal(build("kan", &m, &out), 0);
	assert_null(strstr(out, "dlr-"));
	free(out);
	fixture_receipt_message(&m, CALLBACK);
	assert_int_equal(build("kan", &m, &out), 0);
	/* Kannel decodes the parameter, then puts the report type in for %d */
	assert_non_null(strstr(out, "&dlr-mask=31&dlr-url=https%3A%2F%2F"
	    "huigao.example.org%2Fv1%2Freceipts%2Fkannel%3Fkey%3Dhg-7-3-sms"
	    "%26token%3D5f0c6d1e9a8b7c6d5e4f30211203f4e5%26status%3D%25d\n"));
	free(out);
}

struct refusal {
	const char	*what;
	const char	*to;
	const char	*text;		/* NULL: 4 parts of ideographs */
	const char	*reason;
};

static void
test_kannel_refuses_what_it_cannot_send_intact(void **state)
{
	struct message	 m;
	char		*out, *four, *cut, *a;
	size_t		 i;
	struct refusal	 rows[] = {
		{ "more parts than max_parts", "13812345678", NULL,
		    "the text takes 4 SMS parts (202 characters, UCS-2); "
		    "gateway \"kan\" allows 3 (max_parts)" },
		{ "a pair cut between parts", "13812345678", NULL,
		    "character 67 (U+1F600) would be cut in half between SMS "
		    "parts 1 and 2: Kannel splits UCS-2 every 67 units" },
		{ "invalid UTF-8", "13812345678", "\xe6\xb5", "the text is not "
		    "valid UTF-8" },
		{ "empty text", "13812345678", "", "the text is empty" },
		{ "not a phone number", "138-1234", "x", "the recipient is not a "
		    "phone number" },
	};

	(void)state;
	rows[0].text = four = repeat("【沽源县人民法院】", "执", 193);
	a = repeat("", "一", 66);
	rows[1].text = cut = xasprintf("%s😀二😀二", a);
	free(a);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		fixture_receipt_message(&m, CALLBACK);
		m.to = rows[i].to;
		m.text = rows[i].text;
		if (build("kan", &m, &out) != -1)
			fail_msg("%s: built", rows[i].what);
		if (strstr(out, rows[i].reason) == NULL)
			fail_msg("%s: \"%s\", want \"%s\"", rows[i].what, out,
			    rows[i].reason);
		free(out);
	}
	/* the same cut text is fine where no part boundary falls in the pair */
	fixture_receipt_message(&m, CALLBACK);
	m.text = "一😀二";
	assert_int_equal(build("kan", &m, &out), 0);
	free(out);
	free(four);
	free(cut);
}

/* ---- the answers (gateways.md 7.2, exact strings of gw/smsbox.c) ---- */

struct answer {
	long		 status;
	const char	*body;
	enum outcome	 want;
	int		 gwfault;
	const char	*reason;	/* substring of the error, or NULL */
};

static const struct answer answers[] = {
	{ 202, "0: Accepted for delivery", OUTCOME_OK, 0, NULL },
	{ 202, "3: Queued for later delivery", OUTCOME_OK, 0, NULL },
	{ 202, "Sent.", OUTCOME_OK, 0, NULL },
	{ 202, "0: Accepted for delivery\n", OUTCOME_OK, 0, NULL },
	{ 202, "Sent. Denied receivers are: 13812345678", OUTCOME_PERMFAIL, 0,
	    "the receiver was denied by its white- or black-list" },
	{ 403, "Authorization failed for sendsms", OUTCOME_TEMPFAIL, 1,
	    "Kannel (HTTP 403): Authorization failed for sendsms; check "
	    "username and password" },
	{ 403, "Not routable. Do not try again.", OUTCOME_PERMFAIL, 0,
	    "Kannel (HTTP 403): Not routable. Do not try again.; Kannel has no "
	    "SMSC route" },
	{ 503, "Temporal failure, try again later.", OUTCOME_TEMPFAIL, 1,
	    "Kannel (HTTP 503): Temporal failure, try again later." },
	{ 500, "Sending failed.", OUTCOME_TEMPFAIL, 1,
	    "Kannel (HTTP 500): Sending failed." },
	{ 400, "Sender missing and no global set, rejected", OUTCOME_TEMPFAIL,
	    1, "set \"from\" or Kannel's global-sender" },
	{ 400, "Missing receiver number, rejected", OUTCOME_PERMFAIL, 0,
	    "Missing receiver number" },
	{ 400, "Missing receiver(s) number(s), rejected", OUTCOME_PERMFAIL, 0,
	    "Missing receiver(s)" },
	{ 400, "Empty receiver number not allowed, rejected", OUTCOME_PERMFAIL,
	    0, "Empty receiver number" },
	{ 400, "Number(s) has/have been denied by white- and/or black-lists.",
	    OUTCOME_PERMFAIL, 0, "denied by white- and/or black-lists" },
	{ 400, "DLR-URL field misformed, rejected", OUTCOME_PERMFAIL, 0,
	    "DLR-URL field misformed" },
	{ 400, "Coding field misformed, rejected", OUTCOME_PERMFAIL, 0,
	    "Coding field misformed" },
	{ 400, "Charset or body misformed, rejected", OUTCOME_PERMFAIL, 0,
	    "Charset or body misformed" },
	{ 400, "UDH field misformed, rejected", OUTCOME_PERMFAIL, 0,
	    "UDH field misformed" },
	{ 400, "UDH field is too long, rejected", OUTCOME_PERMFAIL, 0,
	    "UDH field is too long" },
	{ 400, "DLR-Mask field misformed, rejected", OUTCOME_PERMFAIL, 0,
	    "DLR-Mask field misformed" },
	{ 400, "Account field misformed or too long, rejected",
	    OUTCOME_PERMFAIL, 0, "Account field" },
	/* not smsbox's words: the gateway's fault, the body not quoted */
	{ 404, "<html>/cgi-bin/sendsms?username=huigao&password="
	    FAKE_PASSWORD " not found</html>", OUTCOME_TEMPFAIL, 1,
	    "unexpected answer from Kannel (HTTP 404, " },
	{ 200, "OK", OUTCOME_TEMPFAIL, 1, "unexpected answer from Kannel" },
	{ 502, "", OUTCOME_TEMPFAIL, 1, "unexpected answer from Kannel (HTTP "
	    "502, 0 bytes)" },
	{ 503, "0: Accepted for delivery", OUTCOME_TEMPFAIL, 1,
	    "unexpected answer" },
};

static void
test_kannel_answers_are_classified(void **state)
{
	const struct answer	*a;
	struct result		 res;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		a = &answers[i];
		fixture_parse(&adapter_kannel, NULL, a->status, a->body,
		    i == 7 ? 10000 : -1, &res);
		if (res.outcome != a->want || res.gwfault != a->gwfault)
			fail_msg("\"%s\" (HTTP %ld): outcome %d gwfault %d, want "
			    "%d %d", a->body, a->status, res.outcome, res.gwfault,
			    a->want, a->gwfault);
		assert_int_equal(res.http_status, a->status);
		assert_int_equal(res.retry_after_ms, i == 7 ? 10000 : -1);
		if (a->reason != NULL && strstr(res.error, a->reason) == NULL)
			fail_msg("\"%s\": error \"%s\", want \"%s\"", a->body,
			    res.error, a->reason);
		if (a->want == OUTCOME_OK)
			assert_string_equal(res.error, "");
		assert_null(strstr(res.error, FAKE_PASSWORD));
		assert_null(strstr(res.error, "13812345678"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_kannel_parts_match_the_segmentation_vectors),
		cmocka_unit_test(
		    test_kannel_parts_find_a_surrogate_pair_cut_in_half),
		cmocka_unit_test(test_kannel_parts_refuse_invalid_utf8),
		cmocka_unit_test(test_kannel_request_matches_golden),
		cmocka_unit_test(test_kannel_request_without_dlr_matches_golden),
		cmocka_unit_test(test_kannel_long_request_matches_golden),
		cmocka_unit_test(test_kannel_text_is_utf16be_published_vector),
		cmocka_unit_test(test_kannel_dlr_url_needs_callback_and_token),
		cmocka_unit_test(
		    test_kannel_refuses_what_it_cannot_send_intact),
		cmocka_unit_test(test_kannel_answers_are_classified),
	};

	fixture_init("test_kannel", NULL);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
