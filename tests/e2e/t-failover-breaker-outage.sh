#!/bin/sh
# The primary gateway is down (connection refused) for the whole first
# phase: after breaker_failures failures its circuit opens and messages go
# straight to the backup, so the primary sees a handful of attempts, not
# one per message (no attempt storm). When it comes back, a probe after the
# cooldown closes the circuit and new messages use it again.
. "$(dirname "$0")/lib.sh"

start_gw '{"default": {"status": 200}}'
BACKUP_URL=$GW_URL
reserve_port
PRIMARY_PORT=$GW_PORT
PRIMARY_URL=$GW_URL
cat >"$CONF" <<EOC
database = "$DB";
courts = { gy = { name = "沽源县人民法院"; sign = "沽源县人民法院"; }; };
@include "$ROOT/config/steps.conf"
routes = { sms = [ "primary", "backup" ]; };
gateways = (
  { name = "primary"; type = "webhook"; url = "$PRIMARY_URL"; allow_http = true;
    breaker_failures = 3; breaker_cooldown = 2; connect_timeout = 1; },
  { name = "backup"; type = "webhook"; url = "$BACKUP_URL"; allow_http = true; }
);
delivery = { retry_base = 30; max_in_flight = 8; };
EOC
init_db
seed_case
start_daemon
add_steps 60
wait_until '[ "$(count_state sent)" = 60 ]' 15 || fail "$(count_state sent) of 60 sent during the outage"
primary=$(sql "SELECT count(*) FROM attempts WHERE gateway = 'primary';")
[ "$primary" -le 12 ] || fail "$primary attempts on the down primary for 60 messages: an attempt storm"
[ "$(log_count "gateway primary: circuit open")" -ge 1 ] || fail "no 'circuit open' log line"
note "outage: 60 messages, $primary attempts on the down primary"

# the primary comes back on its port
"$PYTHON" "$E2E_DIR/mockgw.py" --port "$PRIMARY_PORT" --log "$WORK/primary.jsonl" \
	--max-seconds 300 2>>"$WORK/mockgw.err" &
echo $! >"$WORK/primary.pid"
wait_until '[ -s "$WORK/primary.jsonl.port" ]' 10 || fail "primary did not start"
sleep 2.5	# past the cooldown
# while the one probe is under way, other messages still go to the backup
add_steps 10 1000
wait_until '[ "$(count_state sent)" = 70 ]' 15 || fail "$(count_state sent) of 70 sent after recovery"
wait_until '[ "$(log_count "gateway primary: circuit closed")" -ge 1 ]' 10 || fail "circuit never closed"
before=$(wc -l <"$WORK/primary.jsonl" | tr -d ' ')
add_steps 10 2000
wait_until '[ "$(count_state sent)" = 80 ]' 15 || fail "$(count_state sent) of 80 sent after the circuit closed"
back=$(( $(wc -l <"$WORK/primary.jsonl" | tr -d ' ') - before ))
[ "$back" = 10 ] || fail "only $back of 10 new messages went to the recovered primary"
kill "$(cat "$WORK/primary.pid")" 2>/dev/null
pass
