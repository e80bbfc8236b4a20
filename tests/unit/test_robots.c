/*
 * test_robots.c - the staff alert robots (wecom, dingtalk, feishu) without
 * a network: every DingTalk and Feishu signature vector of
 * reference/gateways.md §5, §6 and §11 (rows 25-29), the requests each
 * robot builds against golden files, long alerts cut on a UTF-8 boundary,
 * and the classification of every errcode/code the reference lists.
 * Run from the repository root (it loads tests/configs/good/robots.conf,
 * fake keys). HUIGAO_UPDATE_GOLDEN=1 rewrites the golden files instead of
 * comparing.
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

#define CONF		"tests/configs/good/robots.conf"
#define CUT_MARK	"…（已截断）"

/* gateways.md §11 rows 25-26 (DERIVED: DingTalk publishes no vector). */
static const struct {
	const char	*secret;
	int64_t		 ts_ms;
	const char	*b64;
	const char	*sign;
} dingtalk_vectors[] = {
	{ "this is secret", 1577262236757LL,
	    "hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM=",
	    "hmPWwU%2B7lVdm3ZZz0r9tSfx0L4Q26jWOZr9%2BGs6EZQM%3D" },
	{ "SEC000000000000000000000000000000000000000000000000000000000000000",
	    1577262236757LL,
	    "ZbRzTlKvjXJF9GDJknswoVCtxL2grXuSdUSGUn6daaQ=",
	    "ZbRzTlKvjXJF9GDJknswoVCtxL2grXuSdUSGUn6daaQ%3D" },
};

/* gateways.md §11 rows 27 (third-party, re-computed) and 28 (DERIVED). */
static const struct {
	const char	*secret;
	int64_t		 ts_s;
	const char	*b64;
} feishu_vectors[] = {
	{ "demo", 1599360473, "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=" },
	{ "this is secret", 1599360473,
	    "/eYKrXQBzTjUZJ3s6NX16VxGbTwmK7AEs8/FnvC1CSw=" },
};

/* §11 row 29: what the DingTalk scheme gives for Feishu's input. */
#define FEISHU_WRONG_SCHEME	"DkEDUyVoOOJ539qBvUgMyzkzIdRWlf4e/V3Rq+ONJnQ="

static void
test_dingtalk_vectors_reproduced(void **state)
{
	char	 b64[ROBOT_SIGN_B64], sign[ROBOT_SIGN_URL];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(dingtalk_vectors) / sizeof(dingtalk_vectors[0]);
	    i++) {
		assert_int_equal(dingtalk_sign(dingtalk_vectors[i].secret,
		    dingtalk_vectors[i].ts_ms, b64, sign), 0);
		assert_string_equal(b64, dingtalk_vectors[i].b64);
		assert_string_equal(sign, dingtalk_vectors[i].sign);
	}
}

static void
test_feishu_vectors_reproduced(void **state)
{
	char	 b64[ROBOT_SIGN_B64];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(feishu_vectors) / sizeof(feishu_vectors[0]);
	    i++) {
		assert_int_equal(feishu_sign(feishu_vectors[i].secret,
		    feishu_vectors[i].ts_s, b64), 0);
		assert_string_equal(b64, feishu_vectors[i].b64);
	}
}

/* Row 29: third-party code signing Feishu the DingTalk way gets this value. */
static void
test_feishu_is_not_signed_the_dingtalk_way(void **state)
{
	char	 b64[ROBOT_SIGN_B64], sign[ROBOT_SIGN_URL];

	(void)state;
	assert_int_equal(feishu_sign("demo", 1599360473, b64), 0);
	assert_string_not_equal(b64, FEISHU_WRONG_SCHEME);
	assert_int_equal(dingtalk_sign("demo", 1599360473, b64, sign), 0);
	assert_string_equal(b64, FEISHU_WRONG_SCHEME);
}

