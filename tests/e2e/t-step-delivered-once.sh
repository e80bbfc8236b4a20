#!/bin/sh
# A step inserted by a separate sqlite3 process reaches the gateway once,
# within a second, as a webhook carrying the right text; the notification
# ends 'sent' with one 'ok' attempt.
. "$(dirname "$0")/lib.sh"

# A long fallback timer: only the change notification can be this fast.
DELIVERY="batch = 200; max_in_flight = 32; retry_base = 1; retry_max = 5; max_attempts = 10; max_age = 3600; poll_interval = 60;"
setup
start_daemon

# Warm up: the daemon is running and has delivered once; then it idles.
add_step ENF_DEPOSIT_FROZEN '{"amount":"1.00"}'
wait_until '[ "$(gw_count)" -ge 1 ]' 10 || fail "the first step never reached the gateway"
sleep 0.5

t0=$(now)
add_step ENF_DEPOSIT_FROZEN '{"amount":"123456.78"}'
step=$LAST_STEP
wait_until '[ "$(gw_count)" -ge 2 ]' 5 || fail "step $step never reached the gateway"
id=$(step_field "$step" id)
[ -n "$id" ] || fail "no notification row for step $step"

ms=$(gw_eval "'%.1f' % ((r['t'] - $t0) * 1000)" "$id")
note "latency ${ms} ms (insert to gateway)"
[ "$(calc "$ms < 1000 * $SLOW")" = 1 ] || fail "latency $ms ms, want < 1 s"

text=$(gw_eval "r['json'].get('text')" "$id")
case $text in
"【沽源县人民法院】"*) ;;
*) fail "text does not start with the court's signature: $text" ;;
esac
case $text in *"$CASE_NO"*) ;; *) fail "text lacks the case number: $text" ;; esac
case $text in *123456.78*) ;; *) fail "text lacks the amount: $text" ;; esac

missing=$(gw_eval "sorted({'id', 'key', 'to', 'text', 'case_no', 'step', 'channel'} - set(r['json']))" "$id")
[ -z "$missing" ] || fail "webhook body lacks: $missing"
[ "$(gw_eval "r['json']['to']" "$id")" = "$PHONE" ] || fail "to is not $PHONE"
[ "$(gw_eval "r['json']['case_no']" "$id")" = "$CASE_NO" ] || fail "case_no is not $CASE_NO"
[ "$(gw_eval "r['json']['channel']" "$id")" = sms ] || fail "channel is not sms"
[ -n "$(gw_eval "r['json']['step'] or ''" "$id")" ] || fail "step is empty"
case $(gw_eval "hdr(r, 'Content-Type')" "$id") in
application/json*) ;;
*) fail "Content-Type is not application/json" ;;
esac

key=$(gw_eval "key(r)" "$id")
[ -n "$key" ] || fail "empty key"
[ "$(gw_eval "hdr(r, 'Idempotency-Key')" "$id")" = "$key" ] ||
	fail "Idempotency-Key header differs from body key $key"
[ "$(step_field "$step" key)" = "$key" ] || fail "body key differs from notifications.key"

sleep 1
[ "$(gw_eval "len(rs)" "$id")" = 1 ] || fail "delivered $(gw_eval "len(rs)" "$id") times, want once"
[ "$(step_field "$step" state)" = sent ] || fail "state is $(step_field "$step" state), want sent"
[ "$(sql "SELECT group_concat(outcome || ' ' || ifnull(http_status, '-'), ',')
	FROM attempts WHERE notification_id = $id;")" = "ok 200" ] ||
	fail "attempts are not one 'ok 200': $(sql "SELECT * FROM attempts WHERE notification_id = $id;")"
# the signature column holds the court's signature (template vendors use it)
[ "$(sql "SELECT sign FROM notifications LIMIT 1;")" = 沽源县人民法院 ] ||
	fail "sign column: $(sql "SELECT sign FROM notifications LIMIT 1;")"
pass
