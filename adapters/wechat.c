/*
 * wechat.c - WeChat official-account (公众号) template messages.
 *
 * A send is
 *   POST {endpoint}/cgi-bin/message/template/send?access_token=<token>
 *   {"touser": <openid>, "template_id": <vendor_templates.<gw>.id>,
 *    "client_msg_id": <the notification's stable key>,
 *    "data": {<key>: {"value": <value>}, ...}}
 * where endpoint defaults to https://api.weixin.qq.com, each <key> is a
 * vendor parameter name of the step's template ("keyword1=case_no" sends the
 * variable case_no as keyword1) and <value> the variable written as the text
 * would show it (an ISO date as 6月30日, a party's name masked). The JSON is
 * UTF-8 as it is: WeChat refuses \uXXXX escapes (errcode 40033).
 * client_msg_id is WeChat's own guard against repeats: one message per
 * openid and client_msg_id within 10 minutes, so a send repeated after a
 * crash or a lost answer is not shown twice.
 *
 * The access token comes from
 *   GET {endpoint}/cgi-bin/token?grant_type=client_credential&appid=..
 *       &secret=..
 * -> {"access_token": "...", "expires_in": 7200}. The core fetches it on the
 * loop, shares it among the gateway's sends, refreshes it before it expires
 * and at once when a send answers token_expired. The token request carries
 * the AppSecret in its URL (as WeChat defines it): nothing here puts the
 * URL, or the secret, in an error.
 *
 * Answers: HTTP 200 with {"errcode": N, "errmsg": "...", "msgid": M}; the
 * errcode decides (wechat_codes below, with the source of each code). An
 * unknown errcode, a body that is not such JSON, or an HTTP error is the
 * gateway's fault: TEMPFAIL, and the next attempt fails over. Sources: the
 * official-account global return codes (公众平台全局返回码, as listed by
 * WxJava's WxMpErrorMsgEnum), the template-message interface page
 * (client_msg_id), and errors seen from the live API in WeChat's developer
 * community (40037, 40003, 47003 on template sends; 40164 on token fetches;
 * 45065-45067 for client message ids).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "adapter.h"

#define WECHAT_API	"https://api.weixin.qq.com"

struct wechat_priv {
	char	*app_id;
	char	*app_secret;
	char	*base;		/* endpoint without a trailing '/' */
};

static const char *const wechat_keys[] = { "app_id", "app_secret",
    "app_secret_file", NULL };

/* What an errcode means. retry_s: the least wait before the next attempt. */
struct wechat_code {
	long		 code;
	enum outcome	 outcome;
	int		 gwfault;
	int		 token_expired;
	int		 retry_s;
	const char	*why;
};

/*
 * Token refusals are retried with a new token and do not count as an
 * attempt; the recipient's own state (not following, blocked, refusing,
 * a wrong openid) and a wrong template or data are permanent; the account's
 * credentials, IP whitelist, permissions and daily quota are the gateway's
 * fault, so the next attempt fails over; throttling waits.
 */
