#!/bin/sh
# kill -9 in the middle of draining 3,000 notifications loses nothing: after
# a restart all are 'sent', every key reached the gateway, and only the
# in-flight ones (at most max_in_flight) were sent twice, with the same key.
. "$(dirname "$0")/lib.sh"

MAX_IN_FLIGHT=32
setup '{"responses": [], "default": {"status": 200, "body": "{\"ok\":true}", "delay": 0.002}}'
add_steps 3000
start_daemon
wait_until '[ "$(gw_count)" -ge 300 ]' 30 || fail "only $(gw_count) requests before the kill"
kill9_daemon
at_kill=$(gw_count)
[ "$at_kill" -lt 3000 ] || fail "all 3000 were received before the kill; nothing to prove"

start_daemon
wait_until '[ "$(count_state sent)" -ge 3000 ]' 60 ||
	fail "after the restart only $(count_state sent) of 3000 sent"
sleep 0.5

[ "$(sql 'SELECT count(*) FROM notifications;')" = 3000 ] ||
	fail "$(sql 'SELECT count(*) FROM notifications;') notifications, want 3000"
sql 'SELECT key FROM notifications;' >"$WORK/keys"
missing=$(gw_eval "len(set(open('$WORK/keys').read().split()) - {key(r) for r in reqs})")
[ "$missing" = 0 ] || fail "$missing keys never reached the gateway"

received=$(gw_count)
distinct=$(gw_eval "len({key(r) for r in reqs})")
repeats=$((received - distinct))
twice=$(gw_eval "sum(1 for n in __import__('collections').Counter(key(r) for r in reqs).values() if n > 1)")
most=$(gw_eval "max(__import__('collections').Counter(key(r) for r in reqs).values())")
note "received $received, distinct $distinct, repeats $repeats (killed at $at_kill)"
[ "$twice" -le "$MAX_IN_FLIGHT" ] ||
	fail "$twice keys repeated, want at most max_in_flight = $MAX_IN_FLIGHT"
[ "$most" -le 2 ] || fail "a key was received $most times after one crash"
[ "$(gw_eval "sum(1 for r in reqs if hdr(r, 'Idempotency-Key') != key(r))")" = 0 ] ||
	fail "some Idempotency-Key headers differ from the body key"
pass
