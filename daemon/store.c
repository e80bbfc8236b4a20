/*
 * store.c - the SQLite backend of the durable queue (see store.h).
 *
 * The court's database is shared with the court's application, so every
 * write transaction is BEGIN IMMEDIATE and short, the busy timeout is short
 * (the caller retries on a timer instead of blocking the event loop), and
 * huigao's own writes are synchronous=FULL: a claim is durable before the
 * request leaves, so a crash can repeat only sends that were under way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "huigao.h"
#include "receipt.h"
#include "store.h"

#define STORE_BUSY_MS	250

enum {
	Q_HWM_GET, Q_HWM_SET, Q_EVENTS, Q_PARTIES, Q_INSERT, Q_UPSERT,
	Q_DUE, Q_LEASE, Q_ATTEMPT_OPEN, Q_DEFER, Q_END, Q_REC_NOTIF, Q_REC_ATT,
	Q_NEXT_ALL, Q_NEXT_URGENT, Q_COUNT, Q_BEGIN, Q_COMMIT, Q_DATA_VERSION,
	Q_MAX
};

static const char *const store_sql[Q_MAX] = {
	[Q_HWM_GET] = "SELECT value FROM huigao_state WHERE key = 'events_hwm'",
	[Q_HWM_SET] = "UPDATE huigao_state SET value = ?1 WHERE key = 'events_hwm'",
	[Q_EVENTS] =
	    "SELECT e.id, e.step_id, e.kind, e.committed_ms, s.step_code,"
	    " s.occurred_at, s.params, s.notify_after, c.case_no, c.court,"
	    " s.case_id FROM step_events e"
	    " LEFT JOIN case_steps s ON s.id = e.step_id"
	    " LEFT JOIN cases c ON c.id = s.case_id"
	    " WHERE e.id > ?1 ORDER BY e.id LIMIT ?2",
	[Q_PARTIES] =
	    "SELECT id, role, name, phone, wechat_openid, email, opted_out"
	    " FROM parties WHERE case_id = ?1 ORDER BY id",
	[Q_INSERT] =
	    "INSERT OR IGNORE INTO notifications(step_id, party_id, channel,"
	    " recipient, body, state, next_attempt_at, last_error, created_at,"
	    " updated_at, key, sign, vars, urgent, queued_ms, committed_ms)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12,"
	    " ?13, ?14, ?15)",
	[Q_UPSERT] =
	    "INSERT INTO notifications(step_id, party_id, channel,"
	    " recipient, body, state, next_attempt_at, last_error, created_at,"
	    " updated_at, key, sign, vars, urgent, queued_ms, committed_ms)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12,"
	    " ?13, ?14, ?15)"
	    " ON CONFLICT(step_id, party_id, channel) DO UPDATE SET"
	    " recipient = excluded.recipient, body = excluded.body,"
	    " state = excluded.state, next_attempt_at = excluded.next_attempt_at,"
	    " last_error = excluded.last_error, updated_at = excluded.updated_at,"
	    " sign = excluded.sign, vars = excluded.vars, urgent = excluded.urgent"
	    " WHERE notifications.attempts = 0"
	    " AND notifications.state IN ('pending', 'dead', 'suppressed')"
	    " AND notifications.last_error IS NOT 'cancelled by operator'",
	[Q_DUE] =
	    "SELECT n.id, n.key, n.channel, n.recipient, n.body, n.sign, n.vars,"
	    " n.attempts, n.queued_ms, n.committed_ms, n.route_pos, c.case_no,"
	    " s.step_code, c.court, n.urgent FROM notifications n"
	    " JOIN case_steps s ON s.id = n.step_id"
	    " JOIN cases c ON c.id = s.case_id"
	    " WHERE n.state = 'pending' AND n.next_attempt_at <= ?1"
	    " AND n.urgent >= ?2 ORDER BY n.next_attempt_at LIMIT ?3 OFFSET ?4",
	[Q_LEASE] =
	    "UPDATE notifications SET state = 'sending', attempts = attempts + 1,"
	    " lease_until = ?2, gateway = ?3, updated_at = ?4"
	    " WHERE id = ?1 AND state = 'pending'",
	[Q_ATTEMPT_OPEN] =
	    "INSERT INTO attempts(notification_id, gateway, started_at)"
	    " VALUES (?1, ?2, ?3)",
	[Q_DEFER] =
	    "UPDATE notifications SET next_attempt_at = ?2, updated_at = ?3"
	    " WHERE id = ?1",
	[Q_END] =
	    "UPDATE notifications SET state = ?2, next_attempt_at = NULL,"
	    " last_error = ?3, updated_at = ?4 WHERE id = ?1",
	[Q_REC_NOTIF] =
	    "UPDATE notifications SET state = ?2, next_attempt_at = ?3,"
	    " lease_until = NULL, provider_id = COALESCE(?4, provider_id),"
	    " last_error = ?5, updated_at = ?6, sent_ms = ?7, route_pos = ?8,"
	    " attempts = attempts - ?9 WHERE id = ?1 AND state = 'sending'",
	[Q_REC_ATT] =
	    "UPDATE attempts SET finished_at = ?2, outcome = ?3,"
	    " http_status = ?4, error = ?5, duration_ms = ?6 WHERE id = ?1",
	[Q_NEXT_ALL] =
	    "SELECT MIN(next_attempt_at) FROM notifications"
	    " WHERE state = 'pending' AND urgent >= ?1",
	[Q_NEXT_URGENT] =
	    "SELECT MIN(next_attempt_at) FROM notifications"
	    " WHERE state = 'pending' AND urgent = 1",
	[Q_COUNT] = "SELECT count(*) FROM notifications WHERE state = ?1",
	/* prepared once: every turn of the scheduler runs them */
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_DATA_VERSION] = "PRAGMA data_version",
};

struct store {
	sqlite3		*db;
	sqlite3_stmt	*stmt[Q_MAX];
	int		 outer;		/* inside store_begin .. store_commit */
};

