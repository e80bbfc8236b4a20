#!/bin/sh
# SIGHUP with a new status.listen moves the status server there (the old
# port is closed, the receipt counters survive); a new address that cannot
# be bound leaves the server where it was, with a log line, and delivery
# goes on.
. "$(dirname "$0")/lib.sh"

free_port() {
	"$PYTHON" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
healthz() {
	curl -fsS --max-time 2 "http://127.0.0.1:$1/healthz" 2>/dev/null
}
# rejected: the rejected-receipt counter on PORT (one number)
rejected() {
	curl -fsS --max-time 2 "http://127.0.0.1:$1/metrics" |
		awk '/^huigao_receipts_total\{result="rejected"/ { n += $NF }
		    END { print n + 0 }'
}

start_gw
P1=$(free_port)
write_conf "status = { listen = \"127.0.0.1:$P1\"; };"
init_db
seed_case
start_daemon
wait_until "[ \"\$(healthz $P1)\" = ok ]" 5 || fail "no /healthz on port $P1"
# one forged receipt, counted as rejected
curl -s -o /dev/null --max-time 2 \
	"http://127.0.0.1:$P1/v1/receipts/kannel?key=hg-1-1-sms&token=forged" || :
n1=$(rejected "$P1")
[ "$n1" -ge 1 ] || fail "the forged receipt was not counted ($n1)"

P2=$(free_port)
write_conf "status = { listen = \"127.0.0.1:$P2\"; };"
hup_daemon
wait_until "[ \"\$(healthz $P2)\" = ok ]" 5 || fail "no /healthz on the new port $P2 after SIGHUP"
healthz "$P1" >/dev/null && fail "the old port $P1 still answers after the move"
n2=$(rejected "$P2")
[ "$n2" = "$n1" ] || fail "the rejected-receipt counter was $n1, is $n2 after the move"

# a port that is taken: the server stays on P2
"$PYTHON" -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True); time.sleep(30)' >"$WORK/busy.port" &
BUSY_PID=$!
wait_until '[ -s "$WORK/busy.port" ]' 5 || fail "could not hold a port"
P3=$(cat "$WORK/busy.port")
write_conf "status = { listen = \"127.0.0.1:$P3\"; };"
hup_daemon
wait_until '[ "$(log_count "the status server stays on 127.0.0.1:'"$P2"'")" -ge 1 ]' 5 ||
	fail "no log line saying the status server stays on $P2"
kill "$BUSY_PID" 2>/dev/null
[ "$(healthz "$P2")" = ok ] || fail "the status server left $P2 after a failed move"

# delivery is unaffected
add_step ENF_DEPOSIT_FROZEN '{"amount":"1.00"}'
wait_until '[ "$(step_field "$LAST_STEP" state)" = sent ]' 10 ||
	fail "step $LAST_STEP is '$(step_field "$LAST_STEP" state)', want sent"
note "moved $P1 -> $P2; a taken port $P3 left it on $P2; counter kept ($n2)"
pass
