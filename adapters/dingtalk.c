/*
 * dingtalk.c - the DingTalk (钉钉) custom robot, for staff alerts
 * (reference/gateways.md §5).
 *
 * POST <webhook> (https://oapi.dingtalk.com/robot/send?access_token=TOKEN)
 * with Content-Type: application/json and
 *   {"msgtype":"text","text":{"content":"<the alert text>"}}
 * The access token in the URL is a credential: the URL is never logged.
 *
 * Signing ("加签"), when `secret` (or `secret_file`) is set: timestamp =
 * epoch milliseconds (m->now_ms, so a request is reproducible), sign =
 * urlencode(base64(HMAC-SHA256(key = secret, msg = timestamp "\n" secret))),
 * appended to the URL as &timestamp=…&sign=…. This is not Feishu's scheme
 * (seconds, key and message swapped, sign in the body): see feishu.c and
 * gateways.md §12.10. A robot secured by keyword instead needs every
 * message to contain one: `keyword` is put in front of an alert that lacks
 * it.
 *
 * Length: DingTalk publishes no limit for a text message; the body is kept
 * within DINGTALK_MAX_BODY (Feishu's 20 KB, a little under) by cutting the
 * alert on a UTF-8 boundary and ending it with ROBOT_CUT_MARK. Alerts
 * may be cut; notices never are: robots carry only staff alerts.
 *
 * Answers come with HTTP 200 even for errors; errcode decides:
 *
 *   errcode  meaning                                    outcome   fault  wait
 *   0        ok                                         OK
 *   130101   send too fast: 20 a minute, then the       TEMPFAIL  no     600 s
 *            robot is throttled for 10 minutes
 *   310000   security check failed: sign, keyword or   PERMFAIL  yes
 *            IP allowlist (errmsg says which)
 *   90030    webhook over limit (quota) (*)             TEMPFAIL  yes
 *   300001   token does not exist (*)                   PERMFAIL  yes
 *   other    unrecognised                               TEMPFAIL  yes
 *
 * (*) community-reported (gateways.md §5, §13). "fault" is the gateway's
 * fault: no alert can pass this robot, so the next goes elsewhere. HTTP 5xx
 * is an outage (TEMPFAIL, fault) whatever the body says; an unrecognised
 * errcode or none with a non-2xx status is classified by the status
 * (adapters.c); a 2xx without an errcode is a TEMPFAIL and the robot's fault.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "adapter.h"

#define DINGTALK_MAX_BODY	20000		/* bytes */

static const struct robot_code dingtalk_codes[] = {
	{ 130101, OUTCOME_TEMPFAIL, 0, 600, "rate limited: 20 messages a "
	    "minute, then the robot is throttled for 10 minutes" },
	{ 310000, OUTCOME_PERMFAIL, 1, 0, "security check failed: check "
	    "\"secret\", \"keyword\" and the robot's IP allowlist" },
	{ 90030, OUTCOME_TEMPFAIL, 1, 0, "the robot is over its quota" },
	{ 300001, OUTCOME_PERMFAIL, 1, 0, "the access token does not exist; "
	    "check \"webhook\"" },
};
static const struct robot_code dingtalk_unknown = {
	0, OUTCOME_TEMPFAIL, 1, 0, "an unrecognised errcode"
};
static const struct robot_answer dingtalk_answer = {
	.what = "dingtalk errcode",
	.code_key = "errcode",
	.msg_key = "errmsg",
	.not_ours = "without an errcode: not a DingTalk robot's answer",
	.codes = dingtalk_codes,
	.ncodes = sizeof(dingtalk_codes) / sizeof(dingtalk_codes[0]),
	.unknown = &dingtalk_unknown,
};

static const char *const dingtalk_keys[] = { "webhook", "secret",
    "secret_file", "keyword", NULL };

/* The robot signature (adapter.h); the signed string is wiped. */
int
dingtalk_sign(const char *secret, int64_t timestamp_ms,
    char b64[ROBOT_SIGN_B64], char sign[ROBOT_SIGN_URL])
{
	unsigned char	 mac[32];
	char		*msg, *enc;
	int		 rv = -1;

	msg = xasprintf("%lld\n%s", (long long)timestamp_ms, secret);
	if (adapter_hmac_sha256(secret, strlen(secret), msg, strlen(msg),
	    mac) == -1)
		goto fail;
	adapter_base64(mac, sizeof(mac), b64);
	enc = adapter_percent_encode(b64);
	snprintf(sign, ROBOT_SIGN_URL, "%s", enc);
	free(enc);
	rv = 0;
fail:
	adapter_secret_free(msg);
	explicit_bzero(mac, sizeof(mac));
	return (rv);
}

/* The JSON body of a text message; NULL if text is not UTF-8. */
static char *
dingtalk_body(const char *text, const void *arg)
{
	(void)arg;
	return (adapter_json_text(json_pack("{s:s, s:{s:s}}", "msgtype",
	    "text", "text", "content", text)));
}

/* The alert as the robot's text message. */
static int
dingtalk_build(const struct gateway *gw, const struct message *m,
    struct request *req, char **cause)
{
	const struct robot_priv	*p = gw->priv;
	char			 b64[ROBOT_SIGN_B64], sign[ROBOT_SIGN_URL];
	char			*text, *body;

	if (m->text == NULL) {
		*cause = xstrdup("the alert has no text");
		return (-1);
	}
	text = adapter_robot_text(m->text, p->keyword);
	body = adapter_robot_fit(text, DINGTALK_MAX_BODY, dingtalk_body, NULL,
	    "DingTalk", cause);
	free(text);
	if (body == NULL)
		return (-1);
	adapter_post_json(req, body);
	if (p->secret == NULL) {
		req->url = xstrdup(p->webhook);
		return (0);
	}
	if (dingtalk_sign(p->secret, m->now_ms, b64, sign) == -1) {
		*cause = xstrdup("HMAC-SHA256 failed");
		return (-1);
	}
	req->url = xasprintf("%s%ctimestamp=%lld&sign=%s", p->webhook,
	    strchr(p->webhook, '?') != NULL ? '&' : '?', (long long)m->now_ms,
	    sign);
	return (0);
}

/* The answer's code decides, then the HTTP status (see the table above). */
static void
dingtalk_parse(const struct gateway *gw, const struct message *m,
    const struct response *resp, struct result *res)
{
	(void)gw;
	(void)m;
	adapter_robot_parse(&dingtalk_answer, resp, res);
}

const struct adapter adapter_dingtalk = {
	.name = "dingtalk",
	.keys = dingtalk_keys,
	.needs_url = 0,
	.templated = 0,
	.init = adapter_robot_init,
	.build = dingtalk_build,
	.parse = dingtalk_parse,
	.free = adapter_robot_free,
	.robot = 1,
};