static void
test_robot_adapters_are_untemplated_robots_with_webhook(void **state)
{
	const struct adapter	*ads[] = { &adapter_wecom, &adapter_dingtalk,
	    &adapter_feishu };
	size_t			 i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_ptr_equal(adapter_find(ads[i]->name), ads[i]);
		assert_int_equal(ads[i]->robot, 1);
		assert_int_equal(ads[i]->templated, 0);
		assert_int_equal(ads[i]->needs_url, 0);
		assert_non_null(ads[i]->build);
		assert_non_null(ads[i]->parse);
		assert_null(ads[i]->send_local);
		assert_null(ads[i]->token_build);
	}
	assert_int_equal(adapter_webhook.robot, 0);
}

/* ---- requests ---- */

#define ALERT_TEXT	"【huigao 告警】沽源县人民法院\n1. 通知 id=42 " \
	"(2024)冀0724执1234号 138****5678 已放弃：HTTP 400 \"invalid number\"\n" \
	"2. 网关 aliyun 熔断：连续 5 次失败"

/* An alert as the core fills it. */
static void
alert_message(struct message *m, const char *text, int64_t now_ms)
{
	memset(m, 0, sizeof(*m));
	m->key = "alert-1";
	m->channel = "alert";
	m->to = "";
	m->text = text;
	m->sign = "";
	m->case_no = "";
	m->step = "ALERT";
	m->label = "告警";
	m->court = "";
	m->vars = "{}";
	m->attempt = 1;
	m->now_ms = now_ms;
}

/* Build an alert on a gateway of robots.conf; the request is the caller's. */
static void
build(const char *gwname, const char *text, int64_t now_ms,
    struct request *req)
{
	const struct gateway	*gw = fixture_gateway(gwname);
	struct message		 m;
	char			*cause = NULL;

	alert_message(&m, text, now_ms);
	memset(req, 0, sizeof(*req));
	if (gw->ad->build(gw, &m, req, &cause) == -1)
		fail_msg("%s: %s", gwname, cause);
}

/* A long alert: "第N条：…" lines of Chinese, n bytes at least. */
static char *
long_alert(size_t n, const char *line)
{
	char	*s = xstrdup("【huigao 告警】"), *t;
	int	 i;

	for (i = 1; strlen(s) < n; i++) {
		t = xasprintf("%s%s第%d条：%s", s, i > 1 ? "\n" : "", i, line);
		free(s);
		s = t;
	}
	return (s);
}

static const struct {
	const char	*gateway;
	const char	*golden;
	int64_t		 now_ms;
	size_t		 long_text;	/* 0: ALERT_TEXT; else a long alert */
} goldens[] = {
	/* timestamps of the vectors, so the signatures can be checked by hand */
	{ "wecom", "tests/golden/wecom-request.txt", 1599360473000LL, 0 },
	{ "wecom", "tests/golden/wecom-request-cut.txt", 1599360473000LL, 3000 },
	{ "dingtalk", "tests/golden/dingtalk-request.txt", 1577262236757LL, 0 },
	{ "dingtalk-keyword", "tests/golden/dingtalk-request-keyword.txt",
	    1577262236757LL, 0 },
	{ "feishu", "tests/golden/feishu-request.txt", 1599360473000LL, 0 },
	{ "feishu-keyword", "tests/golden/feishu-request-keyword.txt",
	    1599360473000LL, 0 },
};

static void
test_robot_requests_match_golden(void **state)
{
	struct message	 m;
	char		*text;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
		text = goldens[i].long_text == 0 ? xstrdup(ALERT_TEXT) :
		    long_alert(goldens[i].long_text, "网关 aliyun 熔断");
		alert_message(&m, text, goldens[i].now_ms);
		fixture_golden_build(fixture_gateway(goldens[i].gateway), &m,
		    goldens[i].golden);
		free(text);
	}
}

