# lib-wechat.sh - the mock WeChat API and a config routing the step to it (sourced after lib.sh).
# ---- the mock WeChat API and a config routing the step to it -------------
WX_SECRET=Fake+WeChat/Secret=0001
WX_LOG=$WORK/wechat.jsonl
OPENID=oAbCdEf_123-xyz

# start_wx [EXPIRES_IN]: the mock on a free port; its pid is cleaned up as GW_PID.
start_wx() {
	"$PYTHON" "$E2E_DIR/mock_wechat.py" --port 0 --log "$WX_LOG" \
		--app-id wxTESTAPPID --app-secret "$WX_SECRET" \
		--expires-in "${1:-7200}" --max-seconds 600 2>>"$WORK/mock_wechat.err" &
	GW_PID=$!
	wait_until '[ -s "$WX_LOG.port" ]' 10 ||
		fail "mock WeChat did not start: $(cat "$WORK/mock_wechat.err")"
	WX_URL=http://127.0.0.1:$(cat "$WX_LOG.port")
}

# wx_call METHOD PATH: a control call to the mock; prints the answer.
wx_call() {
	"$PYTHON" -c 'import sys, urllib.request as u
r = u.Request(sys.argv[1], method=sys.argv[2], data=b"{}" if sys.argv[2] == "POST" else None)
print(u.urlopen(r, timeout=5).read().decode())' "$WX_URL$2" "$1" ||
		fail "mock WeChat: $1 $2 failed"
}

# wx_state KEY: a counter of the mock (fetches, sends, ok, refused).
wx_state() {
	wx_call GET /_state | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# wx_eval PY_EXPR: a Python expression over the mock's log, where `sends`
# and `fetches` are the logged calls; prints the value.
wx_eval() {
	"$PYTHON" - "$WX_LOG" "$1" <<-'PY'
	import json, sys
	log = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
	sends = [e for e in log if e["kind"] == "send"]
	fetches = [e for e in log if e["kind"] == "token"]
	v = eval(sys.argv[2])
	print(int(v) if isinstance(v, bool) else v)
	PY
}

# write_wx_conf [SECRET]: the step ENF_DEPOSIT_FROZEN by WeChat only.
write_wx_conf() {
	(umask 077; printf '%s\n' "${1:-$WX_SECRET}" >"$WORK/wx.secret.tmp") &&
		mv "$WORK/wx.secret.tmp" "$WORK/wx.secret"
	cat >"$CONF.tmp" <<-EOC
	database = "$DB";
	timezone = "Asia/Shanghai";
	courts = { gy = { name = "沽源县人民法院"; sign = "沽源县人民法院"; }; };
	steps = {
	  ENF_DEPOSIT_FROZEN = { label = "冻结银行存款"; notify = [ "applicant" ];
	    text = "{case_no}案已冻结被执行人银行存款{amount}元。";
	    channels = [ "wechat" ];
	    vendor_templates = { wx = { id = "TPL_FROZEN";
	      params = [ "keyword1=case_no", "keyword2=step", "keyword3=amount" ]; }; }; };
	};
	routes = { wechat = [ "wx" ]; };
	gateways = ( { name = "wx"; type = "wechat"; endpoint = "$WX_URL";
	  allow_http = true; app_id = "wxTESTAPPID"; app_secret_file = "$WORK/wx.secret"; } );
	delivery = { $DELIVERY };
	EOC
	mv "$CONF.tmp" "$CONF"
}

# setup_wx [EXPIRES_IN]: mock, config, schema, case 1 with an applicant who follows.
setup_wx() {
	start_wx "${1:-7200}"
	write_wx_conf
	init_db
	sql "INSERT INTO cases(case_no, court) VALUES('$CASE_NO','gy');
	     INSERT INTO parties(case_id, role, name, phone, wechat_openid)
	     VALUES(1,'applicant','王小明','$PHONE','$OPENID');" ||
		fail "could not seed the case"
}
# --------------------------------------------------------------------------
