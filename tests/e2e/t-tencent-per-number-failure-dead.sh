#!/bin/sh
# HTTP 200 is not success: Tencent's per-number SendStatusSet entry says
# InvalidParameterValue.IncorrectPhoneNumber, the message's fault, so it is
# 'dead' after one attempt - no retry, no failover - with the vendor's code.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-tencent.sh"

start_hook
start_tencent '[{"code": "InvalidParameterValue.IncorrectPhoneNumber", "message": "手机号格式错误"}]'
DELIVERY='retry_base = 30;'
vendor_conf tencent tx hook
send_notice
expect_dead "InvalidParameterValue.IncorrectPhoneNumber: 手机号格式错误"
expect_attempts "tx permfail 200" "gateway || ' ' || outcome || ' ' || http_status"
[ "$(gw_count)" = 0 ] || fail "the backup was tried"
pass