static const struct wechat_code wechat_codes[] = {
	{ 0,	 OUTCOME_OK,	   0, 0, 0, NULL },
	/* a repeat of a client_msg_id already sent: it was delivered */
	{ 45065, OUTCOME_OK,	   0, 0, 0, NULL },
	/* the access token */
	{ 40001, OUTCOME_TEMPFAIL, 0, 1, 0, "access token invalid" },
	{ 40014, OUTCOME_TEMPFAIL, 0, 1, 0, "access token invalid" },
	{ 41001, OUTCOME_TEMPFAIL, 0, 1, 0, "access token missing" },
	{ 42001, OUTCOME_TEMPFAIL, 0, 1, 0, "access token expired" },
	{ 42007, OUTCOME_TEMPFAIL, 0, 1, 0, "access token revoked" },
	/* throttling and quotas */
	{ 45009, OUTCOME_TEMPFAIL, 1, 0, 600, "the account's daily API quota "
	    "is used up" },
	{ 45011, OUTCOME_TEMPFAIL, 0, 0, 1, "API called too often" },
	{ 45047, OUTCOME_TEMPFAIL, 0, 0, 60, "too many messages to this "
	    "recipient" },
	{ 45066, OUTCOME_TEMPFAIL, 0, 0, 60, "client_msg_id retried too fast" },
	/* system */
	{ -1,	 OUTCOME_TEMPFAIL, 1, 0, 0, "WeChat is busy" },
	{ 61450, OUTCOME_TEMPFAIL, 1, 0, 0, "WeChat system error" },
	/* the recipient */
	{ 40003, OUTCOME_PERMFAIL, 0, 0, 0, "invalid openid (not an openid "
	    "of this official account)" },
	{ 41009, OUTCOME_PERMFAIL, 0, 0, 0, "openid missing" },
	{ 43004, OUTCOME_PERMFAIL, 0, 0, 0, "the recipient does not follow "
	    "the official account" },
	{ 43019, OUTCOME_PERMFAIL, 0, 0, 0, "the recipient has blocked the "
	    "official account" },
	{ 46004, OUTCOME_PERMFAIL, 0, 0, 0, "no such user" },
	{ 48002, OUTCOME_PERMFAIL, 0, 0, 0, "the recipient refuses messages "
	    "from the official account" },
	{ 50005, OUTCOME_PERMFAIL, 0, 0, 0, "the recipient does not follow "
	    "the official account" },
	/* the template and the request */
	{ 40037, OUTCOME_PERMFAIL, 0, 0, 0, "invalid template_id: check "
	    "vendor_templates" },
	{ 47003, OUTCOME_PERMFAIL, 0, 0, 0, "a template value is invalid or "
	    "too long" },
	{ 47001, OUTCOME_PERMFAIL, 0, 0, 0, "WeChat could not parse the "
	    "request" },
	{ 44002, OUTCOME_PERMFAIL, 0, 0, 0, "empty request" },
	{ 40008, OUTCOME_PERMFAIL, 0, 0, 0, "invalid message type" },
	{ 40033, OUTCOME_PERMFAIL, 0, 0, 0, "\\uXXXX escapes are refused" },
	{ 45002, OUTCOME_PERMFAIL, 0, 0, 0, "the message is too long" },
	{ 45067, OUTCOME_PERMFAIL, 0, 0, 0, "client_msg_id too long" },
	/* the account: credentials, whitelist, permissions */
	{ 40002, OUTCOME_TEMPFAIL, 1, 0, 0, "invalid grant_type" },
	{ 40013, OUTCOME_TEMPFAIL, 1, 0, 0, "invalid AppID" },
	{ 40125, OUTCOME_TEMPFAIL, 1, 0, 0, "invalid AppSecret" },
	{ 40164, OUTCOME_TEMPFAIL, 1, 0, 0, "this server's IP address is not "
	    "in the official account's IP whitelist" },
	{ 41002, OUTCOME_TEMPFAIL, 1, 0, 0, "AppID missing" },
	{ 41004, OUTCOME_TEMPFAIL, 1, 0, 0, "AppSecret missing" },
	{ 43002, OUTCOME_TEMPFAIL, 1, 0, 0, "POST required" },
	{ 43003, OUTCOME_TEMPFAIL, 1, 0, 0, "HTTPS required" },
	{ 48001, OUTCOME_TEMPFAIL, 1, 0, 0, "the official account may not use "
	    "this API (template messages not enabled?)" },
	{ 48004, OUTCOME_TEMPFAIL, 1, 0, 0, "the API is banned for this "
	    "official account" },
	{ 48008, OUTCOME_TEMPFAIL, 1, 0, 0, "no permission for this message "
	    "type" },
	{ 50001, OUTCOME_TEMPFAIL, 1, 0, 0, "the API is not authorised" },
	{ 50002, OUTCOME_TEMPFAIL, 1, 0, 0, "the official account is "
	    "restricted" },
};

/* An unknown errcode: retried, through the next gateway, never lost. */
static const struct wechat_code wechat_unknown = {
	0, OUTCOME_TEMPFAIL, 1, 0, 0, "an unrecognised errcode"
};

/* ---- configuration ---- */

/* app_id: required, printable ASCII without spaces (it goes in a URL). */
static int
wechat_app_id(struct gateway *gw, const config_setting_t *g, char **out,
    char **cause)
{
	config_setting_t	*s = config_setting_get_member(g, "app_id");
	const char		*v, *p;

	if (s == NULL) {
		*cause = cfg_error(g, "gateway \"%s\": missing \"app_id\"",
		    gw->name);
		return (-1);
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    *(v = config_setting_get_string(s)) == '\0') {
		*cause = cfg_error(s, "gateway \"%s\": \"app_id\" must be a "
		    "non-empty string (the AppID, wx...)", gw->name);
		return (-1);
	}
	for (p = v; *p != '\0'; p++) {
		if (*p <= ' ' || *p >= 0x7f) {
			*cause = cfg_error(s, "gateway \"%s\": \"app_id\" "
			    "has a space or a non-ASCII character", gw->name);
			return (-1);
		}
	}
	*out = xstrdup(v);
	return (0);
}

