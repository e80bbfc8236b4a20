/*
 * tencent.c - Tencent Cloud SMS: SendSms, API 3.0 version 2021-01-11
 * (reference/gateways.md §2).
 *
 * POST https://sms.tencentcloudapi.com/ with a JSON body
 *   {"PhoneNumberSet": ["+8613812345678"], "SmsSdkAppId": ..., "SignName":
 *    ..., "TemplateId": ..., "TemplateParamSet": [...], "SessionContext":
 *    <the notification's stable key>}
 * signed with TC3-HMAC-SHA256: the credential scope carries the UTC date of
 * X-TC-Timestamp (a local date would fail every night from 00:00 to 08:00
 * Beijing time), the signed headers are content-type, host and x-tc-action
 * as in the current official demo, and Content-Type is sent byte for byte
 * as signed. The timestamp comes from the message's now_ms, so a request is
 * reproducible (tests/golden/tencent-request.txt).
 *
 * TemplateParamSet holds the values of the template's huigao variables in
 * order, written as the text would show them. SignName is `sign_name`, else
 * the court's signature.
 *
 * Answers come with HTTP 200 even for errors: a request-level
 * Response.Error, or one SendStatusSet entry per number whose Code ("Ok"
 * on success, SerialNo the provider id) decides the outcome. Codes are
 * classified by tencent_codes below; HTTP 5xx or an answer without either
 * is the vendor's outage. See tencent_parse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "adapter.h"

#define TENCENT_HOST	"sms.tencentcloudapi.com"
#define TENCENT_SERVICE	"sms"
#define TENCENT_VERSION	"2021-01-11"
#define TENCENT_CTYPE	"application/json; charset=utf-8"

struct tencent_priv {
	char	*secret_id;
	char	*secret_key;
	char	*app_id;
	char	*sign_name;	/* NULL: the court's signature */
	char	*region;
	char	*base;		/* "https://sms.tencentcloudapi.com" */
	char	*host;		/* "sms.tencentcloudapi.com" */
};

static const char *const tencent_keys[] = { "secret_id", "secret_key",
    "secret_key_file", "sdk_app_id", "sign_name", "region", NULL };

/* How an error code is handled. retry_s: the least wait before a retry. */
struct tencent_code {
	const char	*code;
	enum outcome	 outcome;
	int		 gwfault;
	int		 retry_s;
};

/*
 * The codes of gateways.md §2.5 (tencentcloud-sdk-go
 * tencentcloud/sms/v20210111/errors.go). Per-number limits wait on the same
 * gateway; an application's or account's daily cap, the balance and the
 * credentials are the gateway's fault: the next attempt fails over.
 */
