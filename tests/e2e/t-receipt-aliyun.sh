#!/bin/sh
# Alibaba's receipt push (SmsReport): a receipt naming our OutId and the
# BizId Alibaba gave us moves the notification to 'delivered' and is kept;
# the same receipt again (a replay), one with another BizId (forged), one
# for an unknown message and garbage are refused with 4xx and change nothing.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/lib-receipt.sh"
. "$E2E_DIR/lib-aliyun.sh"

start_aliyun
status_port
ALIYUN_PARAMS='"case_no", "money=amount"'
vendor_conf aliyun ali
send_notice
expect_sent
key=$(step_field "$step" key)
biz=$(step_field "$step" provider_id)
r() { printf '[{"phone_number":"13812345678","send_time":"2024-06-01 10:00:00","report_time":"2024-06-01 10:00:05","success":%s,"err_code":"%s","err_msg":"用户接收成功","sms_size":"1","biz_id":"%s","out_id":"%s"}]' "$1" "$2" "$3" "$4"; }

expect_code forged "$(post_receipt /v1/receipts/aliyun "$(r true DELIVERED 999999^0 "$key")")" 403
expect_code unknown "$(post_receipt /v1/receipts/aliyun "$(r true DELIVERED "$biz" hg-999-9-sms)")" 404
expect_code garbage "$(post_receipt /v1/receipts/aliyun '{"not":"an array"}')" 400
[ "$(step_field "$step" state)" = sent ] || fail "a refused receipt changed the state"
expect_code genuine "$(post_receipt /v1/receipts/aliyun "$(r true DELIVERED "$biz" "$key")")" 200
grep -q '"code":0' "$WORK/receipt.out" || fail "answer is not Alibaba's {\"code\":0}: $(cat "$WORK/receipt.out")"
[ "$(step_field "$step" state)" = delivered ] || fail "state $(step_field "$step" state), want delivered"
[ "$(receipts_stored "$id")" = 1 ] || fail "receipt not kept"
expect_code replay "$(post_receipt /v1/receipts/aliyun "$(r false MK:0001 "$biz" "$key")")" 409
[ "$(step_field "$step" state)" = delivered ] || fail "a replay changed the state"
[ "$(receipts_stored "$id")" = 1 ] || fail "a replay was kept"
pass
