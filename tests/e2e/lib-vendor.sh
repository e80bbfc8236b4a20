# lib-vendor.sh - what the SMS-vendor tests share (sourced after lib.sh, by
# itself or through lib-aliyun.sh, lib-tencent.sh, lib-twilio.sh): the
# vendor's mock, a config routing the step to it, the step sent, and what
# became of it. send_notice sets $step; expect_sent and expect_dead set
# $id, the notification, which expect_attempts and attempt_error look at.
# ---- the vendor's mock ---------------------------------------------------
MOCK_PID=
MOCK_LOG=
MOCK_URL=

# stop_mock: stop the vendor's mock, if one was started.
stop_mock() {
	[ -n "$MOCK_PID" ] || return 0
	kill -TERM "$MOCK_PID" 2>/dev/null
	wait "$MOCK_PID" 2>/dev/null
	MOCK_PID=
}

# start_mock VENDOR ARGS...: mock_VENDOR.py ARGS on a free port, logging to
# $MOCK_LOG ($WORK/VENDOR.jsonl); sets MOCK_URL. It is stopped on exit.
start_mock() {
	_mock=$1
	shift
	MOCK_LOG=$WORK/$_mock.jsonl
	"$PYTHON" "$E2E_DIR/mock_$_mock.py" --port 0 --log "$MOCK_LOG" \
		--max-seconds 300 "$@" 2>>"$WORK/mock_$_mock.err" &
	MOCK_PID=$!
	trap 'stop_mock; e2e_cleanup' EXIT
	wait_until '[ -s "$MOCK_LOG.port" ]' 10 ||
		fail "mock_$_mock did not start: $(cat "$WORK/mock_$_mock.err")"
	MOCK_URL=http://127.0.0.1:$(cat "$MOCK_LOG.port")
}

# mock_eval PY_EXPR: a Python expression over the mock's requests (reqs,
# r = the last); prints its value.
mock_eval() {
	"$PYTHON" -c 'import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
r = reqs[-1]
print(eval(sys.argv[2]))' "$MOCK_LOG" "$1"
}

# start_hook: the backup gateway, a webhook (mockgw.py) that delivers.
start_hook() {
	start_gw '{"default": {"status": 200, "body": "{\"id\":\"hook-1\"}"}}'
}

# ---- a config routing the step to the vendor -----------------------------

# vendor_conf VENDOR GATEWAY...: write $CONF: the step ENF_DEPOSIT_FROZEN
# by SMS through these gateways in this order (routes.sms), delivery =
# { $DELIVERY }. A GATEWAY is
#   hook        the backup webhook at $GW_URL (start_hook or start_gw first)
#   NAME[:KEYS] the gateway "VENDOR_gateway NAME KEYS" prints (KEYS: more
#               settings of it), with the template "VENDOR_template NAME"
#               prints for it in the step's vendor_templates.
# The steps are ENF_DEPOSIT_FROZEN alone with those templates, or
# config/steps.conf when no gateway needs one. When status_port
# (lib-receipt.sh) has run, the status server listens on $SPORT and is the
# callback_url.
vendor_conf() {
	_vendor=$1
	shift
	_route='' _gateways='' _templates=''
	for _g in "$@"; do
		_name=${_g%%:*}
		_keys=
		case $_g in *:*) _keys=${_g#*:} ;; esac
		_route="$_route${_route:+, }\"$_name\""
		if [ "$_name" = hook ]; then
			_gw="{ name = \"hook\"; type = \"webhook\"; url = \"$GW_URL\"; allow_http = true; }"
		else
			_gw=$("${_vendor}_gateway" "$_name" "$_keys")
			_templates="$_templates$("${_vendor}_template" "$_name")"
		fi
		_gateways="$_gateways${_gateways:+,
}  $_gw"
	done
	_steps="@include \"$ROOT/config/steps.conf\""
	[ -z "$_templates" ] || _steps="steps = {
  ENF_DEPOSIT_FROZEN = {
    label = \"冻结银行存款\"; notify = [ \"applicant\", \"agent\" ];
    text = \"{case_no}案已冻结被执行人银行存款{amount}元。\";
    vendor_templates = {$_templates
    };
  };
};"
	_status=
	[ -z "${SPORT:-}" ] ||
		_status="status = { listen = \"127.0.0.1:$SPORT\"; callback_url = \"$S\"; };"
	cat >"$CONF.tmp" <<-EOC
	database = "$DB";
	timezone = "Asia/Shanghai";
	courts = { gy = { name = "沽源县人民法院"; sign = "$COURT_SIGN"; }; };
	$_steps
	routes = { sms = [ $_route ]; };
	gateways = (
	$_gateways
	);
	delivery = { $DELIVERY };
	$_status
	EOC
	mv "$CONF.tmp" "$CONF"
}

