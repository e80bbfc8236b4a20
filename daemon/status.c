/*
 * status.c - the status server on the daemon's own loop (libevent evhttp),
 * loopback by default:
 *
 *   GET  /healthz              200 when the loop and the database are healthy
 *   GET  /metrics              Prometheus text format
 *   GET  /v1/status            the same as JSON
 *   GET  /v1/report            the court report as JSON (?from=&to=&court=)
 *   POST /v1/receipts/aliyun   Alibaba SmsReport push (JSON array)
 *   POST /v1/receipts/tencent  Tencent delivery callback (JSON array)
 *   POST /v1/receipts/twilio   Twilio StatusCallback (X-Twilio-Signature)
 *   GET  /v1/receipts/kannel   Kannel dlr-url (per-message token)
 *
 * With status.token set, /metrics and /v1/status need "Authorization:
 * Bearer <token>"; receipts carry their own proof instead (a signature, a
 * per-message token, or the provider's own message id matching ours). A
 * forged, unknown or replayed receipt changes nothing, is answered 4xx
 * and is counted. Every handler is short and never waits on the network,
 * so the server cannot slow delivery.
 */
#include <sys/queue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "core.h"
#include "receipt.h"
#include "report.h"

#define STATUS_MAX_BODY		(256 * 1024)
#define STATUS_BUSY_UNHEALTHY_MS 30000

enum rejection { REJ_GARBAGE, REJ_FORGED, REJ_UNKNOWN, REJ_REPLAY, REJ_COUNT };
static const char *const rej_names[REJ_COUNT] = { "garbage", "forged",
    "unknown", "replayed" };

struct status {
	struct env		*env;
	struct evhttp		*http;
	uint64_t		 accepted;
	uint64_t		 intermediate;
	uint64_t		 rejected[REJ_COUNT];
};

/* Send a reply with a content type. */
static void
reply(struct evhttp_request *req, int code, const char *type, const char *body)
{
	struct evbuffer	*b = evbuffer_new();

	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", type);
	evbuffer_add(b, body, strlen(body));
	evhttp_send_reply(req, code, NULL, b);
	evbuffer_free(b);
}

/* Reject a receipt: count it and answer 4xx with the reason. */
static void
reject(struct status *st, struct evhttp_request *req, enum rejection why,
    int code, const char *msg)
{
	char	*body;

	st->rejected[why]++;
	log_warnx("receipt rejected (%s): %s", rej_names[why], msg);
	body = xasprintf("{\"error\":\"%s\",\"reason\":\"%s\"}\n", rej_names[why],
	    why == REJ_GARBAGE ? "malformed receipt" : rej_names[why]);
	reply(req, code, "application/json", body);
	free(body);
}

/* The request body, NUL-terminated (evhttp caps its size). */
static char *
req_body(struct evhttp_request *req, size_t *len)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	char		*p;

	*len = evbuffer_get_length(in);
	p = xmalloc(*len + 1);
	evbuffer_copyout(in, p, *len);
	p[*len] = '\0';
	return (p);
}

/* Bearer token check for the monitoring endpoints. */
static int
authorized(struct status *st, struct evhttp_request *req)
{
	const char	*tok = st->env->cfg->status_token, *h;
	char		*want;
	int		 ok;

	if (tok == NULL)
		return (1);
	h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	if (h == NULL)
		return (0);
	want = xasprintf("Bearer %s", tok);
	ok = receipt_equal(h, want);
	explicit_bzero(want, strlen(want));
	free(want);
	return (ok);
}

static void
h_healthz(struct status *st, struct evhttp_request *req)
{
	struct store_stats	 ss;
	char			*cause = NULL;
	int64_t			 busy = sched_busy_since(st->env->sched);

	if (store_stats(st->env->store, &ss, &cause) != STORE_OK) {
		reply(req, 503, "text/plain", "database unavailable\n");
		free(cause);
		return;
	}
	if (busy > 0 && util_now_ms() - busy > STATUS_BUSY_UNHEALTHY_MS) {
		reply(req, 503, "text/plain", "database locked by another "
		    "process for more than 30 s\n");
		return;
	}
	reply(req, 200, "text/plain", "ok\n");
}

