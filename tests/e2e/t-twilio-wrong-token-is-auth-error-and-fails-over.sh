#!/bin/sh
# Twilio with a tampered auth token: the mock answers as Twilio does (401,
# error 20003 "Authenticate"); the attempt records Twilio's authentication
# error as the gateway's fault (tempfail), the message fails over to the
# backup gateway at once, and the token is logged nowhere.
. "$(dirname "$0")/lib.sh"

SID=AC0123456789abcdef0123456789abcdef
(umask 077 && printf 'e2e-twilio-token-%s\n' "$$" >"$WORK/twilio.token")
TW_LOG=$WORK/twilio.jsonl
"$PYTHON" "$E2E_DIR/mock_twilio.py" --log "$TW_LOG" --account-sid "$SID" \
    --auth-token-file "$WORK/twilio.token" 2>>"$WORK/mock_twilio.err" &
TW_PID=$!
trap 'kill -TERM $TW_PID 2>/dev/null; wait $TW_PID 2>/dev/null; e2e_cleanup' EXIT
wait_until '[ -s "$TW_LOG.port" ]' 10 ||
	fail "mock Twilio did not start: $(cat "$WORK/mock_twilio.err")"
TW_PORT=$(cat "$TW_LOG.port")
start_gw	# the backup: mockgw.py, answering 200
TAMPERED=tampered-e2e-twilio-token-$$

cat >"$CONF" <<EOF
database = "$DB";
timezone = "Asia/Shanghai";
courts = { gy = { name = "沽源县人民法院"; sign = "$COURT_SIGN"; }; };
@include "$ROOT/config/steps.conf"
routes = { sms = [ "twilio", "hook" ]; };
gateways = (
  { name = "twilio"; type = "twilio"; endpoint = "http://127.0.0.1:$TW_PORT";
    allow_http = true; account_sid = "$SID"; auth_token = "$TAMPERED";
    from = "+15005550006"; },
  { name = "hook"; type = "webhook"; url = "$GW_URL"; allow_http = true; }
);
delivery = { $DELIVERY };
EOF
init_db
seed_case
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"123456.78"}'
step=$LAST_STEP
wait_until '[ "$(step_field "$step" state)" = sent ]' 10 ||
	fail "state '$(step_field "$step" state)', want sent via the backup:" \
	    "$(step_field "$step" last_error)"

id=$(step_field "$step" id)
got=$(sql "SELECT group_concat(gateway || ' ' || outcome || ' ' ||
	ifnull(http_status, '-'), ', ') FROM attempts WHERE notification_id = $id;")
[ "$got" = "twilio tempfail 401, hook ok 200" ] || fail "attempts: $got"
err=$(sql "SELECT error FROM attempts WHERE notification_id = $id AND gateway = 'twilio';")
[ "$err" = "Twilio 20003 (HTTP 401): authentication failed; check account_sid and auth_token" ] ||
	fail "the attempt's error: $err"
note "recorded: $err"
got=$("$PYTHON" -c 'import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
print(" ".join("%s/%s/%s" % (r["auth"], r["answer"], r["code"]) for r in rs))' "$TW_LOG")
[ "$got" = "wrong/401/20003" ] || fail "mock Twilio saw: $got"
[ "$(gw_count)" = 1 ] || fail "the backup got $(gw_count) requests, want 1"
for f in "$DAEMON_LOG" "$DB"; do
	grep -q "$TAMPERED" "$f" && fail "the auth token is in $f"
done
pass
