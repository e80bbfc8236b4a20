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

/*
 * ---- adapters.c: shared helpers for adapters. Pure: no I/O, no clock.
 * Every string returned is allocated; the caller frees it. ----
 */

/* A string key of the gateway: 1 and a copy in *out, 0 when absent (*out
 * NULL), -1 and *cause when it is not a non-empty string. */
int	 adapter_cfg_str(const struct gateway *, const config_setting_t *,
	    const char *key, char **out, char **cause);
/* The same for a required key: 0, or -1 and *cause (also when missing). */
int	 adapter_cfg_need(const struct gateway *, const config_setting_t *,
	    const char *key, char **out, char **cause);
/* A required secret, key or key_file (cfg_secret): 0, or -1 and *cause when
 * it is missing or empty. */
int	 adapter_cfg_secret(const struct gateway *, const config_setting_t *,
	    const char *key, const char *cfgdir, char **out, char **cause);
/* sign_name (optional): the approved SMS signature, without 【】. */
int	 adapter_cfg_sign_name(const struct gateway *,
	    const config_setting_t *, char **out, char **cause);
/* region (optional, default def): lowercase letters, digits and dashes. */
int	 adapter_cfg_region(const struct gateway *, const config_setting_t *,
	    const char *def, char **out, char **cause);
/*
 * Base URL "scheme://host[:port]" and Host "host[:port]" of gw->endpoint
 * (cfg.c accepted only http:// and https://), or "https://" def_host and
 * def_host when there is none. 0, or -1 and *cause when it has no host.
 */
int	 adapter_endpoint(const struct gateway *, const config_setting_t *,
	    const char *def_host, char **base, char **host, char **cause);
/* Wipe a secret string, then free it; NULL is allowed. */
void	 adapter_secret_free(char *);

/* Lowercase hex of n bytes into out (2 * n + 1 bytes). */
void	 adapter_hex(const unsigned char *, size_t n, char *out);
/* Base64 of n bytes into out (4 * ((n + 2) / 3) + 1 bytes). */
void	 adapter_base64(const void *, size_t n, char *out);
/* Lowercase hex SHA-256 into out (65 bytes); fatal if OpenSSL fails. */
void	 adapter_sha256_hex(const void *, size_t, char *out);
/* HMAC-SHA1 into mac (20 bytes): 0, or -1 if OpenSSL fails. */
int	 adapter_hmac_sha1(const void *key, size_t keylen, const void *msg,
	    size_t msglen, unsigned char mac[20]);
/* HMAC-SHA256 into mac (32 bytes): 0, or -1 if OpenSSL fails. */
int	 adapter_hmac_sha256(const void *key, size_t keylen, const void *msg,
	    size_t msglen, unsigned char mac[32]);
/* RFC 3986 percent-encoding: A-Z a-z 0-9 - _ . ~ kept, others %XY uppercase. */
char	*adapter_percent_encode(const char *);
/* The same as a form value (application/x-www-form-urlencoded): space '+'. */
char	*adapter_form_encode(const char *);

/* The message has its step's vendor template (m->tpl): 0, or -1 and *cause. */
int	 adapter_need_template(const struct gateway *,
	    const struct message *, char **cause);
/* The SMS signature: sign_name, else the court's; NULL and *cause if none. */
const char *adapter_sms_sign(const struct gateway *, const struct message *,
	    const char *sign_name, char **cause);
/*
 * The step's vendor template variables: adapter_vars parses the message's
 * variables (vars, a JSON object) and points rc at them; NULL and *cause
 * when vars is not a JSON object. adapter_render_var renders one variable
 * as the text would show it (numbers plainly, ISO dates as 6月30日, a
 * party's name masked): 0 and *out; 1 when the variable is missing from
 * the params; -1 and *why when it does not render.
 */
json_t	*adapter_vars(const char *vars, struct render_ctx *rc,
	    char **cause);
int	 adapter_render_var(const struct render_ctx *rc, const char *name,
	    char **out, char **why);

/*
 * o as compact JSON text, or NULL when o is NULL or does not encode
 * (invalid UTF-8); o is released either way.
 */
char	*adapter_json_text(json_t *o);
/* req becomes a POST of body (taken) with Content-Type: application/json. */
void	 adapter_post_json(struct request *, char *body);
/* The answer's body as JSON; NULL when there is none or it is not JSON. */
json_t	*adapter_json_answer(const struct response *);
/* Mask runs of 11 or more digits (phone numbers) in s as 138****5678. */
void	 adapter_mask_numbers(char *s);
/* The provider id: a sanitized copy of id ("" when NULL). */
void	 adapter_provider_id(struct result *, const char *id);
/* Make the least wait before a retry wait_s seconds, unless it is longer. */
void	 adapter_wait_at_least(struct result *, int wait_s);
/* result_set with text cut on a UTF-8 boundary to fit res->error. */
void	 adapter_result_text(struct result *, enum outcome,
	    const char *text);
