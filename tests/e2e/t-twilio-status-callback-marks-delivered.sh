#!/bin/sh
# Twilio's StatusCallback closes the loop: the mock Twilio sends "sent" then
# "delivered" to our callback URL, signed with X-Twilio-Signature as Twilio
# signs (computed independently, in Python); the daemon checks the
# signature with the gateway's auth token and the notification becomes
# delivered. A callback signed with another token is refused (403) and
# changes nothing.
. "$(dirname "$0")/lib.sh"

SID=AC0123456789abcdef0123456789abcdef
TOKEN=e2e-twilio-token-$$
(umask 077 && printf '%s\n' "$TOKEN" >"$WORK/twilio.token")
TW_LOG=$WORK/twilio.jsonl
"$PYTHON" "$E2E_DIR/mock_twilio.py" --log "$TW_LOG" --account-sid "$SID" \
    --auth-token-file "$WORK/twilio.token" --callbacks \
    2>>"$WORK/mock_twilio.err" &
GW_PID=$!	# lib.sh stops it on exit
wait_until '[ -s "$TW_LOG.port" ]' 10 ||
	fail "mock Twilio did not start: $(cat "$WORK/mock_twilio.err")"
TW_PORT=$(cat "$TW_LOG.port")
STATUS_PORT=$("$PYTHON" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cat >"$CONF" <<EOF
database = "$DB";
timezone = "Asia/Shanghai";
courts = { gy = { name = "沽源县人民法院"; sign = "$COURT_SIGN"; }; };
@include "$ROOT/config/steps.conf"
routes = { sms = [ "twilio" ]; };
gateways = (
  { name = "twilio"; type = "twilio"; endpoint = "http://127.0.0.1:$TW_PORT";
    allow_http = true; account_sid = "$SID";
    auth_token_file = "$WORK/twilio.token"; from = "+15005550006"; }
);
delivery = { $DELIVERY };
status = { listen = "127.0.0.1:$STATUS_PORT";
  callback_url = "http://127.0.0.1:$STATUS_PORT"; };
EOF
init_db
seed_case
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"123456.78"}'
step=$LAST_STEP
wait_until '[ "$(step_field "$step" state)" = delivered ]' 10 ||
	fail "state '$(step_field "$step" state)', want delivered:" \
	    "$(step_field "$step" last_error); callbacks:" \
	    "$(grep callback "$TW_LOG")"
got=$("$PYTHON" -c 'import json, sys
rs = [json.loads(l) for l in open(sys.argv[1]) if "callback" in l]
print(" ".join("%s:%s" % (r["status"], r["answer"]) for r in rs))' "$TW_LOG")
[ "$got" = "sent:200 delivered:200" ] || fail "callbacks answered: $got"

# a forged "undelivered", signed with another token
key=$(step_field "$step" key)
sid=$(step_field "$step" provider_id)
code=$("$PYTHON" - "http://127.0.0.1:$STATUS_PORT/v1/receipts/twilio?key=$key" \
    "$sid" "$SID" <<'PY'
import base64, hashlib, hmac, sys, urllib.error, urllib.parse, urllib.request
url, msid, acct = sys.argv[1:4]
params = [("AccountSid", acct), ("MessageSid", msid),
          ("MessageStatus", "undelivered"), ("ErrorCode", "30003")]
data = url + "".join(k + v for k, v in sorted(params))
sig = base64.b64encode(hmac.new(b"not-the-token", data.encode(),
                                hashlib.sha1).digest()).decode()
req = urllib.request.Request(url, urllib.parse.urlencode(params).encode(),
                             {"X-Twilio-Signature": sig})
try:
    print(urllib.request.urlopen(req, timeout=5).status)
except urllib.error.HTTPError as e:
    print(e.code)
PY
)
[ "$code" = 403 ] || fail "a forged callback got HTTP $code, want 403"
sleep 0.3
[ "$(step_field "$step" state)" = delivered ] ||
	fail "a forged callback changed the state to $(step_field "$step" state)"
note "sent:200 delivered:200; forged callback: $code"
grep -q "$TOKEN" "$DAEMON_LOG" && fail "the auth token is in the daemon log"
pass