/* The base URL: `endpoint` without a trailing '/', or WeChat's. */
static int
wechat_base(struct gateway *gw, const config_setting_t *g, char **out,
    char **cause)
{
	size_t	 n;

	if (gw->endpoint == NULL) {
		*out = xstrdup(WECHAT_API);
		return (0);
	}
	if (strpbrk(gw->endpoint, "?#") != NULL) {
		*cause = cfg_error(g, "gateway \"%s\": the endpoint is a base "
		    "URL like https://api.weixin.qq.com, without a query",
		    gw->name);
		return (-1);
	}
	n = strlen(gw->endpoint);
	while (n > 0 && gw->endpoint[n - 1] == '/')
		n--;
	*out = xstrndup(gw->endpoint, n);
	return (0);
}

static int
wechat_init(struct gateway *gw, const config_setting_t *g, const char *cfgdir,
    char **cause)
{
	struct wechat_priv	*p = xcalloc(1, sizeof(*p));

	gw->priv = p;	/* wechat_free releases a half-built one */
	if (wechat_app_id(gw, g, &p->app_id, cause) == -1)
		return (-1);
	if (adapter_cfg_secret(gw, g, "app_secret", cfgdir, &p->app_secret,
	    cause) == -1)
		return (-1);
	return (wechat_base(gw, g, &p->base, cause));
}

static void
wechat_free(struct gateway *gw)
{
	struct wechat_priv	*p = gw->priv;

	if (p == NULL)
		return;
	adapter_secret_free(p->app_secret);
	free(p->app_id);
	free(p->base);
	free(p);
	gw->priv = NULL;
}

/* ---- requests ---- */

/* The token request. Its URL holds the AppSecret, as WeChat defines it. */
static int
wechat_token_build(const struct gateway *gw, int64_t now_ms,
    struct request *req, char **cause)
{
	const struct wechat_priv	*p = gw->priv;
	char				*id, *secret;

	(void)now_ms;
	if (p == NULL) {
		*cause = xstrdup("the wechat gateway is not configured");
		return (-1);
	}
	id = adapter_percent_encode(p->app_id);
	secret = adapter_percent_encode(p->app_secret);
	req->method = "GET";
	req->url = xasprintf("%s/cgi-bin/token?grant_type=client_credential"
	    "&appid=%s&secret=%s", p->base, id, secret);
	adapter_secret_free(secret);
	free(id);
	return (0);
}

/* The "data" object: each vendor key with the value of its variable. */
static json_t *
wechat_data(const struct message *m, char **cause)
{
	const struct vtpl	*t = m->tpl;
	struct render_ctx	 rc;
	json_t			*vars, *data;
	char			*v, *why = NULL;
	size_t			 i;

	if ((vars = adapter_vars(m->vars != NULL ? m->vars : "{}", &rc,
	    cause)) == NULL)
		return (NULL);
	data = json_object();
	for (i = 0; i < t->n && data != NULL; i++) {
		if (adapter_render_var(&rc, t->vars[i], &v, &why) != 0) {
			*cause = xasprintf("vendor template %s of step %s: "
			    "variable \"%s\" (data.%s): %s", t->id, m->step,
			    t->vars[i], t->keys[i], why != NULL ? why :
			    "missing from the step's params");
			json_decref(data);
			data = NULL;
		} else {
			json_object_set_new(data, t->keys[i],
			    json_pack("{s:s}", "value", v));
			free(v);
		}
		free(why);
		why = NULL;
	}
	json_decref(vars);
	return (data);
}

/* The JSON body of a template send; NULL and *cause on a missing variable. */
static char *
wechat_body(const struct message *m, char **cause)
{
	json_t	*o, *data;
	char	*s;

	if ((data = wechat_data(m, cause)) == NULL)
		return (NULL);
	o = json_object();
	json_object_set_new(o, "touser", json_string(m->to));
	json_object_set_new(o, "template_id", json_string(m->tpl->id));
	json_object_set_new(o, "client_msg_id", json_string(m->key));
	json_object_set_new(o, "data", data);
	/* no JSON_ENSURE_ASCII: WeChat wants UTF-8, not \uXXXX */
	if ((s = adapter_json_text(o)) == NULL)
		*cause = xstrdup("cannot encode the message as JSON (invalid "
		    "UTF-8?)");
	return (s);
}

