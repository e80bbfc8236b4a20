/*
 * adapters.c - the adapter registry and the helpers adapters share:
 * request building, result setting, the plain HTTP classification, and
 * (below adapter_classify_http) the configuration, encoding, hashing,
 * answer and robot helpers that several adapters need.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "adapter.h"

static const struct adapter *const adapters[] = {
	&adapter_console,
	&adapter_file,
	&adapter_webhook,
	&adapter_aliyun,
	&adapter_tencent,
	&adapter_twilio,
	&adapter_kannel,
	&adapter_wechat,
	&adapter_smtp,
	&adapter_wecom,
	&adapter_dingtalk,
	&adapter_feishu,
};
#define NADAPTERS (sizeof(adapters) / sizeof(adapters[0]))

const struct adapter *
adapter_find(const char *type)
{
	size_t	 i;

	for (i = 0; type != NULL && i < NADAPTERS; i++) {
		if (strcmp(adapters[i]->name, type) == 0)
			return (adapters[i]);
	}
	return (NULL);
}

const char *
adapter_types(void)
{
	static char	 buf[256];
	size_t		 i;

	if (buf[0] != '\0')
		return (buf);
	for (i = 0; i < NADAPTERS; i++) {
		if (i > 0)
			strncat(buf, ", ", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, adapters[i]->name, sizeof(buf) - strlen(buf) - 1);
	}
	return (buf);
}

void
request_clear(struct request *r)
{
	size_t	 i;

	/* URLs and headers may hold credentials (Kannel, basic auth) */
	if (r->url != NULL)
		explicit_bzero(r->url, strlen(r->url));
	free(r->url);
	for (i = 0; i < r->nheaders; i++) {
		explicit_bzero(r->headers[i], strlen(r->headers[i]));
		free(r->headers[i]);
	}
	free(r->body);
	free(r->mail_from);
	free(r->rcpt);
	free(r->username);
	if (r->password != NULL) {
		explicit_bzero(r->password, strlen(r->password));
		free(r->password);
	}
	memset(r, 0, sizeof(*r));
}

/* Add "Name: value"; CR and LF are refused so no header can be injected. */
int
request_add_header(struct request *r, const char *fmt, ...)
{
	va_list	 ap;
	char	*h;

	if (r->nheaders >= REQ_MAX_HEADERS)
		return (-1);
	va_start(ap, fmt);
	h = xvasprintf(fmt, ap);
	va_end(ap);
	if (strpbrk(h, "\r\n") != NULL) {
		free(h);
		return (-1);
	}
	r->headers[r->nheaders++] = h;
	return (0);
}

void
result_set(struct result *res, enum outcome o, const char *fmt, ...)
{
	va_list	 ap;

	res->outcome = o;
	va_start(ap, fmt);
	vsnprintf(res->error, sizeof(res->error), fmt, ap);
	va_end(ap);
	util_sanitize(res->error);
}

/* A short reason from a gateway's answer: a JSON error field or the text. */
static void
classify_reason(const struct response *resp, char *out, size_t outlen)
{
	static const char *const fields[] = { "error", "message", "msg",
	    "detail", "errmsg", "reason", NULL };
	json_t		*o, *v;
	size_t		 i;

	out[0] = '\0';
	if (resp->body == NULL || resp->bodylen == 0)
		return;
	if ((o = json_loadb(resp->body, resp->bodylen, 0, NULL)) != NULL) {
		for (i = 0; fields[i] != NULL && json_is_object(o); i++) {
			v = json_object_get(o, fields[i]);
			if (json_is_string(v)) {
				util_strlcpy_utf8(out, json_string_value(v),
				    outlen);
				break;
			}
		}
		json_decref(o);
	}
	if (out[0] == '\0')
		util_strlcpy_utf8(out, resp->body, outlen < 160 ? outlen : 160);
	util_sanitize(out);
}

