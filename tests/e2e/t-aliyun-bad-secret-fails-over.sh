#!/bin/sh
# A tampered AccessKey secret: Alibaba answers SignatureDoesNotMatch (HTTP
# 400) to both signatures; that is the gateway's fault, so each attempt
# moves at once down routes.sms, and the webhook listed last delivers. The
# vendor's error is recorded with the phone number masked, never the secret.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-aliyun.sh"

BAD_SECRET=e2eTamperedAliyunSecret000000001
start_hook
start_aliyun
ALIYUN_GW_SECRET=$BAD_SECRET
DELIVERY='retry_base = 30;'
vendor_conf aliyun ali3 'ali1:signature_version = 1;' hook
send_notice
expect_sent hook "(is failover in the core?)"
expect_attempts "ali3 tempfail 400, ali1 tempfail 400, hook ok 200"
errs=$(sql "SELECT group_concat(error, ' | ') FROM attempts WHERE notification_id = $id AND outcome = 'tempfail';")
[ "$(printf '%s' "$errs" | grep -o 'SignatureDoesNotMatch' | wc -l)" = 2 ] ||
	fail "the vendor's authentication error is not recorded twice: $errs"
case $errs in *13812345678*) fail "a phone number in the clear: $errs" ;; esac
case $errs in *"$BAD_SECRET"*|*"$AK_SECRET"*) fail "a secret in an error" ;; esac
grep -q "$BAD_SECRET" "$DAEMON_LOG" && fail "the secret is in the daemon's log"
[ "$(sed -n 's/.*"verdict": "\([^"]*\)".*/\1/p' "$MOCK_LOG" | sort -u)" = SignatureDoesNotMatch ] ||
	fail "the mock's verdicts: $(sed -n 's/.*"verdict": "\([^"]*\)".*/\1/p' "$MOCK_LOG")"
pass