static void
test_dingtalk_signature_goes_in_the_url_in_milliseconds(void **state)
{
	struct request	 req;

	(void)state;
	build("dingtalk", ALERT_TEXT, 1577262236757LL, &req);
	assert_string_equal(req.url, "https://oapi.dingtalk.com/robot/send?"
	    "access_token=fake0000000000000000000000000000000000000000000000"
	    "000000000000&timestamp=1577262236757"
	    "&sign=ZbRzTlKvjXJF9GDJknswoVCtxL2grXuSdUSGUn6daaQ%3D");
	assert_null(strstr(req.body, "sign"));
	assert_null(strstr(req.body, "timestamp"));
	request_clear(&req);
	/* a webhook without a query string gets one */
	build("dingtalk-mock", ALERT_TEXT, 1577262236757LL, &req);
	assert_string_equal(req.url, "http://127.0.0.1:8089/robot/send"
	    "?timestamp=1577262236757"
	    "&sign=hmPWwU%2B7lVdm3ZZz0r9tSfx0L4Q26jWOZr9%2BGs6EZQM%3D");
	request_clear(&req);
}

static void
test_feishu_signature_goes_in_the_body_in_seconds(void **state)
{
	struct request	 req;
	json_t		*o;

	(void)state;
	build("feishu", ALERT_TEXT, 1599360473999LL, &req);
	assert_string_equal(req.url, "https://open.feishu.cn/open-apis/bot/v2/"
	    "hook/00000000-0000-4000-8000-00000000fake");
	assert_non_null(o = json_loads(req.body, 0, NULL));
	/* seconds, as a string; milliseconds are dropped, not rounded */
	assert_string_equal(json_string_value(json_object_get(o, "timestamp")),
	    "1599360473");
	assert_string_equal(json_string_value(json_object_get(o, "sign")),
	    "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=");
	assert_string_equal(json_string_value(json_object_get(o, "msg_type")),
	    "text");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o,
	    "content"), "text")), ALERT_TEXT);
	json_decref(o);
	request_clear(&req);
}

static void
test_unsigned_robots_send_no_signature(void **state)
{
	static const char *const gws[] = { "wecom", "dingtalk-keyword",
	    "feishu-keyword" };
	struct request	 req;
	size_t		 i;

	(void)state;
	for (i = 0; i < 3; i++) {
		build(gws[i], ALERT_TEXT, 1599360473000LL, &req);
		assert_null(strstr(req.url, "sign="));
		assert_null(strstr(req.body, "\"sign\""));
		assert_null(strstr(req.body, "\"timestamp\""));
		request_clear(&req);
	}
}

static void
test_secret_never_appears_in_the_request(void **state)
{
	struct request	 req;
	char		*all;

	(void)state;
	build("dingtalk", ALERT_TEXT, 1577262236757LL, &req);
	all = fixture_request_text(&req);
	assert_null(strstr(all, "SEC0000"));
	free(all);
	request_clear(&req);
	build("dingtalk-mock", ALERT_TEXT, 1577262236757LL, &req);
	all = fixture_request_text(&req);
	assert_null(strstr(all, "this is secret"));
	assert_null(strstr(all, "this%20is"));
	free(all);
	request_clear(&req);
}

/* The text a robot's body carries. */
static char *
body_text(const char *gateway, const struct request *req)
{
	json_t	*o, *t;
	char	*s;

	if ((o = json_loadb(req->body, req->bodylen, 0, NULL)) == NULL)
		fail_msg("%s: the body is not JSON (cut inside a character?)",
		    gateway);
	if (strncmp(gateway, "feishu", 6) == 0)
		t = json_object_get(json_object_get(o, "content"), "text");
	else
		t = json_object_get(json_object_get(o, "text"), "content");
	assert_true(json_is_string(t));
	s = xstrdup(json_string_value(t));
	json_decref(o);
	return (s);
}

