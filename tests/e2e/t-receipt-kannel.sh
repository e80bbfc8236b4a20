#!/bin/sh
# Kannel's delivery report: the dlr-url huigaod gave Kannel (with its
# per-message token) moves the notification to 'delivered' when Kannel
# calls it with status 1; an intermediate report (8, delivered to the SMSC)
# changes nothing; a wrong token is refused with 403.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/lib-receipt.sh"
. "$E2E_DIR/lib-vendor.sh"

start_gw '{"default": {"status": 202, "body": "0: Accepted for delivery"}}'
status_port
cat >"$CONF" <<EOC
database = "$DB";
courts = { gy = { name = "沽源县人民法院"; sign = "沽源县人民法院"; }; };
@include "$ROOT/config/steps.conf"
routes = { sms = [ "kn" ]; };
gateways = ( { name = "kn"; type = "kannel"; url = "http://127.0.0.1:$GW_PORT/cgi-bin/sendsms";
    allow_http = true; username = "huigao"; password = "e2e-pass"; from = "10690001"; } );
status = { listen = "127.0.0.1:$SPORT"; callback_url = "$S"; };
EOC
send_notice '{"amount":"1.00"}'
expect_sent
dlr=$(gw_eval "__import__('urllib.parse').parse.parse_qs(__import__('urllib.parse').parse.urlsplit(reqs[0]['path']).query)['dlr-url'][0]")
case $dlr in "$S/v1/receipts/kannel?"*token=*status=%d*) ;; *) fail "dlr-url: $dlr" ;; esac
code=$(curl -s -o /dev/null -w '%{http_code}' "$(echo "$dlr" | sed 's/%d/8/')")
[ "$code" = 200 ] || fail "intermediate report answered $code"
[ "$(step_field "$step" state)" = sent ] || fail "an intermediate report changed the state"
forged=$(echo "$dlr" | sed 's/token=[0-9a-f]*/token=00000000000000000000000000000000/; s/%d/1/')
code=$(curl -s -o /dev/null -w '%{http_code}' "$forged")
[ "$code" = 403 ] || fail "a wrong token answered $code, want 403"
[ "$(step_field "$step" state)" = sent ] || fail "a forged report changed the state"
code=$(curl -s -o /dev/null -w '%{http_code}' "$(echo "$dlr" | sed 's/%d/1/')")
[ "$code" = 200 ] || fail "the genuine report answered $code"
[ "$(step_field "$step" state)" = delivered ] || fail "state $(step_field "$step" state), want delivered"
pass
