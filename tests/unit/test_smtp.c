/*
 * test_smtp.c - the e-mail adapter without a network: the MIME message of
 * a Chinese notice (CRLF everywhere, lines of at most 76, the RFC 2047
 * subject decoded back with OpenSSL's base64, the Message-ID from the
 * stable key) against a golden file, the envelope and TLS policy of the
 * request, the configuration checks, and the SMTP reply codes.
 * Run from the repository root. HUIGAO_UPDATE_GOLDEN=1 rewrites the golden
 * files instead of comparing.
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

#define CONF		"tests/configs/good/channels-wechat-smtp.conf"
#define G_REQUEST	"tests/golden/smtp-request.txt"
#define G_ANSWERS	"tests/golden/smtp-answers.txt"

/* The "mail" gateway of CONF, given to the adapter directly. */
#define MAIL_GW	"{ name = \"mail\"; type = \"smtp\"; " \
	"url = \"smtp://mail.court.example:587\"; " \
	"from = \"noreply@gy.court.example\"; " \
	"username = \"noreply@gy.court.example\"; " \
	"password = \"FakeSmtpPasswordNotReal01\"; }"

#define NOTICE	FIXTURE_TEXT

/* ---- helpers ---- */

/* A copy of s with CRLF as LF (golden files hold plain text lines). */
static char *
unix_lines(const char *s)
{
	char	*out = xstrdup(s), *o = out;

	for (; *s != '\0'; s++)
		if (!(s[0] == '\r' && s[1] == '\n'))
			*o++ = *s;
	*o = '\0';
	return (out);
}

/* Fail unless every line ends in CRLF, with no bare CR or LF anywhere. */
static void
assert_crlf_only(const char *s, size_t len)
{
	size_t	 i;

	assert_true(len >= 2);
	for (i = 0; i < len; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			fail_msg("bare LF at byte %zu", i);
		if (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n'))
			fail_msg("bare CR at byte %zu", i);
	}
	assert_memory_equal(s + len - 2, "\r\n", 2);
}

/* Fail if a line is longer than max or starts with '.'. */
static void
assert_lines(const char *s, size_t max)
{
	const char	*p = s, *e;

	while (*p != '\0') {
		e = strstr(p, "\r\n");
		assert_non_null(e);
		if ((size_t)(e - p) > max)
			fail_msg("a line of %zu characters: %.*s", (size_t)(e - p),
			    (int)(e - p), p);
		if (*p == '.')
			fail_msg("a line starts with '.': %.*s", (int)(e - p), p);
		p = e + 2;
	}
}

/* Base64 (OpenSSL) into an allocated, NUL-terminated string. */
static char *
b64_decode(const char *b64, size_t n, size_t *outlen)
{
	unsigned char	*out = xmalloc(n + 1);
	int		 len;

	len = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n);
	assert_true(len >= 0);
	if (n > 0 && b64[n - 1] == '=')
		len--;
	if (n > 1 && b64[n - 2] == '=')
		len--;
	out[len] = '\0';
	*outlen = (size_t)len;
	return ((char *)out);
}

/* 1 if s[0..n) is whole UTF-8 characters (no sequence cut at either end). */
static int
utf8_whole(const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, k;

	while (i < n) {
		k = u[i] < 0x80 ? 1 : (u[i] & 0xe0) == 0xc0 ? 2 :
		    (u[i] & 0xf0) == 0xe0 ? 3 : (u[i] & 0xf8) == 0xf0 ? 4 : 0;
		if (k == 0 || i + k > n)
			return (0);
		i += k;
	}
	return (1);
}

/* The unfolded value of header `name` (its continuation lines joined). */
static char *
header_value(const char *msg, const char *name)
{
	char		*key = xasprintf("\r\n%s: ", name), *v;
	const char	*p, *e;

	if (strncmp(msg, key + 2, strlen(key + 2)) == 0)
		p = msg + strlen(key + 2);
	else if ((p = strstr(msg, key)) != NULL)
		p += strlen(key);
	else
		fail_msg("no %s header", name);
	free(key);
	for (e = p; !(e[0] == '\r' && e[1] == '\n' && e[2] != ' ' &&
	    e[2] != '\t'); e++)
		;
	v = xstrndup(p, (size_t)(e - p));
	return (v);
}

