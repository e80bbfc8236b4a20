/*
 * sched.c - the scheduler: expand new step events, claim due notifications
 * in batches, hand each to its gateway, and write the outcomes back in
 * batches. One timer is armed for the next due row; an idle daemon sleeps.
 *
 * Memory is bounded by delivery.max_in_flight: a row is claimed only when
 * there is room for it among the sends under way and the outcomes not yet
 * written. When the database is locked by the court's application the
 * outcomes stay in memory and the write is retried on a timer; nothing is
 * lost and the loop never blocks for more than the short busy timeout.
 */
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "core.h"
#include "receipt.h"

#define SCHED_BUSY_MIN_MS	50
#define SCHED_TRIM_MS		1000	/* idle this long: give memory back */
#define SCHED_BUSY_MAX_MS	2000

enum breaker { BRK_CLOSED, BRK_OPEN, BRK_HALF };

/*
 * What the scheduler knows of one gateway, by name, across reloads: the
 * circuit breaker (opened after breaker_failures consecutive failures that
 * are the gateway's fault, probed by one message after a cooldown that
 * doubles up to ten times breaker_cooldown, closed by any real answer), the
 * token bucket of `rate`, and the sends under way.
 */
struct gwstate {
	char		*name;
	int		 inflight;
	int		 picked;	/* chosen in the claim under way */
	int		 fails;		/* consecutive gateway faults */
	enum breaker	 state;
	int64_t		 open_until;
	int64_t		 cooldown_ms;
	int		 probing;
	double		 tokens;
	int64_t		 refill_ms;
	uint64_t	 n_ok, n_tempfail, n_permfail;
	/* access-token gateways (WeChat) */
	char		*token;
	int64_t		 token_exp;
	int		 fetching;
	struct job	*waiting;	/* sends parked until a token arrives */
};

/* One send under way. */
struct job {
	struct sched		*s;
	struct delivery		*d;
	struct config		*cfg;	/* a reference, for the gateway */
	struct gateway		*gw;
	struct gwstate		*gs;
	char			 token[RECEIPT_TOKEN_LEN + 1];
	char			*access_token;	/* the one this send used */
	struct job		*wnext;		/* in gwstate.waiting */
	struct job		*next;
	struct job		*prev;
};

struct sched {
	struct env		*env;
	struct event		*kick;		/* run a cycle on the next loop turn */
	struct event		*timer;		/* the next due row */
	struct event		*busy;		/* retry after SQLITE_BUSY */
	struct event		*trim;		/* give memory back when idle */
	int64_t			 worked_ms;	/* last turn that did work */
	int64_t			 busy_ms;
	struct job		*jobs;
	size_t			 njobs;
	struct gwstate		*gws;
	size_t			 ngws;
	int64_t			 blocked_ms;	/* no gateway free before then */
	int64_t			 busy_since;	/* first of consecutive busy errors */
	int			 busy_warned;
	int64_t			 busy_warned_ms;
	struct sched_latency	 lat;
	int			 blocked;	/* rows waited for a gateway */
	struct outcome_rec	*recs;
	size_t			 nrecs;
	size_t			 caprecs;
	void			(*drained)(struct env *);
};

static void	sched_run(struct sched *);
static void	sched_trim_later(struct sched *);

/*
 * Crash tests only: HUIGAO_TEST_KILL_AT=after-claim|after-send|before-record
 * makes the daemon SIGKILL itself the HUIGAO_TEST_KILL_AFTER'th time (default
 * 1) it reaches that point, so tests/crash can prove what a crash there
 * costs. Unset in production; read once.
 */
static void
test_killpoint(const char *point)
{
	static const char	*at;
	static long		 after = -1, seen;
	const char		*n;

	if (after == -1) {
		at = getenv("HUIGAO_TEST_KILL_AT");
		n = getenv("HUIGAO_TEST_KILL_AFTER");
		after = n ? strtol(n, NULL, 10) : 1;
	}
	if (at == NULL || strcmp(at, point) != 0 || ++seen < after)
		return;
	log_warnx("test hook: killing myself at %s (#%ld)", point, seen);
	raise(SIGKILL);
}
static void	sched_done(struct job *, const struct result *, int);
static void	sched_send(struct sched *, struct job *);
static void	token_invalidate(struct gwstate *, const char *);
static void	sched_message(struct job *, struct message *);

const double sched_lat_bounds[SCHED_LAT_BUCKETS] = { 0.005, 0.01, 0.025, 0.05,
    0.1, 0.25, 0.5, 1, 2.5, 10, 60, 600 };

/* Count one commit-to-sent latency. */
static void
sched_observe(struct sched *s, double secs)
{
	int	 i;

	s->lat.count++;
	s->lat.sum += secs;
	for (i = 0; i < SCHED_LAT_BUCKETS; i++) {
		if (secs <= sched_lat_bounds[i]) {
			s->lat.bucket[i]++;
			break;
		}
	}
}

