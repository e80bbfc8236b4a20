#!/bin/sh
# A backlog alert: while the only gateway is down, the oldest pending
# message grows older than delivery.backlog_alert (2 s here) and the robot
# hears of it once, with the count of waiting messages.
. "$(dirname "$0")/lib.sh"

start_gw '{"default": {"status": 200, "body": {"errcode": 0, "errmsg": "ok"}}}'
ROBOT_URL=$GW_URL
reserve_port
cat >"$CONF" <<EOC
database = "$DB";
courts = { gy = { name = "沽源县人民法院"; sign = "沽源县人民法院"; }; };
@include "$ROOT/config/steps.conf"
routes = { sms = [ "down" ]; };
gateways = (
  { name = "down"; type = "webhook"; url = "$GW_URL"; allow_http = true;
    connect_timeout = 1; breaker_failures = 1000; },
  { name = "team"; type = "dingtalk"; webhook = "$ROBOT_URL?access_token=t"; allow_http = true;
    secret = "SEC0123456789"; }
);
alerts = [ "team" ];
delivery = { retry_base = 60; backlog_alert = 2; };
EOC
init_db
seed_case
start_daemon
add_steps 3
wait_until '[ "$(gw_count)" -ge 1 ]' 20 || fail "no backlog alert reached the robot"
text=$(gw_eval "reqs[0]['json']['text']['content']")
case $text in *"积压"*"共 3 条待发"*) ;; *) fail "alert text: $text" ;; esac
case $(gw_eval "reqs[0]['path']") in *sign=*) ;; *) fail "DingTalk request not signed" ;; esac
sleep 3
[ "$(gw_count)" = 1 ] || fail "$(gw_count) backlog alerts in a few seconds, want one"
pass
