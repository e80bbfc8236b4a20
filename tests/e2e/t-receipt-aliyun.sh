#!/bin/sh
# Alibaba's receipt push (SmsReport): a receipt naming our OutId and the
# BizId Alibaba gave us moves the notification to 'delivered' and is kept;
# the same receipt again (a replay), one with another BizId (forged), one
# for an unknown message and garbage are refused with 4xx and change nothing.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/lib-receipt.sh"

AK_ID=LTAI5tE2EFAKEKEYID000001
AK_SECRET=e2eFakeAliyunSecret0000000000001
MOCK_LOG=$WORK/aliyun.jsonl
"$PYTHON" "$E2E_DIR/mock_aliyun.py" --port 0 --log "$MOCK_LOG" \
	--key-id "$AK_ID" --secret "$AK_SECRET" --max-seconds 300 2>>"$WORK/mock.err" &
MOCK_PID=$!
trap 'kill "$MOCK_PID" 2>/dev/null; e2e_cleanup' EXIT
wait_until '[ -s "$MOCK_LOG.port" ]' 10 || fail "mock_aliyun did not start"
status_port
cat >"$CONF" <<EOC
database = "$DB";
courts = { gy = { name = "沽源县人民法院"; sign = "沽源县人民法院"; }; };
steps = {
  ENF_DEPOSIT_FROZEN = { label = "冻结银行存款"; notify = [ "applicant" ];
    text = "{case_no}案已冻结被执行人银行存款{amount}元。";
    vendor_templates = { ali = { id = "SMS_154950909"; params = [ "case_no", "money=amount" ]; }; }; };
};
routes = { sms = [ "ali" ]; };
gateways = ( { name = "ali"; type = "aliyun"; endpoint = "http://127.0.0.1:$(cat "$MOCK_LOG.port")";
    allow_http = true; access_key_id = "$AK_ID"; access_key_secret = "$AK_SECRET"; } );
status = { listen = "127.0.0.1:$SPORT"; };
EOC
init_db
seed_case
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"123456.78"}'
step=$LAST_STEP
wait_until '[ "$(step_field "$step" state)" = sent ]' 10 || fail "not sent: $(step_field "$step" last_error)"
id=$(step_field "$step" id)
key=$(step_field "$step" key)
biz=$(step_field "$step" provider_id)
r() { printf '[{"phone_number":"13812345678","send_time":"2024-06-01 10:00:00","report_time":"2024-06-01 10:00:05","success":%s,"err_code":"%s","err_msg":"用户接收成功","sms_size":"1","biz_id":"%s","out_id":"%s"}]' "$1" "$2" "$3" "$4"; }

expect_code forged "$(post_receipt /v1/receipts/aliyun "$(r true DELIVERED 999999^0 "$key")")" 403
expect_code unknown "$(post_receipt /v1/receipts/aliyun "$(r true DELIVERED "$biz" hg-999-9-sms)")" 404
expect_code garbage "$(post_receipt /v1/receipts/aliyun '{"not":"an array"}')" 400
[ "$(step_field "$step" state)" = sent ] || fail "a refused receipt changed the state"
expect_code genuine "$(post_receipt /v1/receipts/aliyun "$(r true DELIVERED "$biz" "$key")")" 200
grep -q '"code":0' "$WORK/receipt.out" || fail "answer is not Alibaba's {\"code\":0}: $(cat "$WORK/receipt.out")"
[ "$(step_field "$step" state)" = delivered ] || fail "state $(step_field "$step" state), want delivered"
[ "$(receipts_stored "$id")" = 1 ] || fail "receipt not kept"
expect_code replay "$(post_receipt /v1/receipts/aliyun "$(r false MK:0001 "$biz" "$key")")" 409
[ "$(step_field "$step" state)" = delivered ] || fail "a replay changed the state"
[ "$(receipts_stored "$id")" = 1 ] || fail "a replay was kept"
pass
