#!/bin/sh
# Tencent Cloud SMS (TC3-HMAC-SHA256): the daemon delivers through a mock
# that recomputes the signature on its own; the notification is 'sent' with
# the SerialNo as provider_id, and the request carried the E.164 number, the
# ordered template parameters and the stable key as SessionContext.
. "$(dirname "$0")/lib.sh"

SECRET_ID=AKIDE2EFAKEFAKEFAKEFAKEFAKEFAKE0001
SECRET_KEY=e2eFakeTencentSecretKey000000001
start_gw '{"default": {"status": 200, "body": "{\"id\":\"hook-1\"}"}}'
MOCK_LOG=$WORK/tencent.jsonl
"$PYTHON" "$E2E_DIR/mock_tencent.py" --port 0 --log "$MOCK_LOG" \
	--secret-id "$SECRET_ID" --secret-key "$SECRET_KEY" --app-id 1400006666 \
	--max-seconds 300 --plan '[]' 2>>"$WORK/mock.err" &
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

# mock_eval EXPR: a Python expression over the mock's requests (reqs, r = the last)
mock_eval() {
	"$PYTHON" -c 'import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
r = reqs[-1]
print(eval(sys.argv[2]))' "$MOCK_LOG" "$1"
}
wait_until '[ "$(step_field "$step" state)" = sent ]' 10 ||
	fail "state $(step_field "$step" state): $(step_field "$step" last_error)"
[ "$(step_field "$step" gateway)" = tx ] || fail "sent by $(step_field "$step" gateway)"
[ "$(mock_eval 'len(reqs), r["verdict"]')" = "(1, 'Ok')" ] ||
	fail "mock saw: $(mock_eval 'len(reqs), r["verdict"]')"
serial=$(mock_eval 'r["answer"]["Response"]["SendStatusSet"][0]["SerialNo"]')
[ "$(step_field "$step" provider_id)" = "$serial" ] ||
	fail "provider_id $(step_field "$step" provider_id), want $serial"
[ "$(mock_eval 'r["json"]["SessionContext"]')" = "$(step_field "$step" key)" ] ||
	fail "SessionContext is not the key"
[ "$(mock_eval 'r["json"]["PhoneNumberSet"], r["json"]["TemplateId"], r["json"]["TemplateParamSet"]')" = \
  "(['+86$PHONE'], '1110', ['$CASE_NO', '123456.78'])" ] ||
	fail "body: $(mock_eval 'r["body"]')"
grep -q "$SECRET_KEY" "$DAEMON_LOG" && fail "the secret is in the daemon's log"
[ "$(gw_count)" = 0 ] || fail "the backup was used"
pass