/* Append the latency histogram in the Prometheus text format. */
static void
metrics_latency(struct status *st, struct evbuffer *b)
{
	const struct sched_latency	*l = sched_latency(st->env->sched);
	uint64_t			 cum = 0;
	int				 i;

	evbuffer_add_printf(b, "# HELP huigao_commit_to_sent_seconds Time from "
	    "the court's commit of a step to the gateway accepting its "
	    "message.\n# TYPE huigao_commit_to_sent_seconds histogram\n");
	for (i = 0; i < SCHED_LAT_BUCKETS; i++) {
		cum += l->bucket[i];
		evbuffer_add_printf(b, "huigao_commit_to_sent_seconds_bucket"
		    "{le=\"%g\"} %llu\n", sched_lat_bounds[i],
		    (unsigned long long)cum);
	}
	evbuffer_add_printf(b, "huigao_commit_to_sent_seconds_bucket{le=\"+Inf\"}"
	    " %llu\nhuigao_commit_to_sent_seconds_sum %.6f\n"
	    "huigao_commit_to_sent_seconds_count %llu\n",
	    (unsigned long long)l->count, l->sum, (unsigned long long)l->count);
}

/* Append the per-gateway series. */
static void
metrics_gateways(struct status *st, struct evbuffer *b)
{
	struct gwstat	 g[64];
	size_t		 n, i;

	n = sched_gwstats(st->env->sched, g, 64);
	evbuffer_add_printf(b, "# HELP huigao_attempts_total Attempts finished "
	    "since start, by gateway and outcome.\n"
	    "# TYPE huigao_attempts_total counter\n");
	for (i = 0; i < n; i++)
		evbuffer_add_printf(b,
		    "huigao_attempts_total{gateway=\"%s\",outcome=\"ok\"} %llu\n"
		    "huigao_attempts_total{gateway=\"%s\",outcome=\"tempfail\"} %llu\n"
		    "huigao_attempts_total{gateway=\"%s\",outcome=\"permfail\"} %llu\n",
		    g[i].name, (unsigned long long)g[i].ok, g[i].name,
		    (unsigned long long)g[i].tempfail, g[i].name,
		    (unsigned long long)g[i].permfail);
	evbuffer_add_printf(b, "# HELP huigao_gateway_breaker_state Circuit "
	    "breaker: 0 closed, 1 open, 2 half-open.\n"
	    "# TYPE huigao_gateway_breaker_state gauge\n");
	for (i = 0; i < n; i++)
		evbuffer_add_printf(b, "huigao_gateway_breaker_state{gateway="
		    "\"%s\"} %d\n", g[i].name, g[i].breaker);
	evbuffer_add_printf(b, "# HELP huigao_gateway_in_flight Sends under "
	    "way.\n# TYPE huigao_gateway_in_flight gauge\n");
	for (i = 0; i < n; i++)
		evbuffer_add_printf(b, "huigao_gateway_in_flight{gateway=\"%s\"}"
		    " %d\n", g[i].name, g[i].inflight);
}

