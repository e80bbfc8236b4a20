/*
 * aliyun.c - Alibaba Cloud SMS: SendSms of dysmsapi, API 2017-05-25
 * (reference/gateways.md §1).
 *
 * Two signatures, chosen by `signature_version`:
 *   3 (default)  ACS3-HMAC-SHA256: POST /?<business parameters> with an
 *                empty body, the x-acs-* headers and an Authorization
 *                header, as the official SDK sends it;
 *   1            the older RPC HMAC-SHA1 signature: POST / with every
 *                parameter, Signature last, in a form-encoded body (so the
 *                phone number stays out of the URL).
 * The business parameters are PhoneNumbers, SignName (`sign_name`, else the
 * court's signature), TemplateCode (the step's vendor template id),
 * TemplateParam (a JSON object: each template key with the value of its
 * huigao variable) and OutId (the notification's stable key, echoed back in
 * receipts; Alibaba has no idempotency of its own).
 *
 * Everything time-dependent comes from the message: the timestamp from
 * now_ms, the nonce from key, attempt and now_ms. A request is therefore
 * reproducible byte for byte (tests/golden/aliyun-*), and a retry carries a
 * new nonce.
 *
 * Percent-encoding (adapter_percent_encode) is RFC 3986 as Alibaba
 * specifies it (A-Z a-z 0-9 - _ . ~ kept, uppercase hex, space %20, '*'
 * %2A). Not curl_easy_escape(): it keeps '~' only since libcurl 7.21.2
 * (2010; older versions give %7E), needs a CURL handle, and adapters do
 * not see libcurl.
 *
 * Answers: success is HTTP 2xx with Code "OK" (BizId is the provider id).
 * Other codes are classified by aliyun_codes below; an HTTP 5xx or a 2xx
 * body without a Code is the vendor's outage. See aliyun_parse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "adapter.h"

#define ALIYUN_HOST	"dysmsapi.aliyuncs.com"
#define ALIYUN_VERSION	"2017-05-25"
#define ALIYUN_EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct aliyun_priv {
	char	*key_id;
	char	*secret;
	char	*sign_name;	/* NULL: the court's signature */
	char	*region;
	int	 version;	/* 3 (ACS3-HMAC-SHA256) or 1 (HMAC-SHA1) */
	char	*base;		/* "https://dysmsapi.aliyuncs.com" */
	char	*host;		/* "dysmsapi.aliyuncs.com" */
};

static const char *const aliyun_keys[] = { "access_key_id",
    "access_key_secret", "access_key_secret_file", "sign_name", "region",
    "signature_version", NULL };

/*
 * The codes of gateways.md §1.7 (help.aliyun.com/document_detail/101346).
 * Per-number flow control waits on the same gateway; an account's day or
 * month cap, the balance and the credentials are the gateway's fault, so
 * the next attempt goes to the next gateway of the route.
 */
