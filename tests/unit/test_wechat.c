/*
 * test_wechat.c - the WeChat template-message adapter without a network:
 * the send and token requests against golden files, the token answers and
 * the send answers (every mapped errcode) against a table and a golden
 * file. Run from the repository root (it loads
 * tests/configs/good/channels-wechat-smtp.conf).
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

#define CONF		"tests/configs/good/channels-wechat-smtp.conf"
#define G_REQUEST	"tests/golden/wechat-request.txt"
#define G_TOKEN_REQ	"tests/golden/wechat-token-request.txt"
#define G_TOKEN_ANS	"tests/golden/wechat-token-answers.txt"
#define G_ANSWERS	"tests/golden/wechat-answers.txt"
#define SECRET		"FakeWeChatAppSecretNotReal000001"

/* A gateway of CONF: a WeChat one. */
static struct gateway *
gw(const char *name)
{
	struct gateway	*g = fixture_gateway(name);

	assert_ptr_equal(g->ad, &adapter_wechat);
	return (g);
}

/* A fixed message, as the scheduler would fill it for gateway `name`. */
static void
fixed_message(struct message *m, const char *name)
{
	fixture_message(m);
	m->key = "hg-7-3-wechat";
	m->channel = "wechat";
	m->to = "oAbCdEf_123-xyz";
	m->vars = "{\"amount\":\"123456.78\",\"case_no\":\"(2024)冀0724执1234号\","
	    "\"court\":\"沽源县人民法院\",\"date\":\"6月1日\",\"name\":\"王某\","
	    "\"step\":\"冻结银行存款\",\"step_code\":\"ENF_DEPOSIT_FROZEN\","
	    "\"deadline\":\"2024-06-30\"}";
	m->tpl = fixture_vtpl(m->step, name);
	m->access_token = "78_TOKEN-abc.def~ghi";
	m->court_name = "沽源县人民法院";
}

/* The token request of gateway `name`, as text. */
static char *
token_request(const char *name)
{
	struct request	 req;
	char		*cause = NULL, *s;

	memset(&req, 0, sizeof(req));
	assert_int_equal(adapter_wechat.token_build(gw(name), 0, &req, &cause),
	    0);
	s = fixture_request_text(&req);
	request_clear(&req);
	return (s);
}

/* A send on "wx" of m must be refused, the cause naming reason. */
static void
refused(const struct message *m, const char *reason)
{
	char	*cause;

	cause = fixture_build_error(gw("wx"), m);
	if (strstr(cause, reason) == NULL)
		fail_msg("cause \"%s\", want \"%s\"", cause, reason);
	free(cause);
}

static void
test_wechat_send_request_matches_golden(void **state)
{
	struct message	 m;
	char		*a, *b, *all;

	(void)state;
	fixed_message(&m, "wx");
	a = fixture_build(gw("wx"), &m);
	/* a local endpoint with a trailing '/', another template */
	fixed_message(&m, "wx_local");
	b = fixture_build(gw("wx_local"), &m);
	all = xasprintf("%s\n%s", a, b);
	fixture_golden(G_REQUEST, all);
	/* what the golden file pins, said plainly */
	assert_non_null(strstr(a, "POST https://api.weixin.qq.com/cgi-bin/"
	    "message/template/send?access_token=78_TOKEN-abc.def~ghi\n"));
	assert_non_null(strstr(a, "\"keyword1\":{\"value\":\"(2024)冀0724执1234号\"}"));
	assert_non_null(strstr(a, "\"client_msg_id\":\"hg-7-3-wechat\""));
	assert_null(strstr(a, "\\u"));		/* UTF-8, never \uXXXX */
	assert_non_null(strstr(b, "POST http://127.0.0.1:8080/cgi-bin/"));
	assert_non_null(strstr(b, "\"remark\":{\"value\":\"6月30日\"}"));
	free(a);
	free(b);
	free(all);
}

