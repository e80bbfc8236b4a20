-- 002_receipts.sql - delivery receipts.
--
-- A receipt (a gateway's report that the handset got the message, or did
-- not) moves a notification from 'sent' to 'delivered' or 'undelivered'
-- and is kept here as evidence, whatever it said. Rejected receipts
-- (forged, unknown, replayed) are counted by the status server, not stored.

ALTER TABLE notifications ADD COLUMN delivered_ms INTEGER;
-- Failover: the position in the channel's route to try next; it moves on
-- after a failure that is the gateway's fault (outage, balance, auth).
ALTER TABLE notifications ADD COLUMN route_pos INTEGER NOT NULL DEFAULT 0;

CREATE TABLE receipts (
	id		INTEGER PRIMARY KEY,
	notification_id	INTEGER NOT NULL REFERENCES notifications(id),
	gateway		TEXT NOT NULL,
	received_at	TEXT NOT NULL,
	status		TEXT NOT NULL CHECK (status = 'delivered'
			    OR status = 'undelivered'),
	provider_status	TEXT,		-- the gateway's own code, as it said it
	provider_id	TEXT,
	raw		TEXT		-- the receipt body, truncated, for audit
);
CREATE INDEX receipts_notification ON receipts(notification_id);
CREATE INDEX notifications_provider ON notifications(provider_id);

-- The secret behind per-message receipt tokens (Kannel dlr-url).
INSERT INTO huigao_state(key, value) VALUES ('receipt_secret',
    lower(hex(randomblob(32))));