/* A template send with the current token (the core fetched it). */
static int
wechat_build(const struct gateway *gw, const struct message *m,
    struct request *req, char **cause)
{
	const struct wechat_priv	*p = gw->priv;
	char				*tok;

	if (adapter_need_template(gw, m, cause) == -1)
		return (-1);
	if (m->access_token == NULL || m->access_token[0] == '\0') {
		*cause = xasprintf("gateway \"%s\": no access token (the core "
		    "fetches one before a send)", gw->name);
		return (-1);
	}
	if (m->to == NULL || m->to[0] == '\0') {
		*cause = xstrdup("no openid to send to");
		return (-1);
	}
	if ((req->body = wechat_body(m, cause)) == NULL)
		return (-1);
	req->bodylen = strlen(req->body);
	tok = adapter_percent_encode(m->access_token);
	req->method = "POST";
	req->url = xasprintf("%s/cgi-bin/message/template/send?access_token=%s",
	    p->base, tok);
	free(tok);
	request_add_header(req, "Content-Type: application/json; "
	    "charset=utf-8");
	return (0);
}

/* ---- answers ---- */

static const struct wechat_code *
wechat_lookup(long code)
{
	size_t	 i;

	for (i = 0; i < sizeof(wechat_codes) / sizeof(wechat_codes[0]); i++)
		if (wechat_codes[i].code == code)
			return (&wechat_codes[i]);
	return (&wechat_unknown);
}

/* The errcode of an answer: 0 and *code, or -1 when it is not WeChat JSON. */
static int
wechat_errcode(const json_t *o, long *code)
{
	json_t	*e = json_object_get(o, "errcode");

	if (json_is_integer(e)) {
		*code = (long)json_integer_value(e);
		return (0);
	}
	return (-1);
}

/*
 * A copy of s with every occurrence of the secret replaced by "***".
 * Written into a new buffer: a secret shorter than the mask, or one that
 * contains it, can neither overflow nor loop (found by fuzz_parse).
 */
static char *
wechat_scrub(const char *s, const char *secret)
{
	size_t		 n = secret != NULL ? strlen(secret) : 0;
	const char	*p = s, *hit;
	char		*out, *o;

	if (n == 0)
		return (xstrdup(s));
	/* at worst every character is a one-character secret: 3 bytes each */
	out = xreallocarray(NULL, strlen(s) + 1, 3);
	o = out;
	while ((hit = strstr(p, secret)) != NULL) {
		memcpy(o, p, (size_t)(hit - p));
		o += hit - p;
		memcpy(o, "***", 3);
		o += 3;
		p = hit + n;
	}
	strcpy(o, p);
	return (out);
}

/* s cleaned for a log line and the database: the secret out, then cut. */
static void
wechat_clean(const char *s, const char *secret, char *out, size_t len)
{
	char	*dup = wechat_scrub(s != NULL ? s : "", secret);

	util_strlcpy_utf8(out, dup, len);
	util_sanitize(out);
	explicit_bzero(dup, strlen(dup));
	free(dup);
}

/* errmsg, cleaned; "" when absent. */
static void
wechat_errmsg(const json_t *o, const char *secret, char *out, size_t len)
{
	wechat_clean(json_string_value(json_object_get(o, "errmsg")), secret,
	    out, len);
}

/* msgid (a number; a string is accepted too) as the provider id. */
static void
wechat_msgid(const json_t *o, struct result *res)
{
	json_t	*id = json_object_get(o, "msgid");

	if (id == NULL)
		id = json_object_get(o, "msg_id");
	if (json_is_integer(id))
		snprintf(res->provider_id, sizeof(res->provider_id), "%lld",
		    (long long)json_integer_value(id));
	else if (json_is_string(id))
		adapter_provider_id(res, json_string_value(id));
}

