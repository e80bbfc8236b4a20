/*
 * twilio.c - Twilio Programmable Messaging (reference/gateways.md 3).
 *
 * POST {endpoint, default https://api.twilio.com}/2010-04-01/Accounts/
 * {account_sid}/Messages.json with HTTP basic auth (account_sid:auth_token)
 * and the form fields To (E.164: "+86" before a mainland number), From or
 * MessagingServiceSid, Body (the text, 【signature】 first) and, when the
 * status server has a public callback_url, StatusCallback =
 * callback_url/v1/receipts/twilio?key=<stable key>.
 *
 * Twilio segments the text itself (GSM-7 or UCS-2, never splitting a
 * character); a text that takes more parts than the gateway's max_parts is
 * refused here, with the counts, before anything is sent.
 *
 * Answers (3.2): 201 with a Message resource (its sid is the provider id)
 * is OK. The number's own problems (21211 invalid, 21612 unroutable, 21614
 * not SMS-capable, 21610 opted out, 21617 too long, 30003/30005/30006/30007)
 * are permanent. Problems of the account, which any message would hit and
 * another gateway may not (20003 authentication, 10001 account suspended,
 * 21606 sender not SMS-capable, 21408 region not enabled in the Geo
 * permissions, 21608 trial account), and flow control and outages (429,
 * 20429, 5xx) are temporary and the gateway's fault, so the core fails over.
 * Twilio offers no idempotency key for message creation (3.5).
 *
 * twilio_signature() computes X-Twilio-Signature (3.4); receipt_auth
 * checks it on a StatusCallback with the gateway's auth_token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "adapter.h"

#define TWILIO_API		"https://api.twilio.com"
#define TWILIO_MAX_UNITS	1600	/* Twilio refuses longer bodies */

struct twilio_priv {
	char	*sid;		/* account_sid */
	char	*token;		/* auth_token */
	char	*auth;		/* "Basic base64(sid:token)" */
	char	*from;		/* or NULL */
	char	*service;	/* messaging_service_sid, or NULL */
};

static const char *const twilio_keys[] = { "account_sid", "auth_token",
    "auth_token_file", "from", "messaging_service_sid", NULL };

/* What an error code means for the message (gateways.md 3.2). */
struct twilio_code {
	long		 code;
	enum outcome	 outcome;
	int		 gwfault;
	const char	*why;
};

static const struct twilio_code twilio_codes[] = {
	{ 10001, OUTCOME_TEMPFAIL, 1, "the account is not active (suspended "
	    "or out of funds)" },
	{ 20003, OUTCOME_TEMPFAIL, 1, "authentication failed; check "
	    "account_sid and auth_token" },
	{ 20429, OUTCOME_TEMPFAIL, 1, "too many requests" },
	{ 21211, OUTCOME_PERMFAIL, 0, "invalid 'To' number" },
	{ 21408, OUTCOME_TEMPFAIL, 1, "the account may not send to this "
	    "region; enable it in the Geo permissions" },
	{ 21606, OUTCOME_TEMPFAIL, 1, "the 'From' number cannot send SMS to "
	    "this destination" },
	{ 21608, OUTCOME_TEMPFAIL, 1, "a trial account may only send to "
	    "verified numbers" },
	{ 21610, OUTCOME_PERMFAIL, 0, "the recipient has opted out (STOP)" },
	{ 21612, OUTCOME_PERMFAIL, 0, "Twilio cannot route to this number" },
	{ 21614, OUTCOME_PERMFAIL, 0, "the 'To' number cannot receive SMS" },
	{ 21617, OUTCOME_PERMFAIL, 0, "the body is too long" },
	{ 30003, OUTCOME_PERMFAIL, 0, "the handset is unreachable" },
	{ 30005, OUTCOME_PERMFAIL, 0, "unknown or inactive number" },
	{ 30006, OUTCOME_PERMFAIL, 0, "a landline or unreachable carrier" },
	{ 30007, OUTCOME_PERMFAIL, 0, "filtered by the carrier" },
};

/* ---- X-Twilio-Signature ---- */

/* By name, then by value, as the SDKs sort (byte order is code point order). */
static int
twilio_param_cmp(const void *a, const void *b)
{
	const struct twilio_param	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return (c);
	return (strcmp(x->value, y->value));
}

