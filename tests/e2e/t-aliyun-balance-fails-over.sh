#!/bin/sh
# Alibaba answers isv.AMOUNT_NOT_ENOUGH (the account ran out of money, with
# HTTP 200): the gateway's fault, so the next attempt goes at once to the
# backup webhook, which delivers; the vendor's code and message are kept.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-aliyun.sh"

start_hook
start_aliyun '[{"code": "isv.AMOUNT_NOT_ENOUGH", "message": "账户余额不足"}]'
DELIVERY='retry_base = 30;'
vendor_conf aliyun ali hook
send_notice
expect_sent hook
expect_attempts "ali tempfail: isv.AMOUNT_NOT_ENOUGH: 账户余额不足 | hook ok: " "$BY_ERROR" ' | '
pass