/* The error text of the last failing call, as an allocated cause. */
static char *
store_errmsg(struct store *st, const char *what)
{
	return (xasprintf("database: %s: %s", what, sqlite3_errmsg(st->db)));
}

/* A cached prepared statement, reset and unbound. */
static sqlite3_stmt *
store_stmt(struct store *st, int q)
{
	sqlite3_stmt	*s = st->stmt[q];

	if (s == NULL) {
		if (sqlite3_prepare_v3(st->db, store_sql[q], -1,
		    SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
			log_warnx("database: prepare: %s", sqlite3_errmsg(st->db));
			return (NULL);
		}
		st->stmt[q] = s;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (s);
}

/* Map a SQLite result to STORE_BUSY or STORE_ERR. */
static int
store_rc(int rc)
{
	rc &= 0xff;
	return (rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? STORE_BUSY : STORE_ERR);
}

static int
store_exec(struct store *st, const char *sql, char **cause)
{
	int	 rc;

	if ((rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL)) != SQLITE_OK) {
		if (cause != NULL)
			*cause = store_errmsg(st, sql);
		return (store_rc(rc));
	}
	return (STORE_OK);
}

/* Roll back whatever is open; safe to call when nothing is. */
static void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/*
 * The write transaction of one operation: its own, or the caller's when
 * the caller opened one with store_begin (then a failure is the caller's
 * to roll back, and nothing is committed before store_commit).
 */
/* Run Q_BEGIN or Q_COMMIT (prepared once, unlike store_exec). */
static int
store_exec_q(struct store *st, int q, char **cause)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, q)) == NULL) {
		if (cause != NULL)
			*cause = store_errmsg(st, store_sql[q]);
		return (STORE_ERR);
	}
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		if (cause != NULL)
			*cause = store_errmsg(st, store_sql[q]);
		return (store_rc(rc));
	}
	return (STORE_OK);
}

static int
txn_open(struct store *st, char **cause)
{
	if (st->outer)
		return (STORE_OK);
	return (store_exec_q(st, Q_BEGIN, cause));
}

static int
txn_close(struct store *st, char **cause)
{
	if (st->outer)
		return (STORE_OK);
	return (store_exec_q(st, Q_COMMIT, cause));
}

static void
txn_fail(struct store *st)
{
	if (!st->outer)
		store_rollback(st);
}

int
store_begin(struct store *st, char **cause)
{
	int	 rv;

	if ((rv = store_exec_q(st, Q_BEGIN, cause)) == STORE_OK)
		st->outer = 1;
	return (rv);
}

int
store_commit(struct store *st, char **cause)
{
	int	 rv;

	st->outer = 0;
	if ((rv = store_exec_q(st, Q_COMMIT, cause)) != STORE_OK)
		store_rollback(st);
	return (rv);
}

void
store_abort(struct store *st)
{
	st->outer = 0;
	store_rollback(st);
}

/* Set the pragmas every connection of huigao uses. */
static int
store_setup(struct store *st, int flags, char **cause)
{
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	if (store_exec(st, "PRAGMA foreign_keys = ON", cause) != STORE_OK)
		return (STORE_ERR);
	if (flags & STORE_READONLY)
		return (STORE_OK);
	if (flags & STORE_CREATE) {
		if (store_exec(st, "PRAGMA journal_mode = WAL", cause) != STORE_OK)
			return (STORE_ERR);
	}
	return (store_exec(st, "PRAGMA synchronous = FULL", cause));
}

