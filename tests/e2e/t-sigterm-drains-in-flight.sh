#!/bin/sh
# SIGTERM: sends under way finish (here 1 s each), nothing new is claimed,
# the daemon exits 0 within the drain bound and leaves no row leased;
# after a restart the rest go out, each exactly once.
. "$(dirname "$0")/lib.sh"

DELIVERY="batch = 200; max_in_flight = 2; retry_base = 1; retry_max = 5; max_attempts = 10; max_age = 3600; poll_interval = 2; drain = 5;"
setup '{"default": {"status": 200, "delay": 1.0}}'
start_daemon
add_steps 6
wait_until '[ "$(count_state sending)" = 2 ]' 5 || fail "sends did not start"
t0=$(now)
stop_daemon
took=$(calc "$(now) - $t0")
[ "$(calc "$took < 4")" = 1 ] || fail "stopping took $took s"
[ "$(count_state sending)" = 0 ] || fail "$(count_state sending) rows left sending"
[ "$(count_state sent)" = 2 ] || fail "$(count_state sent) sent, want the 2 in flight"
[ "$(count_state pending)" = 4 ] || fail "$(count_state pending) pending, want 4"
gw_plan '{"default": {"status": 200}}'
start_daemon
wait_until '[ "$(count_state sent)" = 6 ]' 10 || fail "only $(count_state sent) sent after restart"
[ "$(gw_eval "len(set(key(r) for r in reqs))")" = 6 ] || fail "keys missing"
[ "$(gw_count)" = 6 ] || fail "$(gw_count) requests for 6 messages"
note "stopped in $took s with 2 sends in flight"
pass
