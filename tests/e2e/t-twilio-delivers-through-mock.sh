#!/bin/sh
# Twilio: huigaod posts the notice to a mock of the Messages API that checks
# HTTP basic auth as Twilio does; the request carries To as +86..., From,
# the text as Body and our StatusCallback; the 201's sid becomes the
# provider id and the notification is sent.
. "$(dirname "$0")/lib.sh"

SID=AC0123456789abcdef0123456789abcdef
TOKEN=e2e-twilio-token-$$
(umask 077 && printf '%s\n' "$TOKEN" >"$WORK/twilio.token")
TW_LOG=$WORK/twilio.jsonl
"$PYTHON" "$E2E_DIR/mock_twilio.py" --log "$TW_LOG" --account-sid "$SID" \
    --auth-token-file "$WORK/twilio.token" 2>>"$WORK/mock_twilio.err" &
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
wait_until 'case $(step_field "$step" state) in sent|delivered) true ;; *) false ;; esac' 10 ||
	fail "state '$(step_field "$step" state)', want sent:" \
	    "$(step_field "$step" last_error)"

sql "SELECT json_object('key', key, 'body', body, 'provider_id', provider_id)
     FROM notifications WHERE step_id = $step;" >"$WORK/row.json"
"$PYTHON" - "$TW_LOG" "$WORK/row.json" "$SID" "$PHONE" "$STATUS_PORT" <<'PY' ||
import json, sys
log, row, sid, phone, port = sys.argv[1:6]
reqs = [r for r in map(json.loads, open(log, encoding="utf-8")) if "form" in r]
n = json.load(open(row, encoding="utf-8"))
if len(reqs) != 1:
    sys.exit("%d API requests, want 1" % len(reqs))
r = reqs[0]
want = {"To": "+86" + phone, "From": "+15005550006", "Body": n["body"],
        "StatusCallback": "http://127.0.0.1:%s/v1/receipts/twilio?key=%s"
                          % (port, n["key"])}
if r["path"] != "/2010-04-01/Accounts/%s/Messages.json" % sid:
    sys.exit("path %s" % r["path"])
if r["auth"] != "ok" or r["answer"] != 201:
    sys.exit("auth %s, answer %s" % (r["auth"], r["answer"]))
if r["form"] != want:
    sys.exit("form %s, want %s" % (r["form"], want))
if not n["body"].startswith("【沽源县人民法院】"):
    sys.exit("body %s" % n["body"])
if n["provider_id"] != r["sid"]:
    sys.exit("provider_id %s, want the sid %s" % (n["provider_id"], r["sid"]))
print("note: POST %s To=%s -> 201 sid=%s" % (r["path"], r["form"]["To"],
                                             r["sid"]))
PY
	fail "the request or the row is not what Twilio expects"
id=$(step_field "$step" id)
got=$(sql "SELECT group_concat(outcome || ' ' || ifnull(http_status, '-'), ', ')
	FROM attempts WHERE notification_id = $id;")
[ "$got" = "ok 201" ] || fail "attempts: $got"
grep -q "$TOKEN" "$DAEMON_LOG" && fail "the auth token is in the daemon log"
pass