int
store_open(const char *path, int flags, struct store **out, char **cause)
{
	struct store	*st;
	int		 oflags = SQLITE_OPEN_NOFOLLOW;

	oflags |= (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE;
	if (flags & STORE_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	st = xcalloc(1, sizeof(*st));
	if (sqlite3_open_v2(path, &st->db, oflags, NULL) != SQLITE_OK) {
		*cause = xasprintf("database \"%s\": %s", path,
		    st->db ? sqlite3_errmsg(st->db) : "out of memory");
		store_close(st);
		return (STORE_ERR);
	}
	if (store_setup(st, flags, cause) != STORE_OK) {
		char	*c = *cause;

		*cause = xasprintf("database \"%s\": %s", path, c);
		free(c);
		store_close(st);
		return (STORE_ERR);
	}
	*out = st;
	return (STORE_OK);
}

void
store_close(struct store *st)
{
	int	 i;

	if (st == NULL)
		return;
	for (i = 0; i < Q_MAX; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	free(st);
}

struct sqlite3 *
store_db(struct store *st)
{
	return (st->db);
}

/* PRAGMA user_version, or -1. */
static int
store_user_version(struct store *st)
{
	sqlite3_stmt	*s;
	int		 v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s,
	    NULL) != SQLITE_OK)
		return (-1);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return (v);
}

/* Apply one migration and bump user_version, all or nothing. */
static int
store_apply(struct store *st, const struct migration *m, char **cause)
{
	char	*sql, *err = NULL;

	if (store_exec(st, "BEGIN IMMEDIATE", cause) != STORE_OK)
		return (STORE_ERR);
	if (sqlite3_exec(st->db, m->sql, NULL, NULL, &err) != SQLITE_OK) {
		*cause = xasprintf("schema/%s: %s", m->name, err ? err : "error");
		sqlite3_free(err);
		store_rollback(st);
		return (STORE_ERR);
	}
	sql = xasprintf("PRAGMA user_version = %d", m->version);
	if (store_exec(st, sql, cause) != STORE_OK ||
	    store_exec(st, "COMMIT", cause) != STORE_OK) {
		free(sql);
		store_rollback(st);
		return (STORE_ERR);
	}
	free(sql);
	return (STORE_OK);
}

int
store_migrate(struct store *st, int *from, int *to, char **cause)
{
	size_t	 i;
	int	 v;

	if ((v = store_user_version(st)) < 0) {
		*cause = store_errmsg(st, "user_version");
		return (STORE_ERR);
	}
	*from = *to = v;
	for (i = 0; i < store_nmigrations; i++) {
		if (store_migrations[i].version <= v)
			continue;
		if (store_apply(st, &store_migrations[i], cause) != STORE_OK)
			return (STORE_ERR);
		*to = store_migrations[i].version;
	}
	return (STORE_OK);
}

int
store_check_schema(struct store *st, char **cause)
{
	int	 v, want;

	want = store_migrations[store_nmigrations - 1].version;
	if ((v = store_user_version(st)) < 0) {
		*cause = store_errmsg(st, "user_version");
		return (STORE_ERR);
	}
	if (v == 0) {
		*cause = xstrdup("the database has no huigao schema; run "
		    "\"huigaoctl init\" first");
		return (STORE_ERR);
	}
	if (v < want) {
		*cause = xasprintf("the database schema is version %d, this "
		    "huigaod needs %d; run \"huigaoctl init\" to migrate", v, want);
		return (STORE_ERR);
	}
	if (v > want) {
		*cause = xasprintf("the database schema is version %d, newer "
		    "than this huigaod knows (%d); upgrade huigao", v, want);
		return (STORE_ERR);
	}
	return (STORE_OK);
}

int64_t
store_data_version(struct store *st)
{
	sqlite3_stmt	*s;
	int64_t		 v = -1;

	if ((s = store_stmt(st, Q_DATA_VERSION)) == NULL)
		return (-1);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return (v);
}

void
store_release_memory(struct store *st)
{
	sqlite3_db_release_memory(st->db);
}

int
store_reclaim(struct store *st, int64_t now_ms, size_t *n, char **cause)
{
	char	 now[32], *sql;
	int	 rv;

	util_iso_utc(now_ms, now, sizeof(now));
	if ((rv = store_exec(st, "BEGIN IMMEDIATE", cause)) != STORE_OK)
		return (rv);
	sql = xasprintf("UPDATE attempts SET finished_at = '%s',"
	    " outcome = 'tempfail', error = 'interrupted: huigaod stopped"
	    " during the attempt' WHERE outcome IS NULL AND notification_id IN"
	    " (SELECT id FROM notifications WHERE state = 'sending');"
	    " UPDATE notifications SET state = 'pending', next_attempt_at = %lld,"
	    " lease_until = NULL, updated_at = '%s', last_error ="
	    " 'interrupted: huigaod stopped during the attempt; sent again with"
	    " the same key' WHERE state = 'sending'", now, (long long)now_ms, now);
	rv = store_exec(st, sql, cause);
	free(sql);
	if (rv != STORE_OK) {
		store_rollback(st);
		return (rv);
	}
	*n = (size_t)sqlite3_changes(st->db);
	if ((rv = store_exec(st, "COMMIT", cause)) != STORE_OK)
		store_rollback(st);
	return (rv);
}

int
store_count_state(struct store *st, const char *state, int64_t *n)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, Q_COUNT)) == NULL)
		return (STORE_ERR);
	sqlite3_bind_text(s, 1, state, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		return (STORE_ERR);
	}
	*n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return (STORE_OK);
}

/* ---- expand: step_events -> notifications ---- */

/* One step event with its step and case, copied out of the cursor. */
struct event {
	int64_t		 id;
	int64_t		 step_id;
	int		 update;
	int64_t		 committed_ms;
	int64_t		 case_id;
	int		 orphan;	/* the step or case is gone */
	char		*step_code;
	char		*occurred_at;
	char		*params;
	char		*notify_after;
	char		*case_no;
	char		*court;
};

/* What one party and channel should get. */
struct plan {
	const char	*state;
	const char	*sign;		/* the court's signature, borrowed */
	char		 to[256];
	char		*body;
	char		*vars;
	char		 error[320];
	int64_t		 next_ms;
};

static char *
col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	return (t == NULL ? NULL : xstrdup((const char *)t));
}

static void
event_clear(struct event *e)
{
	free(e->step_code);
	free(e->occurred_at);
	free(e->params);
	free(e->notify_after);
	free(e->case_no);
	free(e->court);
	memset(e, 0, sizeof(*e));
}

/* Copy the current row of Q_EVENTS. */
static void
event_read(sqlite3_stmt *s, struct event *e)
{
	const unsigned char	*kind = sqlite3_column_text(s, 2);

	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(s, 0);
	e->step_id = sqlite3_column_int64(s, 1);
	e->update = kind != NULL && strcmp((const char *)kind, "update") == 0;
	e->committed_ms = sqlite3_column_int64(s, 3);
	e->orphan = sqlite3_column_type(s, 4) == SQLITE_NULL ||
	    sqlite3_column_type(s, 8) == SQLITE_NULL;
	e->step_code = col_dup(s, 4);
	e->occurred_at = col_dup(s, 5);
	e->params = col_dup(s, 6);
	e->notify_after = col_dup(s, 7);
	e->case_no = col_dup(s, 8);
	e->court = col_dup(s, 9);
	e->case_id = sqlite3_column_int64(s, 10);
}

/* The rendered variables, kept with the row for template vendors. */
static char *
plan_vars(const struct render_ctx *rc, const char *masked, const char *code)
{
	json_t	*o;
	char	*s;

	o = json_is_object(rc->params) ? json_deep_copy(rc->params) :
	    json_object();
	json_object_set_new(o, "case_no", json_string(rc->case_no));
	json_object_set_new(o, "court", json_string(rc->court));
	json_object_set_new(o, "step", json_string(rc->step));
	json_object_set_new(o, "step_code", json_string(code));
	json_object_set_new(o, "date", json_string(rc->date));
	if (masked != NULL)
		json_object_set_new(o, "name", json_string(masked));
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return (s == NULL ? xstrdup("{}") : s);
}