static const struct adapter_code aliyun_codes[] = {
	/* flow control and system errors: retry later */
	{ "isv.BUSINESS_LIMIT_CONTROL", OUTCOME_TEMPFAIL, 0, 60 },
	{ "Throttling.User", OUTCOME_TEMPFAIL, 0, 1 },
	{ "isp.SYSTEM_ERROR", OUTCOME_TEMPFAIL, 0, 0 },
	/* the account's own caps: this gateway is done for now */
	{ "isv.DAY_LIMIT_CONTROL", OUTCOME_TEMPFAIL, 1, 0 },
	{ "isv.MONTH_LIMIT_CONTROL", OUTCOME_TEMPFAIL, 1, 0 },
	/* the number */
	{ "isv.MOBILE_NUMBER_ILLEGAL", OUTCOME_PERMFAIL, 0, 0 },
	{ "isv.MOBILE_COUNT_OVER_LIMIT", OUTCOME_PERMFAIL, 0, 0 },
	{ "isv.DOMESTIC_NUMBER_NOT_SUPPORTED", OUTCOME_PERMFAIL, 0, 0 },
	/* balance */
	{ "isv.AMOUNT_NOT_ENOUGH", OUTCOME_TEMPFAIL, 1, 0 },
	{ "isv.OUT_OF_SERVICE", OUTCOME_TEMPFAIL, 1, 0 },
	/* template and signature */
	{ "isv.SMS_TEMPLATE_ILLEGAL", OUTCOME_PERMFAIL, 0, 0 },
	{ "isv.SMS_SIGNATURE_ILLEGAL", OUTCOME_PERMFAIL, 0, 0 },
	{ "isv.SMS_SIGN_ILLEGAL", OUTCOME_PERMFAIL, 0, 0 },
	{ "isv.SIGN_STATE_ILLEGAL", OUTCOME_PERMFAIL, 0, 0 },
	{ "isv.SMS_SIGNATURE_SCENE_ILLEGAL", OUTCOME_PERMFAIL, 0, 0 },
	{ "isv.TEMPLATE_MISSING_PARAMETERS", OUTCOME_PERMFAIL, 0, 0 },
	{ "isv.INVALID_JSON_PARAM", OUTCOME_PERMFAIL, 0, 0 },
	{ "isv.PARAM_LENGTH_LIMIT", OUTCOME_PERMFAIL, 0, 0 },
	{ "isv.PARAM_NOT_SUPPORT_URL", OUTCOME_PERMFAIL, 0, 0 },
	/* content */
	{ "isv.SMS_CONTENT_ILLEGAL", OUTCOME_PERMFAIL, 0, 0 },
	{ "isv.BLACK_KEY_CONTROL_LIMIT", OUTCOME_PERMFAIL, 0, 0 },
	/* credentials, clock and account */
	{ "SignatureDoesNotMatch", OUTCOME_TEMPFAIL, 1, 0 },
	{ "InvalidTimeStamp.Expired", OUTCOME_TEMPFAIL, 1, 0 },
	{ "SignatureNonceUsed", OUTCOME_TEMPFAIL, 1, 0 },
	{ "InvalidAccessKeyId.NotFound", OUTCOME_TEMPFAIL, 1, 0 },
	{ "isp.RAM_PERMISSION_DENY", OUTCOME_TEMPFAIL, 1, 0 },
	{ "isv.ACCOUNT_NOT_EXISTS", OUTCOME_TEMPFAIL, 1, 0 },
	{ "isv.ACCOUNT_ABNORMAL", OUTCOME_TEMPFAIL, 1, 0 },
	{ "isv.PRODUCT_UN_SUBSCRIPT", OUTCOME_TEMPFAIL, 1, 0 },
	{ "isv.DENY_IP_RANGE", OUTCOME_TEMPFAIL, 1, 0 },
};

/* Families of codes not in the table, by prefix. */
static const struct adapter_code aliyun_prefixes[] = {
	{ "InvalidAccessKeyId", OUTCOME_TEMPFAIL, 1, 0 },
	{ "Signature", OUTCOME_TEMPFAIL, 1, 0 },
	{ "InvalidTimeStamp", OUTCOME_TEMPFAIL, 1, 0 },
	{ "Forbidden", OUTCOME_TEMPFAIL, 1, 0 },
	{ "Throttling", OUTCOME_TEMPFAIL, 0, 1 },
	{ "isp.", OUTCOME_TEMPFAIL, 0, 0 },
};

/* Else adapter_code_unknown; HTTP 5xx is adapter_code_outage. */
static const struct adapter_codes aliyun_table = {
	.exact = aliyun_codes,
	.nexact = sizeof(aliyun_codes) / sizeof(aliyun_codes[0]),
	.prefix = aliyun_prefixes,
	.nprefix = sizeof(aliyun_prefixes) / sizeof(aliyun_prefixes[0]),
};

/* ---- encoding, hashing, signing (pure; exported in adapter.h) ---- */

/* RFC 3986 percent-encoding, as Alibaba specifies it. */
char *
aliyun_percent_encode(const char *s)
{
	return (adapter_percent_encode(s));
}

struct enc_pair {
	char	*k;
	char	*v;
};

static int
enc_pair_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct enc_pair *)a)->k,
	    ((const struct enc_pair *)b)->k));
}

