/*
 * store.h - the durable queue, behind an interface a PostgreSQL backend
 * could implement too.
 *
 * Contract: every function that writes does so in one transaction and
 * either commits all of it or nothing (returning STORE_BUSY when the
 * database is locked by another process, so the caller retries later on a
 * timer instead of blocking the loop). No transaction is ever held across a
 * network call. Strings handed out are copies owned by the caller.
 */
#ifndef HUIGAO_STORE_H
#define HUIGAO_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "huigao.h"

#define STORE_OK	0
#define STORE_ERR	(-1)
#define STORE_BUSY	(-2)

struct migration {
	int		 version;
	const char	*name;
	const char	*sql;
};
extern const struct migration store_migrations[];
extern const size_t store_nmigrations;

struct store;

/* A claimed notification: everything needed to send it, copied. */
struct delivery {
	int64_t		 id;
	int64_t		 attempt_id;	/* the attempts row opened at claim */
	int		 attempts;	/* including this one */
	int64_t		 queued_ms;
	int64_t		 committed_ms;
	int64_t		 started_ms;
	char		*key;
	char		*channel;
	char		*recipient;
	char		*body;
	char		*sign;
	char		*vars;
	char		*case_no;
	char		*step_code;
	char		*label;
	char		*court;
	char		*gateway;	/* gateway chosen at claim */
	int		 route_pos;	/* where in the route to start looking */
	char		 masked_to[64];
};

/*
 * Chooses the gateway for a due row at claim time (circuit breakers, rate
 * limits, in-flight limits live in the caller). Returns a gateway name and
 * sets *pos to its position in the route, or NULL when no gateway of the
 * route can take it now; *avail_ms then says when one may (-1: unknown).
 */
typedef const char *(*store_pick_fn)(void *arg, const struct delivery *,
    int64_t now_ms, int *pos, int64_t *avail_ms);

/* What to write back for one finished delivery. */
struct outcome_rec {
	int64_t		 id;
	int64_t		 attempt_id;
	const char	*state;		/* "sent", "pending", "dead" */
	const char	*outcome;	/* "ok", "tempfail", "permfail" */
	int64_t		 next_attempt_ms;	/* for "pending" */
	int		 route_pos;		/* for "pending" */
	int		 uncount;		/* 1: this attempt does not count */
	long		 http_status;
	int64_t		 finished_ms;
	int64_t		 duration_ms;
	char		 provider_id[128];
	char		 error[320];
};

struct expand_stats {
	size_t		 events;
	size_t		 created;	/* notifications inserted as pending */
	size_t		 suppressed;
	size_t		 dead;
	size_t		 updated;	/* re-rendered by an update event */
};

#define STORE_CREATE	0x1	/* create the file if missing (huigaoctl init) */
#define STORE_READONLY	0x2

int	 store_open(const char *path, int flags, struct store **, char **cause);
void	 store_close(struct store *);
/* Apply pending migrations; *from and *to receive the versions. */
int	 store_migrate(struct store *, int *from, int *to, char **cause);
/* The schema version must equal the newest migration. */
int	 store_check_schema(struct store *, char **cause);
/* PRAGMA data_version: changes when another connection commits. */
int64_t	 store_data_version(struct store *);
/* Free the connection's page cache (when idle). */
void	 store_release_memory(struct store *);
/* Rows left in 'sending' by a dead process go back to 'pending'. */
int	 store_reclaim(struct store *, int64_t now_ms, size_t *n, char **cause);
/*
 * One write transaction around several of the calls below (record,
 * expand, claim), so that a turn of the scheduler costs one fsync: the
 * calls then write into it instead of committing their own, and on a
 * failure the caller calls store_abort. What a claim inside it returns
 * must not be sent before store_commit succeeds.
 */
int	 store_begin(struct store *, char **cause);
int	 store_commit(struct store *, char **cause);
void	 store_abort(struct store *);
/* step_events after the high-water mark -> notifications, one transaction. */
int	 store_expand(struct store *, const struct config *, int64_t now_ms,
	    size_t max, struct expand_stats *, char **cause);
/*
 * Lease up to `max` due rows (next_attempt_at <= now), open an attempts
 * row for each, in one transaction. Rows that cannot be sent at all (no
 * text) end dead here; rows whose gateways are all unavailable stay
 * pending, and *blocked_ms (-1 if none) says when to look again.
 */
int	 store_claim(struct store *, const struct config *, int64_t now_ms,
	    size_t max, store_pick_fn, void *pick_arg, struct delivery ***out,
	    size_t *nout, int64_t *blocked_ms, char **cause);
/*
 * The earliest time a pending row may be claimed, or -1 when there is
 * none; non-urgent rows wait for the sending window when one is set.
 */
int	 store_next_due(struct store *, const struct delivery_cfg *,
	    int64_t now_ms, int64_t *due_ms, char **cause);
/* Write a batch of outcomes in one transaction. */
int	 store_record(struct store *, const struct outcome_rec *, size_t,
	    char **cause);
/* Count rows per state, for logs and huigaoctl. */
int	 store_count_state(struct store *, const char *state, int64_t *n);
void	 delivery_free(struct delivery *);

/* ---- receipts and statistics, for the status server ---- */
struct receipt;
struct receipt_target {
	int64_t		 id;
	char		 state[16];
	char		 gateway[64];
	char		 provider_id[128];
	char		 recipient[64];
	char		 key[128];
};
/* Find the notification a receipt names, by our key or else by provider id. */
int	 store_receipt_find(struct store *, const char *key,
	    const char *provider_id, struct receipt_target *, int *found,
	    char **cause);
/*
 * Move a 'sent' notification to delivered/undelivered and keep the
 * receipt, in one transaction; *applied = 0 when it was not 'sent' (a
 * replay, or a receipt ahead of our own record).
 */
int	 store_receipt_apply(struct store *, const struct receipt_target *,
	    const struct receipt *, const char *raw, int64_t now_ms,
	    int *applied, char **cause);
/* A value of huigao_state, copied; NULL if absent. */
char	*store_state_get(struct store *, const char *key);

#define STORE_NSTATES	7
extern const char *const store_states[STORE_NSTATES];
struct store_stats {
	int64_t		 by_state[STORE_NSTATES];
	int64_t		 oldest_pending_ms;	/* queued_ms, or -1 */
};
int	 store_stats(struct store *, struct store_stats *, char **cause);
/* The underlying handle, for huigaoctl's read-only queries. */
struct sqlite3 *store_db(struct store *);

#endif /* HUIGAO_STORE_H */
