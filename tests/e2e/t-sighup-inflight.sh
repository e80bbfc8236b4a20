#!/bin/sh
# SIGHUP while sends are under way: they finish on the gateway they
# started on, nothing is lost or sent twice, and the new configuration (a
# different gateway URL, a new template text, a sending window) applies to
# what comes after.
. "$(dirname "$0")/lib.sh"

start_gw '{"default": {"status": 200, "delay": 1.0}}'
OLD_LOG=$GW_LOG
OLD_URL=$GW_URL
write_conf
init_db
seed_case
start_daemon
add_steps 5
wait_until '[ "$(count_state sending)" = 5 ]' 5 || fail "sends did not start"
# a second gateway, a changed template, a window that is always open
"$PYTHON" "$E2E_DIR/mockgw.py" --port 0 --log "$WORK/new.jsonl" --max-seconds 300 \
	2>>"$WORK/mockgw.err" &
echo $! >"$WORK/new.pid"
wait_until '[ -s "$WORK/new.jsonl.port" ]' 10 || fail "new gateway did not start"
NEW_URL=http://127.0.0.1:$(cat "$WORK/new.jsonl.port")/send
cat >"$CONF" <<EOC
database = "$DB";
courts = { gy = { name = "沽源县人民法院"; sign = "沽源县人民法院"; }; };
steps = {
  ENF_DEPOSIT_FROZEN = { label = "冻结银行存款"; notify = [ "applicant" ];
    text = "{case_no}案已冻结存款{amount}元（新模板）。"; };
};
routes = { sms = [ "hook" ]; };
gateways = ( { name = "hook"; type = "webhook"; url = "$NEW_URL"; allow_http = true; } );
delivery = { $DELIVERY window = "00:00-23:59"; };
EOC
hup_daemon
wait_until '[ "$(log_count "reloaded")" -ge 1 ]' 5 || fail "not reloaded"
wait_until '[ "$(count_state sent)" = 5 ]' 5 || fail "in-flight sends lost across the reload"
[ "$(gw_count)" = 5 ] || fail "old gateway got $(gw_count) requests, want the 5 in flight"
add_steps 3 100
wait_until '[ "$(count_state sent)" = 8 ]' 5 || fail "new steps not sent after reload"
new=$(wc -l <"$WORK/new.jsonl" | tr -d ' ')
[ "$new" = 3 ] || fail "new gateway got $new requests, want 3"
grep -q '新模板' "$WORK/new.jsonl" || fail "the new template was not used"
[ "$(gw_count)" = 5 ] || fail "the old gateway got more after the reload"
kill "$(cat "$WORK/new.pid")" 2>/dev/null
pass