int
twilio_signature(const char *auth_token, const char *url,
    const struct twilio_param *params, size_t nparams, char *out,
    size_t outlen)
{
	struct twilio_param	*sorted = NULL;
	unsigned char		 mac[20];
	char			*data = NULL;
	size_t			 datalen = 0, i;
	FILE			*f;
	int			 rv = -1;

	if (outlen < 29 || (f = open_memstream(&data, &datalen)) == NULL)
		return (-1);
	fputs(url, f);
	if (nparams > 0) {
		sorted = xreallocarray(NULL, nparams, sizeof(*sorted));
		memcpy(sorted, params, nparams * sizeof(*sorted));
		qsort(sorted, nparams, sizeof(*sorted), twilio_param_cmp);
	}
	/* the SDKs sign each distinct (name, value) pair once */
	for (i = 0; i < nparams; i++) {
		if (i > 0 && twilio_param_cmp(&sorted[i - 1], &sorted[i]) == 0)
			continue;
		fprintf(f, "%s%s", sorted[i].name, sorted[i].value);
	}
	if (fclose(f) != 0)
		goto done;
	if (adapter_hmac_sha1(auth_token, strlen(auth_token), data, datalen,
	    mac) == -1)
		goto done;
	adapter_base64(mac, sizeof(mac), out);
	rv = 0;
done:
	free(sorted);
	free(data);
	return (rv);
}

/*
 * The URL with its port removed (add = 0) or with the scheme's default
 * port added when it has none (add = 1), as the SDK validators try both.
 */
static char *
twilio_url_port(const char *url, int add)
{
	const char	*a, *e, *h, *colon, *at;

	if ((a = strstr(url, "://")) == NULL)
		return (xstrdup(url));
	a += 3;
	e = a + strcspn(a, "/?#");
	h = a;
	while ((at = memchr(h, '@', (size_t)(e - h))) != NULL)
		h = at + 1;
	if (*h == '[' && (colon = memchr(h, ']', (size_t)(e - h))) != NULL)
		colon = colon + 1 < e && colon[1] == ':' ? colon + 1 : NULL;
	else
		colon = memchr(h, ':', (size_t)(e - h));
	if (!add) {
		if (colon == NULL)
			return (xstrdup(url));
		return (xasprintf("%.*s%s", (int)(colon - url), url, e));
	}
	if (colon != NULL)
		return (xstrdup(url));
	if (strncmp(url, "https://", 8) == 0)
		return (xasprintf("%.*s:443%s", (int)(e - url), url, e));
	if (strncmp(url, "http://", 7) == 0)
		return (xasprintf("%.*s:80%s", (int)(e - url), url, e));
	return (xstrdup(url));
}

/* The JSON-body rule: the URL's bodySHA256 is the body's hex SHA-256. */
static int
twilio_body_hash_ok(const char *url, const char *body, size_t bodylen)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	char		 hex[2 * EVP_MAX_MD_SIZE + 1];
	const char	*q, *v;
	size_t		 vlen;

	if ((q = strchr(url, '?')) == NULL)
		return (0);
	for (v = q; (v = strstr(v + 1, "bodySHA256=")) != NULL; ) {
		if (v[-1] == '?' || v[-1] == '&')
			break;
	}
	if (v == NULL)
		return (0);
	v += strlen("bodySHA256=");
	vlen = strcspn(v, "&#");
	if (EVP_Digest(body, bodylen, md, &mdlen, EVP_sha256(), NULL) != 1)
		return (0);
	adapter_hex(md, mdlen, hex);
	return (vlen == 2 * (size_t)mdlen && CRYPTO_memcmp(hex, v, vlen) == 0);
}

int
twilio_signature_valid(const char *auth_token, const char *url,
    const struct twilio_param *params, size_t nparams, const char *body,
    size_t bodylen, const char *sig)
{
	char	 mine[64], *u;
	size_t	 siglen = strlen(sig);
	int	 add, ok = 0;

	if (body != NULL) {
		if (!twilio_body_hash_ok(url, body, bodylen))
			return (0);
		nparams = 0;
	}
	for (add = 0; add <= 1; add++) {
		u = twilio_url_port(url, add);
		if (twilio_signature(auth_token, u, params, nparams, mine,
		    sizeof(mine)) == 0 && strlen(mine) == siglen &&
		    CRYPTO_memcmp(mine, sig, siglen) == 0)
			ok = 1;
		free(u);
	}
	return (ok);
}

/* ---- configuration ---- */

/* prefix followed by 32 hexadecimal digits: Twilio's SIDs. */
static int
twilio_sid_ok(const char *s, const char *prefix)
{
	return (strncmp(s, prefix, 2) == 0 && strlen(s) == 34 &&
	    strspn(s + 2, "0123456789abcdefABCDEF") == 32);
}

