#!/bin/sh
# Staff alerts: a notification gone dead and a gateway's circuit opening
# reach the WeCom robot as one aggregated message within the 10 s window,
# with the phone number masked and no message body of the applicant.
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
    breaker_failures = 1; breaker_cooldown = 60; connect_timeout = 1; },
  { name = "team"; type = "wecom"; webhook = "$ROBOT_URL"; allow_http = true; }
);
alerts = [ "team" ];
delivery = { max_attempts = 1; };
EOC
init_db
seed_case
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"123456.78"}'
step=$LAST_STEP
wait_until '[ "$(step_field "$step" state)" = dead ]' 5 || fail "not dead"
wait_until '[ "$(gw_count)" -ge 1 ]' 15 || fail "no alert reached the robot"
sleep 0.5
[ "$(gw_count)" = 1 ] || fail "$(gw_count) robot messages, want one aggregated"
text=$(gw_eval "reqs[0]['json']['text']['content']")
case $text in *"发送失败"*) ;; *) fail "no dead-notice line: $text" ;; esac
case $text in *"网关 down 熔断"*) ;; *) fail "no circuit line: $text" ;; esac
case $text in *"138****5678"*) ;; *) fail "phone not shown masked: $text" ;; esac
case $text in *13812345678*) fail "full phone number in the alert" ;; esac
case $text in *"123456.78元"*) fail "the applicant's text is in the alert" ;; esac
pass
