#!/bin/sh
# The status server: /healthz answers 200; /metrics is valid Prometheus
# text (checked by the format's rules, and by promtool when installed) and
# its counters move as messages flow; /v1/status is JSON; with a token the
# monitoring endpoints need it; malformed and unknown receipts are refused
# with 4xx and counted, and change nothing.
. "$(dirname "$0")/lib.sh"

start_gw
reserve_port_only() {
	"$PYTHON" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
SPORT=$(reserve_port_only)
S=http://127.0.0.1:$SPORT
echo "s3cret-token" >"$WORK/token"
chmod 600 "$WORK/token"
write_conf "status = { listen = \"127.0.0.1:$SPORT\"; token_file = \"$WORK/token\"; };"
init_db
seed_case
start_daemon
wait_until "curl -fsS $S/healthz >/dev/null 2>&1" 5 || fail "no /healthz on $S"
[ "$(curl -sS $S/healthz)" = ok ] || fail "/healthz: $(curl -sS $S/healthz)"

code=$(curl -s -o /dev/null -w '%{http_code}' $S/metrics)
[ "$code" = 401 ] || fail "/metrics without the token answered $code, want 401"
AUTH="Authorization: Bearer s3cret-token"
metrics() {
	curl -fsS -H "$AUTH" "$S/metrics" >"$WORK/metrics.txt" || fail "/metrics failed"
	"$PYTHON" "$E2E_DIR/promcheck.py" "$WORK/metrics.txt" >"$WORK/metrics.json" ||
		fail "/metrics is not valid Prometheus text"
	if command -v promtool >/dev/null 2>&1; then
		promtool check metrics <"$WORK/metrics.txt" >"$WORK/promtool.out" 2>&1 ||
			fail "promtool: $(cat "$WORK/promtool.out")"
	fi
}
# metric KEY: a sample's value from the last scrape (0 when absent)
metric() {
	"$PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1])); print(int(d.get(sys.argv[2], 0)))' "$WORK/metrics.json" "$1"
}
metrics
[ "$(metric 'huigao_notifications{state="sent"}')" = 0 ] || fail "sent before anything was sent"

add_steps 3
wait_until '[ "$(count_state sent)" = 3 ]' 5 || fail "not sent"
metrics
[ "$(metric 'huigao_notifications{state="sent"}')" = 3 ] || fail "notifications{sent} did not move"
[ "$(metric 'huigao_attempts_total{gateway="hook",outcome="ok"}')" = 3 ] || fail "attempts_total did not move"
[ "$(metric 'huigao_commit_to_sent_seconds_count{}')" = 3 ] || fail "latency histogram did not count"
[ "$(metric 'huigao_gateway_breaker_state{gateway="hook"}')" = 0 ] || fail "breaker not closed"

curl -fsS -H "$AUTH" "$S/v1/status" | "$PYTHON" -c 'import json, sys
d = json.load(sys.stdin); assert d["notifications"]["sent"] == 3, d' ||
	fail "/v1/status JSON wrong"

# the court report as JSON; a bad date is the caller's error
curl -fsS -H "$AUTH" "$S/v1/report?from=2024-01-01&to=2024-12-31" >"$WORK/report.json" ||
	fail "/v1/report failed"
"$PYTHON" -c 'import json, sys; json.load(open(sys.argv[1]))' "$WORK/report.json" ||
	fail "/v1/report is not JSON"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" "$S/v1/report?from=2024-13-01")
[ "$code" = 400 ] || fail "/v1/report with a bad date answered $code, want 400"

# receipts that must be refused
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d 'garbage' "$S/v1/receipts/aliyun")
[ "$code" = 400 ] || fail "garbage receipt answered $code, want 400"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
	-d '[{"success":true,"biz_id":"nope","out_id":"hg-999-1-sms"}]' "$S/v1/receipts/aliyun")
[ "$code" = 404 ] || fail "unknown receipt answered $code, want 404"
code=$(curl -s -o /dev/null -w '%{http_code}' "$S/v1/receipts/kannel?key=hg-1-1-sms&token=0000&status=1")
[ "$code" = 403 ] || fail "forged Kannel token answered $code, want 403"
metrics
[ "$(metric 'huigao_receipts_total{result="rejected",reason="garbage"}')" = 1 ] || fail "garbage not counted"
[ "$(metric 'huigao_receipts_total{result="rejected",reason="unknown"}')" = 1 ] || fail "unknown not counted"
[ "$(metric 'huigao_receipts_total{result="rejected",reason="forged"}')" = 1 ] || fail "forged not counted"
[ "$(count_state delivered)" = 0 ] || fail "a rejected receipt changed a notification"
pass
