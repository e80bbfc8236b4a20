/*
 * fuzz_receipt.c - the delivery receipt parsers of receipt.c.
 *
 * Every input goes to all four: as a JSON body to the Alibaba and Tencent
 * parsers, and through evhttp_parse_query_str (as status.c does with a
 * Twilio form body and a Kannel dlr-url query) to the Twilio and Kannel
 * ones. Checks: success gives 1 to RECEIPT_MAX_BATCH receipts with a known
 * status and NUL-terminated fields free of control characters (and valid
 * UTF-8 when they come from JSON); failure gives a cause and no receipts.
 *
 * A Twilio callback is also authenticated as status.c does: the input is
 * the request URI after callback_url (its signature checked against the
 * form, and as a JSON body against bodySHA256), and a signature made with
 * twilio_signature for that URL and form must verify.
 */
#include <sys/queue.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "huigao.h"
#include "adapter.h"
#include "receipt.h"
#include "fuzz.h"

#define TOKEN	"fake-twilio-auth-token-000000000"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return (0);
}

/* One field: NUL-terminated in its array, no control characters. */
static void
check_field(const char *name, const char *f, size_t len, int utf8)
{
	const char	*p;

	FUZZ_CHECK(memchr(f, '\0', len) != NULL, "receipt: %s not "
	    "terminated", name);
	for (p = f; *p != '\0'; p++)
		FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f,
		    "receipt: control character in %s", name);
	if (utf8)
		FUZZ_CHECK(fuzz_utf8_valid(f), "receipt: %s not UTF-8", name);
}

static void
check_receipt(const struct receipt *r, int utf8)
{
	FUZZ_CHECK(r->status == RCPT_DELIVERED || r->status ==
	    RCPT_UNDELIVERED || r->status == RCPT_INTERMEDIATE,
	    "receipt: status %d", (int)r->status);
	check_field("key", r->key, sizeof(r->key), utf8);
	check_field("provider_id", r->provider_id, sizeof(r->provider_id),
	    utf8);
	check_field("phone", r->phone, sizeof(r->phone), utf8);
	check_field("token", r->token, sizeof(r->token), utf8);
	check_field("provider_status", r->provider_status,
	    sizeof(r->provider_status), utf8);
	check_field("detail", r->detail, sizeof(r->detail), utf8);
	(void)receipt_status_str(r->status);
}

/* A JSON array parser (Alibaba or Tencent). */
static void
json_receipts(int (*parse)(const char *, size_t, struct receipt **,
    size_t *, char **), const uint8_t *data, size_t size)
{
	struct receipt	*rs = NULL;
	size_t		 n = 99, i;
	char		*cause = NULL;

	if (parse((const char *)data, size, &rs, &n, &cause) == 0) {
		FUZZ_CHECK(rs != NULL && cause == NULL && n >= 1 &&
		    n <= RECEIPT_MAX_BATCH, "receipts: %zu, cause %s", n,
		    cause ? cause : "NULL");
		for (i = 0; i < n; i++)
			check_receipt(&rs[i], 1);
	} else
		FUZZ_CHECK(rs == NULL && n == 0 && cause != NULL,
		    "receipts: failure with %zu receipts, cause %p", n,
		    (void *)cause);
	free(rs);
	free(cause);
}

/* A form or query parser (Twilio or Kannel). */
static void
form_receipt(const char *str, int twilio)
{
	struct evkeyvalq form;
	struct receipt	 r;
	char		*cause = NULL;
	int		 rv;

	TAILQ_INIT(&form);
	if (evhttp_parse_query_str(str, &form) == 0) {
		rv = twilio ? receipt_parse_twilio(&form, "hg-7-3-sms", &r,
		    &cause) : receipt_parse_kannel(&form, &r, &cause);
		if (rv == 0) {
			FUZZ_CHECK(cause == NULL, "receipt: 0 with a cause");
			check_receipt(&r, 0);
		} else
			FUZZ_CHECK(rv == -1 && cause != NULL, "receipt: rv %d",
			    rv);
	}
	evhttp_clear_headers(&form);
	free(cause);
}

/* X-Twilio-Signature checks on the URL callback_url + input and its form. */
static void
twilio_auth(const char *str, size_t size)
{
	struct evkeyvalq	 form;
	struct evkeyval		*kv;
	struct twilio_param	*params = NULL;
	size_t			 n = 0;
	char			*url, sig[64];

	TAILQ_INIT(&form);
	if (evhttp_parse_query_str(str, &form) == 0) {
		TAILQ_FOREACH(kv, &form, next) {
			params = xreallocarray(params, n + 1, sizeof(*params));
			params[n].name = kv->key;
			params[n++].value = kv->value;
		}
	}
	url = xasprintf("https://huigao.example.org%s%s", str[0] == '/' ? "" :
	    "/v1/receipts/twilio?", str);
	(void)twilio_signature_valid(TOKEN, url, params, n, NULL, 0, "AAAA");
	(void)twilio_signature_valid(TOKEN, url, NULL, 0, str, size,
	    "dGVzdA==");
	(void)twilio_signature_valid(TOKEN, str, params, n, NULL, 0, "");
	if (twilio_signature(TOKEN, url, params, n, sig, sizeof(sig)) == 0)
		FUZZ_CHECK(twilio_signature_valid(TOKEN, url, params, n, NULL,
		    0, sig), "twilio: a signature it made does not verify");
	free(url);
	free(params);
	evhttp_clear_headers(&form);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*str;

	if (size > 1 << 20)
		return (0);
	json_receipts(receipt_parse_aliyun, data, size);
	json_receipts(receipt_parse_tencent, data, size);
	str = fuzz_cstr(data, size);
	form_receipt(str, 1);
	form_receipt(str, 0);
	twilio_auth(str, strlen(str));
	free(str);
	return (0);
}
