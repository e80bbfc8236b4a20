#!/bin/sh
# Tencent's delivery callback: a receipt whose sid is the SerialNo Tencent
# gave us moves the notification to 'undelivered' (a FAIL report) and is
# kept; an unknown sid and garbage are refused and change nothing.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/lib-receipt.sh"

SECRET_ID=AKIDE2EFAKEFAKEFAKEFAKEFAKEFAKE0001
SECRET_KEY=e2eFakeTencentSecretKey000000001
MOCK_LOG=$WORK/tencent.jsonl
"$PYTHON" "$E2E_DIR/mock_tencent.py" --port 0 --log "$MOCK_LOG" \
	--secret-id "$SECRET_ID" --secret-key "$SECRET_KEY" --app-id 1400006666 \
	--max-seconds 300 --plan '[]' 2>>"$WORK/mock.err" &
MOCK_PID=$!
trap 'kill "$MOCK_PID" 2>/dev/null; e2e_cleanup' EXIT
wait_until '[ -s "$MOCK_LOG.port" ]' 10 || fail "mock_tencent did not start"
status_port
cat >"$CONF" <<EOC
database = "$DB";
courts = { gy = { name = "沽源县人民法院"; sign = "沽源县人民法院"; }; };
steps = {
  ENF_DEPOSIT_FROZEN = { label = "冻结银行存款"; notify = [ "applicant" ];
    text = "{case_no}案已冻结被执行人银行存款{amount}元。";
    vendor_templates = { tx = { id = "1110"; params = [ "case_no", "amount" ]; }; }; };
};
routes = { sms = [ "tx" ]; };
gateways = ( { name = "tx"; type = "tencent"; endpoint = "http://127.0.0.1:$(cat "$MOCK_LOG.port")";
    allow_http = true; secret_id = "$SECRET_ID"; secret_key = "$SECRET_KEY"; sdk_app_id = "1400006666"; } );
status = { listen = "127.0.0.1:$SPORT"; };
EOC
init_db
seed_case
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"1.00"}'
step=$LAST_STEP
wait_until '[ "$(step_field "$step" state)" = sent ]' 10 || fail "not sent: $(step_field "$step" last_error)"
id=$(step_field "$step" id)
sid=$(step_field "$step" provider_id)
[ -n "$sid" ] || fail "no SerialNo stored"
r() { printf '[{"user_receive_time":"2024-06-01 10:00:05","nationcode":"86","mobile":"13812345678","report_status":"%s","errmsg":"%s","description":"x","sid":"%s"}]' "$1" "$2" "$3"; }
expect_code unknown "$(post_receipt /v1/receipts/tencent "$(r SUCCESS DELIVRD no-such-sid)")" 404
expect_code garbage "$(post_receipt /v1/receipts/tencent '[{"sid":"x","report_status":"PERHAPS"}]')" 400
[ "$(step_field "$step" state)" = sent ] || fail "a refused receipt changed the state"
expect_code genuine "$(post_receipt /v1/receipts/tencent "$(r FAIL MK:0005 "$sid")")" 200
grep -q '"result":0' "$WORK/receipt.out" || fail "answer is not Tencent's {\"result\":0}"
[ "$(step_field "$step" state)" = undelivered ] || fail "state $(step_field "$step" state), want undelivered"
[ "$(sql "SELECT provider_status FROM receipts WHERE notification_id = $id;")" = FAIL ] ||
	fail "receipt not kept with what it said"
pass