static void
test_keyword_is_added_only_when_the_alert_lacks_it(void **state)
{
	static const struct {
		const char	*gateway;
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "dingtalk-keyword", "通知 id=1 已放弃", "告警\n通知 id=1 已放弃" },
		{ "dingtalk-keyword", "【huigao 告警】通知 id=1 已放弃",
		    "【huigao 告警】通知 id=1 已放弃" },
		{ "feishu-keyword", "通知 id=1 已放弃", "执行\n通知 id=1 已放弃" },
		{ "feishu-keyword", "执行通知 id=1 已放弃", "执行通知 id=1 已放弃" },
		{ "dingtalk", "通知 id=1 已放弃", "通知 id=1 已放弃" },
	};
	struct request	 req;
	char		*got;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		build(cases[i].gateway, cases[i].text, 1599360473000LL, &req);
		got = body_text(cases[i].gateway, &req);
		assert_string_equal(got, cases[i].want);
		free(got);
		request_clear(&req);
	}
}

/* 1 if s is valid UTF-8 (jansson refuses anything else). */
static int
utf8_valid(const char *s)
{
	json_t	*j = json_string(s);

	json_decref(j);
	return (j != NULL);
}

/*
 * Long alerts: WeCom's text content holds 2048 bytes (gateways.md §4,
 * §12.11; 4096 is markdown's), DingTalk's and Feishu's bodies 20000. A
 * longer alert keeps its start, is cut between characters and ends with
 * the mark; one that fits is sent whole.
 */
static const struct {
	const char	*gateway;
	size_t		 len;		/* bytes of alert at least */
	const char	*line;
	int		 cut;
	size_t		 max;		/* content bytes (wecom) or body bytes */
} long_cases[] = {
	{ "wecom", 2000, "网关熔断", 0, 2048 },
	{ "wecom", 2049, "网关熔断", 1, 2048 },
	{ "wecom", 2049, "a网关熔断", 1, 2048 },
	{ "wecom", 2049, "ab网关熔断", 1, 2048 },
	{ "wecom", 5000, "通知 138****5678 已放弃", 1, 2048 },
	{ "wecom", 3000, "😀😀😀 emoji", 1, 2048 },
	{ "dingtalk", 18000, "网关熔断", 0, 20000 },
	{ "dingtalk", 30000, "网关熔断", 1, 20000 },
	{ "dingtalk", 30000, "\"quoted\"\t\\", 1, 20000 },
	{ "feishu", 30000, "网关熔断", 1, 20000 },
	{ "feishu", 30000, "a😀b", 1, 20000 },
	{ "feishu-keyword", 30000, "网关熔断", 1, 20000 },
};

static void
test_long_alerts_are_cut_on_a_utf8_boundary_with_a_mark(void **state)
{
	struct request	 req;
	char		*text, *got;
	size_t		 i, n, mark = strlen(CUT_MARK);

	(void)state;
	for (i = 0; i < sizeof(long_cases) / sizeof(long_cases[0]); i++) {
		text = long_alert(long_cases[i].len, long_cases[i].line);
		build(long_cases[i].gateway, text, 1599360473000LL, &req);
		got = body_text(long_cases[i].gateway, &req);
		n = strlen(got);
		if (strcmp(long_cases[i].gateway, "wecom") == 0)
			assert_true(n <= long_cases[i].max);
		else
			assert_true(req.bodylen <= long_cases[i].max);
		assert_true(utf8_valid(got));
		if (!long_cases[i].cut) {
			assert_string_equal(got, text);
		} else {
			if (n < mark || strcmp(got + n - mark, CUT_MARK) != 0)
				fail_msg("case %zu: no mark at the end", i);
			/* the kept part is the alert's start, and nearly all of the room */
			if (strncmp(got, text, n - mark) != 0 &&
			    strcmp(long_cases[i].gateway, "feishu-keyword") != 0)
				fail_msg("case %zu: not a prefix of the alert", i);
			if (strcmp(long_cases[i].gateway, "wecom") == 0)
				assert_true(n + 4 > long_cases[i].max);
			else
				assert_true(req.bodylen > long_cases[i].max * 3 / 4);
		}
		free(got);
		free(text);
		request_clear(&req);
	}
}