/*
 * Decode a header value of encoded words (separated by folding white
 * space) with OpenSSL; each word must be at most 75 characters and hold
 * whole characters. Anything after the last word goes to *rest.
 */
static char *
decode_words(const char *v, const char **rest)
{
	char		*out = xstrdup(""), *t, *dec;
	const char	*p = v, *e;
	size_t		 n;

	while (strncmp(p, "=?UTF-8?B?", 10) == 0) {
		e = strstr(p + 10, "?=");
		assert_non_null(e);
		if ((size_t)(e + 2 - p) > 75)
			fail_msg("an encoded word of %zu characters",
			    (size_t)(e + 2 - p));
		dec = b64_decode(p + 10, (size_t)(e - p - 10), &n);
		if (!utf8_whole(dec, n))
			fail_msg("an encoded word splits a character: %.*s",
			    (int)(e + 2 - p), p);
		t = xasprintf("%s%s", out, dec);
		free(out);
		free(dec);
		out = t;
		p = e + 2;
		p += strspn(p, "\r\n \t");
	}
	if (rest != NULL)
		*rest = p;
	return (out);
}

/* The body of a message (after the blank line), base64-decoded. */
static char *
decode_body(const char *msg)
{
	const char	*p = strstr(msg, "\r\n\r\n");
	char		*b64, *o, *dec;
	size_t		 n;

	assert_non_null(p);
	b64 = xstrdup(p + 4);
	for (o = b64, p = b64; *p != '\0'; p++)
		if (*p != '\r' && *p != '\n')
			*o++ = *p;
	*o = '\0';
	dec = b64_decode(b64, strlen(b64), &n);
	free(b64);
	return (dec);
}

/* A gateway from a libconfig group, given to the adapter's init. */
static int
gateway_from(const char *text, struct gateway *gw, config_t *lc, char **cause)
{
	config_setting_t	*s;
	char			*doc = xasprintf("g = %s;", text);

	config_init(lc);
	if (config_read_string(lc, doc) != CONFIG_TRUE)
		fail_msg("bad test config: %s: %s", doc, config_error_text(lc));
	free(doc);
	s = config_lookup(lc, "g");
	memset(gw, 0, sizeof(*gw));
	gw->name = "m";
	gw->ad = &adapter_smtp;
	return (adapter_smtp.init(gw, s, ".", cause));
}

static void
gateway_done(struct gateway *gw, config_t *lc)
{
	adapter_smtp.free(gw);
	config_destroy(lc);
}

/* A fixed message, as the scheduler would fill it. */
static void
fixed_message(struct message *m)
{
	fixture_message(m);
	m->key = "hg-7-3-email";
	m->channel = "email";
	m->to = "zhao@lawfirm.example";
	m->court_name = "沽源县人民法院";
}

/* The request as text: the envelope, then the message with LF lines. */
static char *
request_text(const struct request *r)
{
	char	*msg = unix_lines(r->body), *s;

	s = xasprintf("SMTP %s\nMAIL FROM:%s\nRCPT TO:%s\nsmtp_plain=%d "
	    "username=%s password=%s\n\n%s", r->url, r->mail_from, r->rcpt,
	    r->smtp_plain, r->username ? r->username : "-",
	    r->password ? "(set)" : "-", msg);
	free(msg);
	return (s);
}

/* ---- the message ---- */

static void
test_smtp_request_matches_golden(void **state)
{
	struct gateway	 gw;
	struct message	 m;
	struct request	 req;
	config_t	 lc;
	char		*cause = NULL, *got;

	(void)state;
	if (gateway_from(MAIL_GW, &gw, &lc, &cause) == -1)
		fail_msg("%s", cause);
	fixed_message(&m);
	memset(&req, 0, sizeof(req));
	if (adapter_smtp.build(&gw, &m, &req, &cause) == -1)
		fail_msg("%s", cause);
	assert_int_equal(req.bodylen, strlen(req.body));
	assert_crlf_only(req.body, req.bodylen);
	assert_lines(req.body, 76);
	got = request_text(&req);
	fixture_golden(G_REQUEST, got);
	free(got);
	request_clear(&req);
	gateway_done(&gw, &lc);
}

