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
 * alert on a UTF-8 boundary and ending it with DINGTALK_CUT_MARK. Alerts
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
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "adapter.h"

#define DINGTALK_MAX_BODY	20000		/* bytes */
#define DINGTALK_CUT_MARK	"…（已截断）"

struct dingtalk_priv {
	char	*webhook;	/* holds the access token: never logged */
	char	*secret;	/* NULL: the robot is not signed */
	char	*keyword;	/* NULL: none */
};

/* How an errcode is handled. retry_s: the least wait before a retry. */
struct dingtalk_code {
	long		 code;
	enum outcome	 outcome;
	int		 gwfault;
	int		 retry_s;
	const char	*why;
};

static const struct dingtalk_code dingtalk_codes[] = {
	{ 130101, OUTCOME_TEMPFAIL, 0, 600, "rate limited: 20 messages a "
	    "minute, then the robot is throttled for 10 minutes" },
	{ 310000, OUTCOME_PERMFAIL, 1, 0, "security check failed: check "
	    "\"secret\", \"keyword\" and the robot's IP allowlist" },
	{ 90030, OUTCOME_TEMPFAIL, 1, 0, "the robot is over its quota" },
	{ 300001, OUTCOME_PERMFAIL, 1, 0, "the access token does not exist; "
	    "check \"webhook\"" },
};
static const struct dingtalk_code dingtalk_unknown = {
	0, OUTCOME_TEMPFAIL, 1, 0, "an unrecognised errcode"
};

static const char *const dingtalk_keys[] = { "webhook", "secret",
    "secret_file", "keyword", NULL };

/* Percent-encode all but A-Z a-z 0-9 - _ . ~ (enough for base64). */
static void
dingtalk_urlencode(const char *in, char *out)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;

	for (; (c = (unsigned char)*in) != '\0'; in++) {
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-_.~", c) != NULL)
			*out++ = (char)c;
		else {
			*out++ = '%';
			*out++ = hex[c >> 4];
			*out++ = hex[c & 0xf];
		}
	}
	*out = '\0';
}

/* The robot signature (adapter.h); the signed string is wiped. */
int
dingtalk_sign(const char *secret, int64_t timestamp_ms,
    char b64[ROBOT_SIGN_B64], char sign[ROBOT_SIGN_URL])
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	char		*msg;
	int		 rv = -1;

	msg = xasprintf("%lld\n%s", (long long)timestamp_ms, secret);
	if (HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)msg, strlen(msg), mac, &maclen) == NULL ||
	    maclen != 32)
		goto fail;
	EVP_EncodeBlock((unsigned char *)b64, mac, (int)maclen);
	dingtalk_urlencode(b64, sign);
	rv = 0;
fail:
	explicit_bzero(msg, strlen(msg));
	explicit_bzero(mac, sizeof(mac));
	free(msg);
	return (rv);
}

