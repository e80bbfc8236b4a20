#!/bin/sh
# kill -9 at fixed points of a send, through the test hook: right after the
# claim (nothing went out: no repeat), after the gateway answered but before
# the outcome was recorded (those sends repeat), and just before recording a
# batch (that batch repeats). After a restart: nothing lost, repeats bounded
# by the sends in flight, every repeat with the same Idempotency-Key.
. "$(dirname "$0")/lib.sh"

INFLIGHT=8
DELIVERY="batch = 50; max_in_flight = $INFLIGHT; retry_base = 1; retry_max = 2; max_attempts = 100; max_age = 3600; poll_interval = 1;"
setup
N=200
report=
for point in after-claim after-send before-record; do
	sql "DELETE FROM attempts; DELETE FROM notifications; DELETE FROM case_steps;
	     DELETE FROM step_events; UPDATE huigao_state SET value = '0' WHERE key = 'events_hwm';"
	gw_plan '{"default": {"status": 200}}'
	before=$(gw_count)
	add_steps $N
	# the first claim (nothing in flight yet), else the third time
	HUIGAO_TEST_KILL_AT=$point HUIGAO_TEST_KILL_AFTER=3
	[ $point = after-claim ] && HUIGAO_TEST_KILL_AFTER=1
	export HUIGAO_TEST_KILL_AT HUIGAO_TEST_KILL_AFTER
	start_daemon
	wait_until daemon_exited 10 || fail "$point: the hook did not kill the daemon"
	DAEMON_PID=
	unset HUIGAO_TEST_KILL_AT HUIGAO_TEST_KILL_AFTER
	grep -q "test hook: killing myself at $point" "$DAEMON_LOG" || fail "$point: hook not reached"
	start_daemon
	wait_until '[ "$(count_state sent)" = $N ]' 15 || fail "$point: $(count_state sent) of $N sent"
	stop_daemon
	got=$(gw_eval "len([r for r in reqs[$before:]])")
	distinct=$(gw_eval "len(set(key(r) for r in reqs[$before:]))")
	mismatch=$(gw_eval "sum(1 for r in reqs[$before:] if hdr(r, 'Idempotency-Key') != key(r))")
	[ "$distinct" = $N ] || fail "$point: $distinct of $N keys received (lost $((N - distinct)))"
	[ "$mismatch" = 0 ] || fail "$point: a repeat with another key"
	rep=$((got - distinct))
	[ $rep -le $INFLIGHT ] || fail "$point: $rep repeats, more than $INFLIGHT in flight"
	[ $point != after-claim ] || [ $rep = 0 ] || fail "after-claim: $rep repeats, want 0"
	report="$report $point=$rep"
done
note "repeats per kill point:$report (lost 0)"
pass
