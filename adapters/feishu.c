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
 * cutting the alert on a UTF-8 boundary and ending it with FEISHU_CUT_MARK.
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
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "adapter.h"

#define FEISHU_MAX_BODY		20000		/* bytes; 20 KB, a little under */
#define FEISHU_CUT_MARK		"…（已截断）"

struct feishu_priv {
	char	*webhook;	/* holds the hook's UUID: never logged */
	char	*secret;	/* NULL: the bot is not signed */
	char	*keyword;	/* NULL: none */
};

/* How a code is handled. retry_s: the least wait before a retry. */
struct feishu_code {
	long		 code;
	enum outcome	 outcome;
	int		 gwfault;
	int		 retry_s;
	const char	*why;
};

static const struct feishu_code feishu_codes[] = {
	{ 11232, OUTCOME_TEMPFAIL, 0, 60, "rate limited: 100 messages a "
	    "minute and 5 a second per bot" },
	{ 19021, OUTCOME_PERMFAIL, 1, 0, "bad signature: check \"secret\" "
	    "and this host's clock" },
	{ 19022, OUTCOME_PERMFAIL, 1, 0, "this host's IP address is not in "
	    "the bot's allowlist" },
	{ 19024, OUTCOME_PERMFAIL, 1, 0, "the alert lacks the bot's keyword; "
	    "check \"keyword\"" },
};
static const struct feishu_code feishu_unknown = {
	0, OUTCOME_TEMPFAIL, 1, 0, "an unrecognised code"
};

static const char *const feishu_keys[] = { "webhook", "secret",
    "secret_file", "keyword", NULL };

/* The bot signature (adapter.h); the HMAC key holds the secret: wiped. */
int
feishu_sign(const char *secret, int64_t timestamp_s, char b64[ROBOT_SIGN_B64])
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	char		*key;
	int		 rv = -1;

	key = xasprintf("%lld\n%s", (long long)timestamp_s, secret);
	if (HMAC(EVP_sha256(), key, (int)strlen(key),
	    (const unsigned char *)"", 0, mac, &maclen) == NULL ||
	    maclen != 32)
		goto fail;
	EVP_EncodeBlock((unsigned char *)b64, mac, (int)maclen);
	rv = 0;
fail:
	explicit_bzero(key, strlen(key));
	explicit_bzero(mac, sizeof(mac));
	free(key);
	return (rv);
}

