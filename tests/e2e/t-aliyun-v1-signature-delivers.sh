#!/bin/sh
# Alibaba Cloud SMS with signature_version = 1 (the older RPC HMAC-SHA1
# signature, for older accounts): every parameter and the Signature go in a
# form body, the mock recomputes the signature, and the notification is
# 'sent' with the BizId as provider_id.
. "$(dirname "$0")/lib.sh"

AK_ID=LTAI5tE2EFAKEKEYID000001
AK_SECRET=e2eFakeAliyunSecret0000000000001
MOCK_LOG=$WORK/aliyun.jsonl
"$PYTHON" "$E2E_DIR/mock_aliyun.py" --port 0 --log "$MOCK_LOG" \
	--key-id "$AK_ID" --secret "$AK_SECRET" --max-seconds 300 \
	2>>"$WORK/mock.err" &
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
routes = { sms = [ "ali" ]; };
gateways = (
  { name = "ali"; type = "aliyun"; signature_version = 1;
    endpoint = "http://127.0.0.1:$(cat "$MOCK_LOG.port")"; allow_http = true;
    access_key_id = "$AK_ID"; access_key_secret = "$AK_SECRET";
    sign_name = "沽源县人民法院"; }
);
delivery = { $DELIVERY };
EOC
init_db
seed_case
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"123456.78"}'
step=$LAST_STEP
wait_until '[ "$(step_field "$step" state)" = sent ]' 10 ||
	fail "state $(step_field "$step" state): $(step_field "$step" last_error)"

mock_eval() {
	"$PYTHON" -c 'import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
r = reqs[-1]
print(eval(sys.argv[2]))' "$MOCK_LOG" "$1"
}
[ "$(mock_eval 'len(reqs), r["style"], r["verdict"]')" = "(1, 'v2', 'OK')" ] ||
	fail "mock saw: $(mock_eval 'len(reqs), r["style"], r["verdict"]')"
[ "$(step_field "$step" provider_id)" = "$(mock_eval 'r["answer"]["BizId"]')" ] ||
	fail "provider_id '$(step_field "$step" provider_id)'"
[ "$(mock_eval 'r["params"]["OutId"]')" = "$(step_field "$step" key)" ] || fail "OutId is not the key"
# the phone number travels in the body, not in the URL
[ "$(mock_eval '"13812345678" in r["path"]')" = False ] || fail "the phone number is in the URL"
[ "$(mock_eval 'r["params"]["SignatureMethod"], r["params"]["Format"], r["params"]["RegionId"]')" = \
  "('HMAC-SHA1', 'JSON', 'cn-hangzhou')" ] || fail "params: $(mock_eval 'r["params"]')"
pass
