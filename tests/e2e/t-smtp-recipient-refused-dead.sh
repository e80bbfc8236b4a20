#!/bin/sh
# E-mail: the SMTP server refuses the recipient (550 at RCPT TO). The
# address is wrong for good: the notice is dead after one attempt, with
# the server's code in last_error, and nothing is delivered.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-exim.sh"

setup_mail refuse-me@lawfirm.example 'allow_plain = true;'
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"1.00"}'
step=$LAST_STEP
wait_until '[ "$(step_field "$step" state)" = dead ]' 15 ||
	fail "state $(step_field "$step" state), want dead: $(step_field "$step" last_error)"
sleep 1.5
err=$(step_field "$step" last_error)
case $err in *"SMTP 550"*) ;; *) fail "last_error: $err" ;; esac
got=$(sql "SELECT group_concat(outcome || ' ' || ifnull(http_status, '-'), ', ') FROM attempts WHERE notification_id = $(step_field "$step" id);")
[ "$got" = "permfail 550" ] || fail "attempts: $got"
[ "$(mail_count)" = 0 ] || fail "a message was delivered"
exim_log | grep -q 'rejected RCPT <refuse-me@lawfirm.example>' ||
	fail "exim did not see the refused RCPT: $(exim_log)"
pass
