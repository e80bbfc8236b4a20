#!/bin/sh
# WeChat: one access token serves many sends. 30 notices go out as
# template messages, each with a token the mock API holds valid, after a
# single token fetch; each carries its stable key as client_msg_id, the
# template's fields filled from the step, and WeChat's msgid comes back as
# the provider id. The AppSecret never reaches the log.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-wechat.sh"

setup_wx 7200
start_daemon
add_steps 30 1
wait_until '[ "$(count_state sent)" = 30 ]' 15 ||
	fail "$(count_state sent) of 30 sent: $(sql "SELECT state, last_error FROM notifications WHERE state <> 'sent' LIMIT 3")"

[ "$(wx_state fetches)" = 1 ] || fail "$(wx_state fetches) token fetches, want 1"
[ "$(wx_state sends)" = 30 ] || fail "$(wx_state sends) sends, want 30"
[ "$(wx_eval 'all(s["valid"] and s["answer"]["errcode"] == 0 for s in sends)')" = 1 ] ||
	fail "a send did not carry a valid token: $(wx_eval '[s["answer"] for s in sends if not s["valid"]]')"
[ "$(wx_eval 'all(s["token"] == fetches[0]["answer"]["access_token"] for s in sends)')" = 1 ] ||
	fail "the sends did not all use the one token fetched"
# the request, field by field
[ "$(wx_eval 'sorted({s["json"]["touser"] for s in sends})')" = "['$OPENID']" ] ||
	fail "touser: $(wx_eval '{s["json"]["touser"] for s in sends}')"
[ "$(wx_eval '{s["json"]["template_id"] for s in sends} == {"TPL_FROZEN"}')" = 1 ] ||
	fail "template_id: $(wx_eval '{s["json"]["template_id"] for s in sends}')"
[ "$(wx_eval 'all(s["json"]["data"]["keyword1"]["value"] == "'"$CASE_NO"'" and s["json"]["data"]["keyword2"]["value"] == "冻结银行存款" for s in sends)')" = 1 ] ||
	fail "keyword1/keyword2: $(wx_eval 'sends[0]["json"]["data"]')"
[ "$(wx_eval 'sorted(float(s["json"]["data"]["keyword3"]["value"]) for s in sends) == [float(i) for i in range(1, 31)]')" = 1 ] ||
	fail "keyword3 (the amounts) do not match the 30 steps"
keys=$(sql "SELECT group_concat(key, ' ') FROM (SELECT key FROM notifications ORDER BY key);")
[ "$(wx_eval '" ".join(sorted(s["json"]["client_msg_id"] for s in sends))')" = "$keys" ] ||
	fail "client_msg_id is not the notification's key"
# WeChat's msgid is the provider id of each notification
got=$(sql "SELECT group_concat(key || '=' || provider_id, ' ') FROM (SELECT key, provider_id FROM notifications ORDER BY key);")
want=$(wx_eval '" ".join(sorted("%s=%s" % (s["json"]["client_msg_id"], s["answer"]["msgid"]) for s in sends))')
[ "$got" = "$want" ] || fail "provider ids: $got, want $want"
[ "$(sql "SELECT count(*) FROM notifications WHERE attempts <> 1;")" = 0 ] ||
	fail "a notification took more than one attempt"
if grep -qF -- "$WX_SECRET" "$DAEMON_LOG"; then fail "the AppSecret is in the daemon's log"; fi
note "30 template messages, 1 token fetch"
pass
