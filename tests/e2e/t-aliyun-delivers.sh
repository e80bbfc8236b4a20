#!/bin/sh
# Alibaba Cloud SMS with the ACS3-HMAC-SHA256 signature: the daemon delivers
# through a mock dysmsapi that recomputes the signature on its own; the
# notification is 'sent' with the BizId as provider_id, and the request
# carried the template, its parameters and the stable key as OutId.
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
      ali = { id = "SMS_154950909"; params = [ "case_no", "money=amount" ]; };
    };
  };
};
routes = { sms = [ "ali" ]; };
gateways = (
  { name = "ali"; type = "aliyun"; endpoint = "http://127.0.0.1:$(cat "$MOCK_LOG.port")";
    allow_http = true; access_key_id = "$AK_ID"; access_key_secret = "$AK_SECRET";
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

# mock_eval EXPR: a Python expression over the mock's requests (reqs, r = the last)
mock_eval() {
	"$PYTHON" -c 'import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
r = reqs[-1]
print(eval(sys.argv[2]))' "$MOCK_LOG" "$1"
}
[ "$(mock_eval 'len(reqs)')" = 1 ] || fail "$(mock_eval 'len(reqs)') requests, want 1"
[ "$(mock_eval 'r["style"], r["verdict"]')" = "('v3', 'OK')" ] ||
	fail "mock verdict: $(mock_eval 'r["style"], r["verdict"]')"
biz=$(mock_eval 'r["answer"]["BizId"]')
[ "$(step_field "$step" provider_id)" = "$biz" ] ||
	fail "provider_id '$(step_field "$step" provider_id)', want '$biz'"
key=$(step_field "$step" key)
[ "$(mock_eval 'r["params"]["OutId"]')" = "$key" ] || fail "OutId is not the key $key"
[ "$(mock_eval 'r["params"]["PhoneNumbers"], r["params"]["TemplateCode"], r["params"]["SignName"]')" = \
  "('$PHONE', 'SMS_154950909', '沽源县人民法院')" ] || fail "params: $(mock_eval 'r["params"]')"
[ "$(mock_eval 'json.loads(r["params"]["TemplateParam"])')" = \
  "{'case_no': '$CASE_NO', 'money': '123456.78'}" ] ||
	fail "TemplateParam: $(mock_eval 'r["params"]["TemplateParam"]')"
id=$(step_field "$step" id)
[ "$(sql "SELECT gateway || ' ' || outcome || ' ' || http_status FROM attempts WHERE notification_id = $id;")" = "ali ok 200" ] ||
	fail "attempts: $(sql "SELECT * FROM attempts WHERE notification_id = $id;")"
grep -q "$AK_SECRET" "$DAEMON_LOG" && fail "the secret is in the daemon's log"
pass
