/*
 * adapter.h - the gateway adapter interface.
 *
 * An adapter is pure: it turns a message into an HTTP request (build) and
 * an HTTP response into OK / TEMPFAIL / PERMFAIL (parse). The core owns
 * libcurl, timeouts, transport errors, retries and the database, so an
 * adapter is tested with golden files and no network. Gateways that do not
 * speak HTTP (console, file) implement send_local instead of build/parse.
 * Optional operations stay NULL.
 */
#ifndef HUIGAO_ADAPTER_H
#define HUIGAO_ADAPTER_H

#include <stddef.h>
#include <stdint.h>

#include "huigao.h"

struct evkeyvalq;

/* What an adapter sees of a notification. Every pointer is borrowed. */
struct message {
	int64_t		 id;		/* notifications.id */
	const char	*key;		/* stable idempotency key, same on every attempt */
	const char	*channel;	/* "sms", "wechat", "email" */
	const char	*to;		/* normalised recipient */
	const char	*text;		/* what the recipient reads, 【signature】 first */
	const char	*sign;		/* the court's signature, without 【】 */
	const char	*case_no;
	const char	*step;		/* step code */
	const char	*label;		/* step label */
	const char	*court;		/* court key */
	const char	*vars;		/* JSON object: the rendered variables */
	int		 attempt;	/* 1 for the first attempt */
	int64_t		 now_ms;	/* wall clock for timestamps in signatures */
	const struct vtpl *tpl;		/* the step's vendor template, or NULL */
	const char	*callback_url;	/* receipts: our public base URL, or NULL */
	const char	*receipt_token;	/* receipts: per-message token (hex) */
	const char	*access_token;	/* token gateways (WeChat): the current token */
	const char	*court_name;	/* the court's full name (e-mail sender name) */
};

#define REQ_MAX_HEADERS	16
struct request {
	char		*url;
	const char	*method;	/* static string; "POST" when NULL */
	char		*headers[REQ_MAX_HEADERS];	/* "Name: value" */
	size_t		 nheaders;
	char		*body;
	size_t		 bodylen;
	/*
	 * SMTP (libcurl's smtp:// or smtps://): set mail_from to make this an
	 * SMTP transfer; url is the server, body the whole MIME message with
	 * CRLF line endings, rcpt the envelope recipient. TLS is required
	 * (smtps, or STARTTLS on smtp) unless smtp_plain is set. username and
	 * password are secrets: request_clear() wipes them.
	 */
	char		*mail_from;
	char		*rcpt;
	int		 smtp_plain;
	char		*username;
	char		*password;
};

struct response {
	long		 status;	/* HTTP status */
	const char	*body;		/* NUL-terminated, possibly truncated to the cap */
	size_t		 bodylen;
	int64_t		 retry_after_ms; /* -1 when absent */
};

enum outcome { OUTCOME_OK, OUTCOME_TEMPFAIL, OUTCOME_PERMFAIL };

struct result {
	enum outcome	 outcome;
	long		 http_status;	/* 0 when no HTTP answer */
	int64_t		 retry_after_ms; /* -1 when none */
	char		 provider_id[128];
	char		 error[256];	/* a readable reason; never a secret */
	int		 gwfault;	/* the gateway's fault (outage, balance,
					 * credentials, flow control): the next
					 * attempt fails over to the next gateway */
	int		 token_expired;	/* token gateways: the access token was
					 * refused; the core fetches a new one and
					 * sends again, not counting the attempt */
};

