#!/bin/sh
# WeChat: a wrong AppSecret. The token fetch is refused (errcode 40001), so
# no template message goes out and the notice waits (pending, with the
# reason) instead of dying; the secret appears in no log line and no
# database row. Once the secret file is fixed and the daemon reloaded, the
# notice is sent.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-wechat.sh"

WRONG=Wrong-Secret-Never-To-Be-Logged-42
setup_wx 7200
write_wx_conf "$WRONG"
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"1.00"}'
step=$LAST_STEP
wait_until '[ -n "$(step_field "$step" last_error)" ]' 10 ||
	fail "no failure recorded: state $(step_field "$step" state)"
err=$(step_field "$step" last_error)
case $err in *"errcode 40001"*) ;; *) fail "last_error: $err" ;; esac
case $(step_field "$step" state) in
pending | sending) ;;	# waiting, or being retried
*) fail "state $(step_field "$step" state), want pending" ;;
esac
[ "$(wx_state sends)" = 0 ] || fail "$(wx_state sends) template sends without a token"
if grep -qF -- "$WRONG" "$DAEMON_LOG"; then fail "the AppSecret is in the daemon's log"; fi
[ "$(sql "SELECT count(*) FROM attempts WHERE instr(ifnull(error, ''), '$WRONG') > 0;")" = 0 ] ||
	fail "the AppSecret is in the attempts table"
[ "$(sql "SELECT count(*) FROM notifications WHERE instr(ifnull(last_error, ''), '$WRONG') > 0;")" = 0 ] ||
	fail "the AppSecret is in the notifications table"

write_wx_conf
hup_daemon
wait_until '[ "$(step_field "$step" state)" = sent ]' 20 ||
	fail "not sent after the fix: $(step_field "$step" state) $(step_field "$step" last_error)"
[ "$(wx_state sends)" = 1 ] || fail "$(wx_state sends) sends, want 1"
if grep -qF -- "$WX_SECRET" "$DAEMON_LOG"; then fail "the AppSecret is in the daemon's log"; fi
pass
