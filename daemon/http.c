/*
 * http.c - libcurl's multi_socket interface driven by the libevent loop,
 * in the shape of curl's docs/examples/multi-event.c and hiperfifo.c: the
 * socket callback keeps one event per socket, the timer callback keeps one
 * timer, both end in curl_multi_socket_action and a drain of
 * curl_multi_info_read. The gateway adapters never see libcurl.
 *
 * Safety settings (reference/reliability.md §5.1): only https (http only
 * where the gateway allows it), no redirects, TLS verification on (against
 * the gateway's ca_file instead of the system's CAs when set), connect
 * and total timeouts, a low-speed abort, a cap on the response size, no
 * signals, no proxy from the environment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "core.h"

struct xfer {
	struct http		*h;
	CURL			*easy;
	struct curl_slist	*headers;
	char			*body;		/* request body, owned */
	size_t			 bodylen;
	size_t			 sent;		/* SMTP upload position */
	struct curl_slist	*rcpts;		/* SMTP envelope recipients */
	int			 smtp;
	char			*resp;		/* response body, capped */
	size_t			 resplen;
	size_t			 cap;
	int			 overflow;
	int64_t			 retry_after_ms;
	http_cb			 cb;
	void			*arg;
	char			 errbuf[CURL_ERROR_SIZE];
	struct xfer		*next;		/* all transfers, for abort */
	struct xfer		*prev;
};

struct http {
	struct event_base	*base;
	CURLM			*multi;
	struct event		*timer;
	struct xfer		*xfers;
	size_t			 n;
};

/* The per-socket state libcurl hands back through curl_multi_assign. */
struct sock {
	struct event	*ev;
	struct http	*h;
};

static void	http_check(struct http *);

/* Finish one transfer: call back, then free. */
static void
xfer_done(struct xfer *x, CURLcode code, int aborted)
{
	struct http_result	 r;
	long			 status = 0;

	memset(&r, 0, sizeof(r));
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	/* an SMTP server's refusal carries its reply code: the adapter decides */
	r.status = code == CURLE_OK || (x->smtp && status >= 400) ? status : 0;
	r.curl_code = (int)code;
	r.aborted = aborted;
	r.retry_after_ms = x->retry_after_ms;
	r.body = x->resp ? x->resp : "";
	r.bodylen = x->resplen;
	if (aborted)
		r.error = "interrupted: huigaod stopped during the attempt";
	else if (x->overflow)
		r.error = "the gateway's answer is larger than delivery.max_response";
	else if (code != CURLE_OK && r.status == 0)
		r.error = x->errbuf[0] ? x->errbuf : curl_easy_strerror(code);
	if (x->overflow)
		r.status = 0;
	x->cb(x->arg, &r);
	curl_multi_remove_handle(x->h->multi, x->easy);
	curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	curl_slist_free_all(x->rcpts);
	if (x->prev != NULL)
		x->prev->next = x->next;
	else
		x->h->xfers = x->next;
	if (x->next != NULL)
		x->next->prev = x->prev;
	x->h->n--;
	free(x->body);
	free(x->resp);
	free(x);
}

/* Drain finished transfers. */
static void
http_check(struct http *h)
{
	CURLMsg		*msg;
	struct xfer	*x;
	int		 left;

	while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		xfer_done(x, msg->data.result, 0);
	}
}

/* libevent: a socket is ready. */
static void
http_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http	*h = arg;
	int		 running, action = 0;

	if (what & EV_READ)
		action |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	curl_multi_socket_action(h->multi, fd, action, &running);
	http_check(h);
}

/* libevent: libcurl's timer expired. */
static void
http_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http	*h = arg;
	int		 running;

	(void)fd;
	(void)what;
	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	http_check(h);
}

/* libcurl: arm or cancel the single timer. */
static int
http_timer_fn(CURLM *multi, long timeout_ms, void *arg)
{
	struct http	*h = arg;
	struct timeval	 tv;

	(void)multi;
	if (timeout_ms < 0) {
		evtimer_del(h->timer);
		return (0);
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(h->timer, &tv);
	return (0);
}

/* libcurl: watch, change or forget one socket. */
static int
http_socket_fn(CURL *easy, curl_socket_t s, int what, void *arg, void *sockp)
{
	struct http	*h = arg;
	struct sock	*sk = sockp;
	short		 kind = EV_PERSIST;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (sk != NULL) {
			event_free(sk->ev);
			free(sk);
		}
		curl_multi_assign(h->multi, s, NULL);
		return (0);
	}
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if (sk == NULL) {
		sk = xcalloc(1, sizeof(*sk));
		sk->h = h;
		curl_multi_assign(h->multi, s, sk);
	} else
		event_free(sk->ev);
	sk->ev = event_new(h->base, s, kind, http_event_cb, h);
	event_add(sk->ev, NULL);
	return (0);
}

/* Keep the answer, up to the cap; past it, abort the transfer. */
static size_t
http_write_fn(char *p, size_t size, size_t n, void *arg)
{
	struct xfer	*x = arg;
	size_t		 len = size * n;

	if (x->resplen + len > x->cap) {
		x->overflow = 1;
		return (0);
	}
	x->resp = xreallocarray(x->resp, x->resplen + len + 1, 1);
	memcpy(x->resp + x->resplen, p, len);
	x->resplen += len;
	x->resp[x->resplen] = '\0';
	return (len);
}

