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

/*
 * The codes of gateways.md §2.5 (tencentcloud-sdk-go
 * tencentcloud/sms/v20210111/errors.go). Per-number limits wait on the same
 * gateway; an application's or account's daily cap, the balance and the
 * credentials are the gateway's fault: the next attempt fails over.
 */
static const struct adapter_code tencent_codes[] = {
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
static const struct adapter_code tencent_prefixes[] = {
	{ "AuthFailure", OUTCOME_TEMPFAIL, 1, 0 },
	{ "UnauthorizedOperation", OUTCOME_TEMPFAIL, 1, 0 },
	{ "LimitExceeded", OUTCOME_TEMPFAIL, 0, 0 },
	{ "InternalError", OUTCOME_TEMPFAIL, 0, 0 },
};

/* Else adapter_code_unknown; HTTP 5xx is adapter_code_outage. */
static const struct adapter_codes tencent_table = {
	.exact = tencent_codes,
	.nexact = sizeof(tencent_codes) / sizeof(tencent_codes[0]),
	.prefix = tencent_prefixes,
	.nprefix = sizeof(tencent_prefixes) / sizeof(tencent_prefixes[0]),
};

/* ---- TC3-HMAC-SHA256 ---- */

/* HMAC-SHA256 of a string; out holds 32 bytes. */
static int
hmac256(const void *key, size_t keylen, const char *msg, unsigned char *out)
{
	return (adapter_hmac_sha256(key, keylen, msg, strlen(msg), out));
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

	adapter_sha256_hex(in->body != NULL ? in->body : "", in->bodylen,
	    payload);
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
	adapter_sha256_hex(creq, strlen(creq), hashed);
	sts = xasprintf("TC3-HMAC-SHA256\n%lld\n%s/%s/tc3_request\n%s",
	    (long long)in->timestamp, date, in->service, hashed);
	key = xasprintf("TC3%s", in->secret_key);
	if (hmac256(key, strlen(key), date, k1) == -1 ||
	    hmac256(k1, sizeof(k1), in->service, k2) == -1 ||
	    hmac256(k2, sizeof(k2), "tc3_request", k3) == -1 ||
	    hmac256(k3, sizeof(k3), sts, sig) == -1)
		goto done;
	adapter_hex(sig, sizeof(sig), hexsig);
	*authorization = xasprintf("TC3-HMAC-SHA256 Credential=%s/%s/%s/"
	    "tc3_request, SignedHeaders=%s, Signature=%s", in->secret_id, date,
	    in->service, signedh, hexsig);
	rv = 0;
done:
	adapter_secret_free(key);
	explicit_bzero(k1, sizeof(k1));
	explicit_bzero(k2, sizeof(k2));
	explicit_bzero(k3, sizeof(k3));
	free(sts);
	free(creq);
	return (rv);
}

/* ---- configuration ---- */

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
	if (adapter_cfg_need(gw, g, "sdk_app_id", out, cause) == -1)
		return (-1);
	if (strspn(*out, "0123456789") != strlen(*out)) {
		*cause = cfg_error(s, "gateway \"%s\": \"sdk_app_id\" is the "
		    "SmsSdkAppId, digits like \"1400006666\"", gw->name);
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
	if (adapter_cfg_need(gw, g, "secret_id", &p->secret_id, cause) == -1 ||
	    adapter_cfg_secret(gw, g, "secret_key", cfgdir, &p->secret_key,
	    cause) == -1 ||
	    tencent_app_id(gw, g, &p->app_id, cause) == -1 ||
	    adapter_cfg_sign_name(gw, g, &p->sign_name, cause) == -1 ||
	    adapter_cfg_region(gw, g, "ap-guangzhou", &p->region, cause) == -1)
		return (-1);
	return (adapter_endpoint(gw, g, TENCENT_HOST, &p->base, &p->host,
	    cause));
}

/* Zero the credentials before freeing them. */
static void
tencent_free(struct gateway *gw)
{
	struct tencent_priv	*p = gw->priv;

	if (p == NULL)
		return;
	adapter_secret_free(p->secret_key);
	adapter_secret_free(p->secret_id);
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
	char			*v, *why = NULL;
	size_t			 i;
	int			 r;

	if ((vars = adapter_vars(m->vars, &rc, cause)) == NULL)
		return (NULL);
	a = json_array();
	for (i = 0; i < t->n && a != NULL; i++) {
		if ((r = adapter_render_var(&rc, t->vars[i], &v, &why)) == 1) {
			*cause = xasprintf("vendor template %s of step %s: "
			    "variable \"%s\" (TemplateParamSet[%zu]) is "
			    "missing from the step's params", t->id, m->step,
			    t->vars[i], i);
			json_decref(a);
			a = NULL;
		} else if (r == -1) {
			*cause = xasprintf("vendor template %s of step %s: %s",
			    t->id, m->step, why);
			free(why);
			json_decref(a);
			a = NULL;
		} else {
			json_array_append_new(a, json_string(v));
			free(v);
		}
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
	if ((s = adapter_json_text(o)) == NULL)
		*cause = xstrdup("cannot encode the request as JSON");
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

	if (adapter_need_template(gw, m, cause) == -1 ||
	    (sign = adapter_sms_sign(gw, m, p->sign_name, cause)) == NULL)
		return (-1);
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

/* The result of a code: outcome, fault, least wait, "prefix code: message". */
static void
tencent_result(struct result *res, const struct adapter_code *c,
    const char *prefix, const char *code, const char *msg)
{
	adapter_code_result(res, c, prefix, code, msg, c->retry_s);
}

/* Our one number's entry of SendStatusSet decides. */
static void
tencent_status(const json_t *st, const struct response *resp,
    struct result *res)
{
	const char	*code, *msg;

	if (!json_is_object(st) || adapter_code_of(st, &code, &msg) == -1) {
		adapter_no_answer(resp, res, "SendSms JSON", 1);
		return;
	}
	if (strcmp(code, "Ok") != 0) {
		tencent_result(res, adapter_code_find(&tencent_table, code), "",
		    code, msg);
		return;
	}
	result_set(res, OUTCOME_OK, "%s", "");
	adapter_provider_id(res,
	    json_string_value(json_object_get(st, "SerialNo")));
}

/* Classify: a request-level Error, else our number's SendStatusSet entry. */
static void
tencent_parse(const struct gateway *gw, const struct message *m,
    const struct response *resp, struct result *res)
{
	json_t		*o, *r, *err;
	const char	*code, *msg;
	char		 prefix[32];

	(void)gw;
	(void)m;
	res->http_status = resp->status;
	res->retry_after_ms = resp->retry_after_ms;
	res->gwfault = 0;
	o = adapter_json_answer(resp);
	r = json_object_get(o, "Response");
	err = json_object_get(r, "Error");
	if (err != NULL && adapter_code_of(err, &code, &msg) == 0) {
		snprintf(prefix, sizeof(prefix), "HTTP %ld: ", resp->status);
		if (resp->status >= 500)
			tencent_result(res, &adapter_code_outage, prefix, code,
			    msg);
		else
			tencent_result(res, adapter_code_find(&tencent_table,
			    code), "", code, msg);
	} else if (resp->status < 200 || resp->status >= 300)
		adapter_no_answer(resp, res, "SendSms JSON", 1);
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
