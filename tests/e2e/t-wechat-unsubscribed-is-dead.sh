#!/bin/sh
# WeChat: a recipient who does not follow the official account (errcode
# 43004) is a permanent failure: the notice is dead after one attempt, with
# WeChat's reason, and is not retried.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-wechat.sh"

setup_wx 7200
"$PYTHON" -c 'import sys, urllib.request as u
u.urlopen(u.Request(sys.argv[1], data=sys.argv[2].encode()), timeout=5).read()' \
	"$WX_URL/_plan" '{"answers": [{"errcode": 43004, "errmsg": "require subscribe rid: 1"}]}' ||
	fail "could not set the mock's plan"
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"1.00"}'
step=$LAST_STEP
wait_until '[ "$(step_field "$step" state)" = dead ]' 10 ||
	fail "state is '$(step_field "$step" state)', want dead"
sleep 1.5
err=$(step_field "$step" last_error)
case $err in *"errcode 43004"*"does not follow"*) ;; *) fail "last_error: $err" ;; esac
[ "$(wx_state sends)" = 1 ] || fail "$(wx_state sends) sends, want 1 (no retry)"
got=$(sql "SELECT group_concat(outcome, ',') FROM attempts WHERE notification_id = $(step_field "$step" id);")
[ "$got" = permfail ] || fail "attempts: $got"
pass
