#!/bin/sh
# Fault matrix: an answer slower than the gateway's timeout is abandoned
# (temporary failure, "timed out" recorded) and the message is sent again
# with the same key, then delivered.
. "$(dirname "$0")/lib.sh"

start_gw '{"responses": [{"status": 200, "delay": 4}], "default": {"status": 200}}'
write_conf
sed -i 's|allow_http = true; }|allow_http = true; timeout = 1; }|' "$CONF"
init_db
seed_case
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"1.00"}'
wait_until '[ "$(step_field "$LAST_STEP" state)" = sent ]' 10 || fail "not sent"
id=$(step_field "$LAST_STEP" id)
err=$(sql "SELECT error FROM attempts WHERE notification_id = $id ORDER BY id LIMIT 1;")
case $err in *[Tt]imeout*|*"timed out"*) ;; *) fail "first attempt error: $err" ;; esac
[ "$(gw_eval "len(set(key(r) for r in reqs))")" = 1 ] || fail "keys differ between attempts"
pass
