#!/bin/sh
# Fault matrix: the connection is reset in the middle of the answer: a
# temporary failure (the send may have happened: same key next time), then
# delivered.
. "$(dirname "$0")/lib.sh"

setup '{"responses": [{"partial": true}], "default": {"status": 200}}'
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"1.00"}'
wait_until '[ "$(step_field "$LAST_STEP" state)" = sent ]' 10 || fail "not sent"
id=$(step_field "$LAST_STEP" id)
got=$(sql "SELECT group_concat(outcome, ',') FROM (SELECT outcome FROM attempts WHERE notification_id = $id ORDER BY id);")
[ "$got" = "tempfail,ok" ] || fail "attempts: $got"
[ "$(gw_eval "len(set(hdr(r, 'Idempotency-Key') for r in reqs))")" = 1 ] || fail "the retry used another key"
pass
