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
 * UTF-8 boundary and ends with WECOM_CUT_MARK, so the whole is 2048 bytes at
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "adapter.h"

#define WECOM_MAX_CONTENT	2048		/* bytes of UTF-8 */
#define WECOM_CUT_MARK		"…（已截断）"

struct wecom_priv {
	char	*webhook;	/* holds the key: never logged */
};

/* How an errcode is handled. retry_s: the least wait before a retry. */
struct wecom_code {
	long		 code;
	enum outcome	 outcome;
	int		 gwfault;
	int		 retry_s;
	const char	*why;
};

static const struct wecom_code wecom_codes[] = {
	{ 45009, OUTCOME_TEMPFAIL, 0, 60,
	    "rate limited: 20 messages a minute per robot" },
	{ 93000, OUTCOME_PERMFAIL, 1, 0,
	    "invalid webhook URL or key; check \"webhook\"" },
};
static const struct wecom_code wecom_unknown = {
	0, OUTCOME_TEMPFAIL, 1, 0, "an unrecognised errcode"
};

static const char *const wecom_keys[] = { "webhook", NULL };

/* The robot URL: required, https unless allow_http, no spaces or controls. */
static int
wecom_webhook(const struct gateway *gw, const config_setting_t *s,
    char **out, char **cause)
{
	config_setting_t	*w = config_setting_get_member(s, "webhook");
	const char		*v, *p;

	if (gw->endpoint != NULL) {
		*cause = cfg_error(s, "gateway \"%s\": a robot's URL is "
		    "\"webhook\", not \"url\" or \"endpoint\"", gw->name);
		return (-1);
	}
	if (w == NULL || config_setting_type(w) != CONFIG_TYPE_STRING ||
	    *(v = config_setting_get_string(w)) == '\0') {
		*cause = cfg_error(w != NULL ? w : s, "gateway \"%s\": "
		    "\"webhook\" (the robot's URL) must be a non-empty string",
		    gw->name);
		return (-1);
	}
	for (p = v; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f) {
			*cause = cfg_error(w, "gateway \"%s\": \"webhook\" "
			    "contains a space or a control character", gw->name);
			return (-1);
		}
	}
	if (strncmp(v, "http://", 7) == 0 && !gw->allow_http) {
		*cause = cfg_error(w, "gateway \"%s\": plain http:// is "
		    "refused; use https:// or set allow_http = true", gw->name);
		return (-1);
	}
	if (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0) {
		*cause = cfg_error(w, "gateway \"%s\": \"webhook\" is not an "
		    "http(s) URL", gw->name);
		return (-1);
	}
	*out = xstrdup(v);
	return (0);
}

/* Read the robot's URL; it holds the key and is kept for build. */
static int
wecom_init(struct gateway *gw, const config_setting_t *s, const char *cfgdir,
    char **cause)
{
	struct wecom_priv	*p = xcalloc(1, sizeof(*p));

	(void)cfgdir;
	gw->priv = p;
	return (wecom_webhook(gw, s, &p->webhook, cause));
}

/* The text cut to max bytes on a UTF-8 boundary with the mark; a copy. */
static char *
wecom_clip(const char *text, size_t max)
{
	size_t	 n = strlen(text), mark = strlen(WECOM_CUT_MARK);
	char	*out;

	if (n <= max)
		return (xstrdup(text));
	out = xmalloc(max + 1);
	n = util_strlcpy_utf8(out, text, max - mark + 1);
	memcpy(out + n, WECOM_CUT_MARK, mark + 1);
	return (out);
}

/* The alert as the robot's text message. */
static int
wecom_build(const struct gateway *gw, const struct message *m,
    struct request *req, char **cause)
{
	const struct wecom_priv	*p = gw->priv;
	json_t			*o;
	char			*content;

	if (m->text == NULL) {
		*cause = xstrdup("the alert has no text");
		return (-1);
	}
	content = wecom_clip(m->text, WECOM_MAX_CONTENT);
	o = json_pack("{s:s, s:{s:s}}", "msgtype", "text", "text", "content",
	    content);
	free(content);
	if (o == NULL || (req->body = json_dumps(o, JSON_COMPACT)) == NULL) {
		json_decref(o);
		*cause = xstrdup("the alert text is not valid UTF-8");
		return (-1);
	}
	json_decref(o);
	req->bodylen = strlen(req->body);
	req->url = xstrdup(p->webhook);
	req->method = "POST";
	request_add_header(req, "Content-Type: application/json");
	return (0);
}

/* The handling of a nonzero code; the unknown one if not listed. */
static const struct wecom_code *
wecom_lookup(long code)
{
	size_t	 i;

	for (i = 0; i < sizeof(wecom_codes) / sizeof(wecom_codes[0]); i++)
		if (wecom_codes[i].code == code)
			return (&wecom_codes[i]);
	return (&wecom_unknown);
}

/* A nonzero errcode: "wecom errcode N (our words): errmsg". */
static void
wecom_error(const struct wecom_code *c, long code, const char *msg,
    struct result *res)
{
	char	 buf[sizeof(res->error)], *s;

	s = xasprintf("wecom errcode %ld (%s)%s%s", code, c->why,
	    *msg != '\0' ? ": " : "", msg);
	util_strlcpy_utf8(buf, s, sizeof(buf));
	free(s);
	result_set(res, c->outcome, "%s", buf);
	res->gwfault = c->gwfault;
	if (c->retry_s > 0 && (int64_t)c->retry_s * 1000 > res->retry_after_ms)
		res->retry_after_ms = (int64_t)c->retry_s * 1000;
}

/* The answer's code decides, then the HTTP status (see the table above). */
static void
wecom_parse(const struct gateway *gw, const struct message *m,
    const struct response *resp, struct result *res)
{
	const struct wecom_code	*c = NULL;
	json_t			*o = NULL, *code, *msg;
	long			 st = resp->status;
	int			 ok2xx = st >= 200 && st < 300;

	(void)gw;
	(void)m;
	res->http_status = st;
	res->retry_after_ms = resp->retry_after_ms;
	if (st < 500 && resp->body != NULL)
		o = json_loadb(resp->body, resp->bodylen, 0, NULL);
	code = json_object_get(o, "errcode");
	msg = json_object_get(o, "errmsg");
	if (json_is_integer(code) && json_integer_value(code) != 0)
		c = wecom_lookup((long)json_integer_value(code));
	if (c != NULL && (ok2xx || c != &wecom_unknown))
		wecom_error(c, (long)json_integer_value(code),
		    json_is_string(msg) ? json_string_value(msg) : "", res);
	else if (ok2xx && json_is_integer(code))
		result_set(res, OUTCOME_OK, "%s", "");
	else if (ok2xx) {
		result_set(res, OUTCOME_TEMPFAIL, "HTTP %ld without an errcode: "
		    "not a WeCom robot's answer", st);
		res->gwfault = 1;
	} else
		adapter_classify_http(resp, res);
	json_decref(o);
}

/* Wipe the URL (a credential) and any secret. */
static void
wecom_free(struct gateway *gw)
{
	struct wecom_priv	*p = gw->priv;

	if (p != NULL && p->webhook != NULL) {
		explicit_bzero(p->webhook, strlen(p->webhook));
		free(p->webhook);
	}
	free(p);
	gw->priv = NULL;
}

const struct adapter adapter_wecom = {
	.name = "wecom",
	.keys = wecom_keys,
	.needs_url = 0,
	.templated = 0,
	.init = wecom_init,
	.build = wecom_build,
	.parse = wecom_parse,
	.free = wecom_free,
	.robot = 1,
};
