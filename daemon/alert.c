/*
 * alert.c - staff alerts to group robots (WeCom, DingTalk, Feishu): a
 * notification gone dead, a gateway's circuit opening or closing, a
 * backlog whose oldest message waits too long.
 *
 * Alerts are collected and sent at most once per ALERT_INTERVAL_MS per
 * robot as one message (robots accept about 20 a minute; this sends at
 * most 6), at most ALERT_MAX_ITEMS lines each, the rest counted. They
 * never carry a full phone number. An alert is fire-and-forget: its
 * failure is logged and never blocks, delays or fails a notification.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "core.h"

#define ALERT_INTERVAL_MS	10000
#define ALERT_MAX_QUEUE		200
#define ALERT_MAX_ITEMS		20
#define ALERT_BACKLOG_CHECK_MS	60000	/* the longest interval between checks */

struct alerts {
	struct env	*env;
	struct event	*flush;
	struct event	*backlog;
	char		*queue[ALERT_MAX_QUEUE];
	size_t		 n;
	size_t		 dropped;
	int64_t		 backlog_alerted;	/* last backlog alert, ms */
	uint64_t	 sent, failed;
};

/* One alert in flight to one robot. */
struct alertsend {
	struct alerts	*a;
	struct config	*cfg;
	struct gateway	*gw;
};

/* A robot's answer, read by its adapter (robots say no with HTTP 200): logged. */
static void
alert_done(void *arg, const struct http_result *hr)
{
	struct alertsend	*as = arg;
	struct response		 resp;
	struct result		 res;

	memset(&res, 0, sizeof(res));
	if (hr->error != NULL)
		result_set(&res, OUTCOME_TEMPFAIL, "%s", hr->error);
	else {
		memset(&resp, 0, sizeof(resp));
		resp.status = hr->status;
		resp.body = hr->body;
		resp.bodylen = hr->bodylen;
		resp.retry_after_ms = hr->retry_after_ms;
		as->gw->ad->parse(as->gw, NULL, &resp, &res);
	}
	if (res.outcome == OUTCOME_OK)
		as->a->sent++;
	else {
		as->a->failed++;
		log_warnx("staff alert to %s not delivered: %s", as->gw->name,
		    res.error);
	}
	cfg_unref(as->cfg);
	free(as);
}

/* Send one text to every alert robot. */
static void
alert_send(struct alerts *a, const char *text)
{
	struct config	*cfg = a->env->cfg;
	struct alertsend *as;
	struct message	 m;
	struct request	 req;
	char		*cause = NULL, key[64];
	size_t		 i;

	memset(&m, 0, sizeof(m));
	m.now_ms = util_now_ms();
	snprintf(key, sizeof(key), "alert-%lld", (long long)m.now_ms);
	m.key = key;
	m.channel = "alert";
	m.to = "";
	m.text = text;
	m.sign = "";
	m.case_no = "";
	m.step = "ALERT";
	m.label = "告警";
	m.court = "";
	m.vars = "{}";
	m.attempt = 1;
	for (i = 0; i < cfg->nalerts; i++) {
		memset(&req, 0, sizeof(req));
		as = xcalloc(1, sizeof(*as));
		as->a = a;
		as->gw = cfg->alerts[i];
		as->cfg = cfg_ref(cfg);
		if (as->gw->ad->build(as->gw, &m, &req, &cause) == -1 ||
		    http_start(a->env->http, &req, as->gw,
		    cfg->delivery.max_response, alert_done, as, &cause) == -1) {
			log_warnx("staff alert to %s: %s", as->gw->name,
			    cause ? cause : "cannot build");
			free(cause);
			cause = NULL;
			a->failed++;
			cfg_unref(as->cfg);
			free(as);
		}
		request_clear(&req);
	}
}