/* An E.164 number, a short code, or an alphanumeric sender id. */
static int
twilio_from_ok(const char *s)
{
	size_t	 n = strlen(s);

	if (s[0] == '+')
		return (n >= 8 && n <= 16 && strspn(s + 1, "0123456789") ==
		    n - 1);
	if (strspn(s, "0123456789") == n)
		return (n >= 3 && n <= 15);
	return (n <= 11 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ") == n);
}

/* The sender: exactly one of from and messaging_service_sid. */
static int
twilio_init_sender(struct gateway *gw, const config_setting_t *s,
    struct twilio_priv *p, char **cause)
{
	if (adapter_cfg_str(gw, s, "from", &p->from, cause) == -1 ||
	    adapter_cfg_str(gw, s, "messaging_service_sid", &p->service,
	    cause) == -1)
		return (-1);
	if ((p->from == NULL) == (p->service == NULL)) {
		*cause = cfg_error(s, "gateway \"%s\": give exactly one of "
		    "\"from\" and \"messaging_service_sid\"", gw->name);
		return (-1);
	}
	if (p->from != NULL && !twilio_from_ok(p->from)) {
		*cause = cfg_error(s, "gateway \"%s\": \"from\" must be an "
		    "E.164 number (+...), a short code or an alphanumeric "
		    "sender id of at most 11 characters", gw->name);
		return (-1);
	}
	if (p->service != NULL && !twilio_sid_ok(p->service, "MG")) {
		*cause = cfg_error(s, "gateway \"%s\": \"messaging_service_sid\" "
		    "must be \"MG\" followed by 32 hexadecimal digits",
		    gw->name);
		return (-1);
	}
	return (0);
}

/* "Basic base64(sid:token)". */
static char *
twilio_basic(const char *sid, const char *token)
{
	char	*pair, *out;
	size_t	 n;

	pair = xasprintf("%s:%s", sid, token);
	n = strlen(pair);
	out = xmalloc(6 + 4 * ((n + 2) / 3) + 1);
	memcpy(out, "Basic ", 6);
	adapter_base64(pair, n, out + 6);
	adapter_secret_free(pair);
	return (out);
}

static int
twilio_init(struct gateway *gw, const config_setting_t *s, const char *cfgdir,
    char **cause)
{
	struct twilio_priv	*p = xcalloc(1, sizeof(*p));

	gw->priv = p;	/* twilio_free cleans up after a failure too */
	if (adapter_cfg_need(gw, s, "account_sid", &p->sid, cause) == -1)
		return (-1);
	if (!twilio_sid_ok(p->sid, "AC")) {
		*cause = cfg_error(s, "gateway \"%s\": \"account_sid\" must be "
		    "\"AC\" followed by 32 hexadecimal digits", gw->name);
		return (-1);
	}
	if (adapter_cfg_secret(gw, s, "auth_token", cfgdir, &p->token,
	    cause) == -1 || twilio_init_sender(gw, s, p, cause) == -1)
		return (-1);
	p->auth = twilio_basic(p->sid, p->token);
	return (0);
}

static void
twilio_free(struct gateway *gw)
{
	struct twilio_priv	*p = gw->priv;

	if (p == NULL)
		return;
	adapter_secret_free(p->token);
	adapter_secret_free(p->auth);
	free(p->sid);
	free(p->from);
	free(p->service);
	free(p);
	gw->priv = NULL;
}

/* ---- the request ---- */

/* Append "name=value" form-encoded: unreserved bytes kept, space '+'. */
static void
twilio_field(FILE *f, const char *name, const char *value)
{
	char	*v = adapter_form_encode(value);

	if (ftell(f) > 0)
		fputc('&', f);
	fprintf(f, "%s=%s", name, v);
	free(v);
}

/* E.164: "+86" before an 11-digit mainland number; "+..." as it is. */
static int
twilio_to(const char *to, char *out, size_t outlen)
{
	size_t	 n = to != NULL ? strlen(to) : 0;

	if (n == 11 && to[0] == '1' && strspn(to, "0123456789") == 11) {
		snprintf(out, outlen, "+86%s", to);
		return (0);
	}
	if (n >= 8 && n <= 16 && to[0] == '+' &&
	    strspn(to + 1, "0123456789") == n - 1) {
		snprintf(out, outlen, "%s", to);
		return (0);
	}
	return (-1);
}

/* The text fits Twilio's limit and the gateway's max_parts. */
static int
twilio_length(const struct gateway *gw, const char *text, char **cause)
{
	struct sms_count	 sc;

	if (text_sms_count(text, 1, &sc) == -1) {
		*cause = xstrdup("the text is not valid UTF-8");
		return (-1);
	}
	if (sc.units > TWILIO_MAX_UNITS) {
		*cause = xasprintf("the text has %zu characters; Twilio accepts "
		    "at most %d", sc.units, TWILIO_MAX_UNITS);
		return (-1);
	}
	if (gw->max_parts > 0 && sc.parts > (size_t)gw->max_parts) {
		*cause = xasprintf("the text takes %zu SMS parts (%zu "
		    "characters, %s); gateway \"%s\" allows %d (max_parts)",
		    sc.parts, sc.chars, sc.encoding == SMS_GSM7 ? "GSM-7" :
		    "UCS-2", gw->name, gw->max_parts);
		return (-1);
	}
	return (0);
}

/* The form body: To, From or MessagingServiceSid, Body, StatusCallback. */
static char *
twilio_body(const struct twilio_priv *p, const struct message *m,
    const char *to, size_t *len)
{
	char	*body = NULL, *cb, *key;
	size_t	 n, blen = 0;
	FILE	*f;

	if ((f = open_memstream(&body, &blen)) == NULL)
		fatal("open_memstream");
	twilio_field(f, "To", to);
	if (p->from != NULL)
		twilio_field(f, "From", p->from);
	else
		twilio_field(f, "MessagingServiceSid", p->service);
	twilio_field(f, "Body", m->text);
	if (m->callback_url != NULL && m->callback_url[0] != '\0') {
		n = strlen(m->callback_url);
		if (m->callback_url[n - 1] == '/')
			n--;
		key = adapter_form_encode(m->key);
		cb = xasprintf("%.*s/v1/receipts/twilio?key=%s", (int)n,
		    m->callback_url, key);
		twilio_field(f, "StatusCallback", cb);
		free(cb);
		free(key);
	}
	if (fclose(f) != 0)
		fatal("open_memstream");
	*len = blen;
	return (body);
}

static int
twilio_build(const struct gateway *gw, const struct message *m,
    struct request *req, char **cause)
{
	const struct twilio_priv	*p = gw->priv;
	const char			*base = gw->endpoint ? gw->endpoint :
					    TWILIO_API;
	size_t				 n = strlen(base);
	char				 to[24];

	if (twilio_to(m->to, to, sizeof(to)) == -1) {
		*cause = xstrdup("the recipient is neither a mainland mobile "
		    "number nor an E.164 number (+...)");
		return (-1);
	}
	if (m->text == NULL || m->text[0] == '\0') {
		*cause = xstrdup("the text is empty");
		return (-1);
	}
	if (twilio_length(gw, m->text, cause) == -1)
		return (-1);
	if (n > 0 && base[n - 1] == '/')
		n--;
	req->url = xasprintf("%.*s/2010-04-01/Accounts/%s/Messages.json",
	    (int)n, base, p->sid);
	req->method = "POST";
	req->body = twilio_body(p, m, to, &req->bodylen);
	if (request_add_header(req, "Authorization: %s", p->auth) == -1 ||
	    request_add_header(req, "Content-Type: "
	    "application/x-www-form-urlencoded") == -1 ||
	    request_add_header(req, "Accept: application/json") == -1) {
		*cause = xstrdup("cannot add the request headers");
		return (-1);
	}
	return (0);
}

/* ---- the answer ---- */

/* Copy Twilio's message with phone numbers masked (138****5678). */
static void
twilio_masked(const char *in, char *out, size_t outlen)
{
	char	 num[32], masked[32];
	size_t	 o = 0, n, cc;

	while (*in != '\0' && o + 1 < outlen) {
		n = strspn(in, "+0123456789");
		if (n >= 7 && n < sizeof(num)) {
			memcpy(num, in, n);
			num[n] = '\0';
			/* keep a country code: +86 138****5678 */
			cc = num[0] == '+' ? 1 : 0;
			if (strncmp(num + cc, "86", 2) == 0 && n - cc == 13)
				cc += 2;
			text_phone_mask(num + cc, masked, sizeof(masked));
			o += (size_t)snprintf(out + o, outlen - o, "%.*s%s",
			    (int)cc, num, masked);
			in += n;
			continue;
		}
		if (n == 0)
			n = 1;
		while (n-- > 0 && *in != '\0' && o + 1 < outlen)
			out[o++] = *in++;
	}
	if (o >= outlen)
		o = outlen - 1;
	out[o] = '\0';
}

static const struct twilio_code *
twilio_code_find(long code)
{
	size_t	 i;

	for (i = 0; i < sizeof(twilio_codes) / sizeof(twilio_codes[0]); i++)
		if (twilio_codes[i].code == code)
			return (&twilio_codes[i]);
	return (NULL);
}

/* An error answer: the code decides, else the HTTP status. */
static void
twilio_error(const struct response *resp, json_t *o, struct result *res)
{
	const struct twilio_code	*tc;
	json_t				*v;
	long				 code = 0, c = resp->status;
	char				 msg[160] = "";

	if (json_is_integer(v = json_object_get(o, "code")))
		code = (long)json_integer_value(v);
	else if (json_is_integer(v = json_object_get(o, "error_code")))
		code = (long)json_integer_value(v);
	if (json_is_string(v = json_object_get(o, "message")))
		twilio_masked(json_string_value(v), msg, sizeof(msg));
	if ((tc = twilio_code_find(code)) != NULL) {
		result_set(res, tc->outcome, "Twilio %ld (HTTP %ld): %s", code,
		    c, tc->why);
		res->gwfault = tc->gwfault;
		return;
	}
	if (c == 401 || c == 403 || c == 404 || c == 429 || c >= 500 ||
	    c < 400) {
		/* credentials, account, endpoint, flow control, outage */
		res->gwfault = 1;
		result_set(res, OUTCOME_TEMPFAIL, "Twilio HTTP %ld%s%s", c,
		    msg[0] ? ": " : "", msg);
	} else if (c == 408)
		result_set(res, OUTCOME_TEMPFAIL, "Twilio HTTP %ld", c);
	else
		result_set(res, OUTCOME_PERMFAIL, "Twilio %ld (HTTP %ld)%s%s",
		    code, c, msg[0] ? ": " : "", msg);
}

/* A created Message resource: its sid; a failed one is an error. */
static void
twilio_created(const struct response *resp, json_t *o, struct result *res)
{
	json_t		*sid = json_object_get(o, "sid");
	const char	*st = json_string_value(json_object_get(o, "status"));

	if (!json_is_string(sid)) {
		res->gwfault = 1;
		result_set(res, OUTCOME_TEMPFAIL, "unexpected answer from "
		    "Twilio (HTTP %ld without a message sid); is \"endpoint\" "
		    "Twilio's API?", resp->status);
		return;
	}
	adapter_provider_id(res, json_string_value(sid));
	if (st != NULL && (strcmp(st, "failed") == 0 ||
	    strcmp(st, "undelivered") == 0)) {
		twilio_error(resp, o, res);
		return;
	}
	result_set(res, OUTCOME_OK, "%s", "");
}

static void
twilio_parse(const struct gateway *gw, const struct message *m,
    const struct response *resp, struct result *res)
{
	json_t	*o;

	(void)gw;
	(void)m;
	res->http_status = resp->status;
	res->retry_after_ms = resp->retry_after_ms;
	res->gwfault = 0;
	o = adapter_json_answer(resp);
	if (!json_is_object(o)) {
		json_decref(o);
		o = json_object();
	}
	if (resp->status >= 200 && resp->status < 300)
		twilio_created(resp, o, res);
	else
		twilio_error(resp, o, res);
	json_decref(o);
}

/* A StatusCallback is Twilio's when its form is signed with our auth_token. */
static int
twilio_receipt_auth(const struct gateway *gw, const char *url,
    const struct evkeyvalq *form, const char *signature)
{
	const struct twilio_priv	*p = gw->priv;
	const struct evkeyval		*kv;
	struct twilio_param		*params = NULL;
	size_t				 n = 0;
	int				 ok;

	if (p == NULL || url == NULL || signature == NULL)
		return (0);
	for (kv = form ? form->tqh_first : NULL; kv != NULL;
	    kv = kv->next.tqe_next) {
		params = xreallocarray(params, n + 1, sizeof(*params));
		params[n].name = kv->key;
		params[n++].value = kv->value;
	}
	ok = twilio_signature_valid(p->token, url, params, n, NULL, 0,
	    signature);
	free(params);
	return (ok);
}

const struct adapter adapter_twilio = {
	.name = "twilio",
	.keys = twilio_keys,
	.needs_url = 0,
	.init = twilio_init,
	.build = twilio_build,
	.parse = twilio_parse,
	.free = twilio_free,
	.receipt_auth = twilio_receipt_auth,
};