struct adapter {
	const char		*name;
	const char *const	*keys;		/* the adapter's own config keys, NULL-terminated */
	int			 needs_url;	/* `url` (or `endpoint`) is required */
	int			 own_url;	/* not HTTP: init checks the url's
						 * scheme itself (smtp://, smtps://) */
	int			 templated;	/* a template vendor: it adds the
						 * signature itself and needs a
						 * vendor_templates entry per step */
	int	(*init)(struct gateway *, const config_setting_t *, const char *cfgdir,
		    char **cause);
	int	(*build)(const struct gateway *, const struct message *,
		    struct request *, char **cause);
	void	(*parse)(const struct gateway *, const struct message *,
		    const struct response *, struct result *);
	void	(*send_local)(const struct gateway *, const struct message *,
		    struct result *);
	void	(*free)(struct gateway *);
	/* receipts: 1 if a callback to `url` with this form and signature
	 * really comes from the gateway (optional) */
	int	(*receipt_auth)(const struct gateway *, const char *url,
		    const struct evkeyvalq *form, const char *signature);
	/*
	 * Access-token gateways (WeChat), optional: the request that fetches a
	 * token, and its answer parsed into the token and its lifetime. The
	 * core runs the fetch on the loop, shares the token among all sends of
	 * the gateway, and fetches again shortly before it expires or when a
	 * send reports token_expired.
	 */
	int	(*token_build)(const struct gateway *, int64_t now_ms,
		    struct request *, char **cause);
	int	(*token_parse)(const struct gateway *, const struct response *,
		    char *token, size_t tokenlen, int64_t *ttl_ms, char **cause);
	/* staff alert robots (wecom, dingtalk, feishu): usable in `alerts` */
	int			 robot;
};

/* adapters.c: find an adapter by type name; NULL if unknown. */
const struct adapter *adapter_find(const char *type);
/* A comma-separated list of known types, for error messages. */
const char *adapter_types(void);
void	 request_clear(struct request *);
int	 request_add_header(struct request *, const char *fmt, ...) ATTR_PRINTF(2, 3);
void	 result_set(struct result *, enum outcome, const char *fmt, ...) ATTR_PRINTF(3, 4);
/* The HTTP classification shared by simple JSON gateways (webhook). */
void	 adapter_classify_http(const struct response *, struct result *);

extern const struct adapter adapter_console;
extern const struct adapter adapter_file;
extern const struct adapter adapter_webhook;
extern const struct adapter adapter_aliyun;
extern const struct adapter adapter_tencent;
extern const struct adapter adapter_twilio;
extern const struct adapter adapter_kannel;
extern const struct adapter adapter_wechat;
extern const struct adapter adapter_smtp;
extern const struct adapter adapter_wecom;
extern const struct adapter adapter_dingtalk;
extern const struct adapter adapter_feishu;

/* webhook.c, exported for tests: the Standard Webhooks signature "v1,<base64>". */
int	 webhook_sign(const char *secret, const char *msg_id, int64_t ts,
	    const char *body, size_t bodylen, char *out, size_t outlen,
	    char **cause);

/*
 * ---- aliyun.c and tencent.c, exported for tests: the signing steps of
 * reference/gateways.md §1 (Alibaba) and §2 (Tencent), so the published
 * vectors can be reproduced (tests/unit/test_aliyun.c, test_tencent.c).
 * Every string returned is allocated; no function keeps a secret. ----
 */
struct aliyun_param {
	const char	*name;
	const char	*value;
};
/* RFC 3986 as Alibaba specifies it: A-Z a-z 0-9 - _ . ~ kept, %XY uppercase. */
char	*aliyun_percent_encode(const char *);
/* Encoded name=value pairs sorted by encoded name, joined with '&'. */
char	*aliyun_canonical_query(const struct aliyun_param *, size_t);
/* RPC (V2) StringToSign: METHOD&%2F&percentEncode(canonical query). */
char	*aliyun_v2_string_to_sign(const char *method,
	    const struct aliyun_param *, size_t);
/* RPC (V2) Signature: base64 HMAC-SHA1, key secret + "&"; out >= 29 bytes. */
int	 aliyun_sign_v2(const char *secret, const char *method,
	    const struct aliyun_param *, size_t, char *out, size_t outlen);
struct aliyun_v3 {
	const char			*key_id;
	const char			*secret;
	const char			*method;
	const struct aliyun_param	*query;		/* raw, unencoded */
	size_t				 nquery;
	const struct aliyun_param	*headers;	/* every header signed */
	size_t				 nheaders;
	const char			*body;
	size_t				 bodylen;
};
/* ACS3-HMAC-SHA256: *authorization, and hex SHA-256 of the CanonicalRequest. */
int	 aliyun_sign_v3(const struct aliyun_v3 *, char **authorization,
	    char hashed[65]);

struct tencent_tc3 {
	const char	*secret_id;
	const char	*secret_key;
	const char	*service;	/* "sms", "cvm" */
	const char	*host;
	const char	*content_type;
	const char	*action;	/* signed as x-tc-action when not NULL */
	int64_t		 timestamp;	/* unix seconds; its UTC date is scoped */
	const char	*body;
	size_t		 bodylen;
};
/* TC3-HMAC-SHA256 of a POST to "/": *authorization, and hex SHA-256 of the CanonicalRequest. */
int	 tencent_sign(const struct tencent_tc3 *, char **authorization,
	    char hashed[65]);

