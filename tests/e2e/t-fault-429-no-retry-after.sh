#!/bin/sh
# Fault matrix: 429 without Retry-After: a temporary failure retried with
# the normal backoff (retry_base = 1 s, +-20%), then delivered.
. "$(dirname "$0")/lib.sh"

setup '{"responses": [{"status": 429}], "default": {"status": 200}}'
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"1.00"}'
wait_until '[ "$(gw_count)" -ge 2 ]' 10 || fail "no retry after 429"
gap=$(gw_eval "reqs[1]['t'] - reqs[0]['t']")
[ "$(calc "$gap >= 0.7 && $gap < 3")" = 1 ] || fail "retry after $gap s, want about 1 s"
wait_until '[ "$(step_field "$LAST_STEP" state)" = sent ]' 5 || fail "not sent"
note "retried after $gap s"
pass