static void
test_wechat_token_request_matches_golden(void **state)
{
	char		*a, *b, *all;

	(void)state;
	a = token_request("wx");
	b = token_request("wx_local");
	all = xasprintf("%s\n%s", a, b);
	fixture_golden(G_TOKEN_REQ, all);
	assert_non_null(strstr(a, "GET https://api.weixin.qq.com/cgi-bin/token?"
	    "grant_type=client_credential&appid=wx0123456789abcdef&secret="
	    SECRET "\n"));
	/* the secret is percent-encoded: + / = & would change the query */
	assert_non_null(strstr(b, "&secret=Fake%2BSecret%2FWith%3DSpecials%261\n"));
	free(a);
	free(b);
	free(all);
}

static void
test_wechat_build_refuses_without_a_token(void **state)
{
	struct message	 m;

	(void)state;
	fixed_message(&m, "wx");
	m.access_token = NULL;
	refused(&m, "no access token");
}

static void
test_wechat_build_refuses_without_a_template(void **state)
{
	struct message	 m;

	(void)state;
	fixed_message(&m, "wx");
	m.tpl = NULL;
	refused(&m, "vendor_templates.wx");
}

static void
test_wechat_build_names_a_missing_variable(void **state)
{
	struct message	 m;

	(void)state;
	fixed_message(&m, "wx");
	m.vars = "{\"case_no\":\"(2024)冀0724执1234号\",\"step\":\"x\","
	    "\"date\":\"6月1日\"}";
	refused(&m, "\"amount\" (data.keyword3)");
}

/* ---- send answers ---- */

struct answer {
	long		 status;
	const char	*body;
	enum outcome	 want;
	int		 gwfault;
	int		 token_expired;
	const char	*reason;	/* substring of the error, or NULL */
};

