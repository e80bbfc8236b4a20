#!/bin/sh
# The SMS package is used up: HTTP 200 with the per-number Code
# FailedOperation.InsufficientBalanceInSmsPackage. The gateway's fault: the
# next attempt goes at once to the backup webhook, which delivers.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-tencent.sh"

start_hook
start_tencent '[{"code": "FailedOperation.InsufficientBalanceInSmsPackage", "message": "套餐包余量不足"}]'
DELIVERY='retry_base = 30;'
vendor_conf tencent tx hook
send_notice
expect_sent hook
expect_attempts "tx tempfail: FailedOperation.InsufficientBalanceInSmsPackage: 套餐包余量不足 | hook ok: " \
	"$BY_ERROR" ' | '
pass
