#!/bin/sh
# A gateway's rate (messages per second, token bucket): 60 messages at
# rate = 20 take at least two seconds (a burst of 20, then 20 per second),
# and all are delivered.
. "$(dirname "$0")/lib.sh"

start_gw
write_conf
sed -i 's|allow_http = true; }|allow_http = true; rate = 20; }|' "$CONF"
grep -q 'rate = 20' "$CONF" || fail "could not set the rate"
init_db
seed_case
start_daemon
add_steps 60
wait_until '[ "$(gw_count)" -ge 60 ]' 20 || fail "only $(gw_count) of 60 delivered"
span=$(gw_eval "max(r['t'] for r in reqs) - min(r['t'] for r in reqs)")
[ "$(calc "$span >= 1.8")" = 1 ] || fail "60 messages in $span s at rate 20: not limited"
[ "$(calc "$span < 6")" = 1 ] || fail "60 messages took $span s at rate 20: too slow"
note "60 messages in $span s at rate = 20"
pass