static const struct tencent_code tencent_codes[] = {
	/* rate limits: retry later */
	{ "LimitExceeded.DeliveryFrequencyLimit", OUTCOME_TEMPFAIL, 0, 30 },
	{ "LimitExceeded.PhoneNumberThirtySecondLimit",
	    OUTCOME_TEMPFAIL, 0, 30 },
	{ "LimitExceeded.PhoneNumberOneHourLimit", OUTCOME_TEMPFAIL, 0, 3600 },
	{ "LimitExceeded.PhoneNumberDailyLimit", OUTCOME_TEMPFAIL, 0, 3600 },
	{ "LimitExceeded.PhoneNumberSameContentDailyLimit",
	    OUTCOME_TEMPFAIL, 0, 3600 },
	{ "RequestLimitExceeded", OUTCOME_TEMPFAIL, 0, 1 },
	/* the application's and the account's own caps */
	{ "LimitExceeded.AppDailyLimit", OUTCOME_TEMPFAIL, 1, 0 },
	{ "LimitExceeded.DailyLimit", OUTCOME_TEMPFAIL, 1, 0 },
	/* the number */
	{ "InvalidParameterValue.IncorrectPhoneNumber",
	    OUTCOME_PERMFAIL, 0, 0 },
	{ "FailedOperation.PhoneNumberInBlacklist", OUTCOME_PERMFAIL, 0, 0 },
	{ "LimitExceeded.PhoneNumberCountLimit", OUTCOME_PERMFAIL, 0, 0 },
	{ "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
	    OUTCOME_PERMFAIL, 0, 0 },
	/* balance ("Serivce" is the real spelling; the fixed one in case) */
	{ "FailedOperation.InsufficientBalanceInSmsPackage",
	    OUTCOME_TEMPFAIL, 1, 0 },
	{ "UnauthorizedOperation.SerivceSuspendDueToArrears",
	    OUTCOME_TEMPFAIL, 1, 0 },
	{ "UnauthorizedOperation.ServiceSuspendDueToArrears",
	    OUTCOME_TEMPFAIL, 1, 0 },
	/* template, signature and content */
	{ "FailedOperation.TemplateIncorrectOrUnapproved",
	    OUTCOME_PERMFAIL, 0, 0 },
	{ "FailedOperation.SignatureIncorrectOrUnapproved",
	    OUTCOME_PERMFAIL, 0, 0 },
	{ "FailedOperation.MissingTemplateList", OUTCOME_PERMFAIL, 0, 0 },
	{ "InvalidParameterValue.TemplateParameterFormatError",
	    OUTCOME_PERMFAIL, 0, 0 },
	{ "InvalidParameterValue.TemplateParameterLengthLimit",
	    OUTCOME_PERMFAIL, 0, 0 },
	{ "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter",
	    OUTCOME_PERMFAIL, 0, 0 },
	{ "FailedOperation.ContainSensitiveWord", OUTCOME_PERMFAIL, 0, 0 },
	{ "InvalidParameterValue.ContentLengthLimit", OUTCOME_PERMFAIL, 0, 0 },
	/* credentials and clock */
	{ "AuthFailure.SignatureFailure", OUTCOME_TEMPFAIL, 1, 0 },
	{ "AuthFailure.SignatureExpire", OUTCOME_TEMPFAIL, 1, 0 },
	{ "AuthFailure.SecretIdNotFound", OUTCOME_TEMPFAIL, 1, 0 },
	{ "UnauthorizedOperation.SmsSdkAppIdVerifyFail",
	    OUTCOME_TEMPFAIL, 1, 0 },
	{ "InternalError.RequestTimeException", OUTCOME_TEMPFAIL, 1, 0 },
	/* transient */
	{ "InternalError.Timeout", OUTCOME_TEMPFAIL, 0, 0 },
	{ "InternalError.SendAndRecvFail", OUTCOME_TEMPFAIL, 0, 0 },
	{ "InternalError.OtherError", OUTCOME_TEMPFAIL, 0, 0 },
};

/* Families of codes not in the table, by prefix. */
static const struct tencent_code tencent_prefixes[] = {
	{ "AuthFailure", OUTCOME_TEMPFAIL, 1, 0 },
	{ "UnauthorizedOperation", OUTCOME_TEMPFAIL, 1, 0 },
	{ "LimitExceeded", OUTCOME_TEMPFAIL, 0, 0 },
	{ "InternalError", OUTCOME_TEMPFAIL, 0, 0 },
};

/* An unknown code: retried, through the next gateway, never lost. */
static const struct tencent_code tencent_unknown = {
	NULL, OUTCOME_TEMPFAIL, 1, 0
};
/* HTTP 5xx, whatever the body says: the vendor's outage. */
static const struct tencent_code tencent_outage = {
	NULL, OUTCOME_TEMPFAIL, 1, 0
};

/* ---- TC3-HMAC-SHA256 ---- */

/* Lowercase hex of bytes into out (2 * n + 1 bytes). */
static void
hexify(const unsigned char *b, size_t n, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 0xf];
	}
	out[2 * n] = '\0';
}

/* Lowercase hex SHA-256 of data into out (65 bytes). */
static void
sha256_hex(const void *data, size_t len, char *out)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		fatalx("EVP_Digest SHA-256 failed");
	hexify(md, mdlen, out);
}

/* HMAC-SHA256 of a string; out holds 32 bytes. */
static int
hmac256(const void *key, size_t keylen, const char *msg, unsigned char *out)
{
	unsigned int	 len = 0;

	return (HMAC(EVP_sha256(), key, (int)keylen,
	    (const unsigned char *)msg, strlen(msg), out, &len) != NULL &&
	    len == 32 ? 0 : -1);
}

