#!/bin/sh
# Fault matrix: an answer larger than delivery.max_response is cut off, the
# attempt is a temporary failure saying so (the daemon's memory stays
# bounded), and the retry with the same key is delivered.
. "$(dirname "$0")/lib.sh"

big=$("$PYTHON" -c 'print("x" * 100000)')
start_gw "{\"responses\": [{\"status\": 200, \"body\": \"$big\"}], \"default\": {\"status\": 200}}"
DELIVERY="retry_base = 1; retry_max = 2; max_response = 4096;"
write_conf
init_db
seed_case
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"1.00"}'
wait_until '[ "$(step_field "$LAST_STEP" state)" = sent ]' 10 || fail "not sent"
id=$(step_field "$LAST_STEP" id)
err=$(sql "SELECT error FROM attempts WHERE notification_id = $id ORDER BY id LIMIT 1;")
case $err in *max_response*) ;; *) fail "first attempt error: $err" ;; esac
pass