/* The same request from the good config file (the core must accept smtp URLs). */
static void
test_smtp_gateway_of_the_good_config_builds_the_same(void **state)
{
	struct config	*cfg = fixture_load(CONF);
	struct gateway	*gw;
	struct message	 m;
	struct request	 req;
	char		*cause = NULL, *got, *want;

	(void)state;
	assert_non_null(gw = cfg_gateway(cfg, "mail"));
	fixed_message(&m);
	memset(&req, 0, sizeof(req));
	if (gw->ad->build(gw, &m, &req, &cause) == -1)
		fail_msg("%s", cause);
	got = request_text(&req);
	assert_non_null(want = fixture_slurp(G_REQUEST));
	assert_string_equal(got, want);
	free(got);
	free(want);
	request_clear(&req);
	cfg_unref(cfg);
}

struct notice {
	const char	*name;		/* what the row proves */
	const char	*subject;
	const char	*from_name;
	const char	*text;
};

static const struct notice notices[] = {
	{ "a short Chinese subject", "【沽源县人民法院】冻结银行存款",
	    "沽源县人民法院", NOTICE },
	{ "a long Chinese subject folds into several words",
	    "【新疆维吾尔自治区高级人民法院生产建设兵团分院】"
	    "执行标的物拍卖公告已发布请申请执行人及时关注拍卖进展情况"
	    "并按期领取执行款项逾期未领取的将依法提存",
	    "新疆维吾尔自治区高级人民法院生产建设兵团分院", NOTICE },
	{ "4-byte characters are never split", "【法院】😀😀😀😀😀😀😀😀😀😀"
	    "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", "𠀀𠀁𠀂法院", NOTICE },
	{ "ASCII stays plain when it fits", "Enforcement notice", "Court",
	    "plain text\n.a line with a leading dot\n..two\n" },
	{ "long ASCII is encoded to fit 76 columns",
	    "An enforcement notice whose subject is far longer than one "
	    "header line may be, so it has to be folded", NULL, "x" },
	{ "a subject that looks encoded is encoded", "=?UTF-8?B?AAAA?=",
	    NULL, "x" },
	{ "CR and LF in a subject cannot inject a header",
	    "a\r\nBcc: victim@example.org", NULL, "line1\r\nline2\rline3" },
	{ "a display name with specials is encoded", "执行通知",
	    "Court \"A\", <B>; (C)", "x" },
	{ "mixed ASCII and Chinese", "【沽源县人民法院】Case (2024)冀0724执1234号: "
	    "冻结银行存款 and 查封不动产", "沽源县人民法院 (Guyuan)", NOTICE },
};

static char *
notice_message(const struct notice *n, size_t *len)
{
	struct smtp_mail	 mail;
	char			*msg, *cause = NULL;

	memset(&mail, 0, sizeof(mail));
	mail.from = "noreply@gy.court.example";
	mail.from_name = n->from_name;
	mail.to = "zhao@lawfirm.example";
	mail.subject = n->subject;
	mail.text = n->text;
	mail.key = "hg-7-3-email";
	mail.date_ms = 1614265330000LL;
	if ((msg = smtp_message(&mail, len, &cause)) == NULL)
		fail_msg("%s: %s", n->name, cause);
	return (msg);
}

static void
test_smtp_lines_end_in_crlf_and_none_is_longer_than_76(void **state)
{
	size_t	 i, len;
	char	*msg;

	(void)state;
	for (i = 0; i < sizeof(notices) / sizeof(notices[0]); i++) {
		msg = notice_message(&notices[i], &len);
		assert_int_equal(len, strlen(msg));
		assert_crlf_only(msg, len);
		assert_lines(msg, 76);
		free(msg);
	}
}

static void
test_smtp_subject_decodes_back_to_the_original(void **state)
{
	const char	*rest;
	size_t		 i, len;
	char		*msg, *v, *dec;

	(void)state;
	for (i = 0; i < sizeof(notices) / sizeof(notices[0]); i++) {
		msg = notice_message(&notices[i], &len);
		v = header_value(msg, "Subject");
		if (strncmp(v, "=?", 2) != 0) {
			/* plain: short printable ASCII only */
			assert_string_equal(v, notices[i].subject);
			assert_string_equal(notices[i].name,
			    "ASCII stays plain when it fits");
		} else {
			dec = decode_words(v, &rest);
			if (strcmp(dec, notices[i].subject) != 0 || *rest != '\0')
				fail_msg("%s: decoded \"%s\", want \"%s\"",
				    notices[i].name, dec, notices[i].subject);
			free(dec);
		}
		assert_null(strstr(msg, "\r\nBcc:"));
		free(v);
		free(msg);
	}
}