/* The provider's id for the message, when the answer names one. */
static void
classify_id(const struct response *resp, struct result *res)
{
	static const char *const fields[] = { "id", "message_id", "sid",
	    "messageId", NULL };
	json_t		*o, *v;
	size_t		 i;

	if (resp->body == NULL ||
	    (o = json_loadb(resp->body, resp->bodylen, 0, NULL)) == NULL)
		return;
	for (i = 0; fields[i] != NULL && json_is_object(o); i++) {
		v = json_object_get(o, fields[i]);
		if (json_is_string(v)) {
			util_strlcpy_utf8(res->provider_id, json_string_value(v),
			    sizeof(res->provider_id));
			util_sanitize(res->provider_id);
			break;
		}
	}
	json_decref(o);
}

void
adapter_classify_http(const struct response *resp, struct result *res)
{
	char	 why[200];
	long	 c = resp->status;

	res->http_status = c;
	res->retry_after_ms = resp->retry_after_ms;
	classify_reason(resp, why, sizeof(why));
	if (c >= 200 && c < 300) {
		result_set(res, OUTCOME_OK, "%s", "");
		classify_id(resp, res);
	} else if (c == 408 || c == 425 || c == 429 || c >= 500) {
		result_set(res, OUTCOME_TEMPFAIL, "HTTP %ld%s%s", c,
		    why[0] ? ": " : "", why);
		/* an outage is the gateway's fault; throttling is not */
		res->gwfault = c >= 500;
	} else if (c == 401 || c == 403) {
		/* bad credentials: no message can pass; fail over */
		result_set(res, OUTCOME_TEMPFAIL, "HTTP %ld%s%s (credentials?)",
		    c, why[0] ? ": " : "", why);
		res->gwfault = 1;
	}
	else if (c >= 300 && c < 400)
		result_set(res, OUTCOME_PERMFAIL, "HTTP %ld: redirects are not "
		    "followed; fix the gateway URL", c);
	else
		result_set(res, OUTCOME_PERMFAIL, "HTTP %ld%s%s", c,
		    why[0] ? ": " : "", why);
}

/* ---- shared helpers: configuration ---- */

/* A string key: 1 found, 0 absent, -1 wrong type or empty (with cause). */
int
adapter_cfg_str(const struct gateway *gw, const config_setting_t *g,
    const char *key, char **out, char **cause)
{
	config_setting_t	*s = config_setting_get_member(g, key);
	const char		*v;

	*out = NULL;
	if (s == NULL)
		return (0);
	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    *(v = config_setting_get_string(s)) == '\0') {
		*cause = cfg_error(s, "gateway \"%s\": \"%s\" must be a "
		    "non-empty string", gw->name, key);
		return (-1);
	}
	*out = xstrdup(v);
	return (1);
}

/* A required string key. */
int
adapter_cfg_need(const struct gateway *gw, const config_setting_t *g,
    const char *key, char **out, char **cause)
{
	int	 r;

	if ((r = adapter_cfg_str(gw, g, key, out, cause)) == 0)
		*cause = cfg_error(g, "gateway \"%s\": missing \"%s\"",
		    gw->name, key);
	return (r == 1 ? 0 : -1);
}

/* A required secret, inline or from key_file. */
int
adapter_cfg_secret(const struct gateway *gw, const config_setting_t *g,
    const char *key, const char *cfgdir, char **out, char **cause)
{
	if (cfg_secret(g, key, cfgdir, out, cause) == -1)
		return (-1);
	if (*out == NULL || (*out)[0] == '\0') {
		*cause = cfg_error(g, "gateway \"%s\": missing \"%s\" (or "
		    "\"%s_file\")", gw->name, key, key);
		return (-1);
	}
	return (0);
}

/* sign_name: optional, without 【】. */
int
adapter_cfg_sign_name(const struct gateway *gw, const config_setting_t *g,
    char **out, char **cause)
{
	if (adapter_cfg_str(gw, g, "sign_name", out, cause) == -1)
		return (-1);
	if (*out != NULL && strstr(*out, "【") != NULL) {
		*cause = cfg_error(g, "gateway \"%s\": \"sign_name\" is the "
		    "approved signature without 【】", gw->name);
		return (-1);
	}
	return (0);
}

