#!/bin/sh
# HTTP 200 is not success: Tencent's per-number SendStatusSet entry says
# InvalidParameterValue.IncorrectPhoneNumber, the message's fault, so it is
# 'dead' after one attempt - no retry, no failover - with the vendor's code.
. "$(dirname "$0")/lib.sh"

SECRET_ID=AKIDE2EFAKEFAKEFAKEFAKEFAKEFAKE0001
SECRET_KEY=e2eFakeTencentSecretKey000000001
start_gw '{"default": {"status": 200, "body": "{\"id\":\"hook-1\"}"}}'
MOCK_LOG=$WORK/tencent.jsonl
"$PYTHON" "$E2E_DIR/mock_tencent.py" --port 0 --log "$MOCK_LOG" \
	--secret-id "$SECRET_ID" --secret-key "$SECRET_KEY" --app-id 1400006666 \
	--max-seconds 300 --plan '[{"code": "InvalidParameterValue.IncorrectPhoneNumber", "message": "手机号格式错误"}]' 2>>"$WORK/mock.err" &
MOCK_PID=$!
trap 'kill "$MOCK_PID" 2>/dev/null; e2e_cleanup' EXIT
wait_until '[ -s "$MOCK_LOG.port" ]' 10 || fail "mock_tencent did not start: $(cat "$WORK/mock.err")"

cat >"$CONF" <<EOC
database = "$DB";
timezone = "Asia/Shanghai";
courts = { gy = { name = "沽源县人民法院"; sign = "沽源县人民法院"; }; };
steps = {
  ENF_DEPOSIT_FROZEN = {
    label = "冻结银行存款"; notify = [ "applicant", "agent" ];
    text = "{case_no}案已冻结被执行人银行存款{amount}元。";
    vendor_templates = { tx = { id = "1110"; params = [ "case_no", "amount" ]; }; };
  };
};
routes = { sms = [ "tx", "hook" ]; };
gateways = (
  { name = "tx"; type = "tencent"; endpoint = "http://127.0.0.1:$(cat "$MOCK_LOG.port")";
    allow_http = true; secret_id = "$SECRET_ID"; secret_key = "$SECRET_KEY";
    sdk_app_id = "1400006666"; sign_name = "沽源县人民法院"; },
  { name = "hook"; type = "webhook"; url = "$GW_URL"; allow_http = true; }
);
delivery = { retry_base = 30; };
EOC
init_db
seed_case
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"123456.78"}'
step=$LAST_STEP

wait_until '[ "$(step_field "$step" state)" = dead ]' 10 ||
	fail "state $(step_field "$step" state): $(step_field "$step" last_error)"
sleep 1
[ "$(step_field "$step" state)" = dead ] || fail "left dead: $(step_field "$step" state)"
[ "$(step_field "$step" last_error)" = "InvalidParameterValue.IncorrectPhoneNumber: 手机号格式错误" ] ||
	fail "last_error: $(step_field "$step" last_error)"
id=$(step_field "$step" id)
got=$(sql "SELECT group_concat(gateway || ' ' || outcome || ' ' || http_status, ', ') FROM attempts WHERE notification_id = $id;")
[ "$got" = "tx permfail 200" ] || fail "attempts: $got"
[ "$(gw_count)" = 0 ] || fail "the backup was tried"
pass
