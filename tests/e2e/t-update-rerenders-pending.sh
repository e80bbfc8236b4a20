#!/bin/sh
# The court corrects a step that is still held back (notify_after): the
# UPDATE re-renders the waiting message and lifting the embargo sends it
# at once, once, with the corrected text and the same key.
. "$(dirname "$0")/lib.sh"

setup
start_daemon
step=$(sql "INSERT INTO case_steps(case_id, step_code, occurred_at, params, notify_after)
	VALUES(1, 'ENF_DEPOSIT_FROZEN', '2024-06-01 10:00', '{\"amount\":\"1.00\"}',
	'2099-01-01 00:00'); SELECT last_insert_rowid();")
wait_until '[ "$(step_field "$step" state)" = pending ]' 5 || fail "not pending"
key=$(step_field "$step" key)
sql "UPDATE case_steps SET params = '{\"amount\":\"2.00\"}', notify_after = NULL WHERE id = $step;"
wait_until '[ "$(step_field "$step" state)" = sent ]' 5 ||
	fail "state $(step_field "$step" state) after the update, want sent"
sleep 0.5
[ "$(gw_count)" = 1 ] || fail "$(gw_count) requests, want 1"
text=$(gw_eval "reqs[0]['json']['text']")
case $text in *"存款2.00元"*) ;; *) fail "text not re-rendered: $text" ;; esac
[ "$(gw_eval "key(reqs[0])")" = "$key" ] || fail "key changed"
# an update after it was sent changes nothing that went out
sql "UPDATE case_steps SET params = '{\"amount\":\"3.00\"}' WHERE id = $step;"
sleep 1
[ "$(gw_count)" = 1 ] || fail "an update of a sent step sent again"
pass