const struct sched_latency *
sched_latency(const struct sched *s)
{
	return (&s->lat);
}

int64_t
sched_busy_since(const struct sched *s)
{
	return (s->busy_since);
}

size_t
sched_gwstats(const struct sched *s, struct gwstat *out, size_t max)
{
	size_t	 i;

	for (i = 0; i < s->ngws && i < max; i++) {
		out[i].name = s->gws[i].name;
		out[i].inflight = s->gws[i].inflight;
		out[i].breaker = (int)s->gws[i].state;
		out[i].ok = s->gws[i].n_ok;
		out[i].tempfail = s->gws[i].n_tempfail;
		out[i].permfail = s->gws[i].n_permfail;
	}
	return (i);
}

/* The state of a gateway by name, created on first use. */
static struct gwstate *
sched_gw(struct sched *s, const char *name)
{
	size_t	 i;

	for (i = 0; i < s->ngws; i++) {
		if (strcmp(s->gws[i].name, name) == 0)
			return (&s->gws[i]);
	}
	s->gws = xreallocarray(s->gws, s->ngws + 1, sizeof(*s->gws));
	memset(&s->gws[s->ngws], 0, sizeof(*s->gws));
	s->gws[s->ngws].name = xstrdup(name);
	s->gws[s->ngws].tokens = -1;	/* filled on first use */
	return (&s->gws[s->ngws++]);
}

/* Refill the token bucket; 1 if a token is there, else when one will be. */
static int
gw_tokens(struct gwstate *gs, const struct gateway *g, int64_t now,
    int64_t *when)
{
	double	 burst = g->rate < 1 ? 1 : g->rate;

	if (g->rate <= 0)
		return (1);
	if (gs->tokens < 0 || gs->refill_ms == 0)
		gs->tokens = burst;
	else if (now > gs->refill_ms)
		gs->tokens += (double)(now - gs->refill_ms) * g->rate / 1000.0;
	if (gs->tokens > burst)
		gs->tokens = burst;
	gs->refill_ms = now;
	if (gs->tokens >= 1)
		return (1);
	*when = now + (int64_t)((1 - gs->tokens) * 1000.0 / g->rate) + 1;
	return (0);
}

/*
 * Can this gateway take one more message now? If not, *when is the time
 * it may (or stays -1 when only a finishing send can free it).
 */
static int
gw_available(struct gwstate *gs, const struct gateway *g, int64_t now,
    int64_t *when)
{
	*when = -1;
	if (gs->state == BRK_OPEN) {
		if (now < gs->open_until) {
			*when = gs->open_until;
			return (0);
		}
		gs->state = BRK_HALF;
		gs->probing = 0;
		log_info("gateway %s: circuit half-open; sending one probe",
		    gs->name);
	}
	if (gs->state == BRK_HALF && gs->probing)
		return (0);
	if (gs->inflight + gs->picked >= g->max_in_flight)
		return (0);
	return (gw_tokens(gs, g, now, when));
}

/* store_claim's picker: the first available gateway from the row's route position. */
static const char *
sched_pick(void *arg, const struct delivery *d, int64_t now, int *pos,
    int64_t *avail)
{
	struct sched		*s = arg;
	const struct route_cfg	*r;
	struct gwstate		*gs;
	int64_t			 when;
	size_t			 i, idx;
	int			 ch = cfg_channel_parse(d->channel);

	*avail = -1;
	if (ch < 0 || (r = &s->env->cfg->routes[ch])->ngws == 0) {
		log_warnx("notification %lld: no gateway is routed for channel "
		    "%s; it waits for a configuration that has one",
		    (long long)d->id, d->channel);
		*avail = now + 60000;
		return (NULL);
	}
	for (i = 0; i < r->ngws; i++) {
		idx = ((size_t)(*pos < 0 ? 0 : *pos) + i) % r->ngws;
		gs = sched_gw(s, r->gws[idx]->name);
		if (!gw_available(gs, r->gws[idx], now, &when)) {
			if (when > 0 && (*avail < 0 || when < *avail))
				*avail = when;
			continue;
		}
		if (r->gws[idx]->rate > 0)
			gs->tokens -= 1;
		if (gs->state == BRK_HALF)
			gs->probing = 1;
		gs->picked++;
		*pos = (int)idx;
		return (r->gws[idx]->name);
	}
	s->blocked = 1;
	return (NULL);
}