static void
test_smtp_from_carries_the_court_name_encoded(void **state)
{
	const char	*rest;
	size_t		 i, len;
	char		*msg, *v, *dec;

	(void)state;
	for (i = 0; i < sizeof(notices) / sizeof(notices[0]); i++) {
		msg = notice_message(&notices[i], &len);
		v = header_value(msg, "From");
		if (notices[i].from_name == NULL)
			assert_string_equal(v, "<noreply@gy.court.example>");
		else if (strncmp(v, "=?", 2) == 0) {
			dec = decode_words(v, &rest);
			assert_string_equal(dec, notices[i].from_name);
			assert_string_equal(rest, "<noreply@gy.court.example>");
			free(dec);
		} else
			assert_string_equal(v, "Court <noreply@gy.court.example>");
		free(v);
		free(msg);
	}
}

static void
test_smtp_message_id_is_derived_from_the_stable_key(void **state)
{
	struct smtp_mail	 mail;
	size_t			 len;
	char			*a, *b, *va, *vb, *cause = NULL;

	(void)state;
	memset(&mail, 0, sizeof(mail));
	mail.from = "noreply@gy.court.example";
	mail.to = "zhao@lawfirm.example";
	mail.subject = "s";
	mail.text = "t";
	mail.key = "hg-7-3-email";
	mail.date_ms = 1;
	assert_non_null(a = smtp_message(&mail, &len, &cause));
	/* another attempt, later: the same Message-ID */
	mail.date_ms = 1614265330000LL;
	assert_non_null(b = smtp_message(&mail, &len, &cause));
	va = header_value(a, "Message-ID");
	vb = header_value(b, "Message-ID");
	assert_string_equal(va, "<hg-7-3-email@gy.court.example>");
	assert_string_equal(va, vb);
	free(va);
	free(vb);
	free(a);
	free(b);
	/* characters a Message-ID cannot hold are replaced */
	mail.key = "hg 7<3>@x";
	assert_non_null(a = smtp_message(&mail, &len, &cause));
	va = header_value(a, "Message-ID");
	assert_string_equal(va, "<hg-7-3--x@gy.court.example>");
	free(va);
	free(a);
}

struct date_case {
	int64_t		 ms;
	const char	*want;
};

static const struct date_case dates[] = {
	{ 1614265330000LL, "Thu, 25 Feb 2021 23:02:10 +0800" },
	/* 16:00 UTC is midnight in Beijing: the next day */
	{ 1614268800000LL, "Fri, 26 Feb 2021 00:00:00 +0800" },
	{ 1709222399000LL, "Thu, 29 Feb 2024 23:59:59 +0800" },
	{ 1709222400000LL, "Fri, 1 Mar 2024 00:00:00 +0800" },
	{ 1709136000999LL, "Thu, 29 Feb 2024 00:00:00 +0800" },
	{ 0, "Thu, 1 Jan 1970 08:00:00 +0800" },
};

static void
test_smtp_date_is_rfc5322_in_china_time(void **state)
{
	struct smtp_mail	 mail;
	size_t			 i, len;
	char			*msg, *v, *cause = NULL;

	(void)state;
	memset(&mail, 0, sizeof(mail));
	mail.from = "a@b.example";
	mail.to = "c@d.example";
	mail.subject = "s";
	mail.text = "t";
	mail.key = "k";
	for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		mail.date_ms = dates[i].ms;
		assert_non_null(msg = smtp_message(&mail, &len, &cause));
		assert_int_equal(strncmp(msg, "Date: ", 6), 0);
		v = header_value(msg, "Date");
		assert_string_equal(v, dates[i].want);
		free(v);
		free(msg);
	}
}

static void
test_smtp_body_is_base64_of_the_text_with_crlf(void **state)
{
	struct notice	 n = notices[3];
	size_t		 len;
	char		*msg, *dec;

	(void)state;
	msg = notice_message(&n, &len);
	assert_non_null(strstr(msg, "\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n"));
	dec = decode_body(msg);
	assert_string_equal(dec, "plain text\r\n.a line with a leading dot\r\n"
	    "..two\r\n");
	free(dec);
	free(msg);
	/* a text without a final newline gets one; CR alone becomes CRLF */
	n = notices[6];
	msg = notice_message(&n, &len);
	dec = decode_body(msg);
	assert_string_equal(dec, "line1\r\nline2\r\nline3\r\n");
	free(dec);
	free(msg);
	/* a long Chinese text: base64 lines of 76, decoding to the text */
	n = notices[0];
	msg = notice_message(&n, &len);
	assert_lines(msg, 76);
	dec = decode_body(msg);
	assert_string_equal(dec, NOTICE "\r\n");
	free(dec);
	free(msg);
}

