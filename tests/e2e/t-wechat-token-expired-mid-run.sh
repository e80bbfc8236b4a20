#!/bin/sh
# WeChat: a token that stops being valid mid-run is refreshed once, and no
# message is lost. After 5 sends on the first token, the mock API revokes
# every token (as when the AppSecret's token is reissued elsewhere); the
# next sends are refused with errcode 40001, the daemon fetches exactly one
# new token, sends them again with it - without counting the refusal as an
# attempt - and later sends reuse the new token.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-wechat.sh"

setup_wx 7200
start_daemon
add_steps 5 1
wait_until '[ "$(count_state sent)" = 5 ]' 10 || fail "$(count_state sent) of 5 sent before the expiry"
[ "$(wx_state fetches)" = 1 ] || fail "$(wx_state fetches) token fetches before the expiry, want 1"

wx_call POST /_expire >/dev/null
add_steps 5 6
wait_until '[ "$(count_state sent)" = 10 ]' 15 ||
	fail "$(count_state sent) of 10 sent after the expiry: $(sql "SELECT state, last_error FROM notifications WHERE state <> 'sent' LIMIT 3")"
[ "$(wx_state fetches)" = 2 ] || fail "$(wx_state fetches) token fetches, want 2 (exactly one refresh)"
refused=$(wx_eval 'len([s for s in sends if not s["valid"]])')
[ "$refused" -ge 1 ] || fail "no send was refused: the token was not expired"
[ "$(wx_eval '{s["answer"]["errcode"] for s in sends if not s["valid"]} == {40001}')" = 1 ] ||
	fail "refusals: $(wx_eval '[s["answer"] for s in sends if not s["valid"]]')"
# each notification reached WeChat exactly once with a valid token
[ "$(wx_eval 'sorted(s["json"]["client_msg_id"] for s in sends if s["valid"]) == sorted(set(s["json"]["client_msg_id"] for s in sends)) and len([s for s in sends if s["valid"]]) == 10')" = 1 ] ||
	fail "accepted sends per notification: $(wx_eval 'sorted(s["json"]["client_msg_id"] for s in sends if s["valid"])')"
[ "$(wx_eval 'all(s["token"] == fetches[1]["answer"]["access_token"] for s in sends if s["valid"] and s["n"] > fetches[1]["n"])')" = 1 ] ||
	fail "a send after the refresh did not use the new token"
# the refusal did not count as an attempt, and nothing was lost
[ "$(sql "SELECT count(*) FROM notifications WHERE attempts <> 1;")" = 0 ] ||
	fail "attempts counted: $(sql "SELECT key, attempts FROM notifications WHERE attempts <> 1;")"
[ "$(sql "SELECT count(*) FROM notifications WHERE state <> 'sent';")" = 0 ] ||
	fail "lost: $(sql "SELECT key, state FROM notifications WHERE state <> 'sent';")"

# and the new token serves what follows
add_steps 5 11
wait_until '[ "$(count_state sent)" = 15 ]' 10 || fail "$(count_state sent) of 15 sent"
[ "$(wx_state fetches)" = 2 ] || fail "$(wx_state fetches) token fetches after the refresh, want still 2"
note "$refused send(s) refused with 40001, one refresh, 15 of 15 sent"
pass