/* Encoded pairs sorted by encoded name (byte order), joined with '&'. */
char *
aliyun_canonical_query(const struct aliyun_param *p, size_t n)
{
	struct enc_pair	*e = xcalloc(n + 1, sizeof(*e));
	char		*out = NULL;
	size_t		 i, len = 0;
	FILE		*f;

	for (i = 0; i < n; i++) {
		e[i].k = aliyun_percent_encode(p[i].name);
		e[i].v = aliyun_percent_encode(p[i].value);
	}
	qsort(e, n, sizeof(*e), enc_pair_cmp);
	if ((f = open_memstream(&out, &len)) == NULL)
		fatal("open_memstream");
	for (i = 0; i < n; i++) {
		fprintf(f, "%s%s=%s", i > 0 ? "&" : "", e[i].k, e[i].v);
		free(e[i].k);
		free(e[i].v);
	}
	fclose(f);
	free(e);
	return (out);
}

/* RPC V2: METHOD&%2F&percentEncode(CanonicalizedQueryString). */
char *
aliyun_v2_string_to_sign(const char *method, const struct aliyun_param *p,
    size_t n)
{
	char	*q = aliyun_canonical_query(p, n);
	char	*eq = aliyun_percent_encode(q);
	char	*s = xasprintf("%s&%%2F&%s", method, eq);

	free(q);
	free(eq);
	return (s);
}

/* RPC V2: base64(HMAC-SHA1(secret + "&", StringToSign)). */
int
aliyun_sign_v2(const char *secret, const char *method,
    const struct aliyun_param *p, size_t n, char *out, size_t outlen)
{
	unsigned char	 mac[20];
	char		*key = xasprintf("%s&", secret);
	char		*sts = aliyun_v2_string_to_sign(method, p, n);
	int		 rv = -1;

	if (outlen < 29)
		goto done;
	if (adapter_hmac_sha1(key, strlen(key), sts, strlen(sts), mac) == -1)
		goto done;
	adapter_base64(mac, sizeof(mac), out);
	rv = 0;
done:
	adapter_secret_free(key);
	free(sts);
	return (rv);
}

struct lc_header {
	char		*name;		/* lowercased */
	const char	*value;
	size_t		 len;		/* of the trimmed value */
};

static int
lc_header_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct lc_header *)a)->name,
	    ((const struct lc_header *)b)->name));
}

