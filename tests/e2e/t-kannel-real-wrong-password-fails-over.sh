#!/bin/sh
# A real Kannel refusing huigao's password answers 403 "Authorization
# failed for sendsms": the attempt records that reason as the gateway's
# fault (tempfail), the message fails over to the backup gateway at once,
# nothing reaches Kannel's SMS centre, and the password is logged nowhere.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/kannel/lib-kannel.sh"

kannel_start
start_gw
KANNEL_GW_PASSWORD=tampered-$KANNEL_PASSWORD
SMS_ROUTE='"kannel", "hook"'
MORE_GATEWAYS="{ name = \"hook\"; type = \"webhook\"; url = \"$GW_URL\"; allow_http = true; }"
kannel_conf
init_db
seed_case
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"123456.78"}'
step=$LAST_STEP
wait_until '[ "$(step_field "$step" state)" = sent ]' 20 ||
	fail "state '$(step_field "$step" state)', want sent: $(step_field "$step" last_error)"

id=$(step_field "$step" id)
got=$(sql "SELECT group_concat(gateway || ' ' || outcome || ' ' ||
	ifnull(http_status, '-'), ', ') FROM attempts WHERE notification_id = $id;")
[ "$got" = "kannel tempfail 403, hook ok 200" ] || fail "attempts: $got"
err=$(sql "SELECT error FROM attempts WHERE notification_id = $id AND gateway = 'kannel';")
[ "$err" = "Kannel (HTTP 403): Authorization failed for sendsms; check username and password against Kannel's sendsms-user" ] ||
	fail "the attempt's error: $err"
note "recorded: $err"
[ "$(gw_count)" = 1 ] || fail "the backup got $(gw_count) requests, want 1"
sleep 0.5
[ "$(kannel_count)" = 0 ] || fail "the SMS centre got a message from a refused request"
for f in "$DAEMON_LOG" "$DB"; do
	grep -q "$KANNEL_GW_PASSWORD" "$f" && fail "the password is in $f"
done
pass