/* Feed one result to the gateway's circuit breaker. */
static void
gw_result(struct sched *s, struct gwstate *gs, const struct gateway *g,
    int fault, enum outcome o, int64_t now)
{
	int64_t	 base = g ? g->breaker_cooldown_ms : 30000;

	gs->probing = 0;
	if (o == OUTCOME_OK)
		gs->n_ok++;
	else if (o == OUTCOME_TEMPFAIL)
		gs->n_tempfail++;
	else
		gs->n_permfail++;
	if (!fault) {
		if (gs->state != BRK_CLOSED) {
			log_info("gateway %s: circuit closed; it answers again",
			    gs->name);
			alert_raise(s->env->alerts, "网关 %s 已恢复，熔断关闭",
			    gs->name);
		}
		gs->fails = 0;
		gs->state = BRK_CLOSED;
		gs->cooldown_ms = 0;
		return;
	}
	gs->fails++;
	if (gs->state == BRK_HALF)
		gs->cooldown_ms = gs->cooldown_ms * 2 > base * 10 ? base * 10 :
		    gs->cooldown_ms * 2;
	else if (gs->state == BRK_CLOSED &&
	    gs->fails >= (g ? g->breaker_failures : 5))
		gs->cooldown_ms = base;
	else
		return;
	gs->state = BRK_OPEN;
	gs->open_until = now + gs->cooldown_ms;
	log_warnx("gateway %s: circuit open after %d consecutive failures; "
	    "next probe in %lld s", gs->name, gs->fails,
	    (long long)(gs->cooldown_ms / 1000));
	alert_raise(s->env->alerts, "网关 %s 熔断：连续 %d 次失败，%lld 秒后试探",
	    gs->name, gs->fails, (long long)(gs->cooldown_ms / 1000));
}

/* Log one finished attempt as a single key=value line (no body, masked phone). */
static void
sched_log(const struct job *j, const struct outcome_rec *r, int64_t now)
{
	const struct delivery	*d = j->d;

	if (strcmp(r->outcome, "ok") == 0)
		log_info("delivery id=%lld gw=%s attempt=%d result=%s http=%ld "
		    "to=%s latency_ms=%lld", (long long)d->id, d->gateway,
		    d->attempts, r->state, r->http_status, d->masked_to,
		    (long long)(now - d->committed_ms));
	else
		log_info("delivery id=%lld gw=%s attempt=%d result=%s http=%ld "
		    "to=%s state=%s error=\"%s\"", (long long)d->id, d->gateway,
		    d->attempts, r->outcome, r->http_status, d->masked_to,
		    r->state, r->error);
}

/*
 * After a failure that is the gateway's fault, the next attempt goes to the
 * next gateway of the route, at once while this round of the route has
 * gateways left; a failure that is the message's stays on the gateway.
 */
static void
sched_failover(const struct job *j, const struct result *res, int64_t *delay,
    struct outcome_rec *r)
{
	const struct route_cfg	*rt;
	int			 ch = cfg_channel_parse(j->d->channel);

	r->route_pos = j->d->route_pos;
	if (!res->gwfault || ch < 0 || (rt = &j->cfg->routes[ch])->ngws < 2)
		return;
	r->route_pos = (int)(((size_t)j->d->route_pos + 1) % rt->ngws);
	if (j->d->attempts % (int)rt->ngws != 0 && res->retry_after_ms < 0)
		*delay = 0;
}

/* Turn an attempt's result into the row's next state. */
static void
sched_decide(const struct job *j, const struct result *res, int64_t now,
    struct outcome_rec *r)
{
	const struct delivery_cfg	*dc = &j->cfg->delivery;
	struct retry_policy		 p;
	enum backoff_verdict		 v;
	int64_t				 delay;

	r->http_status = res->http_status;
	util_strlcpy_utf8(r->provider_id, res->provider_id,
	    sizeof(r->provider_id));
	util_strlcpy_utf8(r->error, res->error, sizeof(r->error));
	if (res->outcome == OUTCOME_OK) {
		r->state = "sent";
		r->outcome = "ok";
		return;
	}
	r->outcome = res->outcome == OUTCOME_PERMFAIL ? "permfail" : "tempfail";
	if (res->token_expired) {
		/* not the message's failure: send again with a fresh token */
		r->state = "pending";
		r->next_attempt_ms = now;
		r->route_pos = j->d->route_pos;
		r->uncount = 1;
		return;
	}
	if (res->outcome == OUTCOME_PERMFAIL) {
		r->state = "dead";
		return;
	}
	p.base_ms = dc->retry_base_ms;
	p.max_ms = dc->retry_max_ms;
	p.max_age_ms = dc->max_age_ms;
	p.max_attempts = dc->max_attempts;
	v = backoff_next(&p, j->d->attempts, res->retry_after_ms,
	    now - j->d->queued_ms, arc4random(), &delay);
	if (v == BACKOFF_RETRY) {
		r->state = "pending";
		sched_failover(j, res, &delay, r);
		r->next_attempt_ms = now + delay;
		return;
	}
	r->state = "dead";
	snprintf(r->error, sizeof(r->error), "gave up (%s) after %d "
	    "attempts; last error: %s", backoff_verdict_str(v),
	    j->d->attempts, res->error);
}

