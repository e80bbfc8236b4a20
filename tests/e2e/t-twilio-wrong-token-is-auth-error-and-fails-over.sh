#!/bin/sh
# Twilio with a tampered auth token: the mock answers as Twilio does (401,
# error 20003 "Authenticate"); the attempt records Twilio's authentication
# error as the gateway's fault (tempfail), the message fails over to the
# backup gateway at once, and the token is logged nowhere.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-twilio.sh"

start_twilio
start_gw	# the backup: mockgw.py, answering 200
TAMPERED=tampered-e2e-twilio-token-$$
vendor_conf twilio "twilio:auth_token = \"$TAMPERED\";" hook
send_notice
wait_until '[ "$(step_field "$step" state)" = sent ]' 10 ||
	fail "state '$(step_field "$step" state)', want sent via the backup:" \
	    "$(step_field "$step" last_error)"

id=$(step_field "$step" id)
expect_attempts "twilio tempfail 401, hook ok 200"
expect_error twilio "Twilio 20003 (HTTP 401): authentication failed; check account_sid and auth_token"
got=$("$PYTHON" -c 'import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
print(" ".join("%s/%s/%s" % (r["auth"], r["answer"], r["code"]) for r in rs))' "$MOCK_LOG")
[ "$got" = "wrong/401/20003" ] || fail "mock Twilio saw: $got"
[ "$(gw_count)" = 1 ] || fail "the backup got $(gw_count) requests, want 1"
for f in "$DAEMON_LOG" "$DB"; do
	grep -q "$TAMPERED" "$f" && fail "the auth token is in $f"
done
pass
