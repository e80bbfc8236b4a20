/*
 * wecom.c - the WeCom (企业微信) group robot, for staff alerts
 * (reference/gateways.md §4).
 *
 * POST <webhook> (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY)
 * with Content-Type: application/json and
 *   {"msgtype":"text","text":{"content":"<the alert text>"}}
 * The key in the URL is the only credential: there is no signature, and the
 * URL is never logged.
 *
 * Length: a text message's content may hold 2048 bytes of UTF-8 (§4 and
 * §12.11; the 4096-byte limit is markdown's). A longer alert is cut on a
 * UTF-8 boundary and ends with ROBOT_CUT_MARK, so the whole is 2048 bytes at
 * most. Alerts may be cut; notices never are: robots carry only staff
 * alerts, and the SMS, WeChat and e-mail adapters refuse a text too long
 * instead of shortening it.
 *
 * Answers come with HTTP 200 even for errors; errcode decides:
 *
 *   errcode  meaning                                outcome   fault  wait
 *   0        ok                                     OK
 *   45009    api freq out of limit (20 a minute)    TEMPFAIL  no     60 s
 *   93000    invalid webhook URL or key (*)         PERMFAIL  yes
 *   other    unrecognised                           TEMPFAIL  yes
 *
 * (*) community-reported (gateways.md §13). "fault" is the gateway's fault:
 * no alert can pass this robot, so the next goes elsewhere. HTTP 5xx is an
 * outage (TEMPFAIL, fault) whatever the body says; an unrecognised errcode
 * or none with a non-2xx status is classified by the status (adapters.c);
 * a 2xx without an errcode is a TEMPFAIL and the robot's fault.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "adapter.h"

#define WECOM_MAX_CONTENT	2048		/* bytes of UTF-8 */

static const struct robot_code wecom_codes[] = {
	{ 45009, OUTCOME_TEMPFAIL, 0, 60,
	    "rate limited: 20 messages a minute per robot" },
	{ 93000, OUTCOME_PERMFAIL, 1, 0,
	    "invalid webhook URL or key; check \"webhook\"" },
};
static const struct robot_code wecom_unknown = {
	0, OUTCOME_TEMPFAIL, 1, 0, "an unrecognised errcode"
};
static const struct robot_answer wecom_answer = {
	.what = "wecom errcode",
	.code_key = "errcode",
	.msg_key = "errmsg",
	.not_ours = "without an errcode: not a WeCom robot's answer",
	.codes = wecom_codes,
	.ncodes = sizeof(wecom_codes) / sizeof(wecom_codes[0]),
	.unknown = &wecom_unknown,
};

static const char *const wecom_keys[] = { "webhook", NULL };

/* Read the robot's URL; it holds the key and is kept for build. */
static int
wecom_init(struct gateway *gw, const config_setting_t *s, const char *cfgdir,
    char **cause)
{
	struct robot_priv	*p = xcalloc(1, sizeof(*p));

	(void)cfgdir;
	gw->priv = p;
	return (adapter_robot_webhook(gw, s, &p->webhook, cause));
}

/* The alert as the robot's text message. */
static int
wecom_build(const struct gateway *gw, const struct message *m,
    struct request *req, char **cause)
{
	const struct robot_priv	*p = gw->priv;
	char			*content, *body;

	if (m->text == NULL) {
		*cause = xstrdup("the alert has no text");
		return (-1);
	}
	content = adapter_robot_clip(m->text, WECOM_MAX_CONTENT);
	body = adapter_json_text(json_pack("{s:s, s:{s:s}}", "msgtype", "text",
	    "text", "content", content));
	free(content);
	if (body == NULL) {
		*cause = xstrdup("the alert text is not valid UTF-8");
		return (-1);
	}
	adapter_post_json(req, body);
	req->url = xstrdup(p->webhook);
	return (0);
}

/* The answer's code decides, then the HTTP status (see the table above). */
static void
wecom_parse(const struct gateway *gw, const struct message *m,
    const struct response *resp, struct result *res)
{
	(void)gw;
	(void)m;
	adapter_robot_parse(&wecom_answer, resp, res);
}

const struct adapter adapter_wecom = {
	.name = "wecom",
	.keys = wecom_keys,
	.needs_url = 0,
	.templated = 0,
	.init = wecom_init,
	.build = wecom_build,
	.parse = wecom_parse,
	.free = adapter_robot_free,
	.robot = 1,
};