/* Queue the write of an outcome; the next turn records it. */
static void
sched_push(struct sched *s, const struct outcome_rec *r)
{
	if (s->nrecs == s->caprecs) {
		s->caprecs = s->caprecs ? s->caprecs * 2 : 64;
		s->recs = xreallocarray(s->recs, s->caprecs, sizeof(*s->recs));
	}
	s->recs[s->nrecs++] = *r;
	sched_kick(s);
}

/* A send finished (or never started): decide, log, record, release. */
static void
sched_done(struct job *j, const struct result *res, int interrupted)
{
	struct sched		*s = j->s;
	struct outcome_rec	 r;
	int64_t			 now = util_now_ms();

	memset(&r, 0, sizeof(r));
	r.id = j->d->id;
	r.attempt_id = j->d->attempt_id;
	r.finished_ms = now;
	r.duration_ms = now - j->d->started_ms;
	sched_decide(j, res, now, &r);
	if (interrupted) {
		/* shutting down: the next start sends it again at once */
		r.state = "pending";
		r.next_attempt_ms = now;
	}
	sched_log(j, &r, now);
	if (strcmp(r.state, "dead") == 0)
		alert_raise(s->env->alerts, "通知 #%lld 发送失败，已停止重试："
		    "%s %s，收件人 %s，网关 %s，原因：%s", (long long)j->d->id,
		    j->d->case_no, j->d->label ? j->d->label : j->d->step_code,
		    j->d->masked_to, j->d->gateway, r.error);
	if (strcmp(r.state, "sent") == 0 && j->d->committed_ms > 0)
		sched_observe(s, (double)(now - j->d->committed_ms) / 1000.0);
	sched_push(s, &r);
	if (j->gs != NULL) {
		j->gs->inflight--;
		if (res->token_expired)
			token_invalidate(j->gs, j->access_token);
		else if (!interrupted)
			gw_result(s, j->gs, j->gw, res->gwfault, res->outcome,
			    now);
	}
	free(j->access_token);
	if (j->prev != NULL)
		j->prev->next = j->next;
	else
		s->jobs = j->next;
	if (j->next != NULL)
		j->next->prev = j->prev;
	s->njobs--;
	cfg_unref(j->cfg);
	delivery_free(j->d);
	free(j);
}

/* libcurl finished one request: classify transport errors, else ask the adapter. */
static void
sched_http_cb(void *arg, const struct http_result *hr)
{
	struct job	*j = arg;
	struct result	 res;
	struct response	 resp;
	struct message	 m;

	test_killpoint("after-send");
	memset(&res, 0, sizeof(res));
	res.retry_after_ms = -1;
	if (hr->aborted || hr->error != NULL) {
		result_set(&res, OUTCOME_TEMPFAIL, "%s", hr->error ? hr->error :
		    "transport error");
		res.gwfault = !hr->aborted;
		if (hr->curl_code == CURLE_UNSUPPORTED_PROTOCOL)
			res.outcome = OUTCOME_PERMFAIL;
		sched_done(j, &res, hr->aborted);
		return;
	}
	memset(&resp, 0, sizeof(resp));
	resp.status = hr->status;
	resp.body = hr->body;
	resp.bodylen = hr->bodylen;
	resp.retry_after_ms = hr->retry_after_ms;
	sched_message(j, &m);
	j->gw->ad->parse(j->gw, &m, &resp, &res);
	sched_done(j, &res, 0);
}

/* Fill the adapter's view of a delivery. */
static void
sched_message(struct job *j, struct message *m)
{
	const struct delivery	*d = j->d;

	memset(m, 0, sizeof(*m));
	m->id = d->id;
	m->key = d->key;
	m->channel = d->channel;
	m->to = d->recipient;
	m->text = d->body;
	m->sign = d->sign ? d->sign : "";
	m->case_no = d->case_no;
	m->step = d->step_code;
	m->label = d->label;
	m->court = d->court;
	m->vars = d->vars ? d->vars : "{}";
	m->attempt = d->attempts;
	m->now_ms = util_now_ms();
	m->tpl = cfg_vtpl(cfg_step(j->cfg, d->step_code), j->gw->name);
	m->callback_url = j->cfg->callback_url;
	m->access_token = j->access_token;
	m->court_name = cfg_court(j->cfg, d->court) ?
	    cfg_court(j->cfg, d->court)->name : d->sign;
	/* the token is needed only where receipts can come back to us */
	if (j->s->env->receipt_secret != NULL && j->cfg->callback_url != NULL) {
		receipt_token(j->s->env->receipt_secret, d->key, j->token);
		m->receipt_token = j->token;
	}
}

