#!/bin/sh
# Alibaba answers isv.AMOUNT_NOT_ENOUGH (the account ran out of money, with
# HTTP 200): the gateway's fault, so the next attempt goes at once to the
# backup webhook, which delivers; the vendor's code and message are kept.
. "$(dirname "$0")/lib.sh"

AK_ID=LTAI5tE2EFAKEKEYID000001
AK_SECRET=e2eFakeAliyunSecret0000000000001
start_gw '{"default": {"status": 200, "body": "{\"id\":\"hook-1\"}"}}'
MOCK_LOG=$WORK/aliyun.jsonl
"$PYTHON" "$E2E_DIR/mock_aliyun.py" --port 0 --log "$MOCK_LOG" \
	--key-id "$AK_ID" --secret "$AK_SECRET" --max-seconds 300 \
	--plan '[{"code": "isv.AMOUNT_NOT_ENOUGH", "message": "账户余额不足"}]' 2>>"$WORK/mock.err" &
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
wait_until '[ "$(step_field "$step" state)" = sent ]' 10 ||
	fail "state $(step_field "$step" state): $(step_field "$step" last_error)"
[ "$(step_field "$step" gateway)" = hook ] || fail "sent by $(step_field "$step" gateway)"
id=$(step_field "$step" id)
got=$(sql "SELECT group_concat(gateway || ' ' || outcome || ': ' || ifnull(error, ''), ' | ')
	FROM (SELECT * FROM attempts WHERE notification_id = $id ORDER BY id);")
[ "$got" = "ali tempfail: isv.AMOUNT_NOT_ENOUGH: 账户余额不足 | hook ok: " ] || fail "attempts: $got"
pass
