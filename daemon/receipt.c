/*
 * receipt.c - delivery receipts as the gateways send them, parsed into one
 * shape (pure; the status server authenticates and applies them).
 *
 *   aliyun   POST JSON array: out_id (our key), biz_id, success, err_code
 *   tencent  POST JSON array: sid (SerialNo), mobile, report_status, errmsg
 *   twilio   POST form: MessageSid, MessageStatus, ErrorCode (+ our key in
 *            the callback URL's query; X-Twilio-Signature checked elsewhere)
 *   kannel   GET query of our dlr-url: key, token, status (the %d bit)
 *
 * Intermediate reports (Twilio "sent", Kannel "queued on SMSC") are parsed
 * as RCPT_INTERMEDIATE: acknowledged, never applied.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/keyvalq_struct.h>
#include <event2/http.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "huigao.h"
#include "receipt.h"

const char *
receipt_status_str(enum receipt_status s)
{
	switch (s) {
	case RCPT_DELIVERED:
		return ("delivered");
	case RCPT_UNDELIVERED:
		return ("undelivered");
	default:
		return ("intermediate");
	}
}

void
receipt_token(const char *secret, const char *key,
    char out[RECEIPT_TOKEN_LEN + 1])
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 len = 0, i;

	HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)key, strlen(key), mac, &len);
	for (i = 0; i < RECEIPT_TOKEN_LEN / 2 && i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", mac[i]);
	out[RECEIPT_TOKEN_LEN] = '\0';
}

int
receipt_equal(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b);

	if (la != lb)
		return (0);
	return (CRYPTO_memcmp(a, b, la) == 0);
}

/* Copy a JSON string or number member into dst; "" when absent. */
static void
json_field(json_t *o, const char *name, char *dst, size_t len)
{
	json_t	*v = json_object_get(o, name);

	dst[0] = '\0';
	if (json_is_string(v))
		util_strlcpy_utf8(dst, json_string_value(v), len);
	else if (json_is_integer(v))
		snprintf(dst, len, "%lld", (long long)json_integer_value(v));
	util_sanitize(dst);
}

/* A JSON array of receipts; each element converted by fn. */
static int
receipt_array(const char *body, size_t len, int (*fn)(json_t *,
    struct receipt *, char **), struct receipt **out, size_t *n, char **cause)
{
	json_error_t	 je;
	json_t		*a, *e;
	size_t		 i;

	*out = NULL;
	*n = 0;
	if ((a = json_loadb(body, len, 0, &je)) == NULL || !json_is_array(a) ||
	    json_array_size(a) == 0 || json_array_size(a) > RECEIPT_MAX_BATCH) {
		*cause = a == NULL ? xasprintf("not JSON: %s", je.text) :
		    xstrdup("expected a JSON array of 1 to 1000 receipts");
		json_decref(a);
		return (-1);
	}
	*out = xcalloc(json_array_size(a), sizeof(**out));
	json_array_foreach(a, i, e) {
		if (!json_is_object(e) || fn(e, &(*out)[i], cause) == -1) {
			if (*cause == NULL)
				*cause = xasprintf("receipt %zu is not an object", i);
			free(*out);
			*out = NULL;
			json_decref(a);
			return (-1);
		}
	}
	*n = json_array_size(a);
	json_decref(a);
	return (0);
}

/* One element of Alibaba's SmsReport push. */
static int
aliyun_one(json_t *o, struct receipt *r, char **cause)
{
	json_t	*ok = json_object_get(o, "success");

	json_field(o, "out_id", r->key, sizeof(r->key));
	json_field(o, "biz_id", r->provider_id, sizeof(r->provider_id));
	json_field(o, "phone_number", r->phone, sizeof(r->phone));
	json_field(o, "err_code", r->provider_status, sizeof(r->provider_status));
	json_field(o, "err_msg", r->detail, sizeof(r->detail));
	if (!json_is_boolean(ok) || r->provider_id[0] == '\0') {
		*cause = xstrdup("an Alibaba receipt needs biz_id and success");
		return (-1);
	}
	r->status = json_is_true(ok) ? RCPT_DELIVERED : RCPT_UNDELIVERED;
	return (0);
}