/* Newlines double in JSON: the body still fits. */
static void
test_escapes_do_not_push_the_body_over_the_limit(void **state)
{
	static const char *const gws[] = { "dingtalk", "feishu" };
	struct request	 req;
	char		*text;
	size_t		 i;

	(void)state;
	text = xmalloc(25001);
	memset(text, '\n', 25000);
	text[25000] = '\0';
	for (i = 0; i < 2; i++) {
		build(gws[i], text, 1599360473000LL, &req);
		assert_true(req.bodylen <= 20000);
		assert_non_null(strstr(req.body, CUT_MARK));
		request_clear(&req);
	}
	free(text);
}

static void
test_invalid_utf8_alert_is_refused_with_a_reason(void **state)
{
	static const char *const gws[] = { "wecom", "dingtalk", "feishu" };
	struct message	 m;
	char		*cause;
	size_t		 i;

	(void)state;
	for (i = 0; i < 3; i++) {
		alert_message(&m, "bad \xff\xfe text", 1599360473000LL);
		cause = fixture_build_error(fixture_gateway(gws[i]), &m);
		assert_non_null(strstr(cause, "UTF-8"));
		free(cause);
	}
}

/* ---- answers ---- */

struct answer {
	const char	*gateway;
	long		 status;
	const char	*body;
	int64_t		 retry_after;	/* the response's Retry-After, or -1 */
	enum outcome	 want;
	int		 gwfault;
	int64_t		 want_retry;	/* the result's retry_after_ms */
	const char	*reason;	/* substring of the error, or NULL */
};