/* The robot URL: required, https unless allow_http, no spaces or controls. */
static int
dingtalk_webhook(const struct gateway *gw, const config_setting_t *s,
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

/* `secret` or `secret_file` (optional, not empty) and `keyword` (optional). */
static int
dingtalk_options(struct gateway *gw, struct dingtalk_priv *p,
    const config_setting_t *s, const char *cfgdir, char **cause)
{
	config_setting_t	*k = config_setting_get_member(s, "keyword");

	if (cfg_secret(s, "secret", cfgdir, &p->secret, cause) == -1)
		return (-1);
	if (p->secret != NULL && p->secret[0] == '\0') {
		*cause = cfg_error(s, "gateway \"%s\": the robot's \"secret\" "
		    "is empty", gw->name);
		return (-1);
	}
	if (k == NULL)
		return (0);
	if (config_setting_type(k) != CONFIG_TYPE_STRING ||
	    *config_setting_get_string(k) == '\0') {
		*cause = cfg_error(k, "gateway \"%s\": \"keyword\" must be a "
		    "non-empty string", gw->name);
		return (-1);
	}
	p->keyword = xstrdup(config_setting_get_string(k));
	return (0);
}

/* Read the robot's keys; the URL and any secret are kept for build. */
static int
dingtalk_init(struct gateway *gw, const config_setting_t *s,
    const char *cfgdir, char **cause)
{
	struct dingtalk_priv	*p = xcalloc(1, sizeof(*p));

	gw->priv = p;
	if (dingtalk_webhook(gw, s, &p->webhook, cause) == -1)
		return (-1);
	return (dingtalk_options(gw, p, s, cfgdir, cause));
}

/* The text cut to max bytes (max > the mark) on a UTF-8 boundary, marked. */
static char *
dingtalk_clip(const char *text, size_t max)
{
	size_t	 n = strlen(text), mark = strlen(DINGTALK_CUT_MARK);
	char	*out;

	if (n <= max)
		return (xstrdup(text));
	out = xmalloc(max + 1);
	n = util_strlcpy_utf8(out, text, max - mark + 1);
	memcpy(out + n, DINGTALK_CUT_MARK, mark + 1);
	return (out);
}

/* The JSON body of a text message; NULL if text is not UTF-8. */
static char *
dingtalk_body(const char *text)
{
	json_t	*o;
	char	*s;

	if ((o = json_pack("{s:s, s:{s:s}}", "msgtype", "text", "text",
	    "content", text)) == NULL)
		return (NULL);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return (s);
}

/*
 * The body, the text cut if need be so the body holds DINGTALK_MAX_BODY
 * bytes. Cutting the overflow is enough unless escapes (\n, \u0001) made
 * it bigger than the text; then halve until it fits.
 */
static char *
dingtalk_fit(const char *text, char **cause)
{
	size_t	 max = strlen(text), mark = strlen(DINGTALK_CUT_MARK), n;
	char	*t = xstrdup(text), *body;

	while ((body = dingtalk_body(t)) != NULL &&
	    (n = strlen(body)) > DINGTALK_MAX_BODY) {
		free(body);
		free(t);
		n -= DINGTALK_MAX_BODY;
		max = max > n + mark ? max - n : max / 2;
		if (max <= mark) {
			*cause = xstrdup("the alert cannot be cut to fit "
			    "DingTalk's message size");
			return (NULL);
		}
		t = dingtalk_clip(text, max);
	}
	free(t);
	if (body == NULL)
		*cause = xstrdup("the alert text is not valid UTF-8");
	return (body);
}

/* The alert as the robot's text message. */
static int
dingtalk_build(const struct gateway *gw, const struct message *m,
    struct request *req, char **cause)
{
	const struct dingtalk_priv	*p = gw->priv;
	char				 b64[ROBOT_SIGN_B64], sign[ROBOT_SIGN_URL];
	char				*text;

	if (m->text == NULL) {
		*cause = xstrdup("the alert has no text");
		return (-1);
	}
	if (p->keyword != NULL && strstr(m->text, p->keyword) == NULL)
		text = xasprintf("%s\n%s", p->keyword, m->text);
	else
		text = xstrdup(m->text);
	req->body = dingtalk_fit(text, cause);
	free(text);
	if (req->body == NULL)
		return (-1);
	req->bodylen = strlen(req->body);
	req->method = "POST";
	request_add_header(req, "Content-Type: application/json");
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

/* The handling of a nonzero code; the unknown one if not listed. */
static const struct dingtalk_code *
dingtalk_lookup(long code)
{
	size_t	 i;

	for (i = 0; i < sizeof(dingtalk_codes) / sizeof(dingtalk_codes[0]); i++)
		if (dingtalk_codes[i].code == code)
			return (&dingtalk_codes[i]);
	return (&dingtalk_unknown);
}

/* A nonzero errcode: "dingtalk errcode N (our words): errmsg". */
static void
dingtalk_error(const struct dingtalk_code *c, long code, const char *msg,
    struct result *res)
{
	char	 buf[sizeof(res->error)], *s;

	s = xasprintf("dingtalk errcode %ld (%s)%s%s", code, c->why,
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
dingtalk_parse(const struct gateway *gw, const struct message *m,
    const struct response *resp, struct result *res)
{
	const struct dingtalk_code	*c = NULL;
	json_t				*o = NULL, *code, *msg;
	long				 st = resp->status;
	int				 ok2xx = st >= 200 && st < 300;

	(void)gw;
	(void)m;
	res->http_status = st;
	res->retry_after_ms = resp->retry_after_ms;
	if (st < 500 && resp->body != NULL)
		o = json_loadb(resp->body, resp->bodylen, 0, NULL);
	code = json_object_get(o, "errcode");
	msg = json_object_get(o, "errmsg");
	if (json_is_integer(code) && json_integer_value(code) != 0)
		c = dingtalk_lookup((long)json_integer_value(code));
	if (c != NULL && (ok2xx || c != &dingtalk_unknown))
		dingtalk_error(c, (long)json_integer_value(code),
		    json_is_string(msg) ? json_string_value(msg) : "", res);
	else if (ok2xx && json_is_integer(code))
		result_set(res, OUTCOME_OK, "%s", "");
	else if (ok2xx) {
		result_set(res, OUTCOME_TEMPFAIL, "HTTP %ld without an errcode: "
		    "not a DingTalk robot's answer", st);
		res->gwfault = 1;
	} else
		adapter_classify_http(resp, res);
	json_decref(o);
}

/* Wipe the URL (a credential) and any secret. */
static void
dingtalk_free(struct gateway *gw)
{
	struct dingtalk_priv	*p = gw->priv;

	if (p == NULL)
		return;
	if (p->webhook != NULL)
		explicit_bzero(p->webhook, strlen(p->webhook));
	if (p->secret != NULL)
		explicit_bzero(p->secret, strlen(p->secret));
	free(p->webhook);
	free(p->secret);
	free(p->keyword);
	free(p);
	gw->priv = NULL;
}

const struct adapter adapter_dingtalk = {
	.name = "dingtalk",
	.keys = dingtalk_keys,
	.needs_url = 0,
	.templated = 0,
	.init = dingtalk_init,
	.build = dingtalk_build,
	.parse = dingtalk_parse,
	.free = dingtalk_free,
	.robot = 1,
};