static void
h_metrics(struct status *st, struct evhttp_request *req)
{
	struct store_stats	 ss;
	struct evbuffer		*b;
	char			*cause = NULL;
	int64_t			 now = util_now_ms();
	int			 i;

	if (store_stats(st->env->store, &ss, &cause) != STORE_OK) {
		reply(req, 503, "text/plain", "database unavailable\n");
		free(cause);
		return;
	}
	b = evbuffer_new();
	evbuffer_add_printf(b, "# HELP huigao_notifications Notifications by "
	    "state.\n# TYPE huigao_notifications gauge\n");
	for (i = 0; i < STORE_NSTATES; i++)
		evbuffer_add_printf(b, "huigao_notifications{state=\"%s\"} %lld\n",
		    store_states[i], (long long)ss.by_state[i]);
	evbuffer_add_printf(b, "# HELP huigao_backlog Notifications waiting "
	    "or being sent.\n# TYPE huigao_backlog gauge\nhuigao_backlog %lld\n",
	    (long long)(ss.by_state[0] + ss.by_state[1]));
	evbuffer_add_printf(b, "# HELP huigao_oldest_pending_age_seconds Age "
	    "of the oldest pending notification.\n"
	    "# TYPE huigao_oldest_pending_age_seconds gauge\n"
	    "huigao_oldest_pending_age_seconds %.3f\n", ss.oldest_pending_ms < 0 ?
	    0.0 : (double)(now - ss.oldest_pending_ms) / 1000.0);
	metrics_gateways(st, b);
	metrics_latency(st, b);
	evbuffer_add_printf(b, "# HELP huigao_receipts_total Delivery receipts "
	    "received, by result.\n# TYPE huigao_receipts_total counter\n"
	    "huigao_receipts_total{result=\"accepted\"} %llu\n"
	    "huigao_receipts_total{result=\"intermediate\"} %llu\n",
	    (unsigned long long)st->accepted,
	    (unsigned long long)st->intermediate);
	for (i = 0; i < REJ_COUNT; i++)
		evbuffer_add_printf(b, "huigao_receipts_total{result=\"rejected\","
		    "reason=\"%s\"} %llu\n", rej_names[i],
		    (unsigned long long)st->rejected[i]);
	evbuffer_add_printf(b, "# HELP huigao_uptime_seconds Seconds since "
	    "start.\n# TYPE huigao_uptime_seconds gauge\n"
	    "huigao_uptime_seconds %.3f\n",
	    (double)(now - st->env->started_ms) / 1000.0);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	    "text/plain; version=0.0.4; charset=utf-8");
	evhttp_send_reply(req, 200, NULL, b);
	evbuffer_free(b);
}

/* The gateways part of /v1/status. */
static json_t *
status_gateways(struct status *st)
{
	static const char *const brk[] = { "closed", "open", "half-open" };
	struct gwstat	 g[64];
	size_t		 n, i;
	json_t		*a = json_array();

	n = sched_gwstats(st->env->sched, g, 64);
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:i, s:I, s:I, "
		    "s:I}", "name", g[i].name, "circuit", brk[g[i].breaker % 3],
		    "in_flight", g[i].inflight, "ok", (json_int_t)g[i].ok,
		    "tempfail", (json_int_t)g[i].tempfail, "permfail",
		    (json_int_t)g[i].permfail));
	return (a);
}

static void
h_status(struct status *st, struct evhttp_request *req)
{
	struct store_stats	 ss;
	json_t			*o, *states;
	char			*cause = NULL, *s;
	int64_t			 now = util_now_ms();
	int			 i;

	if (store_stats(st->env->store, &ss, &cause) != STORE_OK) {
		reply(req, 503, "application/json", "{\"error\":\"database\"}\n");
		free(cause);
		return;
	}
	states = json_object();
	for (i = 0; i < STORE_NSTATES; i++)
		json_object_set_new(states, store_states[i],
		    json_integer(ss.by_state[i]));
	o = json_pack("{s:s, s:f, s:s, s:o, s:I, s:f, s:o, s:{s:I, s:I}}",
	    "version", HUIGAO_VERSION, "uptime_seconds",
	    (double)(now - st->env->started_ms) / 1000.0, "database",
	    st->env->cfg->database, "notifications", states, "backlog",
	    (json_int_t)(ss.by_state[0] + ss.by_state[1]),
	    "oldest_pending_age_seconds", ss.oldest_pending_ms < 0 ? 0.0 :
	    (double)(now - ss.oldest_pending_ms) / 1000.0, "gateways",
	    status_gateways(st), "receipts", "accepted",
	    (json_int_t)st->accepted, "rejected", (json_int_t)(st->rejected[0] +
	    st->rejected[1] + st->rejected[2] + st->rejected[3]));
	s = json_dumps(o, JSON_INDENT(2));
	reply(req, 200, "application/json", s ? s : "{}");
	free(s);
	json_decref(o);
}

