-- 003_lean_indexes.sql - two indexes fewer to update per notification.
--
-- notifications_step duplicated the leading column of the UNIQUE
-- (step_id, party_id, channel) index, which serves every lookup by step.
-- notifications_provider indexed every row, though only rows a gateway
-- answered with an id are ever looked up by it (delivery receipts): it
-- becomes partial. Measured: the drain benchmark's expand and record work.

DROP INDEX notifications_step;
DROP INDEX notifications_provider;
CREATE INDEX notifications_provider ON notifications(provider_id)
    WHERE provider_id IS NOT NULL;
