#!/bin/sh
# Alibaba answers isv.MOBILE_NUMBER_ILLEGAL: the message's fault, not the
# gateway's, so it is 'dead' after one attempt - no retry, no failover to
# the backup listed after it - with the vendor's reason in last_error.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-aliyun.sh"

start_hook
start_aliyun '[{"code": "isv.MOBILE_NUMBER_ILLEGAL", "message": "非法手机号"}]'
DELIVERY='retry_base = 30;'
vendor_conf aliyun ali hook
send_notice
expect_dead "isv.MOBILE_NUMBER_ILLEGAL: 非法手机号"
expect_attempts "ali permfail" "gateway || ' ' || outcome"
[ "$(gw_count)" = 0 ] || fail "the backup was tried"
pass
