#!/bin/sh
# Twilio: huigaod posts the notice to a mock of the Messages API that checks
# HTTP basic auth as Twilio does; the request carries To as +86..., From,
# the text as Body and our StatusCallback; the 201's sid becomes the
# provider id and the notification is sent.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-receipt.sh"
. "$E2E_DIR/lib-twilio.sh"

start_twilio
status_port	# the status server: the StatusCallback goes there
vendor_conf twilio twilio
send_notice
wait_until 'case $(step_field "$step" state) in sent|delivered) true ;; *) false ;; esac' 10 ||
	fail "state '$(step_field "$step" state)', want sent:" \
	    "$(step_field "$step" last_error)"

sql "SELECT json_object('key', key, 'body', body, 'provider_id', provider_id)
     FROM notifications WHERE step_id = $step;" >"$WORK/row.json"
"$PYTHON" - "$MOCK_LOG" "$WORK/row.json" "$SID" "$PHONE" "$SPORT" <<'PY' ||
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
expect_attempts "ok 201" "outcome || ' ' || ifnull(http_status, '-')"
grep -q "$TOKEN" "$DAEMON_LOG" && fail "the auth token is in the daemon log"
pass
