#!/bin/sh
# While nothing listens at the gateway's address, attempts fail temporarily
# and the notification waits; once the gateway is up it is delivered.
. "$(dirname "$0")/lib.sh"

reserve_port
write_conf
init_db
seed_case
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"123456.78"}'
step=$LAST_STEP
wait_until '[ "$(sql "SELECT count(*) FROM attempts WHERE outcome = '"'tempfail'"';")" -ge 1 ]' 10 ||
	fail "no tempfail attempt recorded (state '$(step_field "$step" state)')"

state=$(step_field "$step" state)
case $state in pending|sending) ;; *) fail "state is '$state' while the gateway is down" ;; esac
[ -n "$(sql "SELECT error FROM attempts WHERE outcome = 'tempfail' LIMIT 1;")" ] ||
	fail "the tempfail attempt has no error text"

start_gw "" "$GW_PORT"
wait_until '[ "$(step_field "$step" state)" = sent ]' 30 ||
	fail "state is '$(step_field "$step" state)' with the gateway up, want sent"
[ "$(gw_count)" = 1 ] || fail "$(gw_count) gateway requests, want 1"
note "$(sql "SELECT count(*) FROM attempts WHERE outcome = 'tempfail';") refused attempts before delivery"
pass
