#!/bin/sh
# A primary gateway that answers 503 (its own outage) does not hold the
# message: the next attempt goes at once to the backup listed after it in
# routes.sms, and both attempts are recorded with their gateway.
. "$(dirname "$0")/lib.sh"

start_gw '{"default": {"status": 200}}'
BACKUP_URL=$GW_URL
BACKUP_LOG=$GW_LOG
# the primary: a second mock gateway answering 503
"$PYTHON" "$E2E_DIR/mockgw.py" --port 0 --log "$WORK/primary.jsonl" --max-seconds 300 \
	--plan '{"default": {"status": 503, "body": "{\"error\":\"maintenance\"}"}}' \
	2>>"$WORK/mockgw.err" &
echo $! >"$WORK/primary.pid"
wait_until '[ -s "$WORK/primary.jsonl.port" ]' 10 || fail "primary did not start"
PRIMARY_URL=http://127.0.0.1:$(cat "$WORK/primary.jsonl.port")/send
cat >"$CONF" <<EOC
database = "$DB";
courts = { gy = { name = "沽源县人民法院"; sign = "沽源县人民法院"; }; };
@include "$ROOT/config/steps.conf"
routes = { sms = [ "primary", "backup" ]; };
gateways = (
  { name = "primary"; type = "webhook"; url = "$PRIMARY_URL"; allow_http = true; },
  { name = "backup"; type = "webhook"; url = "$BACKUP_URL"; allow_http = true; }
);
delivery = { retry_base = 30; };
EOC
init_db
seed_case
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"123456.78"}'
step=$LAST_STEP
wait_until '[ "$(step_field "$step" state)" = sent ]' 5 ||
	fail "state $(step_field "$step" state): $(step_field "$step" last_error)"
[ "$(step_field "$step" gateway)" = backup ] || fail "sent by $(step_field "$step" gateway)"
id=$(step_field "$step" id)
got=$(sql "SELECT group_concat(gateway || ' ' || outcome || ' ' || ifnull(http_status, '-'), ', ')
	FROM (SELECT * FROM attempts WHERE notification_id = $id ORDER BY id);")
[ "$got" = "primary tempfail 503, backup ok 200" ] || fail "attempts: $got"
kill "$(cat "$WORK/primary.pid")" 2>/dev/null
pass