/* An SMS longer than the gateway's max_parts is dead, never cut. */
static int
sched_too_long(const struct job *j, struct result *res)
{
	struct sms_count	 c;

	if (j->gw->max_parts <= 0 || strcmp(j->d->channel, "sms") != 0)
		return (0);
	if (text_sms_count(j->d->body, j->d->recipient[0] == '+' &&
	    strncmp(j->d->recipient, "+86", 3) != 0, &c) == -1 ||
	    c.parts <= (size_t)j->gw->max_parts)
		return (0);
	result_set(res, OUTCOME_PERMFAIL, "the text needs %zu SMS parts (%zu "
	    "characters); gateway %s allows max_parts = %d", c.parts, c.chars,
	    j->gw->name, j->gw->max_parts);
	return (1);
}

/* A token fetch under way: what it needs when the answer comes. */
struct tokenfetch {
	struct sched	*s;
	struct config	*cfg;
	struct gateway	*gw;
	struct gwstate	*gs;
};

/* A send reported the token it used as refused: forget that token. */
static void
token_invalidate(struct gwstate *gs, const char *used)
{
	if (gs->token == NULL || used == NULL || strcmp(gs->token, used) != 0)
		return;		/* already replaced by a newer one */
	log_info("gateway %s: access token refused; fetching a new one",
	    gs->name);
	explicit_bzero(gs->token, strlen(gs->token));
	free(gs->token);
	gs->token = NULL;
	gs->token_exp = 0;
}

/* The token answer: keep it and release the parked sends, or fail them. */
static void
token_cb(void *arg, const struct http_result *hr)
{
	struct tokenfetch	*tf = arg;
	struct gwstate		*gs = tf->gs;
	struct response		 resp;
	struct result		 res;
	struct job		*j, *next;
	char			 tok[1024], *cause = NULL;
	int64_t			 ttl = 0;
	int			 ok = 0;

	memset(&resp, 0, sizeof(resp));
	resp.status = hr->status;
	resp.body = hr->body;
	resp.bodylen = hr->bodylen;
	resp.retry_after_ms = -1;
	if (hr->error != NULL)
		cause = xasprintf("access token request: %s", hr->error);
	else if (tf->gw->ad->token_parse(tf->gw, &resp, tok, sizeof(tok), &ttl,
	    &cause) == 0 && tok[0] != '\0')
		ok = 1;
	gs->fetching = 0;
	if (ok) {
		free(gs->token);
		gs->token = xstrdup(tok);
		/* refresh a little before the vendor's expiry */
		gs->token_exp = util_now_ms() + ttl - (ttl > 600000 ? 300000 :
		    ttl / 10);
		log_info("gateway %s: access token fetched (valid %lld s)",
		    gs->name, (long long)(ttl / 1000));
	} else
		log_warnx("gateway %s: %s", gs->name, cause ? cause :
		    "access token request failed");
	explicit_bzero(tok, sizeof(tok));
	j = gs->waiting;
	gs->waiting = NULL;
	for (; j != NULL; j = next) {
		next = j->wnext;
		if (ok) {
			j->access_token = xstrdup(gs->token);
			sched_send(tf->s, j);
			continue;
		}
		memset(&res, 0, sizeof(res));
		res.retry_after_ms = -1;
		res.gwfault = 1;
		result_set(&res, OUTCOME_TEMPFAIL, "%s", cause ? cause :
		    "no access token");
		sched_done(j, &res, hr->aborted);
	}
	free(cause);
	cfg_unref(tf->cfg);
	free(tf);
}

/* Start fetching a token for a gateway. */
static void
token_fetch(struct sched *s, struct job *j)
{
	struct tokenfetch	*tf;
	struct request		 req;
	struct result		 res;
	char			*cause = NULL;

	memset(&req, 0, sizeof(req));
	if (j->gw->ad->token_build(j->gw, util_now_ms(), &req, &cause) == -1) {
		memset(&res, 0, sizeof(res));
		res.retry_after_ms = -1;
		result_set(&res, OUTCOME_TEMPFAIL, "access token: %s", cause);
		free(cause);
		request_clear(&req);
		j->gs->waiting = j->wnext;
		sched_done(j, &res, 0);
		return;
	}
	tf = xcalloc(1, sizeof(*tf));
	tf->s = s;
	tf->cfg = cfg_ref(j->cfg);
	tf->gw = j->gw;
	tf->gs = j->gs;
	j->gs->fetching = 1;
	if (http_start(s->env->http, &req, j->gw, j->cfg->delivery.max_response,
	    token_cb, tf, &cause) == -1)
		fatalx("http_start: %s", cause);
	request_clear(&req);
}

/* 1 if the gateway's token is fresh (set on the job); else park the job. */
static int
token_ready(struct sched *s, struct job *j)
{
	struct gwstate	*gs = j->gs;

	if (gs->token != NULL && util_now_ms() < gs->token_exp) {
		j->access_token = xstrdup(gs->token);
		return (1);
	}
	j->wnext = gs->waiting;
	gs->waiting = j;
	if (!gs->fetching)
		token_fetch(s, j);
	return (0);
}

