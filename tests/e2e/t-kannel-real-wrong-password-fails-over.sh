#!/bin/sh
# A real Kannel refusing huigao's password answers 403 "Authorization
# failed for sendsms": the attempt records that reason as the gateway's
# fault (tempfail), the message fails over to the backup gateway at once,
# nothing reaches Kannel's SMS centre, and the password is logged nowhere.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/kannel/lib-kannel.sh"
. "$E2E_DIR/lib-vendor.sh"

kannel_start
start_gw
KANNEL_GW_PASSWORD=tampered-$KANNEL_PASSWORD
SMS_ROUTE='"kannel", "hook"'
MORE_GATEWAYS="{ name = \"hook\"; type = \"webhook\"; url = \"$GW_URL\"; allow_http = true; }"
kannel_conf
send_notice
wait_until '[ "$(step_field "$step" state)" = sent ]' 20 ||
	fail "state '$(step_field "$step" state)', want sent: $(step_field "$step" last_error)"

id=$(step_field "$step" id)
expect_attempts "kannel tempfail 403, hook ok 200"
expect_error kannel "Kannel (HTTP 403): Authorization failed for sendsms; check username and password against Kannel's sendsms-user"
[ "$(gw_count)" = 1 ] || fail "the backup got $(gw_count) requests, want 1"
sleep 0.5
[ "$(kannel_count)" = 0 ] || fail "the SMS centre got a message from a refused request"
for f in "$DAEMON_LOG" "$DB"; do
	grep -q "$KANNEL_GW_PASSWORD" "$f" && fail "the password is in $f"
done
pass