/* Every ALERT_INTERVAL_MS: one message with what has gathered. */
static void
alert_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct alerts	*a = arg;
	char		*text, *t;
	size_t		 i;

	(void)fd;
	(void)what;
	if (a->n == 0)
		return;
	text = xasprintf("【huigao 告警】%s", a->env->cfg->ncourts > 0 ?
	    a->env->cfg->courts[0].name : "");
	for (i = 0; i < a->n; i++) {
		if (i < ALERT_MAX_ITEMS) {
			t = xasprintf("%s\n%zu. %s", text, i + 1, a->queue[i]);
			free(text);
			text = t;
		}
		free(a->queue[i]);
	}
	if (a->n > ALERT_MAX_ITEMS || a->dropped > 0) {
		t = xasprintf("%s\n……另有 %zu 条，详见 huigaod 日志", text,
		    a->n - (a->n > ALERT_MAX_ITEMS ? ALERT_MAX_ITEMS : a->n) +
		    a->dropped);
		free(text);
		text = t;
	}
	a->n = 0;
	a->dropped = 0;
	alert_send(a, text);
	free(text);
}

void
alert_raise(struct alerts *a, const char *fmt, ...)
{
	struct timeval	 tv;
	va_list		 ap;
	char		*s;

	if (a == NULL || a->env->cfg->nalerts == 0)
		return;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	util_sanitize(s);
	if (a->n == ALERT_MAX_QUEUE) {
		free(s);
		a->dropped++;
		return;
	}
	a->queue[a->n++] = s;
	if (!evtimer_pending(a->flush, NULL)) {
		tv.tv_sec = ALERT_INTERVAL_MS / 1000;
		tv.tv_usec = 0;
		evtimer_add(a->flush, &tv);
	}
}

/* Once a minute: is the oldest pending message older than the threshold? */
static void
alert_backlog_cb(evutil_socket_t fd, short what, void *arg)
{
	struct alerts		*a = arg;
	struct store_stats	 ss;
	int64_t			 now = util_now_ms(), limit, age;
	char			*cause = NULL;

	(void)fd;
	(void)what;
	limit = a->env->cfg->delivery.backlog_alert_ms;
	if (limit <= 0 || a->env->cfg->nalerts == 0)
		return;
	if (store_stats(a->env->store, &ss, &cause) != STORE_OK) {
		free(cause);
		return;
	}
	/* again only after another threshold, and not more than every 10 min */
	if (ss.oldest_pending_ms < 0 || (age = now - ss.oldest_pending_ms) <
	    limit || (a->backlog_alerted != 0 && now - a->backlog_alerted <
	    (limit > 600000 ? limit : 600000)))
		return;
	a->backlog_alerted = now;
	alert_raise(a, "积压：最早一条待发通知已等待 %lld 分钟，共 %lld 条待发",
	    (long long)(age / 60000), (long long)ss.by_state[0]);
}

struct alerts *
alert_new(struct env *env)
{
	struct alerts	*a = xcalloc(1, sizeof(*a));
	struct timeval	 tv;
	int64_t		 every = env->cfg->delivery.backlog_alert_ms / 2;

	a->env = env;
	a->flush = evtimer_new(env->base, alert_flush_cb, a);
	a->backlog = event_new(env->base, -1, EV_PERSIST, alert_backlog_cb, a);
	if (a->flush == NULL || a->backlog == NULL)
		fatalx("alert: event_new failed");
	/* check twice per threshold, at least every second, at most a minute */
	if (every < 1000)
		every = 1000;
	if (every > ALERT_BACKLOG_CHECK_MS)
		every = ALERT_BACKLOG_CHECK_MS;
	tv.tv_sec = every / 1000;
	tv.tv_usec = (every % 1000) * 1000;
	event_add(a->backlog, &tv);
	return (a);
}

/* Free; alerts still queued at shutdown stay in the log only. */
void
alert_free(struct alerts *a)
{
	size_t	 i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++)
		free(a->queue[i]);
	event_free(a->flush);
	event_free(a->backlog);
	free(a);
}
