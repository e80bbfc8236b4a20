#!/bin/sh
# Steps committed while huigaod is stopped are all delivered once it starts.
. "$(dirname "$0")/lib.sh"

setup
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"1.00"}'
wait_until '[ "$(count_state sent)" = 1 ]' 10 || fail "the first step was not sent"
stop_daemon

add_steps 50 100
sleep 1
[ "$(gw_count)" = 1 ] || fail "the gateway got requests while the daemon was stopped"

start_daemon
wait_until '[ "$(count_state sent)" -ge 51 ]' 30 ||
	fail "after the restart only $(count_state sent) of 51 sent"
sleep 0.5
[ "$(gw_count)" = 51 ] || fail "$(gw_count) gateway requests, want 51"
[ "$(gw_eval "len({key(r) for r in reqs} - {None})")" = 51 ] || fail "keys are not distinct"
pass
