#!/bin/sh
# Gateway answers 500, 500, 200: the notification is 'sent' after three
# attempts, all three recorded (tempfail, tempfail, ok) with their status.
. "$(dirname "$0")/lib.sh"

setup '{"responses": [{"status": 500}, {"status": 500}, {"status": 200}]}'
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"123456.78"}'
step=$LAST_STEP
wait_until '[ "$(step_field "$step" state)" = sent ]' 30 ||
	fail "state is '$(step_field "$step" state)' after $(gw_count) requests, want sent"
id=$(step_field "$step" id)

got=$(sql "SELECT group_concat(outcome || ' ' || ifnull(http_status, '-'), ', ')
	FROM (SELECT * FROM attempts WHERE notification_id = $id ORDER BY id);")
[ "$got" = "tempfail 500, tempfail 500, ok 200" ] || fail "attempts: $got"
[ "$(step_field "$step" attempts)" = 3 ] ||
	fail "notifications.attempts = $(step_field "$step" attempts), want 3"
[ "$(gw_count)" = 3 ] || fail "$(gw_count) gateway requests, want 3"
[ "$(gw_eval "len({key(r) for r in reqs})")" = 1 ] || fail "the retries changed the key"
[ "$(gw_eval "all(hdr(r, 'Idempotency-Key') == key(r) for r in reqs)")" = 1 ] ||
	fail "an Idempotency-Key header differs from the body key"
pass