/* region: optional, a region id like def. */
int
adapter_cfg_region(const struct gateway *gw, const config_setting_t *g,
    const char *def, char **out, char **cause)
{
	int	 r;

	if ((r = adapter_cfg_str(gw, g, "region", out, cause)) == -1)
		return (-1);
	if (r == 0)
		*out = xstrdup(def);
	if (strspn(*out, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
	    strlen(*out)) {
		*cause = cfg_error(g, "gateway \"%s\": \"region\" \"%s\" is "
		    "not a region id like %s", gw->name, *out, def);
		return (-1);
	}
	return (0);
}

/* Base URL and Host: scheme://host[:port] of `endpoint`, or the vendor's. */
int
adapter_endpoint(const struct gateway *gw, const config_setting_t *g,
    const char *def_host, char **base, char **host, char **cause)
{
	const char	*ep = gw->endpoint, *auth;
	size_t		 n;

	if (ep == NULL) {
		*base = xasprintf("https://%s", def_host);
		*host = xstrdup(def_host);
		return (0);
	}
	if ((auth = strstr(ep, "://")) != NULL)
		auth += 3;
	if (auth == NULL || (n = strcspn(auth, "/?#")) == 0) {
		*cause = cfg_error(g, "gateway \"%s\": the endpoint \"%s\" has "
		    "no host", gw->name, ep);
		return (-1);
	}
	*base = xstrndup(ep, (size_t)(auth - ep) + n);
	*host = xstrndup(auth, n);
	return (0);
}

/* Wipe, then free: secrets do not linger in freed memory. */
void
adapter_secret_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

/* ---- shared helpers: encoding and hashing ---- */

/* Lowercase hex, as the signature schemes want it. */
void
adapter_hex(const unsigned char *b, size_t n, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 0xf];
	}
	out[2 * n] = '\0';
}

/* Standard base64 with padding, NUL-terminated. */
void
adapter_base64(const void *in, size_t n, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

/* Lowercase hex SHA-256 (65 bytes with the NUL). */
void
adapter_sha256_hex(const void *data, size_t len, char *out)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		fatalx("EVP_Digest SHA-256 failed");
	adapter_hex(md, mdlen, out);
}

/* HMAC with md into mac, which must receive exactly want bytes. */
static int
adapter_hmac(const EVP_MD *md, const void *key, size_t keylen,
    const void *msg, size_t msglen, unsigned char *mac, unsigned int want)
{
	unsigned int	 len = 0;

	if (HMAC(md, key, (int)keylen, msg, msglen, mac, &len) == NULL ||
	    len != want)
		return (-1);
	return (0);
}

/* HMAC-SHA1: 20 bytes. */
int
adapter_hmac_sha1(const void *key, size_t keylen, const void *msg,
    size_t msglen, unsigned char mac[20])
{
	return (adapter_hmac(EVP_sha1(), key, keylen, msg, msglen, mac, 20));
}

/* HMAC-SHA256: 32 bytes. */
int
adapter_hmac_sha256(const void *key, size_t keylen, const void *msg,
    size_t msglen, unsigned char mac[32])
{
	return (adapter_hmac(EVP_sha256(), key, keylen, msg, msglen, mac, 32));
}

/* Percent-encode all but the unreserved bytes; space as '+' when form. */
static char *
adapter_encode(const char *s, int form)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;
	char			*out = xmalloc(3 * strlen(s) + 1), *o = out;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.' || *p == '~')
			*o++ = (char)*p;
		else if (*p == ' ' && form)
			*o++ = '+';
		else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 0xf];
		}
	}
	*o = '\0';
	return (out);
}

/* RFC 3986: only the unreserved bytes are left as they are. */
char *
adapter_percent_encode(const char *s)
{
	return (adapter_encode(s, 0));
}

/* application/x-www-form-urlencoded: space as '+'. */
char *
adapter_form_encode(const char *s)
{
	return (adapter_encode(s, 1));
}