/* The bot URL: required, https unless allow_http, no spaces or controls. */
static int
feishu_webhook(const struct gateway *gw, const config_setting_t *s,
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
feishu_options(struct gateway *gw, struct feishu_priv *p,
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
feishu_init(struct gateway *gw, const config_setting_t *s,
    const char *cfgdir, char **cause)
{
	struct feishu_priv	*p = xcalloc(1, sizeof(*p));

	gw->priv = p;
	if (feishu_webhook(gw, s, &p->webhook, cause) == -1)
		return (-1);
	return (feishu_options(gw, p, s, cfgdir, cause));
}

/* The text cut to max bytes (max > the mark) on a UTF-8 boundary, marked. */
static char *
feishu_clip(const char *text, size_t max)
{
	size_t	 n = strlen(text), mark = strlen(FEISHU_CUT_MARK);
	char	*out;

	if (n <= max)
		return (xstrdup(text));
	out = xmalloc(max + 1);
	n = util_strlcpy_utf8(out, text, max - mark + 1);
	memcpy(out + n, FEISHU_CUT_MARK, mark + 1);
	return (out);
}

/* The JSON body, signed when ts is not NULL; NULL if text is not UTF-8. */
static char *
feishu_body(const char *text, const char *ts, const char *sign)
{
	json_t	*o;
	char	*s;

	if (ts != NULL)
		o = json_pack("{s:s, s:s, s:s, s:{s:s}}", "timestamp", ts,
		    "sign", sign, "msg_type", "text", "content", "text", text);
	else
		o = json_pack("{s:s, s:{s:s}}", "msg_type", "text", "content",
		    "text", text);
	if (o == NULL)
		return (NULL);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return (s);
}

/*
 * The body, the text cut if need be so the body holds FEISHU_MAX_BODY
 * bytes. Cutting the overflow is enough unless escapes (\n, \u0001) made
 * it bigger than the text; then halve until it fits.
 */
static char *
feishu_fit(const char *text, const char *ts, const char *sign, char **cause)
{
	size_t	 max = strlen(text), mark = strlen(FEISHU_CUT_MARK), n;
	char	*t = xstrdup(text), *body;

	while ((body = feishu_body(t, ts, sign)) != NULL &&
	    (n = strlen(body)) > FEISHU_MAX_BODY) {
		free(body);
		free(t);
		n -= FEISHU_MAX_BODY;
		max = max > n + mark ? max - n : max / 2;
		if (max <= mark) {
			*cause = xstrdup("the alert cannot be cut to fit "
			    "Feishu's message size");
			return (NULL);
		}
		t = feishu_clip(text, max);
	}
	free(t);
	if (body == NULL)
		*cause = xstrdup("the alert text is not valid UTF-8");
	return (body);
}

/* The alert as the robot's text message. */
static int
feishu_build(const struct gateway *gw, const struct message *m,
    struct request *req, char **cause)
{
	const struct feishu_priv	*p = gw->priv;
	char				 b64[ROBOT_SIGN_B64], ts[24];
	char				*text;

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
	if (p->keyword != NULL && strstr(m->text, p->keyword) == NULL)
		text = xasprintf("%s\n%s", p->keyword, m->text);
	else
		text = xstrdup(m->text);
	req->body = feishu_fit(text, p->secret != NULL ? ts : NULL, b64, cause);
	free(text);
	if (req->body == NULL)
		return (-1);
	req->bodylen = strlen(req->body);
	req->url = xstrdup(p->webhook);
	req->method = "POST";
	request_add_header(req, "Content-Type: application/json");
	return (0);
}

/* The handling of a nonzero code; the unknown one if not listed. */
static const struct feishu_code *
feishu_lookup(long code)
{
	size_t	 i;

	for (i = 0; i < sizeof(feishu_codes) / sizeof(feishu_codes[0]); i++)
		if (feishu_codes[i].code == code)
			return (&feishu_codes[i]);
	return (&feishu_unknown);
}

/* A nonzero code: "feishu code N (our words): msg". */
static void
feishu_error(const struct feishu_code *c, long code, const char *msg,
    struct result *res)
{
	char	 buf[sizeof(res->error)], *s;

	s = xasprintf("feishu code %ld (%s)%s%s", code, c->why,
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
feishu_parse(const struct gateway *gw, const struct message *m,
    const struct response *resp, struct result *res)
{
	const struct feishu_code	*c = NULL;
	json_t				*o = NULL, *code, *msg;
	long				 st = resp->status;
	int				 ok2xx = st >= 200 && st < 300;

	(void)gw;
	(void)m;
	res->http_status = st;
	res->retry_after_ms = resp->retry_after_ms;
	if (st < 500 && resp->body != NULL)
		o = json_loadb(resp->body, resp->bodylen, 0, NULL);
	if ((code = json_object_get(o, "code")) != NULL)
		msg = json_object_get(o, "msg");
	else {
		code = json_object_get(o, "StatusCode");
		msg = json_object_get(o, "StatusMessage");
	}
	if (json_is_integer(code) && json_integer_value(code) != 0)
		c = feishu_lookup((long)json_integer_value(code));
	if (c != NULL && (ok2xx || c != &feishu_unknown))
		feishu_error(c, (long)json_integer_value(code),
		    json_is_string(msg) ? json_string_value(msg) : "", res);
	else if (ok2xx && json_is_integer(code))
		result_set(res, OUTCOME_OK, "%s", "");
	else if (ok2xx) {
		result_set(res, OUTCOME_TEMPFAIL, "HTTP %ld without a code: "
		    "not a Feishu bot's answer", st);
		res->gwfault = 1;
	} else
		adapter_classify_http(resp, res);
	json_decref(o);
}

/* Wipe the URL (a credential) and any secret. */
static void
feishu_free(struct gateway *gw)
{
	struct feishu_priv	*p = gw->priv;

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

const struct adapter adapter_feishu = {
	.name = "feishu",
	.keys = feishu_keys,
	.needs_url = 0,
	.templated = 0,
	.init = feishu_init,
	.build = feishu_build,
	.parse = feishu_parse,
	.free = feishu_free,
	.robot = 1,
};