#define WX(code, msg)	"{\"errcode\":" #code ",\"errmsg\":\"" msg "\"}"
/* WeChat's answer code (under HTTP 200): o, f, t, the errcode named. */
#define CODE(code, msg, o, f, t)	\
	{ 200, WX(code, msg), o, f, t, "errcode " #code }

/* Every errcode wechat.c maps, and the answers that are not WeChat's. */
static const struct answer answers[] = {
	{ 200, "{\"errcode\":0,\"errmsg\":\"ok\",\"msgid\":200228332}",
	    OUTCOME_OK, 0, 0, NULL },
	{ 200, WX(45065, "clientmsgid exist"), OUTCOME_OK, 0, 0, NULL },
	/* the token: refreshed and sent again */
	{ 200, WX(40001, "invalid credential, access_token is invalid or not "
	    "latest"), OUTCOME_TEMPFAIL, 0, 1, "errcode 40001" },
	CODE(40014, "invalid access_token", OUTCOME_TEMPFAIL, 0, 1),
	CODE(41001, "access_token missing", OUTCOME_TEMPFAIL, 0, 1),
	{ 200, WX(42001, "access_token expired"), OUTCOME_TEMPFAIL, 0, 1,
	    "access token expired" },
	CODE(42007, "access_token and refresh_token exception", OUTCOME_TEMPFAIL,
	    0, 1),
	/* throttling */
	{ 200, WX(45009, "reach max api daily quota limit"), OUTCOME_TEMPFAIL,
	    1, 0, "daily API quota" },
	CODE(45011, "api minute-quota reach limit", OUTCOME_TEMPFAIL, 0, 0),
	CODE(45047, "out of response count limit", OUTCOME_TEMPFAIL, 0, 0),
	CODE(45066, "clientmsgid retry too fast", OUTCOME_TEMPFAIL, 0, 0),
	/* system */
	CODE(-1, "system error", OUTCOME_TEMPFAIL, 1, 0),
	CODE(61450, "system error", OUTCOME_TEMPFAIL, 1, 0),
	/* the recipient */
	{ 200, WX(40003, "invalid openid rid: 6385c6c1-0fcadca1"),
	    OUTCOME_PERMFAIL, 0, 0, "invalid openid" },
	CODE(41009, "missing openid", OUTCOME_PERMFAIL, 0, 0),
	{ 200, WX(43004, "require subscribe"), OUTCOME_PERMFAIL, 0, 0,
	    "does not follow" },
	CODE(43019, "require remove blacklist", OUTCOME_PERMFAIL, 0, 0),
	CODE(46004, "not existed user", OUTCOME_PERMFAIL, 0, 0),
	{ 200, WX(48002, "api forbidden for user"), OUTCOME_PERMFAIL, 0, 0,
	    "refuses messages" },
	CODE(50005, "user unsubscribed", OUTCOME_PERMFAIL, 0, 0),
	/* the template and the request */
	{ 200, WX(40037, "invalid template_id rid: 65eac940-1a79c8dc"),
	    OUTCOME_PERMFAIL, 0, 0, "invalid template_id" },
	{ 200, WX(47003, "argument invalid! data.thing2.value invalid"),
	    OUTCOME_PERMFAIL, 0, 0, "data.thing2.value" },
	CODE(47001, "data format error", OUTCOME_PERMFAIL, 0, 0),
	CODE(44002, "empty post data", OUTCOME_PERMFAIL, 0, 0),
	CODE(40008, "invalid message type", OUTCOME_PERMFAIL, 0, 0),
	CODE(40033, "invalid charset", OUTCOME_PERMFAIL, 0, 0),
	CODE(45002, "content size out of limit", OUTCOME_PERMFAIL, 0, 0),
	CODE(45067, "clientmsgid size out of limit", OUTCOME_PERMFAIL, 0, 0),
	/* the account */
	CODE(40002, "invalid grant_type", OUTCOME_TEMPFAIL, 1, 0),
	{ 200, WX(40013, "invalid appid"), OUTCOME_TEMPFAIL, 1, 0,
	    "invalid AppID" },
	CODE(40125, "invalid appsecret", OUTCOME_TEMPFAIL, 1, 0),
	{ 200, WX(40164, "invalid ip 1.2.3.4, not in whitelist"),
	    OUTCOME_TEMPFAIL, 1, 0, "IP whitelist" },
	CODE(41002, "appid missing", OUTCOME_TEMPFAIL, 1, 0),
	CODE(41004, "appsecret missing", OUTCOME_TEMPFAIL, 1, 0),
	CODE(43002, "require POST method", OUTCOME_TEMPFAIL, 1, 0),
	CODE(43003, "require https", OUTCOME_TEMPFAIL, 1, 0),
	CODE(48001, "api unauthorized", OUTCOME_TEMPFAIL, 1, 0),
	CODE(48004, "api forbidden", OUTCOME_TEMPFAIL, 1, 0),
	CODE(48008, "no permission for this msgtype", OUTCOME_TEMPFAIL, 1, 0),
	CODE(50001, "api unauthorized", OUTCOME_TEMPFAIL, 1, 0),
	CODE(50002, "user limited", OUTCOME_TEMPFAIL, 1, 0),
	/* not in the table: never lost, fail over */
	{ 200, WX(99999, "something new"), OUTCOME_TEMPFAIL, 1, 0,
	    "unrecognised errcode" },
	/* not WeChat's answer */
	{ 200, "<html>gateway</html>", OUTCOME_TEMPFAIL, 1, 0,
	    "not WeChat JSON" },
	{ 200, "{\"msgid\":1}", OUTCOME_TEMPFAIL, 1, 0, "not WeChat JSON" },
	{ 502, "Bad Gateway", OUTCOME_TEMPFAIL, 1, 0, "HTTP 502" },
	{ 500, WX(0, "ok"), OUTCOME_TEMPFAIL, 1, 0, "HTTP 500" },
	{ 429, "", OUTCOME_TEMPFAIL, 0, 0, "HTTP 429" },
	{ 302, "", OUTCOME_TEMPFAIL, 1, 0, "redirects" },
	{ 404, "not found", OUTCOME_TEMPFAIL, 1, 0, "HTTP 404" },
};

/* Parse a send answer on gateway "wx". */
static void
parse_one(const struct answer *a, struct result *res)
{
	fixture_parse(&adapter_wechat, gw("wx"), a->status, a->body, -1, res);
}

static void
test_wechat_every_mapped_errcode_is_classified(void **state)
{
	struct result	 res;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		parse_one(&answers[i], &res);
		if (res.outcome != answers[i].want ||
		    res.gwfault != answers[i].gwfault ||
		    res.token_expired != answers[i].token_expired)
			fail_msg("%s: outcome %d gwfault %d token_expired %d, "
			    "want %d %d %d", answers[i].body, res.outcome,
			    res.gwfault, res.token_expired, answers[i].want,
			    answers[i].gwfault, answers[i].token_expired);
		assert_int_equal(res.http_status, answers[i].status);
		if (answers[i].reason != NULL &&
		    strstr(res.error, answers[i].reason) == NULL)
			fail_msg("%s: error \"%s\", want \"%s\"", answers[i].body,
			    res.error, answers[i].reason);
	}
}

