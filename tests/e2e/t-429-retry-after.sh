#!/bin/sh
# 429 with Retry-After: 2 holds the next attempt back at least 2 s (more
# than the 1 s retry_base backoff would).
. "$(dirname "$0")/lib.sh"

setup '{"responses": [{"status": 429, "headers": {"Retry-After": "2"}, "body": "{\"error\":\"slow down\"}"}]}'
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"123456.78"}'
step=$LAST_STEP
wait_until '[ "$(step_field "$step" state)" = sent ]' 30 ||
	fail "state is '$(step_field "$step" state)' after $(gw_count) requests, want sent"

[ "$(gw_count)" = 2 ] || fail "$(gw_count) gateway requests, want 2"
gap=$(gw_eval "'%.3f' % (reqs[1]['t'] - reqs[0]['t'])")
note "retry after ${gap} s"
[ "$(calc "$gap >= 2.0")" = 1 ] || fail "second attempt came ${gap} s after the 429, want >= 2 s"
id=$(step_field "$step" id)
got=$(sql "SELECT group_concat(outcome || ' ' || ifnull(http_status, '-'), ', ')
	FROM (SELECT * FROM attempts WHERE notification_id = $id ORDER BY id);")
[ "$got" = "tempfail 429, ok 200" ] || fail "attempts: $got"
pass