/* A copy of s in lowercase ASCII. */
static char *
lower(const char *s)
{
	char	*l = xstrdup(s), *p;

	for (p = l; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return (l);
}

/* The CanonicalRequest of a POST to "/" with an empty query string. */
static char *
tc3_canonical(const struct tencent_tc3 *in, const char **signedh)
{
	char	 payload[65], *ct = lower(in->content_type);
	char	*host = lower(in->host), *act = NULL, *s;

	sha256_hex(in->body != NULL ? in->body : "", in->bodylen, payload);
	if (in->action != NULL) {
		act = lower(in->action);
		*signedh = "content-type;host;x-tc-action";
		s = xasprintf("POST\n/\n\ncontent-type:%s\nhost:%s\n"
		    "x-tc-action:%s\n\n%s\n%s", ct, host, act, *signedh,
		    payload);
	} else {
		*signedh = "content-type;host";
		s = xasprintf("POST\n/\n\ncontent-type:%s\nhost:%s\n\n%s\n%s",
		    ct, host, *signedh, payload);
	}
	free(ct);
	free(host);
	free(act);
	return (s);
}

/*
 * TC3-HMAC-SHA256: the scope's date is UTC; the key chain is
 * "TC3" + key -> date -> service -> "tc3_request".
 */
int
tencent_sign(const struct tencent_tc3 *in, char **authorization,
    char hashed[65])
{
	unsigned char	 k1[32], k2[32], k3[32], sig[32];
	char		 date[16], hexsig[65], *creq, *sts, *key;
	const char	*signedh;
	time_t		 t = (time_t)in->timestamp;
	struct tm	 tm;
	int		 rv = -1;

	*authorization = NULL;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	creq = tc3_canonical(in, &signedh);
	sha256_hex(creq, strlen(creq), hashed);
	sts = xasprintf("TC3-HMAC-SHA256\n%lld\n%s/%s/tc3_request\n%s",
	    (long long)in->timestamp, date, in->service, hashed);
	key = xasprintf("TC3%s", in->secret_key);
	if (hmac256(key, strlen(key), date, k1) == -1 ||
	    hmac256(k1, sizeof(k1), in->service, k2) == -1 ||
	    hmac256(k2, sizeof(k2), "tc3_request", k3) == -1 ||
	    hmac256(k3, sizeof(k3), sts, sig) == -1)
		goto done;
	hexify(sig, sizeof(sig), hexsig);
	*authorization = xasprintf("TC3-HMAC-SHA256 Credential=%s/%s/%s/"
	    "tc3_request, SignedHeaders=%s, Signature=%s", in->secret_id, date,
	    in->service, signedh, hexsig);
	rv = 0;
done:
	explicit_bzero(key, strlen(key));
	explicit_bzero(k1, sizeof(k1));
	explicit_bzero(k2, sizeof(k2));
	explicit_bzero(k3, sizeof(k3));
	free(key);
	free(sts);
	free(creq);
	return (rv);
}

/* ---- configuration ---- */

/* A string key: 1 found, 0 absent, -1 wrong type or empty (with cause). */
static int
tencent_str(const struct gateway *gw, const config_setting_t *g,
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
static int
tencent_need(const struct gateway *gw, const config_setting_t *g,
    const char *key, char **out, char **cause)
{
	int	 r;

	if ((r = tencent_str(gw, g, key, out, cause)) == 0)
		*cause = cfg_error(g, "gateway \"%s\": missing \"%s\"",
		    gw->name, key);
	return (r == 1 ? 0 : -1);
}

/* sdk_app_id: "1400006666", or the same written as an integer. */
static int
tencent_app_id(const struct gateway *gw, const config_setting_t *g,
    char **out, char **cause)
{
	config_setting_t	*s = config_setting_get_member(g, "sdk_app_id");

	if (s != NULL && (config_setting_type(s) == CONFIG_TYPE_INT ||
	    config_setting_type(s) == CONFIG_TYPE_INT64)) {
		*out = xasprintf("%lld",
		    (long long)config_setting_get_int64(s));
		return (0);
	}
	if (tencent_need(gw, g, "sdk_app_id", out, cause) == -1)
		return (-1);
	if (strspn(*out, "0123456789") != strlen(*out)) {
		*cause = cfg_error(s, "gateway \"%s\": \"sdk_app_id\" is the "
		    "SmsSdkAppId, digits like \"1400006666\"", gw->name);
		return (-1);
	}
	return (0);
}

/* Base URL and Host: scheme://host[:port] of `endpoint`, or the vendor's. */
static int
tencent_endpoint(struct gateway *gw, struct tencent_priv *p,
    const config_setting_t *g, char **cause)
{
	const char	*ep = gw->endpoint, *auth;
	size_t		 n;

	if (ep == NULL) {
		p->base = xstrdup("https://" TENCENT_HOST);
		p->host = xstrdup(TENCENT_HOST);
		return (0);
	}
	/* cfg.c accepted only http:// (when allowed) and https:// */
	if ((auth = strstr(ep, "://")) != NULL)
		auth += 3;
	if (auth == NULL || (n = strcspn(auth, "/?#")) == 0) {
		*cause = cfg_error(g, "gateway \"%s\": the endpoint \"%s\" has "
		    "no host", gw->name, ep);
		return (-1);
	}
	p->base = xstrndup(ep, (size_t)(auth - ep) + n);
	p->host = xstrndup(auth, n);
	return (0);
}

/* The optional keys: sign_name (no 【】) and region (default ap-guangzhou). */
static int
tencent_optional(const struct gateway *gw, struct tencent_priv *p,
    const config_setting_t *g, char **cause)
{
	int	 r;

	if (tencent_str(gw, g, "sign_name", &p->sign_name, cause) == -1)
		return (-1);
	if (p->sign_name != NULL && strstr(p->sign_name, "【") != NULL) {
		*cause = cfg_error(g, "gateway \"%s\": \"sign_name\" is the "
		    "approved signature without 【】", gw->name);
		return (-1);
	}
	if ((r = tencent_str(gw, g, "region", &p->region, cause)) == -1)
		return (-1);
	if (r == 0)
		p->region = xstrdup("ap-guangzhou");
	if (strspn(p->region, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
	    strlen(p->region)) {
		*cause = cfg_error(g, "gateway \"%s\": \"region\" \"%s\" is "
		    "not a region id like ap-guangzhou", gw->name, p->region);
		return (-1);
	}
	return (0);
}

/* Parse the adapter's keys; the secret key inline or from a file. */
static int
tencent_init(struct gateway *gw, const config_setting_t *g, const char *cfgdir,
    char **cause)
{
	struct tencent_priv	*p = xcalloc(1, sizeof(*p));

	gw->priv = p;	/* tencent_free releases a half-built one */
	if (tencent_need(gw, g, "secret_id", &p->secret_id, cause) == -1)
		return (-1);
	if (cfg_secret(g, "secret_key", cfgdir, &p->secret_key, cause) == -1)
		return (-1);
	if (p->secret_key == NULL || p->secret_key[0] == '\0') {
		*cause = cfg_error(g, "gateway \"%s\": missing \"secret_key\" "
		    "(or \"secret_key_file\")", gw->name);
		return (-1);
	}
	if (tencent_app_id(gw, g, &p->app_id, cause) == -1 ||
	    tencent_optional(gw, p, g, cause) == -1)
		return (-1);
	return (tencent_endpoint(gw, p, g, cause));
}

/* Zero the credentials before freeing them. */
static void
tencent_free(struct gateway *gw)
{
	struct tencent_priv	*p = gw->priv;

	if (p == NULL)
		return;
	if (p->secret_key != NULL) {
		explicit_bzero(p->secret_key, strlen(p->secret_key));
		free(p->secret_key);
	}
	if (p->secret_id != NULL) {
		explicit_bzero(p->secret_id, strlen(p->secret_id));
		free(p->secret_id);
	}
	free(p->app_id);
	free(p->sign_name);
	free(p->region);
	free(p->base);
	free(p->host);
	free(p);
	gw->priv = NULL;
}

/* ---- the request ---- */

/*
 * TemplateParamSet: the values of the template's variables in order, as
 * the text would show them (numbers plainly, ISO dates as 6月30日, a
 * party's name masked). NULL and *cause naming a missing variable.
 */
static json_t *
tencent_params(const struct message *m, char **cause)
{
	const struct vtpl	*t = m->tpl;
	struct render_ctx	 rc;
	json_t			*vars, *a;
	char			*tmpl, *v, *why = NULL;
	size_t			 i;

	if ((vars = json_loads(m->vars, 0, NULL)) == NULL ||
	    !json_is_object(vars)) {
		*cause = xstrdup("the message's variables are not a JSON "
		    "object");
		json_decref(vars);
		return (NULL);
	}
	memset(&rc, 0, sizeof(rc));
	rc.params = vars;
	a = json_array();
	for (i = 0; i < t->n && a != NULL; i++) {
		if (json_object_get(vars, t->vars[i]) == NULL) {
			*cause = xasprintf("vendor template %s of step %s: "
			    "variable \"%s\" (TemplateParamSet[%zu]) is "
			    "missing from the step's params", t->id, m->step,
			    t->vars[i], i);
			json_decref(a);
			a = NULL;
			break;
		}
		tmpl = xasprintf("{%s}", t->vars[i]);
		if (text_render(tmpl, &rc, &v, &why) == -1) {
			*cause = xasprintf("vendor template %s of step %s: %s",
			    t->id, m->step, why);
			free(why);
			json_decref(a);
			a = NULL;
		} else {
			json_array_append_new(a, json_string(v));
			free(v);
		}
		free(tmpl);
	}
	json_decref(vars);
	return (a);
}

/* The JSON body; NULL and *cause when a variable is missing. */
static char *
tencent_body(const struct tencent_priv *p, const struct message *m,
    const char *sign, char **cause)
{
	json_t	*o, *params;
	char	*phone, *s;

	if ((params = tencent_params(m, cause)) == NULL)
		return (NULL);
	/* E.164: the numbers huigao keeps are mainland ones without +86 */
	phone = m->to[0] == '+' ? xstrdup(m->to) : xasprintf("+86%s", m->to);
	o = json_object();
	json_object_set_new(o, "PhoneNumberSet", json_pack("[s]", phone));
	json_object_set_new(o, "SmsSdkAppId", json_string(p->app_id));
	json_object_set_new(o, "SignName", json_string(sign));
	json_object_set_new(o, "TemplateId", json_string(m->tpl->id));
	json_object_set_new(o, "TemplateParamSet", params);
	json_object_set_new(o, "SessionContext", json_string(m->key));
	if ((s = json_dumps(o, JSON_COMPACT)) == NULL)
		*cause = xstrdup("cannot encode the request as JSON");
	json_decref(o);
	free(phone);
	return (s);
}

/* SendSms with the step's template; -1 and *cause make a PERMFAIL. */
static int
tencent_build(const struct gateway *gw, const struct message *m,
    struct request *req, char **cause)
{
	const struct tencent_priv	*p = gw->priv;
	struct tencent_tc3		 in;
	const char			*sign;
	char				*auth, hashed[65];

	if (m->tpl == NULL) {
		*cause = xasprintf("step %s has no vendor_templates.%s "
		    "template id", m->step, gw->name);
		return (-1);
	}
	sign = p->sign_name != NULL ? p->sign_name : m->sign;
	if (sign == NULL || *sign == '\0') {
		*cause = xasprintf("gateway \"%s\" has no sign_name and the "
		    "court has no signature", gw->name);
		return (-1);
	}
	if ((req->body = tencent_body(p, m, sign, cause)) == NULL)
		return (-1);
	req->bodylen = strlen(req->body);
	memset(&in, 0, sizeof(in));
	in.secret_id = p->secret_id;
	in.secret_key = p->secret_key;
	in.service = TENCENT_SERVICE;
	in.host = p->host;
	in.content_type = TENCENT_CTYPE;
	in.action = "SendSms";
	in.timestamp = m->now_ms / 1000;
	in.body = req->body;
	in.bodylen = req->bodylen;
	if (tencent_sign(&in, &auth, hashed) == -1) {
		*cause = xstrdup("TC3-HMAC-SHA256 signing failed");
		return (-1);
	}
	req->method = "POST";
	req->url = xasprintf("%s/", p->base);
	request_add_header(req, "Authorization: %s", auth);
	request_add_header(req, "Content-Type: %s", TENCENT_CTYPE);
	request_add_header(req, "Host: %s", p->host);
	request_add_header(req, "X-TC-Action: SendSms");
	request_add_header(req, "X-TC-Timestamp: %lld",
	    (long long)in.timestamp);
	request_add_header(req, "X-TC-Version: %s", TENCENT_VERSION);
	request_add_header(req, "X-TC-Region: %s", p->region);
	free(auth);
	return (0);
}

/* ---- the answer ---- */

/* Mask runs of 11 or more digits (phone numbers) as 138****5678. */
static void
tencent_mask_numbers(char *s)
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

/* How a code is handled: the table, then its family, else unknown. */
static const struct tencent_code *
tencent_lookup(const char *code)
{
	size_t	 i;

	for (i = 0; i < sizeof(tencent_codes) / sizeof(tencent_codes[0]); i++)
		if (strcmp(tencent_codes[i].code, code) == 0)
			return (&tencent_codes[i]);
	for (i = 0; i < sizeof(tencent_prefixes) / sizeof(tencent_prefixes[0]);
	    i++)
		if (strncmp(tencent_prefixes[i].code, code,
		    strlen(tencent_prefixes[i].code)) == 0)
			return (&tencent_prefixes[i]);
	return (&tencent_unknown);
}

/* Set the result: outcome, fault, least wait, and "prefix: code: message". */
static void
tencent_result(struct result *res, const struct tencent_code *c,
    const char *prefix, const char *code, const char *msg)
{
	char	 buf[sizeof(res->error)], *s;

	s = xasprintf("%s%s%s%s%s", prefix, code, *msg ? ": " : "", msg,
	    c == &tencent_unknown ? " (an unrecognised code)" : "");
	tencent_mask_numbers(s);
	util_strlcpy_utf8(buf, s, sizeof(buf));
	free(s);
	result_set(res, c->outcome, "%s", buf);
	res->gwfault = c->gwfault;
	if (c->retry_s > 0 && (int64_t)c->retry_s * 1000 > res->retry_after_ms)
		res->retry_after_ms = (int64_t)c->retry_s * 1000;
}

/* Not a SendSms answer: the status decides; the vendor is at fault. */
static void
tencent_no_answer(const struct response *resp, struct result *res)
{
	char	 snip[81];
	long	 c = resp->status;

	util_strlcpy_utf8(snip, resp->body != NULL ? resp->body : "",
	    sizeof(snip));
	util_sanitize(snip);
	tencent_mask_numbers(snip);
	res->gwfault = 1;
	if (c >= 200 && c < 300)
		result_set(res, OUTCOME_TEMPFAIL, "HTTP %ld with an answer "
		    "that is not SendSms JSON: %s", c, snip);
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

/* The code and message of an {"Code": ..., "Message": ...} object. */
static int
tencent_code_of(const json_t *o, const char **code, const char **msg)
{
	*code = json_string_value(json_object_get(o, "Code"));
	*msg = json_string_value(json_object_get(o, "Message"));
	if (*msg == NULL)
		*msg = "";
	return (*code != NULL ? 0 : -1);
}

/* Our one number's entry of SendStatusSet decides. */
static void
tencent_status(const json_t *st, const struct response *resp,
    struct result *res)
{
	const char	*code, *msg, *serial;

	if (!json_is_object(st) || tencent_code_of(st, &code, &msg) == -1) {
		tencent_no_answer(resp, res);
		return;
	}
	if (strcmp(code, "Ok") != 0) {
		tencent_result(res, tencent_lookup(code), "", code, msg);
		return;
	}
	result_set(res, OUTCOME_OK, "%s", "");
	serial = json_string_value(json_object_get(st, "SerialNo"));
	util_strlcpy_utf8(res->provider_id, serial ? serial : "",
	    sizeof(res->provider_id));
	util_sanitize(res->provider_id);
}

/* Classify: a request-level Error, else our number's SendStatusSet entry. */
static void
tencent_parse(const struct gateway *gw, const struct message *m,
    const struct response *resp, struct result *res)
{
	json_t		*o = NULL, *r, *err;
	const char	*code, *msg;
	char		 prefix[32];

	(void)gw;
	(void)m;
	res->http_status = resp->status;
	res->retry_after_ms = resp->retry_after_ms;
	res->gwfault = 0;
	if (resp->body != NULL)
		o = json_loadb(resp->body, resp->bodylen, 0, NULL);
	r = json_object_get(o, "Response");
	err = json_object_get(r, "Error");
	if (err != NULL && tencent_code_of(err, &code, &msg) == 0) {
		snprintf(prefix, sizeof(prefix), "HTTP %ld: ", resp->status);
		if (resp->status >= 500)
			tencent_result(res, &tencent_outage, prefix, code, msg);
		else
			tencent_result(res, tencent_lookup(code), "", code,
			    msg);
	} else if (resp->status < 200 || resp->status >= 300)
		tencent_no_answer(resp, res);
	else
		tencent_status(json_array_get(json_object_get(r,
		    "SendStatusSet"), 0), resp, res);
	json_decref(o);
}

const struct adapter adapter_tencent = {
	.name = "tencent",
	.keys = tencent_keys,
	.templated = 1,
	.init = tencent_init,
	.build = tencent_build,
	.parse = tencent_parse,
	.free = tencent_free,
};