/* ---- shared helpers: vendor templates ---- */

/* A templated gateway cannot send a step without a vendor template. */
int
adapter_need_template(const struct gateway *gw, const struct message *m,
    char **cause)
{
	if (m->tpl != NULL)
		return (0);
	*cause = xasprintf("step %s has no vendor_templates.%s template id",
	    m->step, gw->name);
	return (-1);
}

/* The gateway's sign_name wins over the court's signature. */
const char *
adapter_sms_sign(const struct gateway *gw, const struct message *m,
    const char *sign_name, char **cause)
{
	const char	*sign = sign_name != NULL ? sign_name : m->sign;

	if (sign == NULL || *sign == '\0') {
		*cause = xasprintf("gateway \"%s\" has no sign_name and the "
		    "court has no signature", gw->name);
		return (NULL);
	}
	return (sign);
}

/* The message's variables as the params of a render context. */
json_t *
adapter_vars(const char *vars, struct render_ctx *rc, char **cause)
{
	json_t	*o;

	if ((o = json_loads(vars, 0, NULL)) == NULL || !json_is_object(o)) {
		*cause = xstrdup("the message's variables are not a JSON "
		    "object");
		json_decref(o);
		return (NULL);
	}
	memset(rc, 0, sizeof(*rc));
	rc->params = o;
	return (o);
}

/* One variable as "{name}" renders it. */
int
adapter_render_var(const struct render_ctx *rc, const char *name, char **out,
    char **why)
{
	char	*tmpl;
	int	 rv;

	if (json_object_get(rc->params, name) == NULL)
		return (1);
	tmpl = xasprintf("{%s}", name);
	rv = text_render(tmpl, rc, out, why) == -1 ? -1 : 0;
	free(tmpl);
	return (rv);
}

/* ---- shared helpers: JSON requests and answers ---- */

/* Compact JSON text; releases o. */
char *
adapter_json_text(json_t *o)
{
	char	*s;

	if (o == NULL)
		return (NULL);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return (s);
}

/* A JSON POST; the URL is the caller's. */
void
adapter_post_json(struct request *req, char *body)
{
	req->body = body;
	req->bodylen = strlen(body);
	req->method = "POST";
	request_add_header(req, "Content-Type: application/json");
}

/* The answer parsed as JSON, if it is. */
json_t *
adapter_json_answer(const struct response *resp)
{
	if (resp->body == NULL)
		return (NULL);
	return (json_loadb(resp->body, resp->bodylen, 0, NULL));
}

/* Runs of 11 or more digits keep their first 3 and last 4. */
void
adapter_mask_numbers(char *s)
{
	size_t	 n, i;

	while (*s != '\0') {
		n = strspn(s, "0123456789");
		if (n >= 11) {
			for (i = 3; i < n - 4; i++)
				s[i] = '*';
		}
		s += n;
		s += strcspn(s, "0123456789");
	}
}

/* A provider id fit for a log line and the database. */
void
adapter_provider_id(struct result *res, const char *id)
{
	util_strlcpy_utf8(res->provider_id, id != NULL ? id : "",
	    sizeof(res->provider_id));
	util_sanitize(res->provider_id);
}

/* Raise, never lower, the least wait before a retry. */
void
adapter_wait_at_least(struct result *res, int wait_s)
{
	if (wait_s > 0 && (int64_t)wait_s * 1000 > res->retry_after_ms)
		res->retry_after_ms = (int64_t)wait_s * 1000;
}

/* Cut on a UTF-8 boundary before result_set cuts by bytes. */
void
adapter_result_text(struct result *res, enum outcome o, const char *text)
{
	char	 buf[sizeof(res->error)];

	util_strlcpy_utf8(buf, text, sizeof(buf));
	result_set(res, o, "%s", buf);
}