/*
 * ---- twilio.c and kannel.c, exported for receipts and tests ----
 */
struct twilio_param {
	const char	*name;
	const char	*value;
};
/*
 * X-Twilio-Signature (gateways.md 3.4): Base64(HMAC-SHA1(auth_token, url +
 * the parameters sorted by name, then value, as name + value)) into out
 * (at least 29 bytes). Returns 0, or -1 when out is too small.
 */
int	 twilio_signature(const char *auth_token, const char *url,
	    const struct twilio_param *params, size_t nparams, char *out,
	    size_t outlen);
/*
 * Validate a callback as Twilio's SDKs do: 1 when sig matches the URL with
 * its port removed or with the scheme's default port added (constant-time
 * comparison), 0 otherwise. With a JSON body (body != NULL), the URL's
 * bodySHA256 must be the body's hex SHA-256 and params are not signed.
 */
int	 twilio_signature_valid(const char *auth_token, const char *url,
	    const struct twilio_param *params, size_t nparams, const char *body,
	    size_t bodylen, const char *sig);

/* How Kannel cuts a text sent as UCS-2 (coding=2) into concatenated parts. */
struct kannel_parts {
	size_t		 units;		/* UTF-16 code units */
	size_t		 parts;		/* 1 up to 70 units, else 67 units each */
	size_t		 cut_part;	/* 0, or the part whose end would split
					 * a surrogate pair */
	size_t		 cut_char;	/* that character's position (1-based) */
	uint32_t	 cut_cp;	/* and its code point */
};
/* Returns 0 and the split, or -1 if utf8 is not valid UTF-8. */
int	 kannel_parts(const char *utf8, struct kannel_parts *);

/*
 * ---- dingtalk.c and feishu.c, exported for tests: the robot signatures of
 * reference/gateways.md §5 and §6. They differ (§12.10); see each file. ----
 */
#define ROBOT_SIGN_B64	45	/* base64 of an HMAC-SHA256, NUL included */
#define ROBOT_SIGN_URL	(3 * ROBOT_SIGN_B64)	/* the same, URL-encoded */
/*
 * DingTalk "加签": b64 = Base64(HMAC-SHA256(key = secret, msg = timestamp_ms
 * "\n" secret)), and sign = b64 URL-encoded as the official demos do (+ / =
 * become %2B %2F %3D). Returns 0, or -1 if HMAC fails.
 */
int	 dingtalk_sign(const char *secret, int64_t timestamp_ms,
	    char b64[ROBOT_SIGN_B64], char sign[ROBOT_SIGN_URL]);
/*
 * Feishu/Lark "签名校验": b64 = Base64(HMAC-SHA256(key = timestamp_s "\n"
 * secret, msg = "")), not URL-encoded. Returns 0, or -1 if HMAC fails.
 */
int	 feishu_sign(const char *secret, int64_t timestamp_s,
	    char b64[ROBOT_SIGN_B64]);

/*
 * ---- smtp.c, exported for tests: the MIME message of an e-mail notice
 * (tests/unit/test_smtp.c). Every string returned is allocated. ----
 */
struct smtp_mail {
	const char	*from;		/* sender address: local@domain */
	const char	*from_name;	/* display name (UTF-8), or NULL */
	const char	*to;		/* recipient address */
	const char	*subject;	/* UTF-8 */
	const char	*text;		/* UTF-8 body; LF or CRLF line ends */
	const char	*key;		/* stable key: Message-ID <key@domain of from> */
	int64_t		 date_ms;	/* Date, written in +0800 */
};
/*
 * The whole RFC 5322 message: CRLF line endings, no line over 76
 * characters, non-ASCII headers as RFC 2047 encoded words, the body base64.
 * NULL and *cause when an address is not one.
 */
char	*smtp_message(const struct smtp_mail *, size_t *len, char **cause);
/* "Name: value\r\n", the value as folded encoded words unless plain ASCII fits. */
char	*smtp_header(const char *name, const char *utf8);

#endif /* HUIGAO_ADAPTER_H */
