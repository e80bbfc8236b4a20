/*
 * receipt.h - delivery receipts parsed into one shape (receipt.c).
 */
#ifndef HUIGAO_RECEIPT_H
#define HUIGAO_RECEIPT_H

#include <stddef.h>

struct evkeyvalq;

#define RECEIPT_MAX_BATCH	1000

enum receipt_status { RCPT_DELIVERED, RCPT_UNDELIVERED, RCPT_INTERMEDIATE };

struct receipt {
	char			 key[128];	/* our stable key, when the gateway echoes it */
	char			 provider_id[128];
	char			 phone[32];
	char			 token[80];	/* Kannel: the per-message token */
	enum receipt_status	 status;
	char			 provider_status[64];
	char			 detail[160];
};

const char *receipt_status_str(enum receipt_status);
/* The per-message token: hex of HMAC-SHA256(secret, key), truncated. */
#define RECEIPT_TOKEN_LEN	32
void	 receipt_token(const char *secret, const char *key,
	    char out[RECEIPT_TOKEN_LEN + 1]);
/* Constant-time string comparison; 1 when equal. */
int	 receipt_equal(const char *, const char *);
/* JSON array bodies; *out is allocated (free it), -1 and *cause on garbage. */
int	 receipt_parse_aliyun(const char *, size_t, struct receipt **, size_t *,
	    char **cause);
int	 receipt_parse_tencent(const char *, size_t, struct receipt **, size_t *,
	    char **cause);
/* A form-encoded Twilio callback; `key` comes from the callback URL. */
int	 receipt_parse_twilio(const struct evkeyvalq *form, const char *key,
	    struct receipt *, char **cause);
/* The query of our Kannel dlr-url. */
int	 receipt_parse_kannel(const struct evkeyvalq *query, struct receipt *,
	    char **cause);

#endif /* HUIGAO_RECEIPT_H */