int
receipt_parse_aliyun(const char *body, size_t len, struct receipt **out,
    size_t *n, char **cause)
{
	return (receipt_array(body, len, aliyun_one, out, n, cause));
}

/* One element of Tencent's delivery callback. */
static int
tencent_one(json_t *o, struct receipt *r, char **cause)
{
	json_field(o, "sid", r->provider_id, sizeof(r->provider_id));
	json_field(o, "mobile", r->phone, sizeof(r->phone));
	json_field(o, "report_status", r->provider_status,
	    sizeof(r->provider_status));
	json_field(o, "description", r->detail, sizeof(r->detail));
	json_field(o, "ext", r->key, sizeof(r->key));
	if (r->provider_id[0] == '\0') {
		*cause = xstrdup("a Tencent receipt needs sid");
		return (-1);
	}
	if (strcmp(r->provider_status, "SUCCESS") == 0)
		r->status = RCPT_DELIVERED;
	else if (strcmp(r->provider_status, "FAIL") == 0)
		r->status = RCPT_UNDELIVERED;
	else {
		*cause = xstrdup("report_status must be SUCCESS or FAIL");
		return (-1);
	}
	return (0);
}

int
receipt_parse_tencent(const char *body, size_t len, struct receipt **out,
    size_t *n, char **cause)
{
	return (receipt_array(body, len, tencent_one, out, n, cause));
}

/* A header value from a parsed query, copied; "" when absent. */
static void
kv_field(const struct evkeyvalq *q, const char *name, char *dst, size_t len)
{
	const char	*v = evhttp_find_header(q, name);

	util_strlcpy_utf8(dst, v ? v : "", len);
	util_sanitize(dst);
}

int
receipt_parse_twilio(const struct evkeyvalq *form, const char *key,
    struct receipt *r, char **cause)
{
	const char	*st;

	memset(r, 0, sizeof(*r));
	util_strlcpy_utf8(r->key, key ? key : "", sizeof(r->key));
	kv_field(form, "MessageSid", r->provider_id, sizeof(r->provider_id));
	kv_field(form, "MessageStatus", r->provider_status,
	    sizeof(r->provider_status));
	kv_field(form, "ErrorCode", r->detail, sizeof(r->detail));
	kv_field(form, "To", r->phone, sizeof(r->phone));
	st = r->provider_status;
	if (r->provider_id[0] == '\0' || st[0] == '\0') {
		*cause = xstrdup("a Twilio status callback needs MessageSid and "
		    "MessageStatus");
		return (-1);
	}
	if (strcmp(st, "delivered") == 0 || strcmp(st, "read") == 0)
		r->status = RCPT_DELIVERED;
	else if (strcmp(st, "undelivered") == 0 || strcmp(st, "failed") == 0)
		r->status = RCPT_UNDELIVERED;
	else
		r->status = RCPT_INTERMEDIATE;
	return (0);
}

int
receipt_parse_kannel(const struct evkeyvalq *query, struct receipt *r,
    char **cause)
{
	char	 status[16], *end;
	long	 bit;

	memset(r, 0, sizeof(*r));
	kv_field(query, "key", r->key, sizeof(r->key));
	kv_field(query, "token", r->token, sizeof(r->token));
	kv_field(query, "status", status, sizeof(status));
	kv_field(query, "smsc_id", r->provider_id, sizeof(r->provider_id));
	kv_field(query, "answer", r->detail, sizeof(r->detail));
	bit = strtol(status, &end, 10);
	if (r->key[0] == '\0' || r->token[0] == '\0' || end == status ||
	    *end != '\0') {
		*cause = xstrdup("a Kannel DLR needs key, token and a numeric "
		    "status");
		return (-1);
	}
	snprintf(r->provider_status, sizeof(r->provider_status), "dlr %ld", bit);
	/* 1 delivered to phone; 2 not delivered; 16 rejected by the SMSC */
	if (bit == 1)
		r->status = RCPT_DELIVERED;
	else if (bit == 2 || bit == 16)
		r->status = RCPT_UNDELIVERED;
	else
		r->status = RCPT_INTERMEDIATE;
	return (0);
}
