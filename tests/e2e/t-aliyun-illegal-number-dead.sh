#!/bin/sh
# Alibaba answers isv.MOBILE_NUMBER_ILLEGAL: the message's fault, not the
# gateway's, so it is 'dead' after one attempt - no retry, no failover to
# the backup listed after it - with the vendor's reason in last_error.
. "$(dirname "$0")/lib.sh"

AK_ID=LTAI5tE2EFAKEKEYID000001
AK_SECRET=e2eFakeAliyunSecret0000000000001
start_gw '{"default": {"status": 200, "body": "{\"id\":\"hook-1\"}"}}'
MOCK_LOG=$WORK/aliyun.jsonl
"$PYTHON" "$E2E_DIR/mock_aliyun.py" --port 0 --log "$MOCK_LOG" \
	--key-id "$AK_ID" --secret "$AK_SECRET" --max-seconds 300 \
	--plan '[{"code": "isv.MOBILE_NUMBER_ILLEGAL", "message": "非法手机号"}]' 2>>"$WORK/mock.err" &
MOCK_PID=$!
trap 'kill "$MOCK_PID" 2>/dev/null; e2e_cleanup' EXIT
wait_until '[ -s "$MOCK_LOG.port" ]' 10 || fail "mock_aliyun did not start: $(cat "$WORK/mock.err")"

cat >"$CONF" <<EOC
database = "$DB";
timezone = "Asia/Shanghai";
courts = { gy = { name = "沽源县人民法院"; sign = "沽源县人民法院"; }; };
steps = {
  ENF_DEPOSIT_FROZEN = {
    label = "冻结银行存款"; notify = [ "applicant", "agent" ];
    text = "{case_no}案已冻结被执行人银行存款{amount}元。";
    vendor_templates = {
      ali = { id = "SMS_154950909"; params = [ "case_no", "amount" ]; };
    };
  };
};
routes = { sms = [ "ali", "hook" ]; };
gateways = (
  { name = "ali"; type = "aliyun"; endpoint = "http://127.0.0.1:$(cat "$MOCK_LOG.port")";
    allow_http = true; access_key_id = "$AK_ID"; access_key_secret = "$AK_SECRET";
    sign_name = "沽源县人民法院"; },
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
[ "$(step_field "$step" last_error)" = "isv.MOBILE_NUMBER_ILLEGAL: 非法手机号" ] ||
	fail "last_error: $(step_field "$step" last_error)"
id=$(step_field "$step" id)
got=$(sql "SELECT group_concat(gateway || ' ' || outcome, ', ') FROM attempts WHERE notification_id = $id;")
[ "$got" = "ali permfail" ] || fail "attempts: $got"
[ "$(gw_count)" = 0 ] || fail "the backup was tried"
pass