/* Set a plan to a final state with a reason. */
static void
plan_end(struct plan *p, const char *state, const char *fmt, ...)
    ATTR_PRINTF(3, 4);
static void
plan_end(struct plan *p, const char *state, const char *fmt, ...)
{
	va_list	 ap;

	p->state = state;
	va_start(ap, fmt);
	vsnprintf(p->error, sizeof(p->error), fmt, ap);
	va_end(ap);
}

/* Render the text for one party; on failure the plan ends dead. */
static void
plan_render(const struct config *cfg, const struct step_cfg *sc,
    const struct court_cfg *court, const struct event *e, json_t *params,
    const struct party *pa, struct plan *p)
{
	struct render_ctx	 rc;
	struct sms_count	 cnt;
	char			 date[64], *text = NULL, *cause = NULL, *masked;

	(void)cfg;
	if (text_format_date(e->occurred_at, date, sizeof(date)) == -1)
		util_strlcpy_utf8(date, e->occurred_at ? e->occurred_at : "",
		    sizeof(date));
	memset(&rc, 0, sizeof(rc));
	rc.case_no = e->case_no;
	rc.court = court->name;
	rc.step = sc->label;
	rc.date = date;
	rc.name = pa->name ? pa->name : "";
	rc.params = params;
	if (text_render(sc->text, &rc, &text, &cause) == -1) {
		plan_end(p, "dead", "step %s: %s", sc->code, cause);
		free(cause);
		return;
	}
	p->body = xasprintf("【%s】%s", court->sign, text);
	p->sign = court->sign;
	free(text);
	masked = pa->name ? text_mask_name(pa->name) : NULL;
	p->vars = plan_vars(&rc, masked, sc->code);
	free(masked);
	if (text_sms_count(p->body, 0, &cnt) == -1)
		plan_end(p, "dead", "step %s: the text is not valid UTF-8",
		    sc->code);
	else if (cnt.chars > SMS_MAX_CHARS)
		plan_end(p, "dead", "step %s: the text has %zu characters, "
		    "more than the %d an SMS may carry", sc->code, cnt.chars,
		    SMS_MAX_CHARS);
}

/* Decide state, recipient and text for one party on one channel. */
static void
plan_make(const struct config *cfg, const struct event *e, json_t *params,
    const char *perr, const struct party *pa, enum channel ch,
    int64_t now_ms, struct plan *p)
{
	const struct step_cfg	*sc = cfg_step(cfg, e->step_code);
	const struct court_cfg	*court = cfg_court(cfg, e->court);
	int64_t			 after;

	memset(p, 0, sizeof(*p));
	p->state = "pending";
	p->next_ms = now_ms;
	if (policy_recipient(sc, pa, ch, p->to, sizeof(p->to), p->error,
	    sizeof(p->error)) != 0) {
		p->state = "suppressed";
		p->to[0] = '\0';
		return;
	}
	if (sc == NULL) {
		plan_end(p, "dead", "unknown step code \"%s\": add it to "
		    "steps in the configuration, then run huigaoctl retry",
		    e->step_code);
		return;
	}
	if (court == NULL) {
		plan_end(p, "dead", "unknown court \"%s\": add it to courts "
		    "in the configuration, then run huigaoctl retry", e->court);
		return;
	}
	if (perr != NULL) {
		plan_end(p, "dead", "%s", perr);
		return;
	}
	plan_render(cfg, sc, court, e, params, pa, p);
	if (e->notify_after != NULL && e->notify_after[0] != '\0') {
		if (util_parse_time(e->notify_after, &after) == -1)
			plan_end(p, "dead", "notify_after \"%.40s\" is not an "
			    "ISO 8601 time", e->notify_after);
		else if (after > p->next_ms)
			p->next_ms = after;
	}
}

/* Bind and run Q_INSERT or Q_UPSERT for one plan; 1 if a row changed. */
static int
plan_write(struct store *st, const struct event *e, const struct party *pa,
    enum channel ch, const struct plan *p, int urgent, int64_t now_ms)
{
	sqlite3_stmt	*s;
	char		 now[32], *key;
	int		 rc;

	if ((s = store_stmt(st, e->update ? Q_UPSERT : Q_INSERT)) == NULL)
		return (STORE_ERR);
	util_iso_utc(now_ms, now, sizeof(now));
	key = xasprintf("hg-%lld-%lld-%s", (long long)e->step_id,
	    (long long)pa->id, cfg_channel_name(ch));
	sqlite3_bind_int64(s, 1, e->step_id);
	sqlite3_bind_int64(s, 2, pa->id);
	sqlite3_bind_text(s, 3, cfg_channel_name(ch), -1, SQLITE_STATIC);
	if (p->to[0] != '\0')
		sqlite3_bind_text(s, 4, p->to, -1, SQLITE_STATIC);
	if (p->body != NULL)
		sqlite3_bind_text(s, 5, p->body, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, p->state, -1, SQLITE_STATIC);
	if (strcmp(p->state, "pending") == 0)
		sqlite3_bind_int64(s, 7, p->next_ms);
	if (p->error[0] != '\0')
		sqlite3_bind_text(s, 8, p->error, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, key, -1, SQLITE_TRANSIENT);
	if (p->sign != NULL)
		sqlite3_bind_text(s, 11, p->sign, -1, SQLITE_STATIC);
	if (p->vars != NULL)
		sqlite3_bind_text(s, 12, p->vars, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 13, urgent);
	sqlite3_bind_int64(s, 14, now_ms);
	sqlite3_bind_int64(s, 15, e->committed_ms);
	free(key);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return (store_rc(rc));
	return (sqlite3_changes(st->db) > 0 ? 1 : 0);
}

/* Count a written plan into the statistics. */
static void
plan_count(const struct plan *p, int changed, int update,
    struct expand_stats *xs)
{
	if (!changed)
		return;
	if (update)
		xs->updated++;
	else if (strcmp(p->state, "pending") == 0)
		xs->created++;
	if (strcmp(p->state, "suppressed") == 0)
		xs->suppressed++;
	else if (strcmp(p->state, "dead") == 0)
		xs->dead++;
}

