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
};

#define REQ_MAX_HEADERS	16
struct request {
	char		*url;
	const char	*method;	/* static string; "POST" when NULL */
	char		*headers[REQ_MAX_HEADERS];	/* "Name: value" */
	size_t		 nheaders;
	char		*body;
	size_t		 bodylen;
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
};

struct adapter {
	const char		*name;
	const char *const	*keys;		/* the adapter's own config keys, NULL-terminated */
	int			 needs_url;	/* `url` (or `endpoint`) is required */
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

/* webhook.c, exported for tests: the Standard Webhooks signature "v1,<base64>". */
int	 webhook_sign(const char *secret, const char *msg_id, int64_t ts,
	    const char *body, size_t bodylen, char *out, size_t outlen,
	    char **cause);

#endif /* HUIGAO_ADAPTER_H */
