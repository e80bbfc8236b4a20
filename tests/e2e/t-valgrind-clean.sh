#!/bin/sh
# The daemon under valgrind through a whole life: start, deliver (one 500
# then 200, so retries run), SIGHUP reload, receipts and metrics requests,
# SIGTERM. valgrind must report no error and no leak (definite, indirect or
# possible); its exit code 99 would say otherwise. Skipped in the ASan
# build (the two do not mix).
. "$(dirname "$0")/lib.sh"

command -v valgrind >/dev/null || skip "valgrind not installed"
case $BUILD in *asan*) skip "ASan build: valgrind does not run sanitized binaries" ;; esac
HUIGAO_WRAP="valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --log-file=$WORK/valgrind.%p.log"
SLOW=5
setup '{"responses": [{"status": 500}], "default": {"status": 200}}'
write_conf "status = { listen = \"127.0.0.1:$(reserve_port; echo "$GW_PORT")\"; };"
start_daemon
add_steps 20
wait_until '[ "$(count_state sent)" = 20 ]' 60 || fail "$(count_state sent) of 20 sent under valgrind"
hup_daemon
wait_until '[ "$(log_count "reloaded")" -ge 1 ]' 30 || fail "not reloaded"
stop_daemon
grep -h "ERROR SUMMARY" "$WORK"/valgrind.*.log >"$WORK/summary" || fail "no valgrind summary"
grep -q "ERROR SUMMARY: 0 errors" "$WORK/summary" || fail "valgrind: $(cat "$WORK/summary")"
note "$(head -n 1 "$WORK/summary" | sed 's/^==[0-9]*== //')"
pass