/* The errcode decides (wechat_codes); the HTTP status only when it is absent. */
static void
wechat_parse(const struct gateway *gw, const struct message *m,
    const struct response *resp, struct result *res)
{
	const struct wechat_code	*c;
	json_t				*o;
	char				 msg[160];
	long				 code;

	(void)gw;
	(void)m;
	res->http_status = resp->status;
	res->retry_after_ms = resp->retry_after_ms;
	res->gwfault = 0;
	res->token_expired = 0;
	o = adapter_json_answer(resp);
	if (resp->status != 200 || wechat_errcode(o, &code) == -1) {
		/* not WeChat's answer: the gateway is at fault */
		adapter_no_answer(resp, res, "WeChat JSON", 0);
		json_decref(o);
		return;
	}
	c = wechat_lookup(code);
	wechat_errmsg(o, NULL, msg, sizeof(msg));
	if (c->outcome == OUTCOME_OK) {
		result_set(res, OUTCOME_OK, "%s", "");
		wechat_msgid(o, res);
	} else
		result_set(res, c->outcome, "errcode %ld: %s%s%s", code, c->why,
		    msg[0] ? ": " : "", msg);
	res->gwfault = c->gwfault;
	res->token_expired = c->token_expired;
	adapter_wait_at_least(res, c->retry_s);
	json_decref(o);
}

/* A token fetch refused: "errcode N: why: errmsg", never the secret. */
static char *
wechat_token_error(const struct wechat_priv *p, const struct response *resp,
    const json_t *o)
{
	const struct wechat_code	*c;
	const char			*secret;
	char				 msg[160];
	long				 code;

	secret = p != NULL ? p->app_secret : NULL;
	if (resp->status != 200 || wechat_errcode(o, &code) == -1) {
		wechat_clean(resp->body, secret, msg, 81);
		return (xasprintf("access token: HTTP %ld with an answer that "
		    "is not a WeChat token%s%s", resp->status, msg[0] ? ": " :
		    "", msg));
	}
	c = wechat_lookup(code);
	wechat_errmsg(o, secret, msg, sizeof(msg));
	return (xasprintf("access token refused: errcode %ld: %s%s%s", code,
	    code == 40001 ? "AppSecret wrong, or not this AppID's" : c->why,
	    msg[0] ? ": " : "", msg));
}

/* expires_in as milliseconds: a positive integer (or numeric string). */
static int
wechat_ttl(const json_t *o, int64_t *ttl_ms)
{
	json_t		*e = json_object_get(o, "expires_in");
	long long	 v = -1;
	char		*end;

	if (json_is_integer(e))
		v = (long long)json_integer_value(e);
	else if (json_is_string(e)) {
		v = strtoll(json_string_value(e), &end, 10);
		if (*end != '\0' || end == json_string_value(e))
			v = -1;
	}
	if (v <= 0 || v > 365LL * 86400)
		return (-1);
	*ttl_ms = (int64_t)v * 1000;
	return (0);
}

/* A token is printable ASCII without spaces; it must fit with its NUL. */
static int
wechat_token_ok(const char *t, size_t tokenlen)
{
	const char	*q;

	if (t == NULL || *t == '\0' || strlen(t) >= tokenlen)
		return (0);
	for (q = t; *q != '\0'; q++)
		if (*q <= ' ' || *q >= 0x7f)
			return (0);
	return (1);
}

/* {"access_token", "expires_in"} into the token and its lifetime. */
static int
wechat_token_parse(const struct gateway *gw, const struct response *resp,
    char *token, size_t tokenlen, int64_t *ttl_ms, char **cause)
{
	const struct wechat_priv	*p = gw != NULL ? gw->priv : NULL;
	const char			*t;
	json_t				*o;
	int				 rv = -1;

	if (tokenlen > 0)
		token[0] = '\0';
	o = adapter_json_answer(resp);
	t = json_string_value(json_object_get(o, "access_token"));
	if (resp->status != 200 || t == NULL)
		*cause = wechat_token_error(p, resp, o);
	else if (!wechat_token_ok(t, tokenlen))
		*cause = xasprintf("access token: the token in the answer is "
		    "empty, too long or not printable ASCII");
	else if (wechat_ttl(o, ttl_ms) == -1)
		*cause = xstrdup("access token: \"expires_in\" is missing or "
		    "not a positive number of seconds");
	else {
		memcpy(token, t, strlen(t) + 1);
		rv = 0;
	}
	json_decref(o);
	return (rv);
}

const struct adapter adapter_wechat = {
	.name = "wechat",
	.keys = wechat_keys,
	.templated = 1,
	.init = wechat_init,
	.build = wechat_build,
	.parse = wechat_parse,
	.free = wechat_free,
	.token_build = wechat_token_build,
	.token_parse = wechat_token_parse,
};
