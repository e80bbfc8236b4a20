#!/bin/sh
# A step code the configuration does not know ends 'dead' with a reason;
# after the administrator adds it and reloads, huigaoctl retry renders and
# sends it.
. "$(dirname "$0")/lib.sh"

setup
start_daemon
add_step LOCAL_VISIT '{"judge":"王法官"}'
step=$LAST_STEP
wait_until '[ "$(step_field "$step" state)" = dead ]' 5 || fail "not dead"
case $(step_field "$step" last_error) in
*'unknown step code "LOCAL_VISIT"'*) ;;
*) fail "reason: $(step_field "$step" last_error)" ;;
esac
# a configuration of our own with the new step added
cat >"$CONF" <<EOC
database = "$DB";
courts = { gy = { name = "沽源县人民法院"; sign = "沽源县人民法院"; }; };
steps = {
  LOCAL_VISIT = { label = "上门走访"; notify = [ "applicant" ];
    text = "{case_no}案承办人{judge}已上门走访被执行人。"; };
};
routes = { sms = [ "hook" ]; };
gateways = ( { name = "hook"; type = "webhook"; url = "$GW_URL"; allow_http = true; } );
delivery = { $DELIVERY };
EOC
hup_daemon
wait_until '[ "$(log_count "reloaded")" -ge 1 ]' 5 || fail "not reloaded"
"$HUIGAOCTL" -c "$CONF" retry "$(step_field "$step" id)" >"$WORK/retry.out" 2>&1 ||
	fail "huigaoctl retry failed: $(cat "$WORK/retry.out")"
wait_until '[ "$(step_field "$step" state)" = sent ]' 5 ||
	fail "state $(step_field "$step" state) after retry: $(step_field "$step" last_error)"
text=$(gw_eval "reqs[0]['json']['text']")
[ "$text" = "【沽源县人民法院】(2024)冀0724执1234号案承办人王法官已上门走访被执行人。" ] ||
	fail "text: $text"
pass