static const struct answer answers[] = {
	/* WeCom (gateways.md §4) */
	{ "wecom", 200, "{\"errcode\":0,\"errmsg\":\"ok\"}", -1,
	    OUTCOME_OK, 0, -1, NULL },
	{ "wecom", 200, "{\"errcode\":45009,\"errmsg\":\"api freq out of "
	    "limit, hint: [1700000000_1_2], from ip: 203.0.113.7, more info at "
	    "https://open.work.weixin.qq.com/devtool/query?e=45009\"}", -1,
	    OUTCOME_TEMPFAIL, 0, 60000, "wecom errcode 45009 (rate limited" },
	{ "wecom", 200, "{\"errcode\":45009,\"errmsg\":\"api freq out of "
	    "limit\"}", 120000, OUTCOME_TEMPFAIL, 0, 120000, "errcode 45009" },
	{ "wecom", 200, "{\"errcode\":93000,\"errmsg\":\"invalid webhook url, "
	    "hint: [1700000000_1_3]\"}", -1, OUTCOME_PERMFAIL, 1, -1,
	    "invalid webhook url" },
	{ "wecom", 200, "{\"errcode\":40008,\"errmsg\":\"invalid message "
	    "type\"}", -1, OUTCOME_TEMPFAIL, 1, -1, "unrecognised errcode" },
	/* DingTalk (gateways.md §5) */
	{ "dingtalk", 200, "{\"errcode\":0,\"errmsg\":\"ok\"}", -1,
	    OUTCOME_OK, 0, -1, NULL },
	{ "dingtalk", 200, "{\"errcode\":130101,\"errmsg\":\"send too fast, "
	    "exceed 20 times per minute\"}", -1, OUTCOME_TEMPFAIL, 0, 600000,
	    "send too fast" },
	{ "dingtalk", 200, "{\"errcode\":310000,\"errmsg\":\"sign not match, "
	    "more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]\"}", -1,
	    OUTCOME_PERMFAIL, 1, -1, "sign not match" },
	{ "dingtalk", 200, "{\"errcode\":310000,\"errmsg\":\"keywords not in "
	    "content\"}", -1, OUTCOME_PERMFAIL, 1, -1, "keywords not in content" },
	{ "dingtalk", 200, "{\"errcode\":310000,\"errmsg\":\"ip 203.0.113.7 "
	    "not in whitelist\"}", -1, OUTCOME_PERMFAIL, 1, -1,
	    "not in whitelist" },
	{ "dingtalk", 200, "{\"errcode\":90030,\"errmsg\":\"webhook over "
	    "limit\"}", -1, OUTCOME_TEMPFAIL, 1, -1, "over its quota" },
	{ "dingtalk", 200, "{\"errcode\":300001,\"errmsg\":\"token is not "
	    "exist\"}", -1, OUTCOME_PERMFAIL, 1, -1, "access token does not" },
	{ "dingtalk", 200, "{\"errcode\":400013,\"errmsg\":\"群已被解散\"}", -1,
	    OUTCOME_TEMPFAIL, 1, -1, "unrecognised errcode): 群已被解散" },
	/* Feishu (gateways.md §6) */
	{ "feishu", 200, "{\"code\":0,\"data\":{},\"msg\":\"success\"}", -1,
	    OUTCOME_OK, 0, -1, NULL },
	{ "feishu", 200, "{\"Extra\":null,\"StatusCode\":0,"
	    "\"StatusMessage\":\"success\"}", -1, OUTCOME_OK, 0, -1, NULL },
	{ "feishu", 200, "{\"code\":11232,\"data\":{},\"msg\":\"frequency "
	    "limited psm[lark.oapi.app_platform_runtime]appID[1]\"}", -1,
	    OUTCOME_TEMPFAIL, 0, 60000, "feishu code 11232 (rate limited" },
	{ "feishu", 200, "{\"code\":19021,\"data\":{},\"msg\":\"sign match "
	    "fail or timestamp is not within one hour from current time\"}", -1,
	    OUTCOME_PERMFAIL, 1, -1, "sign match fail" },
	{ "feishu", 400, "{\"code\":19021,\"data\":{},\"msg\":\"sign match "
	    "fail or timestamp is not within one hour from current time\"}", -1,
	    OUTCOME_PERMFAIL, 1, -1, "bad signature" },
	{ "feishu", 200, "{\"code\":19022,\"data\":{},\"msg\":\"Ip Not "
	    "Allowed\"}", -1, OUTCOME_PERMFAIL, 1, -1, "Ip Not Allowed" },
	{ "feishu", 200, "{\"code\":19024,\"data\":{},\"msg\":\"Key Words Not "
	    "Found\"}", -1, OUTCOME_PERMFAIL, 1, -1, "Key Words Not Found" },
	{ "feishu", 200, "{\"StatusCode\":19021,\"StatusMessage\":\"sign match "
	    "fail\"}", -1, OUTCOME_PERMFAIL, 1, -1, "feishu code 19021" },
	{ "feishu", 200, "{\"code\":9499,\"msg\":\"Bad Request\"}", -1,
	    OUTCOME_TEMPFAIL, 1, -1, "unrecognised code" },
	{ "feishu", 400, "{\"code\":9499,\"msg\":\"Bad Request\"}", -1,
	    OUTCOME_PERMFAIL, 0, -1, "HTTP 400: Bad Request" },
	/* HTTP, the same for every robot */
	{ "wecom", 500, "{\"errcode\":0,\"errmsg\":\"ok\"}", -1,
	    OUTCOME_TEMPFAIL, 1, -1, "HTTP 500" },
	{ "dingtalk", 502, "<html>bad gateway</html>", -1, OUTCOME_TEMPFAIL, 1,
	    -1, "HTTP 502" },
	{ "feishu", 503, "", 30000, OUTCOME_TEMPFAIL, 1, 30000, "HTTP 503" },
	{ "dingtalk", 429, "", 5000, OUTCOME_TEMPFAIL, 0, 5000, "HTTP 429" },
	{ "wecom", 404, "not found", -1, OUTCOME_PERMFAIL, 0, -1, "HTTP 404" },
	{ "feishu", 403, "", -1, OUTCOME_TEMPFAIL, 1, -1, "HTTP 403" },
	{ "wecom", 200, "<html>captive portal</html>", -1, OUTCOME_TEMPFAIL, 1,
	    -1, "not a WeCom robot's answer" },
	{ "dingtalk", 200, "{\"ok\":true}", -1, OUTCOME_TEMPFAIL, 1, -1,
	    "not a DingTalk robot's answer" },
	{ "feishu", 200, NULL, -1, OUTCOME_TEMPFAIL, 1, -1,
	    "not a Feishu bot's answer" },
	{ "dingtalk", 200, "{\"errcode\":\"0\"}", -1, OUTCOME_TEMPFAIL, 1, -1,
	    "without an errcode" },
};