/* Plan and write the rows of one party; STORE_OK or an error. */
static int
expand_party(struct store *st, const struct config *cfg, const struct event *e,
    json_t *params, const char *perr, const struct party *pa, int64_t now_ms,
    struct expand_stats *xs)
{
	const struct step_cfg	*sc = cfg_step(cfg, e->step_code);
	unsigned		 chans = sc ? cfg_channels_for(sc, pa->role) :
	    (1u << CH_SMS);
	struct plan		 p;
	int			 ch, rc, first = 1;

	/* an unknown step reaches the default audience only */
	if (sc == NULL && strcmp(pa->role, "respondent") == 0)
		return (STORE_OK);
	for (ch = 0; ch < CH_COUNT; ch++) {
		if ((chans & (1u << ch)) == 0)
			continue;
		plan_make(cfg, e, params, perr, pa, (enum channel)ch, now_ms, &p);
		/* other channels only where the party has an address; one row
		 * records a role that is not notified */
		if (strcmp(p.state, "suppressed") == 0 && !first &&
		    (ch != CH_SMS || strstr(p.error, "role") != NULL)) {
			free(p.body);
			free(p.vars);
			continue;
		}
		first = 0;
		rc = plan_write(st, e, pa, (enum channel)ch, &p,
		    sc ? sc->urgent : 0, now_ms);
		free(p.body);
		free(p.vars);
		if (rc < 0)
			return (rc);
		plan_count(&p, rc, e->update, xs);
	}
	return (STORE_OK);
}

/* Parse the step's params once per event. */
static json_t *
event_params(const struct event *e, char *err, size_t errlen)
{
	json_error_t	 je;
	json_t		*o;

	err[0] = '\0';
	o = json_loads(e->params ? e->params : "{}", JSON_REJECT_DUPLICATES, &je);
	if (o == NULL || !json_is_object(o)) {
		snprintf(err, errlen, "params of step %lld are not a JSON "
		    "object: %s", (long long)e->step_id, o ? "not an object" :
		    je.text);
		json_decref(o);
		return (NULL);
	}
	return (o);
}

/* Expand one event to every party of its case. */
static int
expand_event(struct store *st, const struct config *cfg, const struct event *e,
    int64_t now_ms, struct expand_stats *xs)
{
	sqlite3_stmt	*s;
	struct party	 pa;
	json_t		*params;
	char		 perr[256];
	int		 rc, rv = STORE_OK;

	if (e->orphan) {
		log_warnx("step event %lld: step %lld or its case no longer "
		    "exists; skipped", (long long)e->id, (long long)e->step_id);
		return (STORE_OK);
	}
	params = event_params(e, perr, sizeof(perr));
	/* the cursor is reused per party, so copy the party list first */
	if ((s = store_stmt(st, Q_PARTIES)) == NULL) {
		json_decref(params);
		return (STORE_ERR);
	}
	sqlite3_bind_int64(s, 1, e->case_id);
	struct party	*list = NULL;
	size_t		 n = 0, i;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		list = xreallocarray(list, n + 1, sizeof(*list));
		memset(&pa, 0, sizeof(pa));
		pa.id = sqlite3_column_int64(s, 0);
		pa.role = col_dup(s, 1);
		pa.name = col_dup(s, 2);
		pa.phone = col_dup(s, 3);
		pa.wechat_openid = col_dup(s, 4);
		pa.email = col_dup(s, 5);
		pa.opted_out = sqlite3_column_int(s, 6);
		if (pa.role == NULL)
			pa.role = xstrdup("");
		list[n++] = pa;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		rv = store_rc(rc);
	for (i = 0; i < n && rv == STORE_OK; i++)
		rv = expand_party(st, cfg, e, params, perr[0] ? perr : NULL,
		    &list[i], now_ms, xs);
	for (i = 0; i < n; i++) {
		free((char *)(uintptr_t)list[i].role);
		free((char *)(uintptr_t)list[i].name);
		free((char *)(uintptr_t)list[i].phone);
		free((char *)(uintptr_t)list[i].wechat_openid);
		free((char *)(uintptr_t)list[i].email);
	}
	free(list);
	json_decref(params);
	return (rv);
}

/* Read the high-water mark inside the open transaction. */
static int
expand_hwm(struct store *st, int64_t *hwm)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, Q_HWM_GET)) == NULL)
		return (STORE_ERR);
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		sqlite3_reset(s);
		return (rc == SQLITE_DONE ? STORE_ERR : store_rc(rc));
	}
	*hwm = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return (STORE_OK);
}

/* Read up to max events after hwm into a list. */
static int
expand_read(struct store *st, int64_t hwm, size_t max, struct event **out,
    size_t *nout)
{
	sqlite3_stmt	*s;
	struct event	*ev = NULL;
	size_t		 n = 0;
	int		 rc;

	if ((s = store_stmt(st, Q_EVENTS)) == NULL)
		return (STORE_ERR);
	sqlite3_bind_int64(s, 1, hwm);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ev = xreallocarray(ev, n + 1, sizeof(*ev));
		event_read(s, &ev[n++]);
	}
	sqlite3_reset(s);
	*out = ev;
	*nout = n;
	return (rc == SQLITE_DONE ? STORE_OK : store_rc(rc));
}

