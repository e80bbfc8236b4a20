#!/bin/sh
# A tampered SecretKey: Tencent answers AuthFailure.SignatureFailure with
# HTTP 200; that is the gateway's fault, so the next attempt goes at once to
# the webhook listed after it in routes.sms, which delivers. The vendor's
# error is recorded, never the secret.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-tencent.sh"

BAD_KEY=e2eTamperedTencentSecretKey00001
start_hook
start_tencent
TENCENT_GW_KEY=$BAD_KEY
DELIVERY='retry_base = 30;'
vendor_conf tencent tx hook
send_notice
expect_sent hook "(is failover in the core?)"
expect_attempts "tx tempfail 200, hook ok 200"
err=$(attempt_error tx)
case $err in "AuthFailure.SignatureFailure: The provided credentials could not be validated"*) ;;
	*) fail "the vendor's authentication error is not recorded: $err" ;; esac
[ "$(mock_eval 'r["verdict"]')" = AuthFailure.SignatureFailure ] || fail "mock verdict $(mock_eval 'r["verdict"]')"
grep -q "$BAD_KEY" "$DAEMON_LOG" && fail "the secret is in the daemon's log"
pass