# ---- the step sent, and what became of it -------------------------------

# send_notice [PARAMS_JSON]: schema, case 1 with its applicant, the daemon,
# and the step ENF_DEPOSIT_FROZEN (amount 123456.78 unless PARAMS_JSON);
# sets step.
send_notice() {
	[ $# -gt 0 ] || set -- '{"amount":"123456.78"}'
	init_db
	seed_case
	start_daemon
	add_step ENF_DEPOSIT_FROZEN "$1"
	step=$LAST_STEP
}

# expect_sent [GATEWAY [HINT]]: the step's notification is sent within
# 10 s (HINT added to the failure), by GATEWAY when given; sets id.
expect_sent() {
	wait_until '[ "$(step_field "$step" state)" = sent ]' 10 ||
		fail "state $(step_field "$step" state): $(step_field "$step" last_error)${2:+ $2}"
	if [ -n "${1:-}" ]; then
		[ "$(step_field "$step" gateway)" = "$1" ] || fail "sent by $(step_field "$step" gateway)"
	fi
	id=$(step_field "$step" id)
}

# expect_dead LAST_ERROR: the step's notification is dead within 10 s,
# still dead a second later, with this last_error; sets id.
expect_dead() {
	wait_until '[ "$(step_field "$step" state)" = dead ]' 10 ||
		fail "state $(step_field "$step" state): $(step_field "$step" last_error)"
	sleep 1
	[ "$(step_field "$step" state)" = dead ] || fail "left dead: $(step_field "$step" state)"
	[ "$(step_field "$step" last_error)" = "$1" ] ||
		fail "last_error: $(step_field "$step" last_error)"
	id=$(step_field "$step" id)
}

# what expect_attempts shows of an attempt: its status, or its error
BY_STATUS="gateway || ' ' || outcome || ' ' || ifnull(http_status, '-')"
BY_ERROR="gateway || ' ' || outcome || ': ' || ifnull(error, '')"

# expect_attempts WANT [SQL_EXPR [SEPARATOR]]: the attempts at notification
# $id, in order, each shown as SQL_EXPR (default $BY_STATUS), joined with
# SEPARATOR (default ", "), are WANT.
expect_attempts() {
	_got=$(sql "SELECT group_concat(${2:-$BY_STATUS}, '${3:-, }')
		FROM (SELECT * FROM attempts WHERE notification_id = $id ORDER BY id);")
	[ "$_got" = "$1" ] || fail "attempts: $_got"
}

# attempt_error GATEWAY: the error recorded by GATEWAY's attempt at
# notification $id.
attempt_error() {
	sql "SELECT error FROM attempts WHERE notification_id = $id AND gateway = '$1';"
}

# expect_error GATEWAY WANT: GATEWAY's attempt at notification $id recorded
# the error WANT (noted for the runner's summary).
expect_error() {
	_err=$(attempt_error "$1")
	[ "$_err" = "$2" ] || fail "the attempt's error: $_err"
	note "recorded: $_err"
}
# --------------------------------------------------------------------------
