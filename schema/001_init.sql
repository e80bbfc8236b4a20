-- 001_init.sql - the first schema of huigao.
--
-- Tables written by the court's case-management system: cases, parties,
-- case_steps. Tables written by triggers: step_events (the transactional
-- outbox, filled in the same transaction as the court's INSERT/UPDATE).
-- Tables written by huigaod: notifications, attempts, huigao_state.
-- Migrations are forward-only; huigaoctl init applies each file whose number
-- is above PRAGMA user_version, in one transaction, then sets user_version.
-- Times written by the court are local ISO 8601 text; times written by
-- huigao are UTC ISO 8601 text (…Z), except the scheduling columns
-- next_attempt_at and lease_until, which are integer milliseconds since the
-- epoch so that the scheduler's index compares integers.

CREATE TABLE cases (
	id		INTEGER PRIMARY KEY,
	case_no		TEXT NOT NULL UNIQUE,
	court		TEXT NOT NULL,
	created_at	TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE parties (
	id		INTEGER PRIMARY KEY,
	case_id		INTEGER NOT NULL REFERENCES cases(id),
	role		TEXT NOT NULL CHECK (role = 'applicant' OR role = 'agent'
			    OR role = 'respondent'),
	name		TEXT,
	phone		TEXT,
	wechat_openid	TEXT,
	email		TEXT,
	opted_out	INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX parties_case ON parties(case_id);

CREATE TABLE case_steps (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	case_id		INTEGER NOT NULL REFERENCES cases(id),
	step_code	TEXT NOT NULL,
	occurred_at	TEXT NOT NULL,
	params		TEXT NOT NULL DEFAULT '{}',
	notify_after	TEXT NULL,
	created_at	TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX case_steps_case ON case_steps(case_id);

-- The outbox. AUTOINCREMENT ids are never reused and, with SQLite's single
-- writer, appear in commit order: huigaod reads "id > high-water mark".
-- committed_ms is the court's commit time, for latency figures.
CREATE TABLE step_events (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	step_id		INTEGER NOT NULL,
	kind		TEXT NOT NULL CHECK (kind = 'insert' OR kind = 'update'),
	committed_ms	INTEGER NOT NULL
);

-- Reject params that are not a JSON object, with a message naming the column.
CREATE TRIGGER case_steps_params_insert BEFORE INSERT ON case_steps
WHEN NOT json_valid(NEW.params) OR json_type(NEW.params) IS NOT 'object'
BEGIN
	SELECT RAISE(ABORT, 'case_steps.params must be a JSON object');
END;

CREATE TRIGGER case_steps_params_update BEFORE UPDATE OF params ON case_steps
WHEN NOT json_valid(NEW.params) OR json_type(NEW.params) IS NOT 'object'
BEGIN
	SELECT RAISE(ABORT, 'case_steps.params must be a JSON object');
END;

CREATE TRIGGER case_steps_event_insert AFTER INSERT ON case_steps
BEGIN
	INSERT INTO step_events(step_id, kind, committed_ms)
	VALUES (NEW.id, 'insert',
	    CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
END;

CREATE TRIGGER case_steps_event_update
AFTER UPDATE OF step_code, params, notify_after ON case_steps
WHEN OLD.step_code IS NOT NEW.step_code OR OLD.params IS NOT NEW.params
    OR OLD.notify_after IS NOT NEW.notify_after
BEGIN
	INSERT INTO step_events(step_id, kind, committed_ms)
	VALUES (NEW.id, 'update',
	    CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
END;

CREATE TABLE notifications (
	id		INTEGER PRIMARY KEY,
	step_id		INTEGER NOT NULL REFERENCES case_steps(id),
	party_id	INTEGER NOT NULL REFERENCES parties(id),
	-- CHECKs are OR chains, not IN lists: SQLite 3.40 builds a temporary
	-- b-tree for an IN list on every write (a measured 7-20% of a drain)
	channel		TEXT NOT NULL CHECK (channel = 'sms' OR channel = 'wechat'
			    OR channel = 'email'),
	recipient	TEXT,
	body		TEXT,
	state		TEXT NOT NULL CHECK (state = 'pending' OR state = 'sending'
			    OR state = 'sent' OR state = 'delivered'
			    OR state = 'undelivered' OR state = 'dead'
			    OR state = 'suppressed'),
	attempts	INTEGER NOT NULL DEFAULT 0,
	next_attempt_at	INTEGER,		-- ms since the epoch; NULL when final
	gateway		TEXT,
	provider_id	TEXT,
	last_error	TEXT,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	key		TEXT NOT NULL UNIQUE,	-- stable idempotency key
	sign		TEXT,			-- court signature used in body
	vars		TEXT,			-- rendered variables (JSON), for template vendors
	urgent		INTEGER NOT NULL DEFAULT 0,
	lease_until	INTEGER,		-- ms; set while state = 'sending'
	queued_ms	INTEGER NOT NULL,	-- age basis for max_age (reset by retry)
	committed_ms	INTEGER,		-- the court's commit of the step
	sent_ms		INTEGER,
	UNIQUE (step_id, party_id, channel)
);
-- The scheduler: due rows and the next wake-up.
CREATE INDEX notifications_due ON notifications(state, next_attempt_at);
CREATE INDEX notifications_step ON notifications(step_id);
CREATE INDEX notifications_party ON notifications(party_id);

CREATE TABLE attempts (
	id		INTEGER PRIMARY KEY,
	notification_id	INTEGER NOT NULL REFERENCES notifications(id),
	gateway		TEXT NOT NULL,
	started_at	TEXT NOT NULL,
	finished_at	TEXT,
	outcome		TEXT CHECK (outcome = 'ok' OR outcome = 'tempfail'
			    OR outcome = 'permfail'),
	http_status	INTEGER,
	error		TEXT,
	duration_ms	INTEGER
);
CREATE INDEX attempts_notification ON attempts(notification_id);

-- huigaod's own progress: the step_events high-water mark.
CREATE TABLE huigao_state (
	key		TEXT PRIMARY KEY,
	value		TEXT NOT NULL
);
INSERT INTO huigao_state(key, value) VALUES ('events_hwm', '0');