static void
test_smtp_encoded_header_of_a_single_word(void **state)
{
	char	*h;

	(void)state;
	/* reference/gateways.md §8: "执行通知" */
	h = smtp_header("Subject", "执行通知");
	assert_string_equal(h, "Subject: =?UTF-8?B?5omn6KGM6YCa55+l?=\r\n");
	free(h);
	h = smtp_header("Subject", "plain");
	assert_string_equal(h, "Subject: plain\r\n");
	free(h);
}

struct bad_addr {
	const char	*from;
	const char	*to;
};

static const struct bad_addr bad_addrs[] = {
	{ "noreply@gy.court.example", "no-at-sign" },
	{ "noreply@gy.court.example", "two@@example.org" },
	{ "noreply@gy.court.example", "a@b.example\r\nBcc: x@y.example" },
	{ "noreply@gy.court.example", "<a@b.example>" },
	{ "noreply@gy.court.example", "Zhao <a@b.example>" },
	{ "noreply@gy.court.example", "@b.example" },
	{ "noreply@gy.court.example", "a@" },
	{ "noreply@gy.court.example", "赵@律所.example" },
	{ "noreply@gy.court.example", "" },
	{ "not an address", "a@b.example" },
};

static void
test_smtp_bad_addresses_are_refused(void **state)
{
	struct smtp_mail	 mail;
	size_t			 i, len;
	char			*cause;

	(void)state;
	memset(&mail, 0, sizeof(mail));
	mail.subject = "s";
	mail.text = "t";
	mail.key = "k";
	for (i = 0; i < sizeof(bad_addrs) / sizeof(bad_addrs[0]); i++) {
		mail.from = bad_addrs[i].from;
		mail.to = bad_addrs[i].to;
		cause = NULL;
		if (smtp_message(&mail, &len, &cause) != NULL)
			fail_msg("accepted from \"%s\" to \"%s\"", mail.from,
			    mail.to);
		assert_non_null(strstr(cause, "is not an e-mail address"));
		free(cause);
	}
}

/* ---- the request: envelope, credentials, TLS policy ---- */

struct policy_case {
	const char	*gw;		/* libconfig group */
	const char	*url;
	int		 plain;		/* smtp_plain wanted */
	int		 auth;		/* username and password copied */
};

static const struct policy_case policies[] = {
	{ MAIL_GW, "smtp://mail.court.example:587", 0, 1 },
	{ "{ url = \"smtps://mail.court.example:465\"; from = \"a@b.example\"; "
	    "username = \"u\"; password = \"p\"; }",
	    "smtps://mail.court.example:465", 0, 1 },
	/* implicit TLS is TLS whatever allow_plain says */
	{ "{ url = \"smtps://mail.court.example\"; from = \"a@b.example\"; "
	    "allow_plain = true; }", "smtps://mail.court.example", 0, 0 },
	{ "{ url = \"smtp://127.0.0.1:2525\"; from = \"a@b.example\"; "
	    "allow_plain = true; }", "smtp://127.0.0.1:2525", 1, 0 },
	{ "{ url = \"smtp://127.0.0.1:2525\"; from = \"a@b.example\"; "
	    "allow_plain = false; }", "smtp://127.0.0.1:2525", 0, 0 },
};

static void
test_smtp_envelope_and_tls_policy(void **state)
{
	struct gateway	 gw;
	struct message	 m;
	struct request	 req;
	config_t	 lc;
	size_t		 i;
	char		*cause = NULL;

	(void)state;
	for (i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		if (gateway_from(policies[i].gw, &gw, &lc, &cause) == -1)
			fail_msg("%s: %s", policies[i].gw, cause);
		fixed_message(&m);
		memset(&req, 0, sizeof(req));
		assert_int_equal(adapter_smtp.build(&gw, &m, &req, &cause), 0);
		assert_string_equal(req.url, policies[i].url);
		assert_int_equal(req.smtp_plain, policies[i].plain);
		assert_string_equal(req.rcpt, "<zhao@lawfirm.example>");
		assert_int_equal(req.mail_from[0], '<');
		assert_int_equal(req.username != NULL, policies[i].auth);
		assert_int_equal(req.password != NULL, policies[i].auth);
		request_clear(&req);
		gateway_done(&gw, &lc);
	}
}

