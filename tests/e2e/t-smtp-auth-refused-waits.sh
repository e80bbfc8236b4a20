#!/bin/sh
# E-mail: the SMTP server refuses the login (535). That is the gateway's
# configuration, not the recipient's fault: the notice stays pending with
# the reason, is retried, and nothing is delivered; the password is never
# logged.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-exim.sh"

setup_mail zhao@lawfirm.example 'username = "court"; password = "Wrong-Pass-Never-Logged-9"; allow_plain = true;'
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"1.00"}'
step=$LAST_STEP
# two finished attempts: refused, and refused again on the retry
wait_until '[ "$(sql "SELECT count(*) FROM attempts a JOIN notifications n
	ON n.id = a.notification_id WHERE n.step_id = $step
	AND a.finished_at IS NOT NULL;")" -ge 2 ]' 15 ||
	fail "not retried: $(sql "SELECT outcome, http_status, error FROM attempts")"
id=$(step_field "$step" id)
case $(step_field "$step" state) in
pending | sending) ;;	# waiting, or being retried
*) fail "state $(step_field "$step" state), want pending: $(step_field "$step" last_error)" ;;
esac
err=$(step_field "$step" last_error)
case $err in *"SMTP 535"*"authentication"*) ;; *) fail "last_error: $err" ;; esac
got=$(sql "SELECT group_concat(DISTINCT outcome || ' ' || ifnull(http_status, '-')) FROM attempts WHERE notification_id = $id;")
[ "$got" = "tempfail 535" ] || fail "attempts: $got"
[ "$(mail_count)" = 0 ] || fail "a message was delivered"
[ "$(exim_accepted)" = 0 ] || fail "exim accepted a message"
if grep -qF -- "Wrong-Pass-Never-Logged-9" "$DAEMON_LOG"; then fail "the password is in the daemon's log"; fi
[ "$(sql "SELECT count(*) FROM attempts WHERE instr(ifnull(error, ''), 'Wrong-Pass') > 0;")" = 0 ] ||
	fail "the password is in the attempts table"
pass
