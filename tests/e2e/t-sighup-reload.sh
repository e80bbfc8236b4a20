#!/bin/sh
# SIGHUP reloads the configuration: a broken file is refused (logged, old
# configuration kept, daemon keeps delivering); a good one takes effect for
# the next step.
. "$(dirname "$0")/lib.sh"

setup
start_daemon

# deliver STEP_TEXT_PREFIX: a new step is sent with text starting so.
deliver() {
	add_step ENF_DEPOSIT_FROZEN '{"amount":"123456.78"}'
	_step=$LAST_STEP
	wait_until '[ "$(step_field "$_step" state)" = sent ]' 10 ||
		fail "step $_step is '$(step_field "$_step" state)', want sent"
	_text=$(gw_eval "r['json'].get('text')" "$(step_field "$_step" id)")
	case $_text in "$1"*) ;; *) fail "text '$_text' does not start with $1" ;; esac
}
deliver "【沽源县人民法院】"

printf 'database = "%s";\ncourts = { gy = { name = "x"; \n' "$DB" >"$CONF.tmp"
mv "$CONF.tmp" "$CONF"
hup_daemon
wait_until '[ "$(log_count "reload failed")" -ge 1 ]' 5 ||
	fail "no 'reload failed' log line after SIGHUP with a broken config"
sleep 0.2
daemon_alive || fail "the daemon exited on a broken config"
deliver "【沽源县人民法院】"

COURT_SIGN=测试法院
write_conf
hup_daemon
wait_until '[ "$(log_count "reloaded")" -ge 1 ]' 5 ||
	fail "no 'reloaded' log line after SIGHUP with a good config"
deliver "【测试法院】"
pass