static void
test_smtp_build_refuses_a_recipient_that_is_not_an_address(void **state)
{
	struct gateway	 gw;
	struct message	 m;
	struct request	 req;
	config_t	 lc;
	char		*cause = NULL;

	(void)state;
	assert_int_equal(gateway_from(MAIL_GW, &gw, &lc, &cause), 0);
	fixed_message(&m);
	m.to = "13812345678";
	memset(&req, 0, sizeof(req));
	assert_int_equal(adapter_smtp.build(&gw, &m, &req, &cause), -1);
	assert_non_null(strstr(cause, "not an e-mail address"));
	free(cause);
	request_clear(&req);
	gateway_done(&gw, &lc);
}

struct cfg_case {
	const char	*gw;
	const char	*error;		/* substring of the cause */
};

static const struct cfg_case cfg_cases[] = {
	{ "{ from = \"a@b.example\"; }", "missing \"url\"" },
	{ "{ url = \"https://mail.example\"; from = \"a@b.example\"; }",
	    "must be smtps://host:465 or smtp://host:587" },
	{ "{ url = \"smtp://\"; from = \"a@b.example\"; }",
	    "must be scheme://host[:port]" },
	{ "{ url = \"smtps://user:pw@mail.example\"; from = \"a@b.example\"; }",
	    "credentials" },
	{ "{ url = \"smtps://mail.example/?x\"; from = \"a@b.example\"; }",
	    "query" },
	{ "{ url = \"smtps://mail.example\"; }", "missing \"from\"" },
	{ "{ url = \"smtps://mail.example\"; from = \"Court <a@b.example>\"; }",
	    "is not an address" },
	{ "{ url = \"smtps://mail.example\"; from = 5; }",
	    "\"from\" must be a non-empty string" },
	{ "{ url = \"smtps://mail.example\"; from = \"a@b.example\"; "
	    "username = \"u\"; }", "\"username\" without \"password\"" },
	{ "{ url = \"smtps://mail.example\"; from = \"a@b.example\"; "
	    "password = \"p\"; }", "a password without \"username\"" },
	{ "{ url = \"smtps://mail.example\"; from = \"a@b.example\"; "
	    "username = \"u\"; password = \"p\"; password_file = \"f\"; }",
	    "not both" },
	{ "{ url = \"smtp://mail.example\"; from = \"a@b.example\"; "
	    "allow_plain = \"yes\"; }", "\"allow_plain\" must be true or false" },
};

static void
test_smtp_config_errors_are_explained(void **state)
{
	struct gateway	 gw;
	config_t	 lc;
	size_t		 i;
	char		*cause;

	(void)state;
	for (i = 0; i < sizeof(cfg_cases) / sizeof(cfg_cases[0]); i++) {
		cause = NULL;
		if (gateway_from(cfg_cases[i].gw, &gw, &lc, &cause) != -1)
			fail_msg("accepted: %s", cfg_cases[i].gw);
		if (strstr(cause, cfg_cases[i].error) == NULL)
			fail_msg("%s: \"%s\", want \"%s\"", cfg_cases[i].gw,
			    cause, cfg_cases[i].error);
		free(cause);
		gateway_done(&gw, &lc);
	}
}

/* ---- replies ---- */

struct reply {
	long		 code;
	enum outcome	 want;
	int		 gwfault;
};