/* CanonicalHeaders and SignedHeaders of ACS3: lowercase, trimmed, sorted. */
static void
v3_headers(const struct aliyun_param *h, size_t n, FILE *canon, char **signedh)
{
	struct lc_header	*l = xcalloc(n + 1, sizeof(*l));
	char			*p;
	size_t			 i, len = 0;
	FILE			*sf;

	for (i = 0; i < n; i++) {
		l[i].name = xstrdup(h[i].name);
		for (p = l[i].name; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		l[i].value = h[i].value + strspn(h[i].value, " \t");
		l[i].len = strlen(l[i].value);
		while (l[i].len > 0 && (l[i].value[l[i].len - 1] == ' ' ||
		    l[i].value[l[i].len - 1] == '\t'))
			l[i].len--;
	}
	qsort(l, n, sizeof(*l), lc_header_cmp);
	if ((sf = open_memstream(signedh, &len)) == NULL)
		fatal("open_memstream");
	for (i = 0; i < n; i++) {
		fprintf(canon, "%s:%.*s\n", l[i].name, (int)l[i].len,
		    l[i].value);
		fprintf(sf, "%s%s", i > 0 ? ";" : "", l[i].name);
		free(l[i].name);
	}
	fclose(sf);
	free(l);
}

/* ACS3-HMAC-SHA256 over CanonicalRequest; CanonicalURI is "/" (RPC style). */
int
aliyun_sign_v3(const struct aliyun_v3 *in, char **authorization,
    char hashed[65])
{
	unsigned char	 mac[32];
	char		*creq = NULL, *query, *signedh = NULL, *sts;
	char		 payload[65], sig[2 * sizeof(mac) + 1];
	size_t		 clen = 0;
	FILE		*f;

	*authorization = NULL;
	query = aliyun_canonical_query(in->query, in->nquery);
	adapter_sha256_hex(in->body != NULL ? in->body : "", in->bodylen,
	    payload);
	if ((f = open_memstream(&creq, &clen)) == NULL)
		fatal("open_memstream");
	fprintf(f, "%s\n/\n%s\n", in->method, query);
	v3_headers(in->headers, in->nheaders, f, &signedh);
	fprintf(f, "\n%s\n%s", signedh, payload);
	fclose(f);
	adapter_sha256_hex(creq, clen, hashed);
	sts = xasprintf("ACS3-HMAC-SHA256\n%s", hashed);
	if (adapter_hmac_sha256(in->secret, strlen(in->secret), sts,
	    strlen(sts), mac) == 0) {
		adapter_hex(mac, sizeof(mac), sig);
		*authorization = xasprintf("ACS3-HMAC-SHA256 Credential=%s,"
		    "SignedHeaders=%s,Signature=%s", in->key_id, signedh, sig);
	}
	free(sts);
	free(creq);
	free(query);
	free(signedh);
	return (*authorization != NULL ? 0 : -1);
}

/* ---- configuration ---- */

/* signature_version: 3 (default) or 1. */
static int
aliyun_version(const struct gateway *gw, const config_setting_t *g, int *out,
    char **cause)
{
	config_setting_t	*s = config_setting_get_member(g,
	    "signature_version");

	*out = 3;
	if (s == NULL)
		return (0);
	if (config_setting_type(s) == CONFIG_TYPE_INT)
		*out = config_setting_get_int(s);
	if ((config_setting_type(s) != CONFIG_TYPE_INT) ||
	    (*out != 1 && *out != 3)) {
		*cause = cfg_error(s, "gateway \"%s\": \"signature_version\" "
		    "must be 3 (ACS3-HMAC-SHA256) or 1 (the older RPC "
		    "HMAC-SHA1 signature)", gw->name);
		return (-1);
	}
	return (0);
}

/* Parse the adapter's keys; the secret inline or from a file. */
static int
aliyun_init(struct gateway *gw, const config_setting_t *g, const char *cfgdir,
    char **cause)
{
	struct aliyun_priv	*p = xcalloc(1, sizeof(*p));

	gw->priv = p;	/* aliyun_free releases a half-built one */
	if (adapter_cfg_need(gw, g, "access_key_id", &p->key_id, cause) == -1 ||
	    adapter_cfg_secret(gw, g, "access_key_secret", cfgdir, &p->secret,
	    cause) == -1 ||
	    adapter_cfg_sign_name(gw, g, &p->sign_name, cause) == -1 ||
	    adapter_cfg_region(gw, g, "cn-hangzhou", &p->region, cause) == -1 ||
	    aliyun_version(gw, g, &p->version, cause) == -1)
		return (-1);
	return (adapter_endpoint(gw, g, ALIYUN_HOST, &p->base, &p->host,
	    cause));
}

/* Zero the credentials before freeing them. */
static void
aliyun_free(struct gateway *gw)
{
	struct aliyun_priv	*p = gw->priv;

	if (p == NULL)
		return;
	adapter_secret_free(p->secret);
	adapter_secret_free(p->key_id);
	free(p->sign_name);
	free(p->region);
	free(p->base);
	free(p->host);
	free(p);
	gw->priv = NULL;
}

/* ---- the request ---- */

/* "2017-07-12T02:42:19Z" for ms since the epoch. */
static void
aliyun_time(int64_t ms, char *buf, size_t len)
{
	time_t		 t = (time_t)(ms / 1000);
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A nonce unique per attempt, derived (not random) so goldens are stable. */
static void
aliyun_nonce(const struct message *m, char out[33])
{
	char	*seed, hex[65];

	seed = xasprintf("aliyun/%s/%d/%lld", m->key, m->attempt,
	    (long long)m->now_ms);
	adapter_sha256_hex(seed, strlen(seed), hex);
	free(seed);
	memcpy(out, hex, 32);
	out[32] = '\0';
}

/*
 * TemplateParam: {"key": "value", ...} from the message's variables, each
 * value written as the text would show it (numbers plainly, ISO dates as
 * 6月30日, a party's name masked). -1 and *cause naming a missing variable.
 */
static char *
aliyun_template_param(const struct message *m, char **cause)
{
	const struct vtpl	*t = m->tpl;
	struct render_ctx	 rc;
	json_t			*vars, *o;
	char			*v, *why = NULL, *s = NULL;
	size_t			 i;
	int			 r;

	if ((vars = adapter_vars(m->vars, &rc, cause)) == NULL)
		return (NULL);
	o = json_object();
	for (i = 0; i < t->n; i++) {
		if ((r = adapter_render_var(&rc, t->vars[i], &v, &why)) == 1) {
			*cause = xasprintf("vendor template %s of step %s: "
			    "variable \"%s\" (TemplateParam \"%s\") is missing "
			    "from the step's params", t->id, m->step,
			    t->vars[i], t->keys[i]);
			goto done;
		}
		if (r == -1) {
			*cause = xasprintf("vendor template %s of step %s: %s",
			    t->id, m->step, why);
			free(why);
			goto done;
		}
		json_object_set_new(o, t->keys[i], json_string(v));
		free(v);
	}
	if ((s = json_dumps(o, JSON_COMPACT)) == NULL)
		*cause = xstrdup("cannot encode TemplateParam as JSON");
done:
	json_decref(o);
	json_decref(vars);
	return (s);
}

/* ACS3: the business parameters in the query, signed headers, no body. */
static int
aliyun_build_v3(const struct aliyun_priv *p, const struct message *m,
    const struct aliyun_param *q, size_t nq, struct request *req,
    char **cause)
{
	char			 date[32], nonce[33], hashed[65], *auth, *query;
	const struct aliyun_param h[] = {
		{ "host", p->host },
		{ "x-acs-action", "SendSms" },
		{ "x-acs-version", ALIYUN_VERSION },
		{ "x-acs-date", date },
		{ "x-acs-signature-nonce", nonce },
		{ "x-acs-content-sha256", ALIYUN_EMPTY_SHA256 },
	};
	struct aliyun_v3	 in = { .key_id = p->key_id,
	    .secret = p->secret, .method = "POST", .query = q, .nquery = nq,
	    .headers = h, .nheaders = sizeof(h) / sizeof(h[0]), .body = "",
	    .bodylen = 0 };
	size_t			 i;

	aliyun_time(m->now_ms, date, sizeof(date));
	aliyun_nonce(m, nonce);
	if (aliyun_sign_v3(&in, &auth, hashed) == -1) {
		*cause = xstrdup("ACS3-HMAC-SHA256 signing failed");
		return (-1);
	}
	query = aliyun_canonical_query(q, nq);
	req->url = xasprintf("%s/?%s", p->base, query);
	free(query);
	req->body = xstrdup("");
	req->bodylen = 0;
	request_add_header(req, "Host: %s", p->host);
	for (i = 1; i < sizeof(h) / sizeof(h[0]); i++)
		request_add_header(req, "%s: %s", h[i].name, h[i].value);
	request_add_header(req, "Authorization: %s", auth);
	/* libcurl adds a form Content-Type to a POST; send none, as the SDK */
	request_add_header(req, "Content-Type:");
	free(auth);
	return (0);
}

/* RPC HMAC-SHA1: every parameter and the Signature in a form body. */
static int
aliyun_build_v2(const struct aliyun_priv *p, const struct message *m,
    const struct aliyun_param *q, size_t nq, struct request *req,
    char **cause)
{
	struct aliyun_param	 all[16];
	char			 date[32], nonce[33], sig[64], *query, *esig;
	size_t			 n = 0, i;
	const struct aliyun_param common[] = {
		{ "AccessKeyId", p->key_id },
		{ "Action", "SendSms" },
		{ "Format", "JSON" },
		{ "RegionId", p->region },
		{ "SignatureMethod", "HMAC-SHA1" },
		{ "SignatureNonce", nonce },
		{ "SignatureVersion", "1.0" },
		{ "Timestamp", date },
		{ "Version", ALIYUN_VERSION },
	};

	aliyun_time(m->now_ms, date, sizeof(date));
	aliyun_nonce(m, nonce);
	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		all[n++] = common[i];
	for (i = 0; i < nq && n < sizeof(all) / sizeof(all[0]); i++)
		all[n++] = q[i];
	if (aliyun_sign_v2(p->secret, "POST", all, n, sig, sizeof(sig)) == -1) {
		*cause = xstrdup("HMAC-SHA1 signing failed");
		return (-1);
	}
	query = aliyun_canonical_query(all, n);
	esig = aliyun_percent_encode(sig);
	req->url = xasprintf("%s/", p->base);
	req->body = xasprintf("%s&Signature=%s", query, esig);
	req->bodylen = strlen(req->body);
	request_add_header(req, "Content-Type: "
	    "application/x-www-form-urlencoded");
	free(query);
	free(esig);
	return (0);
}

/* SendSms with the step's template; -1 and *cause make a PERMFAIL. */
static int
aliyun_build(const struct gateway *gw, const struct message *m,
    struct request *req, char **cause)
{
	const struct aliyun_priv	*p = gw->priv;
	const char			*sign;
	char				*param = NULL;
	struct aliyun_param		 q[5];
	size_t				 n = 0;
	int				 rv;

	if (adapter_need_template(gw, m, cause) == -1 ||
	    (sign = adapter_sms_sign(gw, m, p->sign_name, cause)) == NULL)
		return (-1);
	if (m->tpl->n > 0 && (param = aliyun_template_param(m, cause)) == NULL)
		return (-1);
	q[n++] = (struct aliyun_param){ "PhoneNumbers", m->to };
	q[n++] = (struct aliyun_param){ "SignName", sign };
	q[n++] = (struct aliyun_param){ "TemplateCode", m->tpl->id };
	if (param != NULL)
		q[n++] = (struct aliyun_param){ "TemplateParam", param };
	q[n++] = (struct aliyun_param){ "OutId", m->key };
	req->method = "POST";
	if (p->version == 1)
		rv = aliyun_build_v2(p, m, q, n, req, cause);
	else
		rv = aliyun_build_v3(p, m, q, n, req, cause);
	free(param);
	return (rv);
}

/* ---- the answer ---- */

/* Per-number flow control names its window: 分钟级, 小时级 or 天级. */
static int
aliyun_flow_wait(const char *code, const char *msg, int def)
{
	if (strcmp(code, "isv.BUSINESS_LIMIT_CONTROL") != 0)
		return (def);
	if (strstr(msg, "小时级") != NULL || strstr(msg, "天级") != NULL)
		return (3600);
	return (def);
}

/* Classify an answer: 5xx outage, "OK" success, else the code decides. */
static void
aliyun_parse(const struct gateway *gw, const struct message *m,
    const struct response *resp, struct result *res)
{
	const struct adapter_code	*ac;
	json_t				*o;
	const char			*code, *msg;
	char				 prefix[32] = "";
	long				 c = resp->status;

	(void)gw;
	(void)m;
	res->http_status = c;
	res->retry_after_ms = resp->retry_after_ms;
	res->gwfault = 0;
	o = adapter_json_answer(resp);
	if (!json_is_object(o) || adapter_code_of(o, &code, &msg) == -1) {
		/* an answer without a Code: the vendor is at fault */
		adapter_no_answer(resp, res, "SendSms JSON", 1);
		json_decref(o);
		return;
	}
	if (strcmp(code, "OK") == 0 && c >= 200 && c < 300) {
		result_set(res, OUTCOME_OK, "%s", "");
		adapter_provider_id(res,
		    json_string_value(json_object_get(o, "BizId")));
	} else if (c >= 500) {
		snprintf(prefix, sizeof(prefix), "HTTP %ld: ", c);
		adapter_code_result(res, &adapter_code_outage, prefix, code,
		    msg, 0);
	} else {
		ac = adapter_code_find(&aliyun_table, code);
		adapter_code_result(res, ac, "", code, msg,
		    aliyun_flow_wait(code, msg, ac->retry_s));
	}
	json_decref(o);
}

const struct adapter adapter_aliyun = {
	.name = "aliyun",
	.keys = aliyun_keys,
	.templated = 1,
	.init = aliyun_init,
	.build = aliyun_build,
	.parse = aliyun_parse,
	.free = aliyun_free,
};
