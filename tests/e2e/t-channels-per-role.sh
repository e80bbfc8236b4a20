#!/bin/sh
# Channel policy: a step sent by SMS, and by WeChat to parties with an
# openid, with e-mail added for agents (channels_by_role). Each channel is
# its own notification with its own state; a party without an address for
# an optional channel simply gets no row for it.
. "$(dirname "$0")/lib.sh"

start_gw
cat >"$CONF" <<EOC
database = "$DB";
courts = { gy = { name = "沽源县人民法院"; sign = "沽源县人民法院"; }; };
steps = {
  ENF_DEPOSIT_FROZEN = { label = "冻结银行存款"; notify = [ "applicant", "agent" ];
    text = "{case_no}案已冻结被执行人银行存款{amount}元。";
    channels = [ "sms", "wechat" ];
    channels_by_role = { agent = [ "sms", "email" ]; }; };
};
routes = { sms = [ "hook" ]; wechat = [ "wx" ]; email = [ "mail" ]; };
gateways = (
  { name = "hook"; type = "webhook"; url = "$GW_URL"; allow_http = true; },
  { name = "wx"; type = "file"; path = "$WORK/wechat.jsonl"; },
  { name = "mail"; type = "file"; path = "$WORK/mail.jsonl"; }
);
EOC
init_db
sql "INSERT INTO cases(case_no, court) VALUES('$CASE_NO','gy');
     INSERT INTO parties(case_id, role, name, phone, wechat_openid)
       VALUES(1,'applicant','王小明','13812345678','oAbCdEf_123');
     INSERT INTO parties(case_id, role, name, phone)
       VALUES(1,'applicant','钱某','13600003333');
     INSERT INTO parties(case_id, role, name, phone, email, wechat_openid)
       VALUES(1,'agent','赵律师','13900001111','zhao@lawfirm.example','oZhao');"
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"100.00"}'
wait_until '[ "$(count_state sent)" = 5 ]' 5 ||
	fail "$(count_state sent) sent, want 5: $(sql "SELECT party_id, channel, state, last_error FROM notifications")"
got=$(sql "SELECT group_concat(party_id || ':' || channel, ' ') FROM
	(SELECT * FROM notifications ORDER BY party_id, channel);")
[ "$got" = "1:sms 1:wechat 2:sms 3:email 3:sms" ] || fail "rows: $got"
[ "$(gw_count)" = 3 ] || fail "$(gw_count) SMS sent, want 3"
grep -q '"to":"oAbCdEf_123"' "$WORK/wechat.jsonl" || fail "no WeChat message to the openid"
grep -q '"to":"zhao@lawfirm.example"' "$WORK/mail.jsonl" || fail "no e-mail to the agent"
[ "$(wc -l <"$WORK/mail.jsonl" | tr -d ' ')" = 1 ] || fail "e-mail went to more than the agent"
pass