static void
test_wechat_answers_match_golden(void **state)
{
	struct result	 res;
	char		*s = xstrdup(""), *t;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		parse_one(&answers[i], &res);
		t = xasprintf("%sHTTP %ld %s\n  -> %s gwfault=%d token_expired=%d "
		    "retry_after_ms=%lld id=%s error=%s\n", s, answers[i].status,
		    answers[i].body, fixture_outcome(res.outcome), res.gwfault,
		    res.token_expired, (long long)res.retry_after_ms,
		    res.provider_id, res.error);
		free(s);
		s = t;
	}
	fixture_golden(G_ANSWERS, s);
	free(s);
}

static void
test_wechat_msgid_is_the_provider_id(void **state)
{
	struct result	 res;

	(void)state;
	parse_one(&answers[0], &res);
	assert_string_equal(res.provider_id, "200228332");
	assert_string_equal(res.error, "");
}

static void
test_wechat_throttling_waits_at_least_its_delay(void **state)
{
	static const struct answer quota = { 200, WX(45009, "quota"),
	    OUTCOME_TEMPFAIL, 1, 0, NULL };
	struct result	 res;

	(void)state;
	parse_one(&quota, &res);
	assert_true(res.retry_after_ms >= 600000);
}

/* ---- token answers ---- */

struct token_answer {
	long		 status;
	const char	*body;
	int		 ok;
	const char	*token;		/* when ok */
	int64_t		 ttl_ms;	/* when ok */
	const char	*reason;	/* substring of the cause, when not ok */
};

static const struct token_answer token_answers[] = {
	{ 200, "{\"access_token\":\"78_ACCESS-TOKEN\",\"expires_in\":7200}", 1,
	    "78_ACCESS-TOKEN", 7200000, NULL },
	{ 200, "{\"access_token\":\"t2\",\"expires_in\":\"3\"}", 1, "t2", 3000,
	    NULL },
	{ 200, WX(40013, "invalid appid"), 0, NULL, 0,
	    "errcode 40013: invalid AppID: invalid appid" },
	{ 200, WX(40001, "invalid credential"), 0, NULL, 0,
	    "errcode 40001: AppSecret wrong" },
	{ 200, WX(40125, "invalid appsecret"), 0, NULL, 0, "errcode 40125" },
	{ 200, WX(40164, "invalid ip 203.0.113.9, not in whitelist"), 0, NULL,
	    0, "IP whitelist" },
	{ 200, WX(-1, "system error"), 0, NULL, 0, "errcode -1: WeChat is busy" },
	/* an answer that echoes the secret never passes it on */
	{ 200, WX(40125, "invalid appsecret " SECRET), 0, NULL, 0, "***" },
	{ 200, "{\"access_token\":\"t\"}", 0, NULL, 0, "expires_in" },
	{ 200, "{\"access_token\":\"t\",\"expires_in\":0}", 0, NULL, 0,
	    "expires_in" },
	{ 200, "{\"access_token\":\"\",\"expires_in\":7200}", 0, NULL, 0,
	    "empty" },
	{ 200, "{\"access_token\":\"a b\",\"expires_in\":7200}", 0, NULL, 0,
	    "printable" },
	{ 200, "not json", 0, NULL, 0, "not a WeChat token" },
	{ 503, "", 0, NULL, 0, "HTTP 503" },
};