/* Retry-After: delta-seconds or an HTTP date. */
static size_t
http_header_fn(char *p, size_t size, size_t n, void *arg)
{
	struct xfer	*x = arg;
	size_t		 len = size * n;
	char		 v[128];
	time_t		 t;
	long long	 secs;
	char		*end;

	if (len < 12 || strncasecmp(p, "Retry-After:", 12) != 0)
		return (len);
	snprintf(v, sizeof(v), "%.*s", (int)(len - 12 < sizeof(v) - 1 ?
	    len - 12 : sizeof(v) - 1), p + 12);
	v[strcspn(v, "\r\n")] = '\0';
	secs = strtoll(v, &end, 10);
	if (end != v && *end == '\0' && secs >= 0 && secs < 86400 * 30)
		x->retry_after_ms = secs * 1000;
	else if ((t = curl_getdate(v + strspn(v, " "), NULL)) != -1)
		x->retry_after_ms = ((int64_t)t * 1000 > util_now_ms()) ?
		    (int64_t)t * 1000 - util_now_ms() : 0;
	return (len);
}

/* SMTP: hand libcurl the message to upload. */
static size_t
http_read_fn(char *p, size_t size, size_t n, void *arg)
{
	struct xfer	*x = arg;
	size_t		 len = size * n, left = x->bodylen - x->sent;

	if (len > left)
		len = left;
	memcpy(p, x->body + x->sent, len);
	x->sent += len;
	return (len);
}

/* The options of an SMTP transfer: TLS required unless smtp_plain. */
static void
http_smtpopts(struct xfer *x, const struct request *req)
{
	CURL	*e = x->easy;

	x->smtp = 1;
	x->rcpts = curl_slist_append(NULL, req->rcpt ? req->rcpt : "");
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(e, CURLOPT_USE_SSL, req->smtp_plain ?
	    (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
	curl_easy_setopt(e, CURLOPT_MAIL_FROM, req->mail_from);
	curl_easy_setopt(e, CURLOPT_MAIL_RCPT, x->rcpts);
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, http_read_fn);
	curl_easy_setopt(e, CURLOPT_READDATA, x);
	curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)x->bodylen);
	if (req->username != NULL)
		curl_easy_setopt(e, CURLOPT_USERNAME, req->username);
	if (req->password != NULL)
		curl_easy_setopt(e, CURLOPT_PASSWORD, req->password);
}

/*
 * A gateway's own CAs (ca_file), verified as strictly as the system's. They
 * replace the system's: no CA bundle, and no CA directory either (Debian's
 * libcurl has /etc/ssl/certs built in, which CAINFO alone leaves trusted).
 * No CA cache: the file is read at each new connection, so a court's
 * renewed CA counts without waiting out libcurl's 24 hours.
 */
static void
http_ca_file(CURL *e, const char *path)
{
	curl_easy_setopt(e, CURLOPT_CAINFO, path);
	curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
#if LIBCURL_VERSION_NUM >= 0x075700
	curl_easy_setopt(e, CURLOPT_CA_CACHE_TIMEOUT, 0L);
#endif
}

/* The options every request gets. */
static void
http_setopts(struct xfer *x, const struct request *req,
    const struct gateway *gw)
{
	CURL	*e = x->easy;

	curl_easy_setopt(e, CURLOPT_URL, req->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, gw->allow_http ?
	    "http,https" : "https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (gw->ca_file != NULL)
		http_ca_file(e, gw->ca_file);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, gw->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, gw->timeout_ms);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 10L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "huigao/" HUIGAO_VERSION);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_fn);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, http_header_fn);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	if (req->mail_from != NULL) {
		http_smtpopts(x, req);
		return;
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
	if (req->method != NULL && strcmp(req->method, "GET") == 0)
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	else {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->body ? x->body : "");
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)req->bodylen);
	}
}

int
http_start(struct http *h, const struct request *req, const struct gateway *gw,
    size_t max_response, http_cb cb, void *arg, char **cause)
{
	struct xfer	*x;
	size_t		 i;

	x = xcalloc(1, sizeof(*x));
	if ((x->easy = curl_easy_init()) == NULL) {
		free(x);
		*cause = xstrdup("curl_easy_init failed");
		return (-1);
	}
	x->h = h;
	x->cb = cb;
	x->arg = arg;
	x->cap = max_response;
	x->retry_after_ms = -1;
	if (req->body != NULL) {
		x->body = xmalloc(req->bodylen + 1);
		memcpy(x->body, req->body, req->bodylen);
		x->body[req->bodylen] = '\0';
		x->bodylen = req->bodylen;
	}
	/* no "Expect: 100-continue" round trip */
	x->headers = curl_slist_append(x->headers, "Expect:");
	for (i = 0; i < req->nheaders; i++)
		x->headers = curl_slist_append(x->headers, req->headers[i]);
	http_setopts(x, req, gw);
	x->next = h->xfers;
	if (h->xfers != NULL)
		h->xfers->prev = x;
	h->xfers = x;
	h->n++;
	curl_multi_add_handle(h->multi, x->easy);
	return (0);
}

size_t
http_inflight(const struct http *h)
{
	return (h->n);
}

void
http_abort_all(struct http *h)
{
	while (h->xfers != NULL)
		xfer_done(h->xfers, CURLE_ABORTED_BY_CALLBACK, 1);
}

struct http *
http_new(struct event_base *base)
{
	struct http	*h = xcalloc(1, sizeof(*h));

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatalx("curl_global_init failed");
	h->base = base;
	if ((h->multi = curl_multi_init()) == NULL)
		fatalx("curl_multi_init failed");
	h->timer = evtimer_new(base, http_timer_cb, h);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, http_socket_fn);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, http_timer_fn);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 64L);
	return (h);
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	http_abort_all(h);
	curl_multi_cleanup(h->multi);
	event_free(h->timer);
	free(h);
	curl_global_cleanup();
}
