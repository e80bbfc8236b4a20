#!/bin/sh
# 1,000 steps committed in one transaction become 1,000 gateway requests
# with 1,000 distinct keys, and every notification ends 'sent'.
. "$(dirname "$0")/lib.sh"

setup
start_daemon
sleep 0.5

t0=$(now)
add_steps 1000
wait_until '[ "$(count_state sent)" -ge 1000 ]' 60 ||
	fail "only $(count_state sent) of 1000 sent ($(gw_count) requests)"
sleep 0.5

[ "$(sql 'SELECT count(*) FROM notifications;')" = 1000 ] ||
	fail "$(sql 'SELECT count(*) FROM notifications;') notifications, want 1000"
[ "$(gw_count)" = 1000 ] || fail "$(gw_count) gateway requests, want 1000"
[ "$(gw_eval "len({key(r) for r in reqs} - {None})")" = 1000 ] ||
	fail "$(gw_eval "len({key(r) for r in reqs})") distinct keys, want 1000"
rate=$(gw_eval "'%.0f msgs/s (1000 in %.2f s)' % (1000 / (max(r['t'] for r in reqs) - $t0), max(r['t'] for r in reqs) - $t0)")
note "$rate"
pass