/* The report of huigaoctl report, as JSON. */
static void
h_report(struct status *st, struct evhttp_request *req,
    const struct evkeyvalq *query)
{
	struct report_query	 q;
	json_t			*o = NULL;
	char			*cause = NULL, *s, *body;
	int			 rv;

	if (report_query_parse(evhttp_find_header(query, "from"),
	    evhttp_find_header(query, "to"), evhttp_find_header(query, "court"),
	    &q, &cause) == -1) {
		rv = REPORT_EUSAGE;
		goto fail;
	}
	if ((rv = report_json(store_db(st->env->store), st->env->cfg, &q, &o,
	    &cause)) != REPORT_OK)
		goto fail;
	s = json_dumps(o, JSON_INDENT(2));
	reply(req, 200, "application/json; charset=utf-8", s ? s : "{}");
	free(s);
	json_decref(o);
	return;
fail:
	o = json_pack("{s:s}", "error", cause ? cause : "report failed");
	body = json_dumps(o, 0);
	reply(req, rv == REPORT_EUSAGE ? 400 : 500, "application/json", body ?
	    body : "{}");
	free(body);
	json_decref(o);
	free(cause);
}

/*
 * Apply one parsed receipt after checking that it names one of our
 * messages on a gateway of the right type, with matching ids. Returns 0
 * applied or intermediate, else the rejection.
 */
static int
receipt_one(struct status *st, const char *type, const struct receipt *r,
    const char *raw, enum rejection *why)
{
	struct receipt_target	 t;
	const struct gateway	*gw;
	char			*cause = NULL;
	int			 found, applied;

	if (store_receipt_find(st->env->store, r->key, r->provider_id, &t,
	    &found, &cause) != STORE_OK) {
		free(cause);
		*why = REJ_UNKNOWN;
		return (-1);
	}
	*why = REJ_UNKNOWN;
	if (!found || (gw = cfg_gateway(st->env->cfg, t.gateway)) == NULL ||
	    strcmp(gw->ad->name, type) != 0)
		return (-1);
	/* the provider's id for the message must be the one it gave us */
	*why = REJ_FORGED;
	if (r->provider_id[0] != '\0' && strcmp(type, "kannel") != 0 &&
	    (t.provider_id[0] == '\0' || !receipt_equal(t.provider_id,
	    r->provider_id)))
		return (-1);
	if (r->status == RCPT_INTERMEDIATE) {
		st->intermediate++;
		return (0);
	}
	*why = REJ_REPLAY;
	if (store_receipt_apply(st->env->store, &t, r, raw, util_now_ms(),
	    &applied, &cause) != STORE_OK || !applied) {
		free(cause);
		return (-1);
	}
	st->accepted++;
	log_info("receipt id=%lld gw=%s status=%s provider_status=%s",
	    (long long)t.id, t.gateway, receipt_status_str(r->status),
	    r->provider_status);
	return (0);
}

/* Alibaba and Tencent push JSON arrays; each element must check out. */
static void
h_receipt_batch(struct status *st, struct evhttp_request *req,
    const char *type)
{
	struct receipt	*rs = NULL;
	enum rejection	 why = REJ_GARBAGE;
	size_t		 len, n = 0, i, bad = 0;
	char		*body = req_body(req, &len), *cause = NULL;
	int		 rv;

	rv = strcmp(type, "aliyun") == 0 ?
	    receipt_parse_aliyun(body, len, &rs, &n, &cause) :
	    receipt_parse_tencent(body, len, &rs, &n, &cause);
	if (rv == -1) {
		reject(st, req, REJ_GARBAGE, 400, cause);
		free(cause);
		free(body);
		return;
	}
	for (i = 0; i < n; i++) {
		if (receipt_one(st, type, &rs[i], body, &why) == -1) {
			bad++;
			st->rejected[why]++;
		}
	}
	free(rs);
	free(body);
	if (bad == n) {
		st->rejected[why]--;	/* counted once more in reject() */
		reject(st, req, why, why == REJ_REPLAY ? 409 : why == REJ_FORGED ?
		    403 : 404, "no receipt in the batch applied");
		return;
	}
	if (strcmp(type, "aliyun") == 0)
		reply(req, 200, "application/json",
		    "{\"code\":0,\"msg\":\"接收成功\"}\n");
	else
		reply(req, 200, "application/json",
		    "{\"result\":0,\"errmsg\":\"OK\"}\n");
}