/* Build the request and hand it to libcurl (the token, if any, is set). */
static void
sched_send(struct sched *s, struct job *j)
{
	struct result	 res;
	struct request	 req;
	struct message	 m;
	char		*cause = NULL;

	memset(&res, 0, sizeof(res));
	res.retry_after_ms = -1;
	sched_message(j, &m);
	memset(&req, 0, sizeof(req));
	if (j->gw->ad->build(j->gw, &m, &req, &cause) == -1) {
		result_set(&res, OUTCOME_PERMFAIL, "%s", cause);
		free(cause);
		request_clear(&req);
		sched_done(j, &res, 0);
		return;
	}
	if (http_start(s->env->http, &req, j->gw, j->cfg->delivery.max_response,
	    sched_http_cb, j, &cause) == -1) {
		result_set(&res, OUTCOME_TEMPFAIL, "%s", cause);
		free(cause);
		sched_done(j, &res, 0);
	}
	request_clear(&req);
}

/* Start one claimed delivery on its gateway. */
static void
sched_start(struct sched *s, struct delivery *d)
{
	struct env	*env = s->env;
	struct job	*j = xcalloc(1, sizeof(*j));
	struct result	 res;
	struct message	 m;

	j->s = s;
	j->d = d;
	j->cfg = cfg_ref(env->cfg);
	j->next = s->jobs;
	if (s->jobs != NULL)
		s->jobs->prev = j;
	s->jobs = j;
	s->njobs++;
	memset(&res, 0, sizeof(res));
	res.retry_after_ms = -1;
	if ((j->gw = cfg_gateway(j->cfg, d->gateway)) == NULL) {
		result_set(&res, OUTCOME_TEMPFAIL, "gateway \"%s\" is no longer "
		    "configured", d->gateway);
		sched_done(j, &res, 0);
		return;
	}
	j->gs = sched_gw(s, j->gw->name);
	j->gs->inflight++;
	if (sched_too_long(j, &res)) {
		sched_done(j, &res, 0);
		return;
	}
	if (j->gw->ad->send_local == NULL && j->gw->ad->build == NULL) {
		result_set(&res, OUTCOME_PERMFAIL, "gateway type %s cannot send",
		    j->gw->ad->name);
		sched_done(j, &res, 0);
		return;
	}
	if (j->gw->ad->send_local != NULL) {
		sched_message(j, &m);
		j->gw->ad->send_local(j->gw, &m, &res);
		sched_done(j, &res, 0);
		return;
	}
	if (j->gw->ad->token_build != NULL && !token_ready(s, j))
		return;		/* parked until the token arrives */
	sched_send(s, j);
}

/*
 * A database write failed (locked by the court's application, disk full,
 * I/O error): keep everything in memory and try again soon, backing off
 * to 2 s. One warning after 2 s, then one a minute, so a long outage is
 * visible without flooding the log.
 */
static void
sched_busy(struct sched *s, const char *what, const char *cause)
{
	struct timeval	 tv;
	int64_t		 now = util_now_ms();

	if (s->busy_since == 0) {
		s->busy_since = now;
		s->busy_warned = 0;
	} else if (now - s->busy_since > 2000 &&
	    now - s->busy_warned_ms >= 60000) {
		s->busy_warned = 1;
		s->busy_warned_ms = now;
		log_warnx("database writes have failed for %lld s (%s: %s); "
		    "nothing is lost, retrying", (long long)((now -
		    s->busy_since) / 1000), what, cause ? cause :
		    "the database is locked by another process");
	}
	s->busy_ms = s->busy_ms ? s->busy_ms * 2 : SCHED_BUSY_MIN_MS;
	if (s->busy_ms > SCHED_BUSY_MAX_MS)
		s->busy_ms = SCHED_BUSY_MAX_MS;
	log_debug("database write failed during %s (%s); retrying in %lld ms",
	    what, cause ? cause : "busy", (long long)s->busy_ms);
	tv.tv_sec = s->busy_ms / 1000;
	tv.tv_usec = (s->busy_ms % 1000) * 1000;
	evtimer_add(s->busy, &tv);
}

/* Expand one batch of new step events (inside the turn's transaction). */
static int
sched_expand(struct sched *s, int *more, char **cause)
{
	struct env		*env = s->env;
	struct expand_stats	 xs;
	int			 rv;

	*more = 0;
	rv = store_expand(env->store, env->cfg, util_now_ms(),
	    (size_t)env->cfg->delivery.batch, &xs, cause);
	if (rv != STORE_OK)
		return (rv);
	if (xs.events > 0)
		log_debug("expanded %zu step events: %zu to send, %zu "
		    "suppressed, %zu dead, %zu updated", xs.events, xs.created,
		    xs.suppressed, xs.dead, xs.updated);
	*more = xs.events == (size_t)env->cfg->delivery.batch;
	return (STORE_OK);
}

