#!/bin/sh
# campaign.sh [KILLS [MESSAGES]] - the crash campaign of issue 6.
#
# MESSAGES steps (default 20,000) are committed at once; huigaod is started
# and killed with SIGKILL at a random moment, KILLS times (default 1000),
# then started a last time to finish. At the end every message the gateway
# received is compared with the database:
#   lost      notifications not 'sent', or 'sent' but never received: must be 0
#   repeated  receipts beyond the first per key: allowed only for sends that
#             were in flight at a kill (at most max_in_flight per kill), and
#             every repeat must carry the same Idempotency-Key
# `make test` runs a short campaign (tests/e2e/t-crash-campaign-short.sh);
# run the full one by hand:  sh tests/crash/campaign.sh 1000 20000
E2E_DIR=$(cd "$(dirname "$0")/../e2e" && pwd)
. "$E2E_DIR/lib.sh"

KILLS=${1:-1000}
# the mock gateway must outlive a long campaign
GW_MAX_SECONDS=${GW_MAX_SECONDS:-7200}
MESSAGES=${2:-20000}
INFLIGHT=32
DELIVERY="batch = 500; max_in_flight = $INFLIGHT; retry_base = 1; retry_max = 2; max_attempts = 1000; max_age = 86400; poll_interval = 1;"
# a gateway answering in 5 ms keeps a run long enough to be interrupted
setup "{\"default\": {\"status\": 200, \"delay\": ${CRASH_GW_DELAY:-0.005}}}"
add_steps "$MESSAGES"
kills=0
while [ $kills -lt "$KILLS" ] && [ "$(count_state sent)" -lt "$MESSAGES" ]; do
	start_daemon
	# a random moment: 20 to 400 ms into the run
	sleep "$("$PYTHON" -c 'import random; print(random.uniform(0.02, 0.4))')"
	kill9_daemon
	kills=$((kills + 1))
done
start_daemon
# the final drain: twice the gateway's own pace, plus a margin
budget=$(awk -v m="$MESSAGES" -v d="${CRASH_GW_DELAY:-0.005}" -v f=$INFLIGHT \
	'BEGIN { printf "%d", 60 + m / 200 + 2 * m * d / f }')
wait_until '[ "$(count_state sent)" = "$MESSAGES" ]' "$budget" ||
	fail "$(count_state sent) of $MESSAGES sent after $kills kills"
stop_daemon
received=$(gw_count)
distinct=$(gw_eval "len(set(key(r) for r in reqs))")
mismatch=$(gw_eval "sum(1 for r in reqs if hdr(r, 'Idempotency-Key') != key(r))")
keys_sent=$(sql "SELECT count(*) FROM notifications WHERE state = 'sent';")
sql "SELECT key FROM notifications;" | sort >"$WORK/db.keys"
gw_eval "sorted(set(key(r) for r in reqs))" >"$WORK/gw.keys"
lost=$(comm -23 "$WORK/db.keys" "$WORK/gw.keys" | wc -l | tr -d ' ')
repeated=$((received - distinct))
note "kills $kills, messages $MESSAGES, received $received, lost $lost, repeated $repeated"
[ "$lost" = 0 ] || fail "$lost messages lost"
[ "$keys_sent" = "$MESSAGES" ] || fail "$keys_sent of $MESSAGES sent"
[ "$mismatch" = 0 ] || fail "$mismatch requests whose Idempotency-Key differs from their key"
[ "$repeated" -le $((kills * INFLIGHT)) ] ||
	fail "$repeated repeats for $kills kills: more than the in-flight sends"
echo "crash campaign: kills=$kills messages=$MESSAGES lost=$lost repeated=$repeated"
pass