/* An answer without the gateway's JSON: the status decides. */
void
adapter_no_answer(const struct response *resp, struct result *res,
    const char *what, int mask)
{
	char	 snip[81];
	long	 c = resp->status;

	util_strlcpy_utf8(snip, resp->body != NULL ? resp->body : "",
	    sizeof(snip));
	util_sanitize(snip);
	if (mask)
		adapter_mask_numbers(snip);
	res->gwfault = 1;
	if (c >= 200 && c < 300)
		result_set(res, OUTCOME_TEMPFAIL, "HTTP %ld with an answer "
		    "that is not %s: %s", c, what, snip);
	else if (c == 429) {
		result_set(res, OUTCOME_TEMPFAIL, "HTTP 429: %s", snip);
		res->gwfault = 0;
	} else if (c >= 300 && c < 400)
		result_set(res, OUTCOME_TEMPFAIL, "HTTP %ld: redirects are not "
		    "followed; check the gateway's endpoint", c);
	else
		result_set(res, OUTCOME_TEMPFAIL, "HTTP %ld%s%s", c,
		    snip[0] ? ": " : "", snip);
}

/* Alibaba's and Tencent's {"Code", "Message"}. */
int
adapter_code_of(const json_t *o, const char **code, const char **msg)
{
	*code = json_string_value(json_object_get(o, "Code"));
	*msg = json_string_value(json_object_get(o, "Message"));
	if (*msg == NULL)
		*msg = "";
	return (*code != NULL ? 0 : -1);
}

/* The handling of codes no table lists, and of outages (adapter.h). */
const struct adapter_code adapter_code_unknown = {
	NULL, OUTCOME_TEMPFAIL, 1, 0
};
const struct adapter_code adapter_code_outage = {
	NULL, OUTCOME_TEMPFAIL, 1, 0
};

/* The table, then the families by prefix, else unknown. */
const struct adapter_code *
adapter_code_find(const struct adapter_codes *t, const char *code)
{
	size_t	 i;

	for (i = 0; i < t->nexact; i++)
		if (strcmp(t->exact[i].code, code) == 0)
			return (&t->exact[i]);
	for (i = 0; i < t->nprefix; i++)
		if (strncmp(t->prefix[i].code, code,
		    strlen(t->prefix[i].code)) == 0)
			return (&t->prefix[i]);
	return (&adapter_code_unknown);
}

/* "prefix code: message", numbers masked; outcome, fault and wait. */
void
adapter_code_result(struct result *res, const struct adapter_code *c,
    const char *prefix, const char *code, const char *msg, int wait_s)
{
	char	*s;

	s = xasprintf("%s%s%s%s%s", prefix, code, *msg ? ": " : "", msg,
	    c == &adapter_code_unknown ? " (an unrecognised code)" : "");
	adapter_mask_numbers(s);
	adapter_result_text(res, c->outcome, s);
	free(s);
	res->gwfault = c->gwfault;
	adapter_wait_at_least(res, wait_s);
}

/* ---- shared helpers: staff alert robots ---- */

