#!/bin/sh
# Fault matrix: the court's application holds an exclusive lock on the
# database for 10 s while steps wait and a step is written inside the lock:
# no crash, a readable log line about the lock, and every message
# delivered once the lock is released.
. "$(dirname "$0")/lib.sh"

setup
start_daemon
add_steps 20
wait_until '[ "$(count_state sent)" = 20 ]' 10 || fail "warm-up not sent"
"$PYTHON" - "$DB" <<'EOP' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
db.execute("BEGIN EXCLUSIVE")
db.execute("INSERT INTO case_steps(case_id, step_code, occurred_at, params)"
           " VALUES(1, 'ENF_DEPOSIT_FROZEN', '2024-06-01 10:00', '{\"amount\":\"9.00\"}')")
time.sleep(10)
db.execute("COMMIT")
EOP
locker=$!
sleep 1
kill -HUP "$DAEMON_PID" 2>/dev/null	# make it try to read and write now
wait "$locker" || fail "the lock holder failed"
wait_until '[ "$(count_state sent)" = 21 ]' 10 || fail "$(count_state sent) of 21 sent after the lock"
daemon_alive || fail "the daemon died under the lock"
[ "$(gw_count)" = 21 ] || fail "$(gw_count) requests for 21 messages"
pass
