#!/bin/sh
# E-mail: without allow_plain, smtp:// means STARTTLS is required and the
# server's certificate verified. Exim offers STARTTLS with a self-signed
# certificate: the daemon refuses it, so the notice is never sent in clear
# nor to an unverified server - it waits (pending) with the TLS reason, and
# Exim receives no message and no password.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-exim.sh"

setup_mail zhao@lawfirm.example 'username = "court"; password_file = "'"$WORK"'/smtp.pass";'
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"1.00"}'
step=$LAST_STEP
wait_until '[ -n "$(step_field "$step" last_error)" ]' 15 ||
	fail "no attempt recorded: state $(step_field "$step" state)"
sleep 1
case $(step_field "$step" state) in
pending | sending) ;;	# waiting, or being retried
*) fail "state $(step_field "$step" state), want pending: $(step_field "$step" last_error)" ;;
esac
err=$(step_field "$step" last_error)
case $err in *SSL* | *TLS* | *certificate*) ;; *) fail "last_error is not about TLS: $err" ;; esac
note "reason: $err"
[ "$(mail_count)" = 0 ] || fail "a message was delivered"
[ "$(exim_accepted)" = 0 ] || fail "exim accepted a message"
if exim_log | grep -q ' A=plain'; then fail "the daemon authenticated without TLS"; fi
pass
