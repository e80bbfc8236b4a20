#!/bin/sh
# A tampered AccessKey secret: Alibaba answers SignatureDoesNotMatch (HTTP
# 400) to both signatures; that is the gateway's fault, so each attempt
# moves at once down routes.sms, and the webhook listed last delivers. The
# vendor's error is recorded with the phone number masked, never the secret.
. "$(dirname "$0")/lib.sh"

AK_ID=LTAI5tE2EFAKEKEYID000001
AK_SECRET=e2eFakeAliyunSecret0000000000001
BAD_SECRET=e2eTamperedAliyunSecret000000001
start_gw '{"default": {"status": 200, "body": "{\"id\":\"hook-1\"}"}}'
MOCK_LOG=$WORK/aliyun.jsonl
"$PYTHON" "$E2E_DIR/mock_aliyun.py" --port 0 --log "$MOCK_LOG" \
	--key-id "$AK_ID" --secret "$AK_SECRET" --max-seconds 300 \
	2>>"$WORK/mock.err" &
MOCK_PID=$!
trap 'kill "$MOCK_PID" 2>/dev/null; e2e_cleanup' EXIT
wait_until '[ -s "$MOCK_LOG.port" ]' 10 || fail "mock_aliyun did not start: $(cat "$WORK/mock.err")"
EP=http://127.0.0.1:$(cat "$MOCK_LOG.port")

cat >"$CONF" <<EOC
database = "$DB";
timezone = "Asia/Shanghai";
courts = { gy = { name = "沽源县人民法院"; sign = "沽源县人民法院"; }; };
steps = {
  ENF_DEPOSIT_FROZEN = {
    label = "冻结银行存款"; notify = [ "applicant", "agent" ];
    text = "{case_no}案已冻结被执行人银行存款{amount}元。";
    vendor_templates = {
      ali3 = { id = "SMS_154950909"; params = [ "case_no", "amount" ]; };
      ali1 = { id = "SMS_154950909"; params = [ "case_no", "amount" ]; };
    };
  };
};
routes = { sms = [ "ali3", "ali1", "hook" ]; };
gateways = (
  { name = "ali3"; type = "aliyun"; endpoint = "$EP"; allow_http = true;
    access_key_id = "$AK_ID"; access_key_secret = "$BAD_SECRET"; sign_name = "沽源县人民法院"; },
  { name = "ali1"; type = "aliyun"; signature_version = 1; endpoint = "$EP"; allow_http = true;
    access_key_id = "$AK_ID"; access_key_secret = "$BAD_SECRET"; sign_name = "沽源县人民法院"; },
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
	fail "state $(step_field "$step" state): $(step_field "$step" last_error) (is failover in the core?)"
[ "$(step_field "$step" gateway)" = hook ] || fail "sent by $(step_field "$step" gateway)"
id=$(step_field "$step" id)
got=$(sql "SELECT group_concat(gateway || ' ' || outcome || ' ' || ifnull(http_status, '-'), ', ')
	FROM (SELECT * FROM attempts WHERE notification_id = $id ORDER BY id);")
[ "$got" = "ali3 tempfail 400, ali1 tempfail 400, hook ok 200" ] || fail "attempts: $got"
errs=$(sql "SELECT group_concat(error, ' | ') FROM attempts WHERE notification_id = $id AND outcome = 'tempfail';")
[ "$(printf '%s' "$errs" | grep -o 'SignatureDoesNotMatch' | wc -l)" = 2 ] ||
	fail "the vendor's authentication error is not recorded twice: $errs"
case $errs in *13812345678*) fail "a phone number in the clear: $errs" ;; esac
case $errs in *"$BAD_SECRET"*|*"$AK_SECRET"*) fail "a secret in an error" ;; esac
grep -q "$BAD_SECRET" "$DAEMON_LOG" && fail "the secret is in the daemon's log"
[ "$(sed -n 's/.*"verdict": "\([^"]*\)".*/\1/p' "$MOCK_LOG" | sort -u)" = SignatureDoesNotMatch ] ||
	fail "the mock's verdicts: $(sed -n 's/.*"verdict": "\([^"]*\)".*/\1/p' "$MOCK_LOG")"
pass