static const struct reply replies[] = {
	{ 250, OUTCOME_OK, 0 },
	{ 251, OUTCOME_OK, 0 },
	/* temporary: the server's trouble, fail over */
	{ 421, OUTCOME_TEMPFAIL, 1 },
	{ 432, OUTCOME_TEMPFAIL, 1 },
	{ 454, OUTCOME_TEMPFAIL, 1 },
	/* temporary: the mailbox or a policy, wait */
	{ 450, OUTCOME_TEMPFAIL, 0 },
	{ 451, OUTCOME_TEMPFAIL, 0 },
	{ 452, OUTCOME_TEMPFAIL, 0 },
	{ 455, OUTCOME_TEMPFAIL, 0 },
	/* authentication: never a dead notice */
	{ 530, OUTCOME_TEMPFAIL, 1 },
	{ 534, OUTCOME_TEMPFAIL, 1 },
	{ 535, OUTCOME_TEMPFAIL, 1 },
	{ 538, OUTCOME_TEMPFAIL, 1 },
	/* a command refused: a client/server mismatch */
	{ 500, OUTCOME_TEMPFAIL, 1 },
	{ 501, OUTCOME_TEMPFAIL, 1 },
	{ 502, OUTCOME_TEMPFAIL, 1 },
	{ 503, OUTCOME_TEMPFAIL, 1 },
	{ 504, OUTCOME_TEMPFAIL, 1 },
	/* permanent: the address or the message */
	{ 550, OUTCOME_PERMFAIL, 0 },
	{ 551, OUTCOME_PERMFAIL, 0 },
	{ 552, OUTCOME_PERMFAIL, 0 },
	{ 553, OUTCOME_PERMFAIL, 0 },
	{ 554, OUTCOME_PERMFAIL, 0 },
	{ 555, OUTCOME_PERMFAIL, 0 },
	/* no reply at all */
	{ 0, OUTCOME_TEMPFAIL, 1 },
	{ 354, OUTCOME_TEMPFAIL, 1 },
};

static void
reply_one(long code, const struct gateway *gw, const struct message *m,
    struct result *res)
{
	struct response	 resp;

	memset(&resp, 0, sizeof(resp));
	memset(res, 0, sizeof(*res));
	resp.status = code;
	resp.retry_after_ms = -1;
	adapter_smtp.parse(gw, m, &resp, res);
}

static void
test_smtp_reply_codes_are_classified(void **state)
{
	struct gateway	 gw;
	struct message	 m;
	struct result	 res;
	config_t	 lc;
	size_t		 i;
	char		*cause = NULL, *s = xstrdup(""), *t;

	(void)state;
	assert_int_equal(gateway_from(MAIL_GW, &gw, &lc, &cause), 0);
	fixed_message(&m);
	for (i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
		reply_one(replies[i].code, &gw, &m, &res);
		if (res.outcome != replies[i].want ||
		    res.gwfault != replies[i].gwfault)
			fail_msg("SMTP %ld: outcome %d gwfault %d, want %d %d",
			    replies[i].code, res.outcome, res.gwfault,
			    replies[i].want, replies[i].gwfault);
		assert_int_equal(res.http_status, replies[i].code);
		assert_int_equal(res.token_expired, 0);
		t = xasprintf("%sSMTP %ld -> %s gwfault=%d id=%s error=%s\n", s,
		    replies[i].code, fixture_outcome(res.outcome), res.gwfault,
		    res.provider_id, res.error);
		free(s);
		s = t;
	}
	fixture_golden(G_ANSWERS, s);
	free(s);
	/* the provider id of a sent e-mail is its Message-ID */
	reply_one(250, &gw, &m, &res);
	assert_string_equal(res.provider_id, "hg-7-3-email@gy.court.example");
	reply_one(535, &gw, &m, &res);
	assert_non_null(strstr(res.error, "authentication"));
	gateway_done(&gw, &lc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smtp_request_matches_golden),
		cmocka_unit_test(test_smtp_gateway_of_the_good_config_builds_the_same),
		cmocka_unit_test(test_smtp_lines_end_in_crlf_and_none_is_longer_than_76),
		cmocka_unit_test(test_smtp_subject_decodes_back_to_the_original),
		cmocka_unit_test(test_smtp_from_carries_the_court_name_encoded),
		cmocka_unit_test(test_smtp_message_id_is_derived_from_the_stable_key),
		cmocka_unit_test(test_smtp_date_is_rfc5322_in_china_time),
		cmocka_unit_test(test_smtp_body_is_base64_of_the_text_with_crlf),
		cmocka_unit_test(test_smtp_encoded_header_of_a_single_word),
		cmocka_unit_test(test_smtp_bad_addresses_are_refused),
		cmocka_unit_test(test_smtp_envelope_and_tls_policy),
		cmocka_unit_test(test_smtp_build_refuses_a_recipient_that_is_not_an_address),
		cmocka_unit_test(test_smtp_config_errors_are_explained),
		cmocka_unit_test(test_smtp_reply_codes_are_classified),
	};

	fixture_init("test_smtp", NULL);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