int
store_expand(struct store *st, const struct config *cfg, int64_t now_ms,
    size_t max, struct expand_stats *xs, char **cause)
{
	struct event	*ev = NULL;
	sqlite3_stmt	*s;
	int64_t		 hwm;
	size_t		 n = 0, i;
	int		 rv;

	memset(xs, 0, sizeof(*xs));
	if ((rv = txn_open(st, cause)) != STORE_OK)
		return (rv);
	if ((rv = expand_hwm(st, &hwm)) != STORE_OK ||
	    (rv = expand_read(st, hwm, max, &ev, &n)) != STORE_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((rv = expand_event(st, cfg, &ev[i], now_ms, xs)) != STORE_OK)
			goto fail;
		hwm = ev[i].id;
	}
	xs->events = n;
	if (n > 0) {
		if ((s = store_stmt(st, Q_HWM_SET)) == NULL) {
			rv = STORE_ERR;
			goto fail;
		}
		sqlite3_bind_int64(s, 1, hwm);
		rv = sqlite3_step(s) == SQLITE_DONE ? STORE_OK : STORE_ERR;
		sqlite3_reset(s);
		if (rv != STORE_OK)
			goto fail;
	}
	if ((rv = txn_close(st, cause)) != STORE_OK)
		goto fail;
	for (i = 0; i < n; i++)
		event_clear(&ev[i]);
	free(ev);
	return (STORE_OK);
fail:
	if (cause != NULL && *cause == NULL)
		*cause = store_errmsg(st, "expand");
	txn_fail(st);
	for (i = 0; i < n; i++)
		event_clear(&ev[i]);
	free(ev);
	memset(xs, 0, sizeof(*xs));
	return (rv == STORE_BUSY ? STORE_BUSY : STORE_ERR);
}

/* ---- claim and record ---- */

void
delivery_free(struct delivery *d)
{
	if (d == NULL)
		return;
	free(d->key);
	free(d->channel);
	free(d->recipient);
	free(d->body);
	free(d->sign);
	free(d->vars);
	free(d->case_no);
	free(d->step_code);
	free(d->label);
	free(d->court);
	free(d->gateway);
	free(d);
}

/* Copy the current row of Q_DUE. */
static struct delivery *
claim_read(sqlite3_stmt *s)
{
	struct delivery	*d = xcalloc(1, sizeof(*d));

	d->id = sqlite3_column_int64(s, 0);
	d->key = col_dup(s, 1);
	d->channel = col_dup(s, 2);
	d->recipient = col_dup(s, 3);
	d->body = col_dup(s, 4);
	d->sign = col_dup(s, 5);
	d->vars = col_dup(s, 6);
	d->attempts = sqlite3_column_int(s, 7) + 1;
	d->queued_ms = sqlite3_column_int64(s, 8);
	d->committed_ms = sqlite3_column_int64(s, 9);
	d->route_pos = sqlite3_column_int(s, 10);
	d->case_no = col_dup(s, 11);
	d->step_code = col_dup(s, 12);
	d->court = col_dup(s, 13);
	return (d);
}

/* End a row that cannot be sent at all. */
static int
claim_end(struct store *st, int64_t id, const char *state, const char *why,
    const char *now)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, Q_END)) == NULL)
		return (STORE_ERR);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, why, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? STORE_OK : store_rc(rc));
}

/* Lease one row and open its attempts row. */
static int
claim_lease(struct store *st, struct delivery *d, int64_t now_ms,
    int64_t lease_ms, const char *now)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, Q_LEASE)) == NULL)
		return (STORE_ERR);
	sqlite3_bind_int64(s, 1, d->id);
	sqlite3_bind_int64(s, 2, now_ms + lease_ms);
	sqlite3_bind_text(s, 3, d->gateway, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return (store_rc(rc));
	if ((s = store_stmt(st, Q_ATTEMPT_OPEN)) == NULL)
		return (STORE_ERR);
	sqlite3_bind_int64(s, 1, d->id);
	sqlite3_bind_text(s, 2, d->gateway, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return (store_rc(rc));
	d->attempt_id = sqlite3_last_insert_rowid(st->db);
	d->started_ms = now_ms;
	return (STORE_OK);
}

/* Fill what the sender needs besides the row itself. */
static void
claim_fill(const struct config *cfg, struct delivery *d, const char *gw)
{
	const struct step_cfg	*sc = cfg_step(cfg, d->step_code);

	d->gateway = xstrdup(gw);
	d->label = xstrdup(sc ? sc->label : d->step_code);
	policy_mask(d->recipient, d->masked_to, sizeof(d->masked_to));
}

/* Free what claim_select returned (entries may be NULL). */
static void
claim_free(struct delivery **list, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		delivery_free(list[i]);
	free(list);
}

/* Rows of a select that were neither leased nor ended (still pending). */
static size_t
claim_left(struct delivery **list, size_t n)
{
	size_t	 i, left = 0;

	for (i = 0; i < n; i++)
		if (list[i] != NULL)
			left++;
	return (left);
}

/*
 * Select up to max due rows, after the first `skip`, into a list (the
 * cursor must be done before writes).
 */
static int
claim_select(struct store *st, const struct config *cfg, int64_t now_ms,
    size_t skip, size_t max, struct delivery ***list, size_t *n)
{
	sqlite3_stmt	*s;
	int		 rc = SQLITE_DONE, urgent_only;

	urgent_only = !policy_in_window(&cfg->delivery, now_ms);
	if ((s = store_stmt(st, Q_DUE)) == NULL)
		return (STORE_ERR);
	sqlite3_bind_int64(s, 1, now_ms);
	sqlite3_bind_int(s, 2, urgent_only);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)max);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)skip);
	*list = xreallocarray(NULL, max, sizeof(**list));
	*n = 0;
	while (*n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		(*list)[(*n)++] = claim_read(s);
	sqlite3_reset(s);
	if (*n < max && rc != SQLITE_DONE)
		return (store_rc(rc));
	return (STORE_OK);
}

