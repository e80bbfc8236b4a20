#!/bin/sh
# WeChat: a token is cached only until shortly before it expires. The mock
# API issues tokens valid for 2 s; a notice sent after 2.5 s goes out on a
# fresh token fetched first, so WeChat never has to refuse an expired one
# (no errcode 42001 round trip).
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-wechat.sh"

setup_wx 2
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"1.00"}'
wait_until '[ "$(count_state sent)" = 1 ]' 10 || fail "the first notice was not sent"
[ "$(wx_state fetches)" = 1 ] || fail "$(wx_state fetches) token fetches, want 1"
sleep 2.5
add_step ENF_DEPOSIT_FROZEN '{"amount":"2.00"}'
wait_until '[ "$(count_state sent)" = 2 ]' 10 ||
	fail "the second notice was not sent: $(sql "SELECT state, last_error FROM notifications WHERE state <> 'sent'")"
[ "$(wx_state fetches)" = 2 ] || fail "$(wx_state fetches) token fetches, want 2"
[ "$(wx_state refused)" = 0 ] ||
	fail "WeChat refused a send: $(wx_eval '[s["answer"] for s in sends if not s["valid"]]')"
[ "$(wx_eval 'sends[1]["token"] == fetches[1]["answer"]["access_token"]')" = 1 ] ||
	fail "the second send did not use the second token"
pass
