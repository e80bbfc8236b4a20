/*
 * core.h - huigaod's internal modules: the environment they share, the
 * HTTP engine (http.c), the scheduler (sched.c) and the database watcher
 * (watch.c). huigaoctl does not link these.
 */
#ifndef HUIGAO_CORE_H
#define HUIGAO_CORE_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "huigao.h"
#include "adapter.h"
#include "store.h"

struct alerts;
struct http;
struct sched;
struct status;
struct watch;

/* Everything huigaod owns; one per process. */
struct env {
	struct event_base	*base;
	struct config		*cfg;		/* current; in-flight sends hold refs */
	struct store		*store;
	struct http		*http;
	struct sched		*sched;
	struct watch		*watch;
	struct status		*status;
	struct alerts		*alerts;
	char			*receipt_secret; /* behind per-message receipt tokens */
	int			 once;		/* -o: exit when nothing is due */
	int			 stopping;
	int64_t			 started_ms;
};

/* ---- http.c: libcurl multi_socket on the libevent loop ---- */
struct http_result {
	long		 status;	/* 0 when there was no HTTP answer */
	int		 curl_code;	/* CURLE_OK or the transport error */
	const char	*error;		/* readable transport error */
	const char	*body;
	size_t		 bodylen;
	int64_t		 retry_after_ms;
	int		 aborted;	/* cancelled by http_abort_all */
};
typedef void (*http_cb)(void *arg, const struct http_result *);

struct http *http_new(struct event_base *);
void	 http_free(struct http *);
/*
 * Start one request. Timeouts, the response cap, TLS verification and the
 * allowed protocols come from the gateway; the callback runs exactly once,
 * from the loop, never from inside http_start.
 */
int	 http_start(struct http *, const struct request *,
	    const struct gateway *, size_t max_response, http_cb, void *arg,
	    char **cause);
size_t	 http_inflight(const struct http *);
/* Cancel every transfer; each callback runs with aborted = 1. */
void	 http_abort_all(struct http *);

/* ---- sched.c: claim, deliver, record; one timer for the next due row ---- */
struct sched *sched_new(struct env *);
void	 sched_free(struct sched *);
/* Run a cycle soon: expand new events, claim due rows, re-arm the timer. */
void	 sched_kick(struct sched *);
/* Stop claiming; the callback runs once nothing is in flight or recorded. */
void	 sched_drain(struct sched *, void (*done)(struct env *));
size_t	 sched_inflight(const struct sched *);

/* What the status server shows of the scheduler. */
#define SCHED_LAT_BUCKETS	12
extern const double sched_lat_bounds[SCHED_LAT_BUCKETS];	/* seconds */
struct sched_latency {
	uint64_t	 bucket[SCHED_LAT_BUCKETS];	/* cumulative is computed by the reader */
	uint64_t	 count;
	double		 sum;
};
struct gwstat {
	const char	*name;
	int		 inflight;
	int		 breaker;	/* 0 closed, 1 open, 2 half-open */
	uint64_t	 ok, tempfail, permfail;
};
size_t	 sched_gwstats(const struct sched *, struct gwstat *, size_t max);
/* Commit-to-sent latencies of this process's sends. */
const struct sched_latency *sched_latency(const struct sched *);
/* Since when (ms) the database has been too busy to write, or 0. */
int64_t	 sched_busy_since(const struct sched *);

/* ---- alert.c: staff alerts to robots, aggregated, never blocking ---- */
struct alerts *alert_new(struct env *);
void	 alert_free(struct alerts *);
/* Queue one alert line (Chinese, no full phone number); sent within 10 s. */
void	 alert_raise(struct alerts *, const char *fmt, ...) ATTR_PRINTF(2, 3);

/* ---- status.c: the loopback HTTP server (health, metrics, receipts) ---- */
struct status *status_new(struct env *, char **cause);
void	 status_free(struct status *);
/*
 * After a reload that changed status.listen (the old address given):
 * listen on the new one, keeping the counters; -1 with a cause when that
 * fails, and then the server is back on the old address if it can be.
 */
int	 status_rebind(struct status *, const char *old, char **cause);
/* 0 when a failed rebind left the server without a socket. */
int	 status_listening(const struct status *);

/* ---- watch.c: inotify on the database directory + data_version + timer ---- */
struct watch *watch_new(struct env *, char **cause);
void	 watch_free(struct watch *);
/* Re-arm the fallback timer after a reload. */
void	 watch_reconfigure(struct watch *);

#endif /* HUIGAO_CORE_H */
