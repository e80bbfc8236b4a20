#!/bin/sh
# Fault matrix: a burst of 503s from the only gateway (12 answers) while 20
# messages wait: no crash, no loss; the failed ones are retried, and every
# message ends 'sent' with its failed attempts recorded.
. "$(dirname "$0")/lib.sh"

plan='{"responses": ['
i=0; while [ $i -lt 12 ]; do plan="$plan{\"status\": 503},"; i=$((i + 1)); done
plan="${plan%,}], \"default\": {\"status\": 200}}"
start_gw "$plan"
write_conf
sed -i 's|allow_http = true; }|allow_http = true; breaker_failures = 5; breaker_cooldown = 1; }|' "$CONF"
init_db
seed_case
start_daemon
add_steps 20
wait_until '[ "$(count_state sent)" = 20 ]' 20 || fail "$(count_state sent) of 20 sent after the burst"
[ "$(sql "SELECT count(*) FROM attempts WHERE http_status = 503;")" -ge 1 ] || fail "no 503 recorded"
[ "$(gw_eval "len(set(key(r) for r in reqs if r['answer'] == 200))")" = 20 ] || fail "not every key accepted"
[ "$(sql "SELECT count(*) FROM attempts WHERE http_status = 503;")" = 12 ] || fail "503s not all recorded"
note "$(gw_count) requests for 20 messages through 12 503s"
pass