/* Lease the rows a gateway can take now; end the ones that cannot be sent. */
static int
claim_rows(struct store *st, const struct config *cfg, int64_t now_ms,
    size_t max, store_pick_fn pick, void *arg, struct delivery **list,
    size_t n, struct delivery **kept, size_t *k, int64_t *blocked)
{
	const char	*gw;
	char		 now[32];
	int64_t		 avail;
	size_t		 i;
	int		 rv, pos;

	util_iso_utc(now_ms, now, sizeof(now));
	for (i = 0; i < n && *k < max; i++) {
		if (list[i]->body == NULL || list[i]->recipient == NULL) {
			if ((rv = claim_end(st, list[i]->id, "dead", "nothing to "
			    "send: the text was not rendered; fix the step or the "
			    "configuration, then run huigaoctl retry", now)) !=
			    STORE_OK)
				return (rv);
			delivery_free(list[i]);
			list[i] = NULL;
			continue;
		}
		avail = -1;
		pos = list[i]->route_pos;
		if ((gw = pick(arg, list[i], now_ms, &pos, &avail)) == NULL) {
			if (avail > 0 && (*blocked < 0 || avail < *blocked))
				*blocked = avail;
			continue;
		}
		list[i]->route_pos = pos;
		claim_fill(cfg, list[i], gw);
		if ((rv = claim_lease(st, list[i], now_ms,
		    cfg->delivery.lease_ms, now)) != STORE_OK)
			return (rv);
		kept[(*k)++] = list[i];
		list[i] = NULL;
	}
	return (STORE_OK);
}

int
store_claim(struct store *st, const struct config *cfg, int64_t now_ms,
    size_t max, store_pick_fn pick, void *arg, struct delivery ***out,
    size_t *nout, int64_t *blocked, char **cause)
{
	struct delivery	**list = NULL, **kept;
	size_t		 n = 0, k = 0, read = 0, skipped = 0, want, ahead;
	int		 rv;

	*out = NULL;
	*nout = 0;
	*blocked = -1;
	if (max == 0)
		return (STORE_OK);
	if ((rv = txn_open(st, cause)) != STORE_OK)
		return (rv);
	kept = xreallocarray(NULL, max, sizeof(*kept));
	/*
	 * Read what is wanted; rows for a paused or full gateway stay pending
	 * and are skipped, so look further (past them: leased rows have left
	 * the pending set, the skipped ones are its first rows), up to
	 * 2 * max + 8 rows in all.
	 */
	ahead = max * 2 + 8;
	do {
		want = max - k;
		if (want > ahead - read)
			want = ahead - read;
		if ((rv = claim_select(st, cfg, now_ms, skipped, want, &list,
		    &n)) != STORE_OK ||
		    (rv = claim_rows(st, cfg, now_ms, max, pick, arg, list, n,
		    kept, &k, blocked)) != STORE_OK)
			goto fail;
		read += n;
		skipped += claim_left(list, n);
		claim_free(list, n);
		list = NULL;
	} while (n == want && k < max && read < ahead);
	n = 0;
	if ((rv = txn_close(st, cause)) != STORE_OK)
		goto fail;
	*out = kept;
	*nout = k;
	return (STORE_OK);
fail:
	if (cause != NULL && *cause == NULL)
		*cause = store_errmsg(st, "claim");
	txn_fail(st);
	claim_free(list, n);
	claim_free(kept, k);
	return (rv == STORE_BUSY ? STORE_BUSY : STORE_ERR);
}

/* MIN(next_attempt_at) of Q_NEXT_ALL / Q_NEXT_URGENT; -1 when none. */
static int
next_query(struct store *st, int q, int urgent_min, int64_t *due)
{
	sqlite3_stmt	*s;
	int		 rc;

	*due = -1;
	if ((s = store_stmt(st, q)) == NULL)
		return (STORE_ERR);
	if (q == Q_NEXT_ALL)
		sqlite3_bind_int(s, 1, urgent_min);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		*due = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : store_rc(rc));
}

int
store_next_due(struct store *st, const struct delivery_cfg *dc, int64_t now_ms,
    int64_t *due, char **cause)
{
	int64_t	 all, urgent, open;
	int	 rv;

	if ((rv = next_query(st, Q_NEXT_ALL, 0, &all)) != STORE_OK) {
		*cause = store_errmsg(st, "next due");
		return (rv);
	}
	*due = all;
	if (all == -1 || dc->window_start < 0)
		return (STORE_OK);
	/* non-urgent rows wait for the window to open */
	open = policy_window_open(dc, all > now_ms ? all : now_ms);
	if ((rv = next_query(st, Q_NEXT_URGENT, 1, &urgent)) != STORE_OK) {
		*cause = store_errmsg(st, "next due");
		return (rv);
	}
	*due = open;
	if (urgent != -1 && urgent < open)
		*due = urgent;
	return (STORE_OK);
}

/* Write one outcome: the notification and its attempts row. */
static int
record_one(struct store *st, const struct outcome_rec *r)
{
	sqlite3_stmt	*s;
	char		 fin[32];
	int		 rc;

	util_iso_utc(r->finished_ms, fin, sizeof(fin));
	if ((s = store_stmt(st, Q_REC_NOTIF)) == NULL)
		return (STORE_ERR);
	sqlite3_bind_int64(s, 1, r->id);
	sqlite3_bind_text(s, 2, r->state, -1, SQLITE_STATIC);
	if (strcmp(r->state, "pending") == 0)
		sqlite3_bind_int64(s, 3, r->next_attempt_ms);
	if (r->provider_id[0] != '\0')
		sqlite3_bind_text(s, 4, r->provider_id, -1, SQLITE_STATIC);
	if (r->error[0] != '\0')
		sqlite3_bind_text(s, 5, r->error, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, fin, -1, SQLITE_STATIC);
	if (strcmp(r->state, "sent") == 0)
		sqlite3_bind_int64(s, 7, r->finished_ms);
	sqlite3_bind_int(s, 8, r->route_pos);
	sqlite3_bind_int(s, 9, r->uncount ? 1 : 0);
	if ((rc = sqlite3_step(s)) != SQLITE_DONE) {
		sqlite3_reset(s);
		return (store_rc(rc));
	}
	sqlite3_reset(s);
	if ((s = store_stmt(st, Q_REC_ATT)) == NULL)
		return (STORE_ERR);
	sqlite3_bind_int64(s, 1, r->attempt_id);
	sqlite3_bind_text(s, 2, fin, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, r->outcome, -1, SQLITE_STATIC);
	if (r->http_status > 0)
		sqlite3_bind_int64(s, 4, r->http_status);
	if (r->error[0] != '\0')
		sqlite3_bind_text(s, 5, r->error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, r->duration_ms);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? STORE_OK : store_rc(rc));
}