/* Free send slots over every gateway of the current configuration. */
static size_t
sched_free_slots(struct sched *s)
{
	const struct config	*cfg = s->env->cfg;
	struct gwstate		*gs;
	size_t			 i, n = 0;

	for (i = 0; i < cfg->ngws; i++) {
		if (cfg->gws[i].ad->robot)
			continue;
		gs = sched_gw(s, cfg->gws[i].name);
		if (gs->inflight < cfg->gws[i].max_in_flight)
			n += (size_t)(cfg->gws[i].max_in_flight - gs->inflight);
	}
	return (n);
}

/*
 * Lease as many due rows as there is room for (inside the turn's
 * transaction; the caller starts them once it is committed).
 */
static int
sched_claim(struct sched *s, struct delivery ***list, size_t *n,
    char **cause)
{
	struct env	*env = s->env;
	size_t		 i, room, free_slots;
	int		 rv;

	*list = NULL;
	*n = 0;
	room = (size_t)env->cfg->delivery.max_in_flight;
	room = s->njobs >= room ? 0 : room - s->njobs;
	if (room > (size_t)env->cfg->delivery.batch)
		room = (size_t)env->cfg->delivery.batch;
	/* no more than the gateways can take: rows claimed beyond that would
	 * only be read and skipped */
	free_slots = sched_free_slots(s);
	if (room > free_slots)
		room = free_slots;
	if (free_slots == 0) {
		/* every gateway is full: the next completion kicks us */
		s->blocked = 1;
		s->blocked_ms = -1;
	}
	if (room == 0 || env->stopping)
		return (STORE_OK);
	s->blocked = 0;
	rv = store_claim(env->store, env->cfg, util_now_ms(), room, sched_pick,
	    s, list, n, &s->blocked_ms, cause);
	for (i = 0; i < s->ngws; i++)
		s->gws[i].picked = 0;
	if (s->blocked_ms > 0)
		s->blocked = 1;
	return (rv);
}

/*
 * A second after the last work, give back what a burst took: SQLite's page
 * cache and the heap's free pages (an idle daemon holds only what it needs).
 */
static void
sched_trim_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sched	*s = arg;
	int64_t		 idle = util_mono_ms() - s->worked_ms;

	(void)fd;
	(void)what;
	if (s->worked_ms == 0 || s->njobs > 0)
		return;
	if (idle < SCHED_TRIM_MS) {
		sched_trim_later(s);
		return;
	}
	s->worked_ms = 0;
	store_release_memory(s->env->store);
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

static void
sched_trim_later(struct sched *s)
{
	static const struct timeval	 tv = { SCHED_TRIM_MS / 1000,
	    (SCHED_TRIM_MS % 1000) * 1000 };

	if (!evtimer_pending(s->trim, NULL))
		evtimer_add(s->trim, &tv);
}

/* Arm the one timer for the next due row, or sleep. */
static int
sched_arm(struct sched *s)
{
	struct env	*env = s->env;
	int64_t		 due, now = util_now_ms(), wait;
	struct timeval	 tv;
	char		*cause = NULL;
	int		 rv;

	evtimer_del(s->timer);
	rv = store_next_due(env->store, &env->cfg->delivery, now, &due, &cause);
	if (rv != STORE_OK) {
		free(cause);
		return (-1);
	}
	if (s->worked_ms != 0 && s->njobs == 0 && (due < 0 ||
	    due - now >= SCHED_TRIM_MS))
		sched_trim_later(s);
	if (due < 0) {
		if (env->once && s->njobs == 0 && s->nrecs == 0)
			event_base_loopexit(env->base, NULL);
		return (0);
	}
	wait = due > now ? due - now : 0;
	/* due rows wait for a gateway: for a cooldown or a token, or for a
	 * send to finish (that kicks us) */
	if (wait == 0 && s->blocked) {
		if (s->blocked_ms <= 0)
			return (0);
		wait = s->blocked_ms > now ? s->blocked_ms - now : 1;
	}
	if (env->once && wait > 0 && s->njobs == 0 && s->nrecs == 0) {
		log_info("nothing due now (next in %lld s); exiting (-o)",
		    (long long)(wait / 1000));
		event_base_loopexit(env->base, NULL);
		return (0);
	}
	/* room is full: the next completion kicks us */
	if (wait == 0 && s->njobs + s->nrecs >=
	    (size_t)env->cfg->delivery.max_in_flight)
		return (0);
	tv.tv_sec = wait / 1000;
	tv.tv_usec = (wait % 1000) * 1000;
	evtimer_add(s->timer, &tv);
	return (0);
}