/* Finish a single-receipt request (Twilio, Kannel). */
static void
h_receipt_single(struct status *st, struct evhttp_request *req,
    const char *type, const struct receipt *r, const char *raw)
{
	enum rejection	 why;

	if (receipt_one(st, type, r, raw, &why) == -1) {
		reject(st, req, why, why == REJ_REPLAY ? 409 : why == REJ_FORGED ?
		    403 : 404, "receipt not applied");
		return;
	}
	reply(req, 200, "text/plain", "OK\n");
}

static void
h_receipt_twilio(struct status *st, struct evhttp_request *req,
    const struct evkeyvalq *query)
{
	struct evkeyvalq	 form;
	struct receipt		 r;
	const struct gateway	*gw = NULL;
	const char		*sig, *key = evhttp_find_header(query, "key");
	char			*body, *url, *cause = NULL;
	size_t			 len, i;

	body = req_body(req, &len);
	TAILQ_INIT(&form);
	if (evhttp_parse_query_str(body, &form) == -1 ||
	    receipt_parse_twilio(&form, key, &r, &cause) == -1) {
		reject(st, req, REJ_GARBAGE, 400, cause ? cause : "bad form");
		goto done;
	}
	sig = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "X-Twilio-Signature");
	for (i = 0; i < st->env->cfg->ngws && gw == NULL; i++) {
		if (st->env->cfg->gws[i].ad->receipt_auth != NULL &&
		    strcmp(st->env->cfg->gws[i].ad->name, "twilio") == 0)
			gw = &st->env->cfg->gws[i];
	}
	url = xasprintf("%s%s", st->env->cfg->callback_url ?
	    st->env->cfg->callback_url : "", evhttp_request_get_uri(req));
	if (gw == NULL || sig == NULL || st->env->cfg->callback_url == NULL ||
	    !gw->ad->receipt_auth(gw, url, &form, sig)) {
		free(url);
		reject(st, req, REJ_FORGED, 403, "X-Twilio-Signature does not "
		    "verify");
		goto done;
	}
	free(url);
	h_receipt_single(st, req, "twilio", &r, body);
done:
	evhttp_clear_headers(&form);
	free(cause);
	free(body);
}

static void
h_receipt_kannel(struct status *st, struct evhttp_request *req,
    const struct evkeyvalq *query)
{
	struct receipt	 r;
	char		 want[RECEIPT_TOKEN_LEN + 1], *cause = NULL;

	if (receipt_parse_kannel(query, &r, &cause) == -1) {
		reject(st, req, REJ_GARBAGE, 400, cause);
		free(cause);
		return;
	}
	receipt_token(st->env->receipt_secret ? st->env->receipt_secret : "",
	    r.key, want);
	if (st->env->receipt_secret == NULL || !receipt_equal(r.token, want)) {
		reject(st, req, REJ_FORGED, 403, "the dlr-url token does not "
		    "match the message");
		return;
	}
	h_receipt_single(st, req, "kannel", &r, evhttp_request_get_uri(req));
}

/* Route a receipt by its gateway type. */
static void
h_receipt(struct status *st, struct evhttp_request *req, const char *type,
    const struct evkeyvalq *query)
{
	enum evhttp_cmd_type	 m = evhttp_request_get_command(req);

	if ((strcmp(type, "aliyun") == 0 || strcmp(type, "tencent") == 0) &&
	    m == EVHTTP_REQ_POST)
		h_receipt_batch(st, req, type);
	else if (strcmp(type, "twilio") == 0 && m == EVHTTP_REQ_POST)
		h_receipt_twilio(st, req, query);
	else if (strcmp(type, "kannel") == 0 && m == EVHTTP_REQ_GET)
		h_receipt_kannel(st, req, query);
	else
		reply(req, 404, "text/plain", "not found\n");
}