static void
test_robot_answers_are_classified(void **state)
{
	const struct answer	*a;
	const struct adapter	*ad;
	struct result		 res;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		a = &answers[i];
		assert_non_null(ad = adapter_find(a->gateway));
		fixture_parse(ad, fixture_gateway(a->gateway), a->status,
		    a->body, a->retry_after, &res);
		if (res.outcome != a->want || res.gwfault != a->gwfault ||
		    res.retry_after_ms != a->want_retry)
			fail_msg("row %zu (%s HTTP %ld %s): outcome %d fault %d "
			    "retry %lld, want %d %d %lld; error \"%s\"", i,
			    a->gateway, a->status, a->body ? a->body : "",
			    res.outcome, res.gwfault,
			    (long long)res.retry_after_ms, a->want, a->gwfault,
			    (long long)a->want_retry, res.error);
		assert_int_equal(res.http_status, a->status);
		if (a->reason != NULL && strstr(res.error, a->reason) == NULL)
			fail_msg("row %zu: error \"%s\", want \"%s\"", i,
			    res.error, a->reason);
		if (a->want == OUTCOME_OK)
			assert_string_equal(res.error, "");
	}
}

/* A robot's long error message is cut, never mid-character. */
static void
test_long_robot_errors_stay_utf8(void **state)
{
	struct result	 res;
	char		*msg, *body;

	(void)state;
	msg = xstrdup("");
	while (strlen(msg) < 600) {
		body = xasprintf("%s群已被解散", msg);
		free(msg);
		msg = body;
	}
	body = xasprintf("{\"errcode\":310000,\"errmsg\":\"%s\"}", msg);
	fixture_parse(&adapter_dingtalk, NULL, 200, body, -1, &res);
	assert_int_equal(res.outcome, OUTCOME_PERMFAIL);
	assert_true(strlen(res.error) < sizeof(res.error));
	assert_true(utf8_valid(res.error));
	free(body);
	free(msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dingtalk_vectors_reproduced),
		cmocka_unit_test(test_feishu_vectors_reproduced),
		cmocka_unit_test(test_feishu_is_not_signed_the_dingtalk_way),
		cmocka_unit_test(
		    test_robot_adapters_are_untemplated_robots_with_webhook),
		cmocka_unit_test(test_robot_requests_match_golden),
		cmocka_unit_test(
		    test_dingtalk_signature_goes_in_the_url_in_milliseconds),
		cmocka_unit_test(test_feishu_signature_goes_in_the_body_in_seconds),
		cmocka_unit_test(test_unsigned_robots_send_no_signature),
		cmocka_unit_test(test_secret_never_appears_in_the_request),
		cmocka_unit_test(test_keyword_is_added_only_when_the_alert_lacks_it),
		cmocka_unit_test(
		    test_long_alerts_are_cut_on_a_utf8_boundary_with_a_mark),
		cmocka_unit_test(test_escapes_do_not_push_the_body_over_the_limit),
		cmocka_unit_test(test_invalid_utf8_alert_is_refused_with_a_reason),
		cmocka_unit_test(test_robot_answers_are_classified),
		cmocka_unit_test(test_long_robot_errors_stay_utf8),
	};

	fixture_init("test_robots", CONF);
	return (cmocka_run_group_tests(tests, fixture_setup, fixture_teardown));
}
