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

#define CONF		"tests/configs/good/channels-wechat-smtp.conf"
#define G_REQUEST	"tests/golden/wechat-request.txt"
#define G_TOKEN_REQ	"tests/golden/wechat-token-request.txt"
#define G_TOKEN_ANS	"tests/golden/wechat-token-answers.txt"
#define G_ANSWERS	"tests/golden/wechat-answers.txt"
#define SECRET		"FakeWeChatAppSecretNotReal000001"

static struct config	*cfg;

static int
setup(void **state)
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
teardown(void **state)
{
	(void)state;
	cfg_unref(cfg);
	return (0);
}

static struct gateway *
gw(const char *name)
{
	struct gateway	*g = cfg_gateway(cfg, name);

	if (g == NULL)
		fail_msg("no gateway %s in %s", name, CONF);
	return (g);
}

/* A fixed message, as the scheduler would fill it for gateway `name`. */
static void
fixed_message(struct message *m, const char *name)
{
	memset(m, 0, sizeof(*m));
	m->id = 42;
	m->key = "hg-7-3-wechat";
	m->channel = "wechat";
	m->to = "oAbCdEf_123-xyz";
	m->text = "【沽源县人民法院】(2024)冀0724执1234号案已冻结被执行人银行存款"
	    "123456.78元。";
	m->sign = "沽源县人民法院";
	m->case_no = "(2024)冀0724执1234号";
	m->step = "ENF_DEPOSIT_FROZEN";
	m->label = "冻结银行存款";
	m->court = "gy";
	m->vars = "{\"amount\":\"123456.78\",\"case_no\":\"(2024)冀0724执1234号\","
	    "\"court\":\"沽源县人民法院\",\"date\":\"6月1日\",\"name\":\"王某\","
	    "\"step\":\"冻结银行存款\",\"step_code\":\"ENF_DEPOSIT_FROZEN\","
	    "\"deadline\":\"2024-06-30\"}";
	m->attempt = 1;
	m->now_ms = 1614265330000LL;
	m->tpl = cfg_vtpl(cfg_step(cfg, m->step), name);
	m->access_token = "78_TOKEN-abc.def~ghi";
	m->court_name = "沽源县人民法院";
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
	t = xasprintf("%s\n%.*s\n", s, (int)r->bodylen, r->body ? r->body : "");
	free(s);
	return (t);
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

/* Compare got with a golden file (or rewrite it under HUIGAO_UPDATE_GOLDEN). */
static void
golden(const char *path, const char *got)
{
	FILE	*f;
	char	*want;

	if (getenv("HUIGAO_UPDATE_GOLDEN") != NULL) {
		assert_non_null(f = fopen(path, "w"));
		fputs(got, f);
		fclose(f);
	}
	if ((want = slurp(path)) == NULL)
		fail_msg("cannot read %s", path);
	assert_string_equal(got, want);
	free(want);
}

static void
test_wechat_send_request_matches_golden(void **state)
{
	struct message	 m;
	struct request	 req;
	char		*cause = NULL, *a, *b, *all;

	(void)state;
	fixed_message(&m, "wx");
	memset(&req, 0, sizeof(req));
	if (adapter_wechat.build(gw("wx"), &m, &req, &cause) == -1)
		fail_msg("%s", cause);
	a = request_text(&req);
	request_clear(&req);
	/* a local endpoint with a trailing '/', another template */
	fixed_message(&m, "wx_local");
	if (adapter_wechat.build(gw("wx_local"), &m, &req, &cause) == -1)
		fail_msg("%s", cause);
	b = request_text(&req);
	request_clear(&req);
	all = xasprintf("%s\n%s", a, b);
	golden(G_REQUEST, all);
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
	struct request	 req;
	char		*cause = NULL, *a, *b, *all;

	(void)state;
	memset(&req, 0, sizeof(req));
	assert_int_equal(adapter_wechat.token_build(gw("wx"), 0, &req, &cause), 0);
	a = request_text(&req);
	request_clear(&req);
	assert_int_equal(adapter_wechat.token_build(gw("wx_local"), 0, &req,
	    &cause), 0);
	b = request_text(&req);
	request_clear(&req);
	all = xasprintf("%s\n%s", a, b);
	golden(G_TOKEN_REQ, all);
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
	struct request	 req;
	char		*cause = NULL;

	(void)state;
	fixed_message(&m, "wx");
	m.access_token = NULL;
	memset(&req, 0, sizeof(req));
	assert_int_equal(adapter_wechat.build(gw("wx"), &m, &req, &cause), -1);
	assert_non_null(strstr(cause, "no access token"));
	free(cause);
	request_clear(&req);
}

static void
test_wechat_build_refuses_without_a_template(void **state)
{
	struct message	 m;
	struct request	 req;
	char		*cause = NULL;

	(void)state;
	fixed_message(&m, "wx");
	m.tpl = NULL;
	memset(&req, 0, sizeof(req));
	assert_int_equal(adapter_wechat.build(gw("wx"), &m, &req, &cause), -1);
	assert_non_null(strstr(cause, "vendor_templates.wx"));
	free(cause);
	request_clear(&req);
}

static void
test_wechat_build_names_a_missing_variable(void **state)
{
	struct message	 m;
	struct request	 req;
	char		*cause = NULL;

	(void)state;
	fixed_message(&m, "wx");
	m.vars = "{\"case_no\":\"(2024)冀0724执1234号\",\"step\":\"x\","
	    "\"date\":\"6月1日\"}";
	memset(&req, 0, sizeof(req));
	assert_int_equal(adapter_wechat.build(gw("wx"), &m, &req, &cause), -1);
	assert_non_null(strstr(cause, "\"amount\" (data.keyword3)"));
	free(cause);
	request_clear(&req);
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

/* Every errcode wechat.c maps, and the answers that are not WeChat's. */
static const struct answer answers[] = {
	{ 200, "{\"errcode\":0,\"errmsg\":\"ok\",\"msgid\":200228332}",
	    OUTCOME_OK, 0, 0, NULL },
	{ 200, WX(45065, "clientmsgid exist"), OUTCOME_OK, 0, 0, NULL },
	/* the token: refreshed and sent again */
	{ 200, WX(40001, "invalid credential, access_token is invalid or not "
	    "latest"), OUTCOME_TEMPFAIL, 0, 1, "errcode 40001" },
	{ 200, WX(40014, "invalid access_token"), OUTCOME_TEMPFAIL, 0, 1,
	    "errcode 40014" },
	{ 200, WX(41001, "access_token missing"), OUTCOME_TEMPFAIL, 0, 1,
	    "errcode 41001" },
	{ 200, WX(42001, "access_token expired"), OUTCOME_TEMPFAIL, 0, 1,
	    "access token expired" },
	{ 200, WX(42007, "access_token and refresh_token exception"),
	    OUTCOME_TEMPFAIL, 0, 1, "errcode 42007" },
	/* throttling */
	{ 200, WX(45009, "reach max api daily quota limit"), OUTCOME_TEMPFAIL,
	    1, 0, "daily API quota" },
	{ 200, WX(45011, "api minute-quota reach limit"), OUTCOME_TEMPFAIL, 0,
	    0, "errcode 45011" },
	{ 200, WX(45047, "out of response count limit"), OUTCOME_TEMPFAIL, 0,
	    0, "errcode 45047" },
	{ 200, WX(45066, "clientmsgid retry too fast"), OUTCOME_TEMPFAIL, 0, 0,
	    "errcode 45066" },
	/* system */
	{ 200, WX(-1, "system error"), OUTCOME_TEMPFAIL, 1, 0, "errcode -1" },
	{ 200, WX(61450, "system error"), OUTCOME_TEMPFAIL, 1, 0,
	    "errcode 61450" },
	/* the recipient */
	{ 200, WX(40003, "invalid openid rid: 6385c6c1-0fcadca1"),
	    OUTCOME_PERMFAIL, 0, 0, "invalid openid" },
	{ 200, WX(41009, "missing openid"), OUTCOME_PERMFAIL, 0, 0,
	    "errcode 41009" },
	{ 200, WX(43004, "require subscribe"), OUTCOME_PERMFAIL, 0, 0,
	    "does not follow" },
	{ 200, WX(43019, "require remove blacklist"), OUTCOME_PERMFAIL, 0, 0,
	    "errcode 43019" },
	{ 200, WX(46004, "not existed user"), OUTCOME_PERMFAIL, 0, 0,
	    "errcode 46004" },
	{ 200, WX(48002, "api forbidden for user"), OUTCOME_PERMFAIL, 0, 0,
	    "refuses messages" },
	{ 200, WX(50005, "user unsubscribed"), OUTCOME_PERMFAIL, 0, 0,
	    "errcode 50005" },
	/* the template and the request */
	{ 200, WX(40037, "invalid template_id rid: 65eac940-1a79c8dc"),
	    OUTCOME_PERMFAIL, 0, 0, "invalid template_id" },
	{ 200, WX(47003, "argument invalid! data.thing2.value invalid"),
	    OUTCOME_PERMFAIL, 0, 0, "data.thing2.value" },
	{ 200, WX(47001, "data format error"), OUTCOME_PERMFAIL, 0, 0,
	    "errcode 47001" },
	{ 200, WX(44002, "empty post data"), OUTCOME_PERMFAIL, 0, 0,
	    "errcode 44002" },
	{ 200, WX(40008, "invalid message type"), OUTCOME_PERMFAIL, 0, 0,
	    "errcode 40008" },
	{ 200, WX(40033, "invalid charset"), OUTCOME_PERMFAIL, 0, 0,
	    "errcode 40033" },
	{ 200, WX(45002, "content size out of limit"), OUTCOME_PERMFAIL, 0, 0,
	    "errcode 45002" },
	{ 200, WX(45067, "clientmsgid size out of limit"), OUTCOME_PERMFAIL, 0,
	    0, "errcode 45067" },
	/* the account */
	{ 200, WX(40002, "invalid grant_type"), OUTCOME_TEMPFAIL, 1, 0,
	    "errcode 40002" },
	{ 200, WX(40013, "invalid appid"), OUTCOME_TEMPFAIL, 1, 0,
	    "invalid AppID" },
	{ 200, WX(40125, "invalid appsecret"), OUTCOME_TEMPFAIL, 1, 0,
	    "errcode 40125" },
	{ 200, WX(40164, "invalid ip 1.2.3.4, not in whitelist"),
	    OUTCOME_TEMPFAIL, 1, 0, "IP whitelist" },
	{ 200, WX(41002, "appid missing"), OUTCOME_TEMPFAIL, 1, 0,
	    "errcode 41002" },
	{ 200, WX(41004, "appsecret missing"), OUTCOME_TEMPFAIL, 1, 0,
	    "errcode 41004" },
	{ 200, WX(43002, "require POST method"), OUTCOME_TEMPFAIL, 1, 0,
	    "errcode 43002" },
	{ 200, WX(43003, "require https"), OUTCOME_TEMPFAIL, 1, 0,
	    "errcode 43003" },
	{ 200, WX(48001, "api unauthorized"), OUTCOME_TEMPFAIL, 1, 0,
	    "errcode 48001" },
	{ 200, WX(48004, "api forbidden"), OUTCOME_TEMPFAIL, 1, 0,
	    "errcode 48004" },
	{ 200, WX(48008, "no permission for this msgtype"), OUTCOME_TEMPFAIL,
	    1, 0, "errcode 48008" },
	{ 200, WX(50001, "api unauthorized"), OUTCOME_TEMPFAIL, 1, 0,
	    "errcode 50001" },
	{ 200, WX(50002, "user limited"), OUTCOME_TEMPFAIL, 1, 0,
	    "errcode 50002" },
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

static void
parse_one(const struct answer *a, struct result *res)
{
	struct response	 resp;

	memset(&resp, 0, sizeof(resp));
	memset(res, 0, sizeof(*res));
	resp.status = a->status;
	resp.body = a->body;
	resp.bodylen = strlen(a->body);
	resp.retry_after_ms = -1;
	adapter_wechat.parse(gw("wx"), NULL, &resp, res);
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

static const char *
outcome_str(enum outcome o)
{
	return (o == OUTCOME_OK ? "ok" : o == OUTCOME_TEMPFAIL ? "tempfail" :
	    "permfail");
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
		    answers[i].body, outcome_str(res.outcome), res.gwfault,
		    res.token_expired, (long long)res.retry_after_ms,
		    res.provider_id, res.error);
		free(s);
		s = t;
	}
	golden(G_ANSWERS, s);
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
	golden(G_TOKEN_ANS, s);
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

	log_init("test_wechat", 0);
	return (cmocka_run_group_tests(tests, setup, teardown));
}
