#!/bin/sh
# E-mail to a relay whose certificate comes from the court's own CA. The
# test makes a CA with openssl and has it sign Exim's certificate for
# 127.0.0.1. Verification is always on, so the CA counts only through the
# gateway's ca_file:
#   1. without ca_file the certificate is refused (the CA is in no system
#      bundle): the notice waits, pending, with the reason, and Exim gets no
#      message and no password;
#   2. with ca_file naming another CA it is refused the same way;
#   3. with ca_file = "tls/ca.pem" (relative: beside the configuration) the
#      waiting notices and a new one go over STARTTLS, authenticated, and
#      arrive: Exim logs X=TLS on each "<=" line;
#   4. the same CA over implicit TLS (smtps://, Exim's tls_on_connect port);
#   5. the file is read again for each new connection: when its content
#      changes (here to another CA) the next connection uses it, without a
#      restart or a reload.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-exim.sh"

unset CREDENTIALS_DIRECTORY	# relative *_file names are beside $CONF
AUTH='username = "court"; password_file = "'"$WORK"'/smtp.pass";'

# restart_with GATEWAY_KEYS: the daemon again, on a config with these keys.
restart_with() {
	[ -n "$DAEMON_PID" ] && stop_daemon
	write_mail_conf "$AUTH $1"
	"$HUIGAOD" -t -c "$CONF" >"$WORK/check.out" 2>&1 ||
		fail "config refused: $(cat "$WORK/check.out")"
	start_daemon
}

make_test_ca ca
make_test_ca other-ca
make_server_cert ca
EXIM_TLS_ON_CONNECT=1

# 1. no ca_file: the system's CAs do not know the court's CA
setup_mail zhao@lawfirm.example "$AUTH"
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"1.00"}'
s1=$LAST_STEP
mail_refused "$s1"
note "without ca_file: $(step_field "$s1" last_error)"

# 2. ca_file names another CA: refused too (and the first notice still waits)
restart_with "ca_file = \"$WORK/tls/other-ca.pem\";"
add_step ENF_DEPOSIT_FROZEN '{"amount":"2.00"}'
s2=$LAST_STEP
mail_refused "$s2"
mail_refused "$s1"

# 3. ca_file names the court's CA, relative to the configuration's directory
restart_with 'ca_file = "tls/ca.pem";'
add_step ENF_DEPOSIT_FROZEN '{"amount":"3.00"}'
s3=$LAST_STEP
for s in "$s1" "$s2" "$s3"; do mail_arrived "$s"; done
[ "$(mail_count)" = 3 ] || fail "$(mail_count) messages in the maildir, want 3"
[ "$(exim_accepted)" = 3 ] || fail "exim accepted $(exim_accepted) messages, want 3"
[ "$(exim_tls_received "$SMTP_PORT")" = 3 ] ||
	fail "not every message came over STARTTLS: $(exim_log | grep ' <= ')"

# 4. implicit TLS on Exim's tls_on_connect port, the same CA
MAIL_URL=smtps://127.0.0.1:$SMTPS_PORT
restart_with 'ca_file = "tls/ca.pem";'
add_step ENF_DEPOSIT_FROZEN '{"amount":"4.00"}'
s4=$LAST_STEP
mail_arrived "$s4"
[ "$(mail_count)" = 4 ] || fail "$(mail_count) messages in the maildir, want 4"
[ "$(exim_tls_received "$SMTPS_PORT")" = 1 ] ||
	fail "the smtps:// message did not come over TLS on $SMTPS_PORT: $(exim_log | grep ' <= ')"

note "$(exim_log | grep ' <= ' | tail -n 1 | grep -o 'X=[^ ]*')"

# 5. the same path, new content: not cached by libcurl for the next connection
cp "$WORK/tls/other-ca.pem" "$WORK/tls/ca.pem" || fail "cp"
exim_drop_sessions
add_step ENF_DEPOSIT_FROZEN '{"amount":"5.00"}'
mail_refused "$LAST_STEP" 4
pass