static void
test_wechat_token_answers(void **state)
{
	const struct token_answer	*a;
	struct response			 resp;
	char				 tok[64], *cause, *s = xstrdup(""), *t;
	int64_t				 ttl;
	size_t				 i;
	int				 rv;

	(void)state;
	for (i = 0; i < sizeof(token_answers) / sizeof(token_answers[0]); i++) {
		a = &token_answers[i];
		memset(&resp, 0, sizeof(resp));
		resp.status = a->status;
		resp.body = a->body;
		resp.bodylen = strlen(a->body);
		cause = NULL;
		ttl = 0;
		rv = adapter_wechat.token_parse(gw("wx"), &resp, tok, sizeof(tok),
		    &ttl, &cause);
		if (a->ok) {
			if (rv != 0)
				fail_msg("%s: %s", a->body, cause);
			assert_string_equal(tok, a->token);
			assert_int_equal(ttl, a->ttl_ms);
		} else {
			if (rv != -1 || cause == NULL)
				fail_msg("%s: accepted", a->body);
			if (strstr(cause, a->reason) == NULL)
				fail_msg("%s: cause \"%s\", want \"%s\"", a->body,
				    cause, a->reason);
			if (strstr(cause, SECRET) != NULL)
				fail_msg("the cause shows the secret: %s", cause);
		}
		t = xasprintf("%sHTTP %ld %s\n  -> %s\n", s, a->status, a->body,
		    rv == 0 ? tok : cause);
		free(s);
		s = t;
		free(cause);
	}
	fixture_golden(G_TOKEN_ANS, s);
	free(s);
}

static void
test_wechat_token_too_long_for_the_buffer_is_refused(void **state)
{
	struct response	 resp;
	char		 tok[8], *cause = NULL;
	int64_t		 ttl;

	(void)state;
	memset(&resp, 0, sizeof(resp));
	resp.status = 200;
	resp.body = "{\"access_token\":\"12345678\",\"expires_in\":7200}";
	resp.bodylen = strlen(resp.body);
	assert_int_equal(adapter_wechat.token_parse(gw("wx"), &resp, tok,
	    sizeof(tok), &ttl, &cause), -1);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wechat_send_request_matches_golden),
		cmocka_unit_test(test_wechat_token_request_matches_golden),
		cmocka_unit_test(test_wechat_build_refuses_without_a_token),
		cmocka_unit_test(test_wechat_build_refuses_without_a_template),
		cmocka_unit_test(test_wechat_build_names_a_missing_variable),
		cmocka_unit_test(test_wechat_every_mapped_errcode_is_classified),
		cmocka_unit_test(test_wechat_answers_match_golden),
		cmocka_unit_test(test_wechat_msgid_is_the_provider_id),
		cmocka_unit_test(test_wechat_throttling_waits_at_least_its_delay),
		cmocka_unit_test(test_wechat_token_answers),
		cmocka_unit_test(test_wechat_token_too_long_for_the_buffer_is_refused),
	};

	fixture_init("test_wechat", CONF);
	return (cmocka_run_group_tests(tests, fixture_setup, fixture_teardown));
}
