/*
 * fuzz_parse.c - every HTTP adapter's parse() on arbitrary answers.
 *
 * Input: byte 0 picks the gateway (webhook, aliyun, tencent, twilio,
 * kannel, wechat, smtp, wecom, dingtalk, feishu, and wechat-short, a WeChat
 * gateway with a one-character secret: byte % 11) and how it is called
 * (byte / 11 % 3: a message with only its id as sched.c passes, no message
 * as alert.c passes, or a full message; byte / 33 % 2: no Retry-After or
 * 120 s); byte 1 picks the HTTP (or SMTP) status; the rest is the body,
 * NUL-terminated as http.c hands it over. The gateways come from
 * gateways.conf, loaded once with cfg_load. WeChat answers also go to
 * token_parse.
 *
 * HUIGAO_FUZZ_SKIP="wechat-short,kannel" leaves gateways out, so a run
 * is not spent on a known bug before it is fixed.
 *
 * Checks: the outcome is OK, TEMPFAIL or PERMFAIL; error and provider_id
 * are NUL-terminated; Alibaba's and Tencent's errors show no run of 11
 * digits (they mask phone numbers); a token is NUL-terminated, a failure
 * has a cause, and the cause never shows the AppSecret.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "huigao.h"
#include "adapter.h"
#include "fuzz.h"

static const char *const gw_names[] = { "webhook", "aliyun", "tencent",
    "twilio", "kannel", "wechat", "smtp", "wecom", "dingtalk", "feishu",
    "wechat-short" };
#define NGW	(sizeof(gw_names) / sizeof(gw_names[0]))

/* Statuses worth reaching in one byte; above the table, 100 + 4 * n. */
static const long statuses[] = { 200, 201, 202, 204, 400, 401, 403, 404,
    405, 408, 409, 413, 415, 422, 425, 429, 500, 501, 502, 503, 504, 0,
    100, 250, 251, 301, 302, 421, 432, 450, 451, 452, 454, 500, 530, 534,
    535, 538, 550, 552, 554, 599, 600, 999, -1, 1, 299, 300, 399, 499 };
#define NSTATUS	(sizeof(statuses) / sizeof(statuses[0]))

static struct config	*cfg;
static struct gateway	*gws[NGW];
static int		 skip[NGW];	/* HUIGAO_FUZZ_SKIP: a known bug, unfixed */

/* Is name one of the comma-separated list? */
static int
in_list(const char *list, const char *name)
{
	size_t	 n = strlen(name), len;

	while (list != NULL && *list != '\0') {
		len = strcspn(list, ",");
		if (len == n && strncmp(list, name, n) == 0)
			return (1);
		list += len + (list[len] == ',');
	}
	return (0);
}

/* Load gateways.conf once; a fuzzer without its gateways is no use. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*path;
	char		*cause = NULL;
	size_t		 i;

	(void)argc;
	(void)argv;
	if ((path = getenv("HUIGAO_FUZZ_GATEWAYS")) == NULL)
		path = FUZZ_SRCDIR "/gateways.conf";
	if ((cfg = cfg_load(path, &cause)) == NULL) {
		fprintf(stderr, "fuzz_parse: %s\n", cause);
		exit(1);
	}
	for (i = 0; i < NGW; i++) {
		skip[i] = in_list(getenv("HUIGAO_FUZZ_SKIP"), gw_names[i]);
		if ((gws[i] = cfg_gateway(cfg, gw_names[i])) == NULL ||
		    gws[i]->ad->parse == NULL) {
			fprintf(stderr, "fuzz_parse: %s: no gateway \"%s\" with "
			    "a parse operation\n", path, gw_names[i]);
			exit(1);
		}
	}
	return (0);
}

static long
status_of(uint8_t b)
{
	return (b < NSTATUS ? statuses[b] : 100 + 4 * (long)(b - NSTATUS));
}

/* The fields of a message a build would have had. */
static void
full_message(struct message *m)
{
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
	m->vars = "{\"amount\":\"123456.78\"}";
	m->attempt = 3;
	m->now_ms = 1614265330000LL;
	m->court_name = "沽源县人民法院";
}

/* Does s hold a run of at least n ASCII digits? */
static int
digit_run(const char *s, size_t n)
{
	for (; *s != '\0'; s++) {
		if (strspn(s, "0123456789") >= n)
			return (1);
	}
	return (0);
}

/* The result of parse(): one of the three outcomes, strings terminated. */
static void
check_result(const char *gw, const struct result *res)
{
	FUZZ_CHECK(res->outcome == OUTCOME_OK || res->outcome ==
	    OUTCOME_TEMPFAIL || res->outcome == OUTCOME_PERMFAIL,
	    "%s: outcome %d", gw, (int)res->outcome);
	FUZZ_CHECK(memchr(res->error, '\0', sizeof(res->error)) != NULL,
	    "%s: error not NUL-terminated", gw);
	FUZZ_CHECK(memchr(res->provider_id, '\0', sizeof(res->provider_id)) !=
	    NULL, "%s: provider_id not NUL-terminated", gw);
	if (strcmp(gw, "aliyun") == 0 || strcmp(gw, "tencent") == 0)
		FUZZ_CHECK(!digit_run(res->error, 11), "%s: a phone number in "
		    "\"%s\"", gw, res->error);
}

/* WeChat's access-token answer, as sched.c's token_cb reads it. */
static void
check_token(const struct gateway *gw, const struct response *resp,
    const char *secret)
{
	char	 tok[1024], *cause = NULL;
	int64_t	 ttl = 0;
	int	 rv;

	memset(tok, 'X', sizeof(tok));
	rv = gw->ad->token_parse(gw, resp, tok, sizeof(tok), &ttl, &cause);
	FUZZ_CHECK(memchr(tok, '\0', sizeof(tok)) != NULL, "token not "
	    "NUL-terminated");
	if (cause != NULL && strlen(secret) >= 8)
		FUZZ_CHECK(strstr(cause, secret) == NULL, "token: the cause "
		    "shows the AppSecret: %s", cause);
	if (rv == 0)
		FUZZ_CHECK(cause == NULL && ttl > 0, "token: 0 with a cause or "
		    "ttl %lld", (long long)ttl);
	else
		FUZZ_CHECK(rv == -1 && cause != NULL, "token: rv %d without a "
		    "cause", rv);
	free(cause);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct gateway	*gw;
	struct response		 resp;
	struct result		 res;
	struct message		 m;
	char			*body;
	int			 how;

	if (size < 2 || size > (1 << 20) || skip[data[0] % NGW])
		return (0);
	gw = gws[data[0] % NGW];
	how = data[0] / NGW % 3;
	memset(&resp, 0, sizeof(resp));
	resp.status = status_of(data[1]);
	body = fuzz_cstr(data + 2, size - 2);
	resp.body = body;
	resp.bodylen = size - 2;
	resp.retry_after_ms = data[0] / (3 * NGW) % 2 ? 120000 : -1;
	if (how == 2)
		full_message(&m);
	else {
		memset(&m, 0, sizeof(m));
		m.id = 42;
	}
	memset(&res, 0, sizeof(res));
	res.retry_after_ms = -1;
	gw->ad->parse(gw, how == 1 ? NULL : &m, &resp, &res);
	check_result(gw->name, &res);
	if (gw->ad->token_parse != NULL)
		check_token(gw, &resp, strcmp(gw->name, "wechat") == 0 ?
		    "FakeWeChatAppSecretNotReal000001" : "e");
	free(body);
	return (0);
}
