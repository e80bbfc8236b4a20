#!/bin/sh
# A text longer than the gateway allows (max_parts) is never cut: it ends
# 'dead' with the counts in the reason, and nothing reaches the gateway.
. "$(dirname "$0")/lib.sh"

start_gw
write_conf
sed -i 's|allow_http = true; }|allow_http = true; max_parts = 1; }|' "$CONF"
init_db
seed_case
start_daemon
long=$(printf '案外人异议成立%.0s' 1 2 3 4 5 6 7 8 9 10)
add_step CLS_SUSPENDED "{\"reason\":\"$long\"}"
step=$LAST_STEP
wait_until '[ "$(step_field "$step" state)" = dead ]' 5 || fail "state $(step_field "$step" state)"
case $(step_field "$step" last_error) in
*"SMS parts"*"max_parts = 1"*) ;;
*) fail "reason: $(step_field "$step" last_error)" ;;
esac
[ "$(gw_count)" = 0 ] || fail "the gateway received $(gw_count) requests"
pass
