#!/bin/sh
# Tencent Cloud SMS (TC3-HMAC-SHA256): the daemon delivers through a mock
# that recomputes the signature on its own; the notification is 'sent' with
# the SerialNo as provider_id, and the request carried the E.164 number, the
# ordered template parameters and the stable key as SessionContext.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-tencent.sh"

start_hook
start_tencent
DELIVERY='retry_base = 30;'
vendor_conf tencent tx hook
send_notice
expect_sent tx
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
