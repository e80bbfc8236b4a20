#!/bin/sh
# Twilio's StatusCallback closes the loop: the mock Twilio sends "sent" then
# "delivered" to our callback URL, signed with X-Twilio-Signature as Twilio
# signs (computed independently, in Python); the daemon checks the
# signature with the gateway's auth token and the notification becomes
# delivered. A callback signed with another token is refused (403) and
# changes nothing.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-receipt.sh"
. "$E2E_DIR/lib-twilio.sh"

start_twilio --callbacks
status_port	# the status server: the StatusCallback goes there
vendor_conf twilio twilio
send_notice
wait_until '[ "$(step_field "$step" state)" = delivered ]' 10 ||
	fail "state '$(step_field "$step" state)', want delivered:" \
	    "$(step_field "$step" last_error); callbacks:" \
	    "$(grep callback "$MOCK_LOG")"
got=$("$PYTHON" -c 'import json, sys
rs = [json.loads(l) for l in open(sys.argv[1]) if "callback" in l]
print(" ".join("%s:%s" % (r["status"], r["answer"]) for r in rs))' "$MOCK_LOG")
[ "$got" = "sent:200 delivered:200" ] || fail "callbacks answered: $got"

# a forged "undelivered", signed with another token
key=$(step_field "$step" key)
sid=$(step_field "$step" provider_id)
code=$("$PYTHON" - "$S/v1/receipts/twilio?key=$key" \
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
