#!/bin/sh
# A gateway whose max_in_flight slots are all taken (32 sends waiting on a
# slow answer) while the daemon-wide max_in_flight (128) still has room:
# the daemon waits for a completion instead of spinning (it did spin at a
# full core), and every message still goes out.
DELIVERY="batch = 500; max_in_flight = 128; retry_base = 1; retry_max = 2;"
. "$(dirname "$0")/lib.sh"

setup '{"default": {"status": 200, "delay": 1.5}}'
add_steps 100
start_daemon
wait_until '[ "$(count_state sending)" = 32 ]' 5 ||
	fail "$(count_state sending) sends under way, want the gateway's 32"
ticks() {
	awk '{ print $14 + $15 }' "/proc/$DAEMON_PID/stat"
}
t0=$(ticks)
sleep 1
t1=$(ticks)
# an idle wait costs ~0 ticks; a spin costs 100 (USER_HZ) per second
[ $((t1 - t0)) -le 30 ] ||
	fail "the daemon used $((t1 - t0)) ticks of CPU in 1 s while waiting for the gateway"
wait_until '[ "$(count_state sent)" = 100 ]' 20 ||
	fail "$(count_state sent) of 100 sent"
note "CPU while the gateway was full: $((t1 - t0)) ticks in 1 s"
pass