/* What a failed turn was doing, for the log. */
static const char *
sched_doing(const struct sched *s, size_t claimed)
{
	if (s->nrecs > 0)
		return ("recording outcomes");
	return (claimed > 0 ? "claiming" : "reading step events");
}

/*
 * One turn, in one write transaction (one fsync): record the outcomes
 * waiting, expand a batch of new step events, lease what the gateways can
 * take. Only once that is committed do the sends start, so a lease is
 * durable before its request leaves; on any failure everything stays in
 * memory and the turn is tried again (sched_busy).
 */
static void
sched_run(struct sched *s)
{
	struct env	*env = s->env;
	struct delivery	**list = NULL;
	size_t		 n = 0, i;
	char		*cause = NULL;
	int		 more = 0, rv;

	if (evtimer_pending(s->busy, NULL))
		return;		/* waiting out a locked database */
	if ((rv = store_begin(env->store, &cause)) != STORE_OK)
		goto busy;
	if (s->nrecs > 0) {
		test_killpoint("before-record");
		if ((rv = store_record(env->store, s->recs, s->nrecs, &cause)) !=
		    STORE_OK)
			goto abort;
	}
	if (!env->stopping && (rv = sched_expand(s, &more, &cause)) !=
	    STORE_OK)
		goto abort;
	if ((rv = sched_claim(s, &list, &n, &cause)) != STORE_OK)
		goto abort;
	if ((rv = store_commit(env->store, &cause)) != STORE_OK)
		goto fail;
	if (n > 0 || s->nrecs > 0 || more)
		s->worked_ms = util_mono_ms();
	s->nrecs = 0;
	if (n > 0)
		test_killpoint("after-claim");
	for (i = 0; i < n; i++)
		sched_start(s, list[i]);
	free(list);
	s->busy_ms = 0;
	if (s->busy_since != 0 && s->busy_warned)
		log_info("the database is writable again after %lld s",
		    (long long)((util_now_ms() - s->busy_since) / 1000));
	s->busy_since = 0;
	if (env->stopping) {
		if (s->njobs == 0 && s->nrecs == 0 && s->drained != NULL)
			s->drained(env);
		return;
	}
	if (more || n > 0 || s->nrecs > 0)
		sched_kick(s);	/* more may be waiting: go again next turn */
	else if (sched_arm(s) == -1)
		sched_busy(s, "scheduling", NULL);
	return;
abort:
	store_abort(env->store);
fail:
	for (i = 0; i < n; i++)
		delivery_free(list[i]);
	free(list);
busy:
	sched_busy(s, sched_doing(s, n), rv == STORE_BUSY ? NULL : cause);
	free(cause);
}

static void
sched_kick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	sched_run(arg);
}

void
sched_kick(struct sched *s)
{
	static const struct timeval	 now = { 0, 0 };

	/*
	 * A timer due at once, not event_active: an event activated from a
	 * callback runs in the same pass of the loop, so a turn that kicks
	 * the next one would starve libcurl's timers and sockets (a backlog
	 * would be expanded entirely before the first request left).
	 */
	evtimer_add(s->kick, &now);
}

size_t
sched_inflight(const struct sched *s)
{
	return (s->njobs);
}

void
sched_drain(struct sched *s, void (*done)(struct env *))
{
	s->drained = done;
	evtimer_del(s->timer);
	sched_kick(s);
}

struct sched *
sched_new(struct env *env)
{
	struct sched	*s = xcalloc(1, sizeof(*s));

	s->env = env;
	s->kick = evtimer_new(env->base, sched_kick_cb, s);
	s->timer = evtimer_new(env->base, sched_kick_cb, s);
	s->busy = evtimer_new(env->base, sched_kick_cb, s);
	s->trim = evtimer_new(env->base, sched_trim_cb, s);
	if (s->kick == NULL || s->timer == NULL || s->busy == NULL ||
	    s->trim == NULL)
		fatalx("sched: event_new failed");
	return (s);
}

void
sched_free(struct sched *s)
{
	char	*cause = NULL;

	if (s == NULL)
		return;
	if (s->nrecs > 0 && store_record(s->env->store, s->recs, s->nrecs,
	    &cause) != STORE_OK) {
		log_warnx("%zu outcomes could not be written (%s); the rows "
		    "stay leased and are sent again after a restart", s->nrecs,
		    cause);
		free(cause);
	}
	event_free(s->kick);
	event_free(s->timer);
	event_free(s->busy);
	event_free(s->trim);
	for (size_t i = 0; i < s->ngws; i++) {
		free(s->gws[i].name);
		if (s->gws[i].token != NULL)
			explicit_bzero(s->gws[i].token, strlen(s->gws[i].token));
		free(s->gws[i].token);
	}
	free(s->gws);
	free(s->recs);
	free(s);
}
