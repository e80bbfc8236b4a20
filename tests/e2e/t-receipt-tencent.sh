#!/bin/sh
# Tencent's delivery callback: a receipt whose sid is the SerialNo Tencent
# gave us moves the notification to 'undelivered' (a FAIL report) and is
# kept; an unknown sid and garbage are refused and change nothing.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/lib-receipt.sh"
. "$E2E_DIR/lib-tencent.sh"

start_tencent
status_port
vendor_conf tencent tx
send_notice '{"amount":"1.00"}'
expect_sent
sid=$(step_field "$step" provider_id)
[ -n "$sid" ] || fail "no SerialNo stored"
r() { printf '[{"user_receive_time":"2024-06-01 10:00:05","nationcode":"86","mobile":"13812345678","report_status":"%s","errmsg":"%s","description":"x","sid":"%s"}]' "$1" "$2" "$3"; }
expect_code unknown "$(post_receipt /v1/receipts/tencent "$(r SUCCESS DELIVRD no-such-sid)")" 404
expect_code garbage "$(post_receipt /v1/receipts/tencent '[{"sid":"x","report_status":"PERHAPS"}]')" 400
[ "$(step_field "$step" state)" = sent ] || fail "a refused receipt changed the state"
expect_code genuine "$(post_receipt /v1/receipts/tencent "$(r FAIL MK:0005 "$sid")")" 200
grep -q '"result":0' "$WORK/receipt.out" || fail "answer is not Tencent's {\"result\":0}"
[ "$(step_field "$step" state)" = undelivered ] || fail "state $(step_field "$step" state), want undelivered"
[ "$(sql "SELECT provider_status FROM receipts WHERE notification_id = $id;")" = FAIL ] ||
	fail "receipt not kept with what it said"
pass
