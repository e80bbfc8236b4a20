#!/bin/sh
# Outside the sending window a normal step waits (pending, next attempt at
# the window's opening) while an urgent step goes out at once.
. "$(dirname "$0")/lib.sh"

setup
# a one-minute window twelve hours away, in the court's time zone
open=$(TZ=Asia/Shanghai date -d '+12 hours' '+%H:%M')
close=$(TZ=Asia/Shanghai date -d '+12 hours 1 minute' '+%H:%M')
cat >"$CONF" <<EOC
database = "$DB";
timezone = "Asia/Shanghai";
courts = { gy = { name = "沽源县人民法院"; sign = "沽源县人民法院"; }; };
steps = {
  ENF_SEARCH = { label = "搜查"; notify = [ "applicant" ];
    text = "{case_no}案已依法对被执行人住所进行搜查。"; };
  ENF_DETAINED = { label = "司法拘留"; notify = [ "applicant" ]; urgent = true;
    text = "{case_no}案已对被执行人司法拘留{days}日。"; };
};
routes = { sms = [ "hook" ]; };
gateways = ( { name = "hook"; type = "webhook"; url = "$GW_URL"; allow_http = true; } );
delivery = { window = "$open-$close"; retry_base = 1; };
EOC
start_daemon
add_step ENF_SEARCH '{}'
normal=$LAST_STEP
add_step ENF_DETAINED '{"days":"15"}'
urgent=$LAST_STEP
wait_until '[ "$(step_field "$urgent" state)" = sent ]' 5 || fail "urgent step not sent"
sleep 1
[ "$(step_field "$normal" state)" = pending ] || fail "normal step is $(step_field "$normal" state)"
[ "$(gw_count)" = 1 ] || fail "$(gw_count) requests, want only the urgent one"
"$HUIGAOCTL" -c "$CONF" list --state pending >"$WORK/list.out" 2>&1
grep ENF_SEARCH "$WORK/list.out" | grep -q "waits for the sending window $open-$close" ||
	fail "huigaoctl list does not say the step waits for the window: $(cat "$WORK/list.out")"
pass
