/*
 * adapters.c - the adapter registry and the helpers adapters share:
 * request building, result setting and the plain HTTP classification.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "adapter.h"

static const struct adapter *const adapters[] = {
	&adapter_console,
	&adapter_file,
	&adapter_webhook,
	&adapter_aliyun,
	&adapter_tencent,
	&adapter_twilio,
	&adapter_kannel,
	&adapter_wechat,
	&adapter_smtp,
	&adapter_wecom,
	&adapter_dingtalk,
	&adapter_feishu,
};
#define NADAPTERS (sizeof(adapters) / sizeof(adapters[0]))

const struct adapter *
adapter_find(const char *type)
{
	size_t	 i;

	for (i = 0; type != NULL && i < NADAPTERS; i++) {
		if (strcmp(adapters[i]->name, type) == 0)
			return (adapters[i]);
	}
	return (NULL);
}

const char *
adapter_types(void)
{
	static char	 buf[256];
	size_t		 i;

	if (buf[0] != '\0')
		return (buf);
	for (i = 0; i < NADAPTERS; i++) {
		if (i > 0)
			strncat(buf, ", ", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, adapters[i]->name, sizeof(buf) - strlen(buf) - 1);
	}
	return (buf);
}

void
request_clear(struct request *r)
{
	size_t	 i;

	/* URLs and headers may hold credentials (Kannel, basic auth) */
	if (r->url != NULL)
		explicit_bzero(r->url, strlen(r->url));
	free(r->url);
	for (i = 0; i < r->nheaders; i++) {
		explicit_bzero(r->headers[i], strlen(r->headers[i]));
		free(r->headers[i]);
	}
	free(r->body);
	free(r->mail_from);
	free(r->rcpt);
	free(r->username);
	if (r->password != NULL) {
		explicit_bzero(r->password, strlen(r->password));
		free(r->password);
	}
	memset(r, 0, sizeof(*r));
}

/* Add "Name: value"; CR and LF are refused so no header can be injected. */
int
request_add_header(struct request *r, const char *fmt, ...)
{
	va_list	 ap;
	char	*h;

	if (r->nheaders >= REQ_MAX_HEADERS)
		return (-1);
	va_start(ap, fmt);
	h = xvasprintf(fmt, ap);
	va_end(ap);
	if (strpbrk(h, "\r\n") != NULL) {
		free(h);
		return (-1);
	}
	r->headers[r->nheaders++] = h;
	return (0);
}

void
result_set(struct result *res, enum outcome o, const char *fmt, ...)
{
	va_list	 ap;

	res->outcome = o;
	va_start(ap, fmt);
	vsnprintf(res->error, sizeof(res->error), fmt, ap);
	va_end(ap);
	util_sanitize(res->error);
}

/* A short reason from a gateway's answer: a JSON error field or the text. */
static void
classify_reason(const struct response *resp, char *out, size_t outlen)
{
	static const char *const fields[] = { "error", "message", "msg",
	    "detail", "errmsg", "reason", NULL };
	json_t		*o, *v;
	size_t		 i;

	out[0] = '\0';
	if (resp->body == NULL || resp->bodylen == 0)
		return;
	if ((o = json_loadb(resp->body, resp->bodylen, 0, NULL)) != NULL) {
		for (i = 0; fields[i] != NULL && json_is_object(o); i++) {
			v = json_object_get(o, fields[i]);
			if (json_is_string(v)) {
				util_strlcpy_utf8(out, json_string_value(v),
				    outlen);
				break;
			}
		}
		json_decref(o);
	}
	if (out[0] == '\0')
		util_strlcpy_utf8(out, resp->body, outlen < 160 ? outlen : 160);
	util_sanitize(out);
}

/* The provider's id for the message, when the answer names one. */
static void
classify_id(const struct response *resp, struct result *res)
{
	static const char *const fields[] = { "id", "message_id", "sid",
	    "messageId", NULL };
	json_t		*o, *v;
	size_t		 i;

	if (resp->body == NULL ||
	    (o = json_loadb(resp->body, resp->bodylen, 0, NULL)) == NULL)
		return;
	for (i = 0; fields[i] != NULL && json_is_object(o); i++) {
		v = json_object_get(o, fields[i]);
		if (json_is_string(v)) {
			util_strlcpy_utf8(res->provider_id, json_string_value(v),
			    sizeof(res->provider_id));
			util_sanitize(res->provider_id);
			break;
		}
	}
	json_decref(o);
}

void
adapter_classify_http(const struct response *resp, struct result *res)
{
	char	 why[200];
	long	 c = resp->status;

	res->http_status = c;
	res->retry_after_ms = resp->retry_after_ms;
	classify_reason(resp, why, sizeof(why));
	if (c >= 200 && c < 300) {
		result_set(res, OUTCOME_OK, "%s", "");
		classify_id(resp, res);
	} else if (c == 408 || c == 425 || c == 429 || c >= 500) {
		result_set(res, OUTCOME_TEMPFAIL, "HTTP %ld%s%s", c,
		    why[0] ? ": " : "", why);
		/* an outage is the gateway's fault; throttling is not */
		res->gwfault = c >= 500;
	} else if (c == 401 || c == 403) {
		/* bad credentials: no message can pass; fail over */
		result_set(res, OUTCOME_TEMPFAIL, "HTTP %ld%s%s (credentials?)",
		    c, why[0] ? ": " : "", why);
		res->gwfault = 1;
	}
	else if (c >= 300 && c < 400)
		result_set(res, OUTCOME_PERMFAIL, "HTTP %ld: redirects are not "
		    "followed; fix the gateway URL", c);
	else
		result_set(res, OUTCOME_PERMFAIL, "HTTP %ld%s%s", c,
		    why[0] ? ": " : "", why);
}
