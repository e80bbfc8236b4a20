#!/bin/sh
# Fault matrix: the disk under the database fills up while messages are
# being claimed and recorded: no crash, a readable log line, no loss; when
# space returns every message ends 'sent'. Needs root to mount a small
# tmpfs; skipped elsewhere.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root to mount a tmpfs"
MNT=$WORK/small
mkdir -p "$MNT"
mount -t tmpfs -o size=16m tmpfs "$MNT" 2>"$WORK/mount.err" || skip "cannot mount tmpfs: $(cat "$WORK/mount.err")"
cleanup_mount() { umount -l "$MNT" 2>/dev/null; }
trap 'cleanup_mount; e2e_cleanup' EXIT
start_gw '{"default": {"status": 200, "delay": 0.05}}'
DB=$MNT/huigao.db
DELIVERY="max_in_flight = 4; retry_base = 1; retry_max = 2;"
write_conf
init_db
seed_case
add_steps 300
start_daemon
wait_until '[ "$(gw_count)" -ge 20 ]' 10 || fail "the drain did not start"
# fill what is left: huigaod's claims and records now fail with SQLITE_FULL
dd if=/dev/zero of="$MNT/filler" bs=4k >/dev/null 2>&1
sleep 3
daemon_alive || fail "the daemon died on a full disk"
[ "$(log_count "database")" -ge 1 ] || fail "no log line about the database"
rm -f "$MNT/filler"
kill -HUP "$DAEMON_PID"
wait_until '[ "$(count_state sent)" = 300 ]' 20 || fail "$(count_state sent) of 300 sent after space returned"
[ "$(gw_eval "len(set(key(r) for r in reqs))")" = 300 ] || fail "keys missing at the gateway"
note "$(gw_count) requests for 300 messages across the full disk"
pass