/* The robot URL: required, https unless allow_http, no spaces or controls. */
int
adapter_robot_webhook(const struct gateway *gw, const config_setting_t *s,
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
adapter_robot_options(const struct gateway *gw, struct robot_priv *p,
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
int
adapter_robot_init(struct gateway *gw, const config_setting_t *s,
    const char *cfgdir, char **cause)
{
	struct robot_priv	*p = xcalloc(1, sizeof(*p));

	gw->priv = p;
	if (adapter_robot_webhook(gw, s, &p->webhook, cause) == -1)
		return (-1);
	return (adapter_robot_options(gw, p, s, cfgdir, cause));
}

/* Wipe the URL (a credential) and any secret. */
void
adapter_robot_free(struct gateway *gw)
{
	struct robot_priv	*p = gw->priv;

	if (p == NULL)
		return;
	adapter_secret_free(p->webhook);
	adapter_secret_free(p->secret);
	free(p->keyword);
	free(p);
	gw->priv = NULL;
}

/* A robot secured by keyword needs it in every message. */
char *
adapter_robot_text(const char *text, const char *keyword)
{
	if (keyword != NULL && strstr(text, keyword) == NULL)
		return (xasprintf("%s\n%s", keyword, text));
	return (xstrdup(text));
}

/* The text cut to max bytes (max > the mark) on a UTF-8 boundary, marked. */
char *
adapter_robot_clip(const char *text, size_t max)
{
	size_t	 n = strlen(text), mark = strlen(ROBOT_CUT_MARK);
	char	*out;

	if (n <= max)
		return (xstrdup(text));
	out = xmalloc(max + 1);
	n = util_strlcpy_utf8(out, text, max - mark + 1);
	memcpy(out + n, ROBOT_CUT_MARK, mark + 1);
	return (out);
}

/*
 * Cutting the overflow is enough unless escapes (\n, \u0001) made the body
 * bigger than the text; then halve until it fits.
 */
char *
adapter_robot_fit(const char *text, size_t maxbody,
    char *(*body)(const char *, const void *), const void *arg,
    const char *who, char **cause)
{
	size_t	 max = strlen(text), mark = strlen(ROBOT_CUT_MARK), n;
	char	*t = xstrdup(text), *b;

	while ((b = body(t, arg)) != NULL && (n = strlen(b)) > maxbody) {
		free(b);
		free(t);
		n -= maxbody;
		max = max > n + mark ? max - n : max / 2;
		if (max <= mark) {
			*cause = xasprintf("the alert cannot be cut to fit "
			    "%s's message size", who);
			return (NULL);
		}
		t = adapter_robot_clip(text, max);
	}
	free(t);
	if (b == NULL)
		*cause = xstrdup("the alert text is not valid UTF-8");
	return (b);
}

/* The handling of a nonzero code; the unknown one if not listed. */
static const struct robot_code *
adapter_robot_lookup(const struct robot_answer *ra, long code)
{
	size_t	 i;

	for (i = 0; i < ra->ncodes; i++)
		if (ra->codes[i].code == code)
			return (&ra->codes[i]);
	return (ra->unknown);
}

/* A nonzero code: "<what> N (our words): <the robot's message>". */
static void
adapter_robot_error(const struct robot_answer *ra, const struct robot_code *c,
    long code, const char *msg, struct result *res)
{
	char	*s;

	s = xasprintf("%s %ld (%s)%s%s", ra->what, code, c->why,
	    *msg != '\0' ? ": " : "", msg);
	adapter_result_text(res, c->outcome, s);
	free(s);
	res->gwfault = c->gwfault;
	adapter_wait_at_least(res, c->retry_s);
}

/* The answer's code decides, then the HTTP status. */
void
adapter_robot_parse(const struct robot_answer *ra,
    const struct response *resp, struct result *res)
{
	const struct robot_code	*c = NULL;
	json_t			*o = NULL, *code, *msg;
	long			 st = resp->status;
	int			 ok2xx = st >= 200 && st < 300;

	res->http_status = st;
	res->retry_after_ms = resp->retry_after_ms;
	if (st < 500)
		o = adapter_json_answer(resp);
	if ((code = json_object_get(o, ra->code_key)) != NULL ||
	    ra->alt_code_key == NULL)
		msg = json_object_get(o, ra->msg_key);
	else {
		code = json_object_get(o, ra->alt_code_key);
		msg = json_object_get(o, ra->alt_msg_key);
	}
	if (json_is_integer(code) && json_integer_value(code) != 0)
		c = adapter_robot_lookup(ra, (long)json_integer_value(code));
	if (c != NULL && (ok2xx || c != ra->unknown))
		adapter_robot_error(ra, c, (long)json_integer_value(code),
		    json_is_string(msg) ? json_string_value(msg) : "", res);
	else if (ok2xx && json_is_integer(code))
		result_set(res, OUTCOME_OK, "%s", "");
	else if (ok2xx) {
		result_set(res, OUTCOME_TEMPFAIL, "HTTP %ld %s", st,
		    ra->not_ours);
		res->gwfault = 1;
	} else
		adapter_classify_http(resp, res);
	json_decref(o);
}
