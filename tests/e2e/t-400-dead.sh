#!/bin/sh
# 400 is permanent: the notification is 'dead' after one attempt, and
# last_error carries the gateway's reason.
. "$(dirname "$0")/lib.sh"

setup '{"responses": [{"status": 400, "body": "{\"error\":\"invalid number\"}"}]}'
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"123456.78"}'
step=$LAST_STEP
wait_until '[ "$(step_field "$step" state)" = dead ]' 10 ||
	fail "state is '$(step_field "$step" state)', want dead"
sleep 1.5

[ "$(gw_count)" = 1 ] || fail "$(gw_count) gateway requests, want 1"
[ "$(step_field "$step" state)" = dead ] || fail "state left dead: $(step_field "$step" state)"
err=$(step_field "$step" last_error)
case $err in *"invalid number"*) ;; *) fail "last_error lacks the gateway's reason: $err" ;; esac
id=$(step_field "$step" id)
got=$(sql "SELECT group_concat(outcome || ' ' || ifnull(http_status, '-'), ', ')
	FROM attempts WHERE notification_id = $id;")
[ "$got" = "permfail 400" ] || fail "attempts: $got"
pass
