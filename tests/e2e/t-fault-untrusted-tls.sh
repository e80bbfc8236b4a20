#!/bin/sh
# Fault matrix: an https gateway with a self-signed (untrusted) certificate
# is refused, never silently accepted: nothing reaches it, the attempt
# records the certificate problem, and the message stays pending.
. "$(dirname "$0")/lib.sh"

command -v openssl >/dev/null || skip "openssl not installed"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
	-addext "subjectAltName=IP:127.0.0.1" \
	-keyout "$WORK/key.pem" -out "$WORK/cert.pem" >/dev/null 2>&1 || fail "openssl failed"
"$PYTHON" "$E2E_DIR/mockgw.py" --port 0 --log "$GW_LOG" --max-seconds 300 \
	--tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" 2>>"$WORK/mockgw.err" &
GW_PID=$!
wait_until '[ -s "$GW_LOG.port" ]' 10 || fail "TLS gateway did not start"
GW_URL=https://127.0.0.1:$(cat "$GW_LOG.port")/send
write_conf
sed -i 's|allow_http = true; |breaker_failures = 100; |' "$CONF"
init_db
seed_case
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"1.00"}'
id=
wait_until '[ "$(sql "SELECT count(*) FROM attempts WHERE outcome IS NOT NULL;")" -ge 1 ]' 10 ||
	fail "no attempt finished"
err=$(sql "SELECT error FROM attempts ORDER BY id LIMIT 1;")
case $err in *[Cc]ertificate*|*SSL*|*TLS*) ;; *) fail "attempt error: $err" ;; esac
[ "$(gw_count)" = 0 ] || fail "the untrusted gateway received $(gw_count) requests"
[ "$(step_field "$LAST_STEP" state)" = pending ] || fail "state $(step_field "$LAST_STEP" state)"
pass
