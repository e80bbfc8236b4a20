/*
 * feishu.c - the Feishu (飞书) / Lark custom bot, for staff alerts
 * (reference/gateways.md §6).
 *
 * POST <webhook> (https://open.feishu.cn/open-apis/bot/v2/hook/UUID, or
 * open.larksuite.com for Lark) with Content-Type: application/json and
 *   {"timestamp":"<s>","sign":"<base64>","msg_type":"text",
 *    "content":{"text":"<the alert text>"}}
 * The hook UUID is a credential: the URL is never logged.
 *
 * Signing ("签名校验"), when `secret` (or `secret_file`) is set: timestamp =
 * epoch seconds (m->now_ms / 1000, so a request is reproducible), and
 * timestamp "\n" secret is the HMAC-SHA256 KEY over an EMPTY message:
 * sign = base64(HMAC-SHA256(key = timestamp "\n" secret, msg = "")), put in
 * the body, not URL-encoded. This is not DingTalk's scheme (milliseconds,
 * key = secret, sign in the URL); third-party code often mixes them up
 * (gateways.md §6, §12.10). Without a secret, timestamp and sign are left
 * out. A bot secured by keyword needs every message to contain one:
 * `keyword` is put in front of an alert that lacks it.
 *
 * Length: the body may hold 20 KB; it is kept within FEISHU_MAX_BODY by
 * cutting the alert on a UTF-8 boundary and ending it with ROBOT_CUT_MARK.
 * Alerts may be cut; notices never are: robots carry only staff alerts.
 *
 * Answers carry "code" (older bots: "StatusCode"); 0 is success:
 *
 *   code   meaning                                       outcome   fault  wait
 *   0      success                                       OK
 *   11232  frequency limited (100 a minute, 5 a second)  TEMPFAIL  no     60 s
 *   19021  sign match fail, or timestamp not within one  PERMFAIL  yes
 *          hour of the server's clock
 *   19022  IP not allowed (*)                            PERMFAIL  yes
 *   19024  keyword not found (*)                         PERMFAIL  yes
 *   other  unrecognised                                  TEMPFAIL  yes
 *
 * (*) community-reported (gateways.md §6, §13). "fault" is the gateway's
 * fault: no alert can pass this bot, so the next goes elsewhere. HTTP 5xx
 * is an outage (TEMPFAIL, fault) whatever the body says; an unrecognised
 * code or none with a non-2xx status is classified by the status
 * (adapters.c); a 2xx without a code is a TEMPFAIL and the bot's fault.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "adapter.h"

#define FEISHU_MAX_BODY		20000		/* bytes; 20 KB, a little under */

static const struct robot_code feishu_codes[] = {
	{ 11232, OUTCOME_TEMPFAIL, 0, 60, "rate limited: 100 messages a "
	    "minute and 5 a second per bot" },
	{ 19021, OUTCOME_PERMFAIL, 1, 0, "bad signature: check \"secret\" "
	    "and this host's clock" },
	{ 19022, OUTCOME_PERMFAIL, 1, 0, "this host's IP address is not in "
	    "the bot's allowlist" },
	{ 19024, OUTCOME_PERMFAIL, 1, 0, "the alert lacks the bot's keyword; "
	    "check \"keyword\"" },
};
static const struct robot_code feishu_unknown = {
	0, OUTCOME_TEMPFAIL, 1, 0, "an unrecognised code"
};
/* "code" and "msg"; older bots answer "StatusCode" and "StatusMessage". */
static const struct robot_answer feishu_answer = {
	.what = "feishu code",
	.code_key = "code",
	.msg_key = "msg",
	.alt_code_key = "StatusCode",
	.alt_msg_key = "StatusMessage",
	.not_ours = "without a code: not a Feishu bot's answer",
	.codes = feishu_codes,
	.ncodes = sizeof(feishu_codes) / sizeof(feishu_codes[0]),
	.unknown = &feishu_unknown,
};

static const char *const feishu_keys[] = { "webhook", "secret",
    "secret_file", "keyword", NULL };

/* The timestamp and signature put in the body of a signed bot's message. */
struct feishu_signed {
	const char	*ts;		/* NULL: the bot is not signed */
	const char	*sign;
};

/* The bot signature (adapter.h); the HMAC key holds the secret: wiped. */
int
feishu_sign(const char *secret, int64_t timestamp_s, char b64[ROBOT_SIGN_B64])
{
	unsigned char	 mac[32];
	char		*key;
	int		 rv = -1;

	key = xasprintf("%lld\n%s", (long long)timestamp_s, secret);
	if (adapter_hmac_sha256(key, strlen(key), "", 0, mac) == -1)
		goto fail;
	adapter_base64(mac, sizeof(mac), b64);
	rv = 0;
fail:
	adapter_secret_free(key);
	explicit_bzero(mac, sizeof(mac));
	return (rv);
}

/* The JSON body, signed when arg's ts is set; NULL if text is not UTF-8. */
static char *
feishu_body(const char *text, const void *arg)
{
	const struct feishu_signed	*fs = arg;

	if (fs->ts != NULL)
		return (adapter_json_text(json_pack("{s:s, s:s, s:s, s:{s:s}}",
		    "timestamp", fs->ts, "sign", fs->sign, "msg_type", "text",
		    "content", "text", text)));
	return (adapter_json_text(json_pack("{s:s, s:{s:s}}", "msg_type",
	    "text", "content", "text", text)));
}

/* The alert as the robot's text message. */
static int
feishu_build(const struct gateway *gw, const struct message *m,
    struct request *req, char **cause)
{
	const struct robot_priv	*p = gw->priv;
	struct feishu_signed	 fs;
	char			 b64[ROBOT_SIGN_B64], ts[24];
	char			*text, *body;

	if (m->text == NULL) {
		*cause = xstrdup("the alert has no text");
		return (-1);
	}
	if (p->secret != NULL && feishu_sign(p->secret, m->now_ms / 1000,
	    b64) == -1) {
		*cause = xstrdup("HMAC-SHA256 failed");
		return (-1);
	}
	snprintf(ts, sizeof(ts), "%lld", (long long)(m->now_ms / 1000));
	fs.ts = p->secret != NULL ? ts : NULL;
	fs.sign = b64;
	text = adapter_robot_text(m->text, p->keyword);
	body = adapter_robot_fit(text, FEISHU_MAX_BODY, feishu_body, &fs,
	    "Feishu", cause);
	free(text);
	if (body == NULL)
		return (-1);
	adapter_post_json(req, body);
	req->url = xstrdup(p->webhook);
	return (0);
}

/* The answer's code decides, then the HTTP status (see the table above). */
static void
feishu_parse(const struct gateway *gw, const struct message *m,
    const struct response *resp, struct result *res)
{
	(void)gw;
	(void)m;
	adapter_robot_parse(&feishu_answer, resp, res);
}

const struct adapter adapter_feishu = {
	.name = "feishu",
	.keys = feishu_keys,
	.needs_url = 0,
	.templated = 0,
	.init = adapter_robot_init,
	.build = feishu_build,
	.parse = feishu_parse,
	.free = adapter_robot_free,
	.robot = 1,
};
