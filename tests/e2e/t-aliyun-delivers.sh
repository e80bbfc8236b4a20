#!/bin/sh
# Alibaba Cloud SMS with the ACS3-HMAC-SHA256 signature: the daemon delivers
# through a mock dysmsapi that recomputes the signature on its own; the
# notification is 'sent' with the BizId as provider_id, and the request
# carried the template, its parameters and the stable key as OutId.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-aliyun.sh"

start_aliyun
ALIYUN_PARAMS='"case_no", "money=amount"'
vendor_conf aliyun ali
send_notice
expect_sent

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
[ "$(sql "SELECT gateway || ' ' || outcome || ' ' || http_status FROM attempts WHERE notification_id = $id;")" = "ali ok 200" ] ||
	fail "attempts: $(sql "SELECT * FROM attempts WHERE notification_id = $id;")"
grep -q "$AK_SECRET" "$DAEMON_LOG" && fail "the secret is in the daemon's log"
pass
