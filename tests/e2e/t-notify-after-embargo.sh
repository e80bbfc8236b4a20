#!/bin/sh
# notify_after holds a message until then ("先做后告"): nothing reaches the
# gateway before that local time, and it is sent within a second after.
. "$(dirname "$0")/lib.sh"

setup
start_daemon
# local time in the court's zone, 3 s from now (whole seconds)
target=$(( $(date +%s) + 3 ))
after=$(TZ=Asia/Shanghai date -d "@$target" '+%Y-%m-%d %H:%M:%S')
step=$(sql "INSERT INTO case_steps(case_id, step_code, occurred_at, params, notify_after)
	VALUES(1, 'ENF_SEARCH', '2024-06-01 10:00', '{}', '$after');
	SELECT last_insert_rowid();")
wait_until '[ -n "$(step_field "$step" state)" ]' 5 || fail "no notification made"
[ "$(step_field "$step" state)" = pending ] || fail "state $(step_field "$step" state), want pending"
"$HUIGAOCTL" -c "$CONF" list --state pending >"$WORK/list.out" 2>&1
grep -q "held until $after (notify_after)" "$WORK/list.out" ||
	fail "huigaoctl list does not show the embargo: $(cat "$WORK/list.out")"
sleep 1
[ "$(gw_count)" = 0 ] || fail "sent before notify_after"
wait_until '[ "$(gw_count)" -ge 1 ]' 6 || fail "not sent after notify_after"
t=$(gw_eval "reqs[0]['t']")
[ "$(calc "$t >= $target")" = 1 ] || fail "received at $t, before $target"
[ "$(calc "$t < $target + 1.5")" = 1 ] || fail "received at $t, long after $target"
note "sent $(calc "$t - $target") s after notify_after"
pass