/*
 * An answer that is not the gateway's JSON (what: "SendSms JSON"): the
 * status decides, always a TEMPFAIL and the gateway's fault except for 429;
 * the start of the body is quoted, its digit runs masked when mask is set.
 */
void	 adapter_no_answer(const struct response *, struct result *,
	    const char *what, int mask);

/* How a vendor's error code (Alibaba, Tencent) is handled. */
struct adapter_code {
	const char	*code;
	enum outcome	 outcome;
	int		 gwfault;
	int		 retry_s;	/* the least wait before a retry */
};
/* A vendor's codes: exact ones, then families by prefix. */
struct adapter_codes {
	const struct adapter_code	*exact;
	size_t				 nexact;
	const struct adapter_code	*prefix;
	size_t				 nprefix;
};
/* An unknown code: retried, through the next gateway, never lost. */
extern const struct adapter_code adapter_code_unknown;
/* HTTP 5xx, whatever the body says: the vendor's outage. */
extern const struct adapter_code adapter_code_outage;
/*
 * The code and message of an {"Code": ..., "Message": ...} object: 0, or -1
 * when there is no Code string; *msg is "" when there is no Message.
 */
int	 adapter_code_of(const json_t *, const char **code,
	    const char **msg);
/* How code is handled: its entry, its family's, else adapter_code_unknown. */
const struct adapter_code *adapter_code_find(const struct adapter_codes *,
	    const char *code);
/*
 * Set the result from c: outcome, fault, a least wait of wait_s, and the
 * reason "<prefix><code>: <msg>" (" (an unrecognised code)" after it when
 * c is adapter_code_unknown) with phone numbers masked.
 */
void	 adapter_code_result(struct result *, const struct adapter_code *c,
	    const char *prefix, const char *code, const char *msg, int wait_s);

/*
 * Staff alert robots (wecom.c, dingtalk.c, feishu.c). Their URL holds a
 * credential and is never logged; an alert too long for the robot is cut
 * and marked (alerts may be cut; notices never are).
 */
#define ROBOT_CUT_MARK	"…（已截断）"
struct robot_priv {
	char	*webhook;	/* holds the robot's key: never logged */
	char	*secret;	/* NULL: the robot is not signed */
	char	*keyword;	/* NULL: none */
};
/* How a robot's nonzero code is handled. */
struct robot_code {
	long		 code;
	enum outcome	 outcome;
	int		 gwfault;
	int		 retry_s;	/* the least wait before a retry */
	const char	*why;		/* our words */
};
/*
 * What a robot's answer holds and how its codes are handled. what starts a
 * reason ("wecom errcode"); the alternative keys are read when code_key is
 * absent (NULL: none); not_ours follows "HTTP <status> " when a 2xx answer
 * has no code.
 */
struct robot_answer {
	const char		*what;
	const char		*code_key;	/* "errcode" */
	const char		*msg_key;	/* "errmsg" */
	const char		*alt_code_key;
	const char		*alt_msg_key;
	const char		*not_ours;
	const struct robot_code	*codes;
	size_t			 ncodes;
	const struct robot_code	*unknown;	/* a code not in codes */
};
/* `webhook`: required, http(s), https unless allow_http, no spaces. */
int	 adapter_robot_webhook(const struct gateway *,
	    const config_setting_t *, char **out, char **cause);
/*
 * init of a robot with webhook, secret (or secret_file) and keyword: a
 * robot_priv as gw->priv; 0, or -1 and *cause (adapter_robot_free frees it).
 */
int	 adapter_robot_init(struct gateway *, const config_setting_t *,
	    const char *cfgdir, char **cause);
/* Wipe the URL and the secret, free the robot_priv. */
void	 adapter_robot_free(struct gateway *);
/* text with keyword (or NULL) on a line in front, unless it holds it. */
char	*adapter_robot_text(const char *text, const char *keyword);
/* text cut to max bytes (max > the mark) on a UTF-8 boundary, marked. */
char	*adapter_robot_clip(const char *text, size_t max);
/*
 * body(text, arg) with text cut if need be so the body holds maxbody bytes
 * (body returns NULL when text is not UTF-8). NULL and *cause, naming who,
 * when the text cannot be cut to fit or is not UTF-8.
 */
char	*adapter_robot_fit(const char *text, size_t maxbody,
	    char *(*body)(const char *, const void *), const void *arg,
	    const char *who, char **cause);
/*
 * A robot's answer: a nonzero code decides (an unrecognised one only with
 * a 2xx), else 2xx with a code is OK, 2xx without one is a TEMPFAIL and the
 * robot's fault, and any other status is adapter_classify_http's. HTTP 5xx
 * is an outage whatever the body says.
 */
void	 adapter_robot_parse(const struct robot_answer *,
	    const struct response *, struct result *);

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