int
store_record(struct store *st, const struct outcome_rec *recs, size_t n,
    char **cause)
{
	size_t	 i;
	int	 rv;

	if (n == 0)
		return (STORE_OK);
	if ((rv = txn_open(st, cause)) != STORE_OK)
		return (rv);
	for (i = 0; i < n; i++) {
		if ((rv = record_one(st, &recs[i])) != STORE_OK) {
			*cause = store_errmsg(st, "record");
			txn_fail(st);
			return (rv);
		}
	}
	if ((rv = txn_close(st, cause)) != STORE_OK)
		txn_fail(st);
	return (rv);
}

/* ---- receipts and statistics ---- */

const char *const store_states[STORE_NSTATES] = { "pending", "sending",
    "sent", "delivered", "undelivered", "dead", "suppressed" };

int
store_receipt_find(struct store *st, const char *key, const char *provider_id,
    struct receipt_target *t, int *found, char **cause)
{
	sqlite3_stmt	*s;
	const char	*sql;
	int		 rc;

	*found = 0;
	memset(t, 0, sizeof(*t));
	sql = (key != NULL && key[0] != '\0') ?
	    "SELECT id, state, gateway, provider_id, recipient, key"
	    " FROM notifications WHERE key = ?1" :
	    "SELECT id, state, gateway, provider_id, recipient, key"
	    " FROM notifications WHERE provider_id = ?1";
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		*cause = store_errmsg(st, "receipt");
		return (STORE_ERR);
	}
	sqlite3_bind_text(s, 1, (key != NULL && key[0] != '\0') ? key :
	    provider_id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*found = 1;
		t->id = sqlite3_column_int64(s, 0);
		util_strlcpy_utf8(t->state, (const char *)sqlite3_column_text(s,
		    1), sizeof(t->state));
#define COPYCOL(i, f) util_strlcpy_utf8(t->f, sqlite3_column_text(s, i) ? \
	(const char *)sqlite3_column_text(s, i) : "", sizeof(t->f))
		COPYCOL(2, gateway);
		COPYCOL(3, provider_id);
		COPYCOL(4, recipient);
		COPYCOL(5, key);
#undef COPYCOL
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*cause = store_errmsg(st, "receipt");
		return (store_rc(rc));
	}
	return (STORE_OK);
}

/* Keep the receipt itself. */
static int
receipt_insert(struct store *st, const struct receipt_target *t,
    const struct receipt *r, const char *raw, const char *now)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO receipts(notification_id,"
	    " gateway, received_at, status, provider_status, provider_id, raw)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, substr(?7, 1, 2000))", -1, &s,
	    NULL) != SQLITE_OK)
		return (STORE_ERR);
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_text(s, 2, t->gateway, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, receipt_status_str(r->status), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(s, 5, r->provider_status, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, r->provider_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, raw ? raw : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return (rc == SQLITE_DONE ? STORE_OK : store_rc(rc));
}

int
store_receipt_apply(struct store *st, const struct receipt_target *t,
    const struct receipt *r, const char *raw, int64_t now_ms, int *applied,
    char **cause)
{
	sqlite3_stmt	*s;
	char		 now[32];
	int		 rc, rv;

	*applied = 0;
	util_iso_utc(now_ms, now, sizeof(now));
	if ((rv = store_exec(st, "BEGIN IMMEDIATE", cause)) != STORE_OK)
		return (rv);
	if (sqlite3_prepare_v2(st->db, "UPDATE notifications SET state = ?2,"
	    " delivered_ms = ?3, updated_at = ?4 WHERE id = ?1 AND"
	    " state = 'sent'", -1, &s, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_text(s, 2, receipt_status_str(r->status), -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now_ms);
	sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		goto fail;
	if ((*applied = sqlite3_changes(st->db) > 0) &&
	    receipt_insert(st, t, r, raw, now) != STORE_OK)
		goto fail;
	if ((rv = store_exec(st, "COMMIT", cause)) == STORE_OK)
		return (STORE_OK);
fail:
	if (*cause == NULL)
		*cause = store_errmsg(st, "receipt");
	store_rollback(st);
	*applied = 0;
	return (STORE_ERR);
}

char *
store_state_get(struct store *st, const char *key)
{
	sqlite3_stmt	*s;
	char		*v = NULL;

	if (sqlite3_prepare_v2(st->db, "SELECT value FROM huigao_state"
	    " WHERE key = ?1", -1, &s, NULL) != SQLITE_OK)
		return (NULL);
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = col_dup(s, 0);
	sqlite3_finalize(s);
	return (v);
}

int
store_stats(struct store *st, struct store_stats *ss, char **cause)
{
	sqlite3_stmt	*s;
	int		 i;

	memset(ss, 0, sizeof(*ss));
	ss->oldest_pending_ms = -1;
	for (i = 0; i < STORE_NSTATES; i++) {
		if (store_count_state(st, store_states[i], &ss->by_state[i]) !=
		    STORE_OK) {
			*cause = store_errmsg(st, "stats");
			return (STORE_ERR);
		}
	}
	if (sqlite3_prepare_v2(st->db, "SELECT MIN(queued_ms) FROM notifications"
	    " WHERE state = 'pending'", -1, &s, NULL) != SQLITE_OK) {
		*cause = store_errmsg(st, "stats");
		return (STORE_ERR);
	}
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL)
		ss->oldest_pending_ms = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return (STORE_OK);
}
