#!/bin/sh
# SIGTERM with a gateway that never answers in time: the daemon still exits
# 0 within delivery.drain, and the interrupted sends are released back to
# 'pending' (their attempt recorded as interrupted), not lost.
. "$(dirname "$0")/lib.sh"

DELIVERY="batch = 200; max_in_flight = 4; retry_base = 1; retry_max = 5; max_attempts = 10; max_age = 3600; poll_interval = 2; drain = 1;"
setup '{"default": {"status": 200, "delay": 30}}'
start_daemon
add_steps 3
wait_until '[ "$(count_state sending)" = 3 ]' 5 || fail "sends did not start"
t0=$(now)
stop_daemon
took=$(calc "$(now) - $t0")
[ "$(calc "$took < 3")" = 1 ] || fail "stopping took $took s with drain = 1"
[ "$(count_state pending)" = 3 ] || fail "$(count_state pending) pending, want 3"
n=$(sql "SELECT count(*) FROM attempts WHERE outcome = 'tempfail' AND error LIKE 'interrupted%';")
[ "$n" = 3 ] || fail "$n interrupted attempts recorded, want 3"
note "stopped in $took s"
pass
