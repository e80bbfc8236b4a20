#!/bin/sh
# The daemon's log never shows a full phone number (138****5678 at most),
# not even on the retry path.
. "$(dirname "$0")/lib.sh"

setup '{"responses": [{"status": 500, "body": "{\"error\":\"busy\"}"}]}'
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"123456.78"}'
step=$LAST_STEP
wait_until '[ "$(step_field "$step" state)" = sent ]' 30 ||
	fail "state is '$(step_field "$step" state)', want sent"
stop_daemon

[ -s "$DAEMON_LOG" ] || fail "the daemon logged nothing with -v"
[ "$(log_count "$PHONE")" = 0 ] || fail "the log shows the full phone number $PHONE"
pass
