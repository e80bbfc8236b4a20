/*
 * webhook.c - the generic JSON webhook (DESIGN.md "Webhook wire format").
 *
 * POST url, Content-Type: application/json, Idempotency-Key = the
 * notification's stable key. With a `secret`, the request is signed as
 * Standard Webhooks prescribe: webhook-id (the same stable key, so the
 * receiver can deduplicate), webhook-timestamp (unix seconds) and
 * webhook-signature "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>",
 * where key is the base64-decoded part of "whsec_<base64>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "adapter.h"

struct webhook_priv {
	unsigned char	*key;
	size_t		 keylen;
};

static const char *const webhook_keys[] = { "secret", "secret_file", NULL };

/* Decode "whsec_<base64>" (the prefix is optional) into raw key bytes. */
static int
webhook_key(const char *secret, unsigned char **key, size_t *keylen)
{
	const char	*b64 = secret;
	size_t		 n, pad = 0;
	int		 len;

	if (strncmp(b64, "whsec_", 6) == 0)
		b64 += 6;
	n = strlen(b64);
	if (n == 0 || n % 4 != 0)
		return (-1);
	if (b64[n - 1] == '=')
		pad++;
	if (n > 1 && b64[n - 2] == '=')
		pad++;
	*key = xmalloc(n);
	if ((len = EVP_DecodeBlock(*key, (const unsigned char *)b64,
	    (int)n)) < 0) {
		free(*key);
		*key = NULL;
		return (-1);
	}
	*keylen = (size_t)len - pad;
	return (0);
}

int
webhook_sign(const char *secret, const char *msg_id, int64_t ts,
    const char *body, size_t bodylen, char *out, size_t outlen, char **cause)
{
	unsigned char	*key, mac[32];
	char		*signed_content, b64[4 * ((sizeof(mac) + 2) / 3) + 1];
	size_t		 keylen, hlen;

	if (webhook_key(secret, &key, &keylen) == -1) {
		*cause = xstrdup("the webhook secret is not \"whsec_\" + base64");
		return (-1);
	}
	signed_content = xasprintf("%s.%lld.", msg_id, (long long)ts);
	hlen = strlen(signed_content);
	signed_content = xreallocarray(signed_content, hlen + bodylen + 1, 1);
	memcpy(signed_content + hlen, body, bodylen);
	if (adapter_hmac_sha256(key, keylen, signed_content, hlen + bodylen,
	    mac) == -1) {
		*cause = xstrdup("HMAC-SHA256 failed");
		free(signed_content);
		free(key);
		return (-1);
	}
	adapter_base64(mac, sizeof(mac), b64);
	snprintf(out, outlen, "v1,%s", b64);
	explicit_bzero(key, keylen);
	free(key);
	free(signed_content);
	return (0);
}

static int
webhook_init(struct gateway *gw, const config_setting_t *s, const char *cfgdir,
    char **cause)
{
	struct webhook_priv	*p;
	char			*secret = NULL;

	if (cfg_secret(s, "secret", cfgdir, &secret, cause) == -1)
		return (-1);
	p = xcalloc(1, sizeof(*p));
	gw->priv = p;
	if (secret == NULL)
		return (0);
	if (webhook_key(secret, &p->key, &p->keylen) == -1) {
		*cause = cfg_error(s, "gateway \"%s\": \"secret\" must be "
		    "\"whsec_\" followed by base64", gw->name);
		adapter_secret_free(secret);
		return (-1);
	}
	/* keep the secret text form for signing; the decoded key proved it valid */
	free(p->key);
	p->key = (unsigned char *)secret;
	p->keylen = strlen(secret);
	return (0);
}

/* The JSON body of the contract. */
static char *
webhook_body(const struct message *m)
{
	return (adapter_json_text(json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, "
	    "s:s, s:s, s:s, s:i}", "id", (json_int_t)m->id, "key", m->key, "to",
	    m->to, "text", m->text, "case_no", m->case_no, "step", m->step,
	    "label", m->label, "channel", m->channel, "court", m->court,
	    "attempt", m->attempt)));
}

static int
webhook_build(const struct gateway *gw, const struct message *m,
    struct request *req, char **cause)
{
	const struct webhook_priv	*p = gw->priv;
	char				 sig[128], *body;
	int64_t				 ts = m->now_ms / 1000;

	if ((body = webhook_body(m)) == NULL) {
		*cause = xstrdup("cannot encode the message as JSON");
		return (-1);
	}
	adapter_post_json(req, body);
	req->url = xstrdup(gw->endpoint);
	if (request_add_header(req, "Idempotency-Key: %s", m->key) == -1) {
		*cause = xstrdup("the idempotency key is not a valid header");
		return (-1);
	}
	if (p == NULL || p->key == NULL)
		return (0);
	if (webhook_sign((const char *)p->key, m->key, ts, req->body,
	    req->bodylen, sig, sizeof(sig), cause) == -1)
		return (-1);
	request_add_header(req, "webhook-id: %s", m->key);
	request_add_header(req, "webhook-timestamp: %lld", (long long)ts);
	request_add_header(req, "webhook-signature: %s", sig);
	return (0);
}

static void
webhook_parse(const struct gateway *gw, const struct message *m,
    const struct response *resp, struct result *res)
{
	(void)gw;
	(void)m;
	adapter_classify_http(resp, res);
}

static void
webhook_free(struct gateway *gw)
{
	struct webhook_priv	*p = gw->priv;

	if (p != NULL && p->key != NULL) {
		explicit_bzero(p->key, p->keylen);
		free(p->key);
	}
	free(p);
	gw->priv = NULL;
}

const struct adapter adapter_webhook = {
	.name = "webhook",
	.keys = webhook_keys,
	.needs_url = 1,
	.init = webhook_init,
	.build = webhook_build,
	.parse = webhook_parse,
	.free = webhook_free,
};