/* Every request: dispatch by path. */
static void
status_cb(struct evhttp_request *req, void *arg)
{
	struct status		*st = arg;
	const struct evhttp_uri	*u = evhttp_request_get_evhttp_uri(req);
	const char		*path = evhttp_uri_get_path(u);
	struct evkeyvalq	 query;

	TAILQ_INIT(&query);
	if (evhttp_uri_get_query(u) != NULL)
		evhttp_parse_query_str(evhttp_uri_get_query(u), &query);
	if (path == NULL)
		path = "/";
	if (strcmp(path, "/healthz") == 0)
		h_healthz(st, req);
	else if (strncmp(path, "/v1/receipts/", 13) == 0)
		h_receipt(st, req, path + 13, &query);
	else if (!authorized(st, req))
		reply(req, 401, "text/plain", "a bearer token is required\n");
	else if (strcmp(path, "/metrics") == 0)
		h_metrics(st, req);
	else if (strcmp(path, "/v1/status") == 0)
		h_status(st, req);
	else if (strcmp(path, "/v1/report") == 0)
		h_report(st, req, &query);
	else
		reply(req, 404, "text/plain", "not found\n");
	evhttp_clear_headers(&query);
}

/* "host:port" or "[v6]:port" into its parts. */
static int
status_addr(const char *listen, char *host, size_t hlen, int *port)
{
	const char	*colon = strrchr(listen, ':');
	size_t		 n;

	if (colon == NULL || (*port = atoi(colon + 1)) <= 0 || *port > 65535)
		return (-1);
	n = (size_t)(colon - listen);
	if (n >= 2 && listen[0] == '[' && listen[n - 1] == ']') {
		listen++;
		n -= 2;
	}
	if (n == 0 || n >= hlen)
		return (-1);
	memcpy(host, listen, n);
	host[n] = '\0';
	return (0);
}

/* An evhttp server listening on "host:port", or NULL with a cause. */
static struct evhttp *
status_listen(struct status *st, const char *listen, char **cause)
{
	struct evhttp	*http;
	char		 host[256];
	int		 port;

	if (status_addr(listen, host, sizeof(host), &port) == -1) {
		*cause = xasprintf("status.listen \"%s\" is not host:port",
		    listen);
		return (NULL);
	}
	if ((http = evhttp_new(st->env->base)) == NULL)
		fatalx("evhttp_new failed");
	evhttp_set_max_body_size(http, STATUS_MAX_BODY);
	evhttp_set_max_headers_size(http, 16384);
	evhttp_set_timeout(http, 10);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
	evhttp_set_gencb(http, status_cb, st);
	if (evhttp_bind_socket_with_handle(http, host, (ev_uint16_t)port) ==
	    NULL) {
		*cause = xasprintf("status server: cannot listen on %s", listen);
		evhttp_free(http);
		return (NULL);
	}
	log_info("status server on http://%s/", listen);
	return (st->http = http);
}

struct status *
status_new(struct env *env, char **cause)
{
	struct status	*st = xcalloc(1, sizeof(*st));

	st->env = env;
	if (status_listen(st, env->cfg->status_listen, cause) == NULL) {
		free(st);
		return (NULL);
	}
	return (st);
}

int
status_listening(const struct status *st)
{
	return (st->http != NULL);
}

int
status_rebind(struct status *st, const char *old, char **cause)
{
	char	*again = NULL;

	/* the old socket goes first: the new address may share its port */
	if (st->http != NULL)
		evhttp_free(st->http);
	st->http = NULL;
	if (status_listen(st, st->env->cfg->status_listen, cause) != NULL)
		return (0);
	if (status_listen(st, old, &again) == NULL) {
		log_warnx("%s", again);
		free(again);
	}
	return (-1);
}

void
status_free(struct status *st)
{
	if (st == NULL)
		return;
	if (st->http != NULL)
		evhttp_free(st->http);
	free(st);
}
