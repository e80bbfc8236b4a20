# lib.sh - helpers for the huigao end-to-end tests (POSIX sh; sourced).
#
#   . "$(dirname "$0")/lib.sh"
#
# Each test gets a fresh work dir $WORK (kept on failure), a mock webhook
# gateway (mockgw.py), a config $CONF, a database $DB, and the daemon from
# $BUILD (default build, relative to the repo root).  Every wait is bounded.
# Exit codes: 0 pass, 1 fail, 77 skip.
#
# Environment:
#   BUILD                 build dir (default build)
#   HUIGAO_WRAP           prefix for the daemon command (e.g. valgrind ...)
#   HUIGAO_E2E_SLOW       multiply every time bound by this (default 1; 5 if
#                         HUIGAO_WRAP is set)
#   HUIGAO_E2E_KEEP=1     keep $WORK even when the test passes

TEST=$(basename "$0")
E2E_DIR=${E2E_DIR:-$(cd "$(dirname "$0")" && pwd)}
ROOT=$(cd "$E2E_DIR/../.." && pwd)
cd "$ROOT" || exit 1

BUILD=${BUILD:-build}
case $BUILD in /*) BUILD_DIR=$BUILD ;; *) BUILD_DIR=$ROOT/$BUILD ;; esac
HUIGAOD=$BUILD_DIR/huigaod
HUIGAOCTL=$BUILD_DIR/huigaoctl
PYTHON=${PYTHON:-python3}
if [ -n "${HUIGAO_WRAP:-}" ]; then SLOW=${HUIGAO_E2E_SLOW:-5}; else SLOW=${HUIGAO_E2E_SLOW:-1}; fi

DAEMON_PID=
GW_PID=
GW_PORT=
GW_URL=
LAST_STEP=

# ---- outcome ---------------------------------------------------------------

skip() {
	echo "SKIP: $TEST: $*"
	exit 77
}

fail() {
	echo "FAIL: $TEST: $*"
	if [ -n "$DAEMON_PID" ] && daemon_exited; then
		echo "(the daemon had exited, status $(daemon_rc))"
	fi
	if [ -s "$WORK/huigaod.log" ]; then
		echo "--- tail of $WORK/huigaod.log"
		tail -n 30 "$WORK/huigaod.log"
		echo "---"
	fi
	E2E_FAILED=1
	exit 1
}

# pass: the daemon, if still running, must also stop cleanly on SIGTERM
# (exit 0) - under HUIGAO_WRAP=valgrind this is where memory errors show.
pass() {
	[ -n "$DAEMON_PID" ] && stop_daemon
	echo "PASS: $TEST"
	exit 0
}

# note TEXT: a measurement or fact worth seeing in the runner's summary.
note() {
	echo "note: $*"
}

# ---- time and waiting ------------------------------------------------------

# now: wall-clock time as seconds with a fraction.
now() {
	_now=$(date +%s.%N)
	case $_now in *N*) _now=$("$PYTHON" -c 'import time; print(time.time())') ;; esac
	echo "$_now"
}

# calc EXPR: floating-point arithmetic and comparisons (awk; a comparison
# prints 1 or 0).  The parentheses keep ">" from meaning a redirection;
# OFMT keeps a time from being printed as 1.79582e+09.
calc() {
	awk "BEGIN { OFMT = \"%.6f\"; print ($1) }" </dev/null
}

# wait_until "shell condition" SECONDS: poll every 0.05 s; false on timeout.
# The condition is eval'ed here: it cannot use the caller's $1, $2, ...
wait_until() {
	_deadline=$(calc "$(now) + $2 * $SLOW")
	_polls=$(calc "int($2 * $SLOW * 20) + 1")	# a backstop bound
	while ! eval "$1"; do
		_polls=$((_polls - 1))
		[ "$_polls" -le 0 ] && return 1
		[ "$(calc "$(now) > $_deadline")" = 1 ] && return 1
		sleep 0.05
	done
	return 0
}

# ---- work dir and cleanup --------------------------------------------------

e2e_cleanup() {
	if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		kill -KILL "$DAEMON_PID" 2>/dev/null
	fi
	if [ -n "$GW_PID" ]; then
		kill -TERM "$GW_PID" 2>/dev/null
		wait "$GW_PID" 2>/dev/null
	fi
	if [ -z "${E2E_FAILED:-}" ] && [ -z "${HUIGAO_E2E_KEEP:-}" ]; then
		rm -rf "$WORK"
	else
		echo "work dir kept: $WORK"
	fi
}

command -v sqlite3 >/dev/null 2>&1 || skip "no sqlite3 command-line program"
command -v "$PYTHON" >/dev/null 2>&1 || skip "no $PYTHON"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/huigao-e2e.XXXXXX") || exit 1
DB=$WORK/huigao.db
CONF=$WORK/huigao.conf
DAEMON_LOG=$WORK/huigaod.log
GW_LOG=$WORK/gw.jsonl
trap e2e_cleanup EXIT
trap 'E2E_FAILED=1; exit 130' INT
trap 'E2E_FAILED=1; exit 143' TERM

[ -x "$HUIGAOD" ] || fail "daemon not built: $HUIGAOD"
[ -x "$HUIGAOCTL" ] || fail "huigaoctl not built: $HUIGAOCTL"

# ---- mock gateway ----------------------------------------------------------

# reserve_port: pick a free port for a gateway that starts later; sets
# GW_PORT and GW_URL (nothing listens there yet: connection refused).
reserve_port() {
	GW_PORT=$("$PYTHON" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	GW_URL=http://127.0.0.1:$GW_PORT/send
	export GW_PORT GW_URL
}

# start_gw [PLAN_JSON [PORT]]: start mockgw.py (port 0 = any free one, or
# the reserved $GW_PORT when PORT is given); wait for it to listen.
start_gw() {
	rm -f "$GW_LOG.port"
	"$PYTHON" "$E2E_DIR/mockgw.py" --port "${2:-0}" --log "$GW_LOG" \
		--max-seconds "${GW_MAX_SECONDS:-600}" ${1:+--plan "$1"} 2>>"$WORK/mockgw.err" &
	GW_PID=$!
	wait_until '[ -s "$GW_LOG.port" ]' 10 ||
		fail "mock gateway did not start: $(cat "$WORK/mockgw.err")"
	GW_PORT=$(cat "$GW_LOG.port")
	GW_URL=http://127.0.0.1:$GW_PORT/send
	export GW_PORT GW_URL
}

# gw_plan PLAN_JSON: replace the gateway's plan.
gw_plan() {
	"$PYTHON" - "http://127.0.0.1:$GW_PORT/_plan" "$1" <<-'EOF' ||
	import sys, urllib.request as u
	req = u.Request(sys.argv[1], data=sys.argv[2].encode(),
	                headers={"Content-Type": "application/json"})
	u.urlopen(req, timeout=5).read()
	EOF
		fail "could not set the gateway plan"
}

# gw_count: how many requests the gateway has logged.
gw_count() {
	if [ -f "$GW_LOG" ]; then wc -l <"$GW_LOG" | tr -d ' '; else echo 0; fi
}

# gw_eval PY_EXPR [NOTIFICATION_ID]: evaluate a Python expression over the
# gateway log, where
#   reqs       the list of requests (dicts: t, path, headers, body, json, answer)
#   hdr(r, h)  a header of request r, looked up case-insensitively
#   key(r)     the "key" of request r's JSON body
# and, when NOTIFICATION_ID is given, rs = the requests whose body "id" is
# that, r = the first of them.  Prints the value (a list one item a line).
gw_eval() {
	"$PYTHON" - "$GW_LOG" "$1" "${2:-}" <<-'EOF'
	import json, sys
	reqs = []
	try:
	    with open(sys.argv[1], encoding="utf-8") as f:
	        reqs = [json.loads(line) for line in f if line.strip()]
	except FileNotFoundError:
	    pass
	def hdr(r, name):
	    for k, v in r["headers"].items():
	        if k.lower() == name.lower():
	            return v
	    return None
	def body(r):
	    return r["json"] if isinstance(r["json"], dict) else {}
	def key(r):
	    return body(r).get("key")
	if sys.argv[3]:
	    rs = [q for q in reqs if str(body(q).get("id")) == sys.argv[3]]
	    r = rs[0] if rs else {"t": 0, "headers": {}, "body": "", "json": {}}
	v = eval(sys.argv[2])
	if isinstance(v, (list, tuple, set)):
	    for x in v:
	        print(x)
	elif isinstance(v, bool):
	    print(int(v))
	else:
	    print(v)
	EOF
}

# ---- configuration and database --------------------------------------------

COURT_SIGN=${COURT_SIGN:-沽源县人民法院}
DELIVERY=${DELIVERY:-"batch = 200; max_in_flight = 32; retry_base = 1; retry_max = 5; max_attempts = 10; max_age = 3600; poll_interval = 2;"}

# write_conf [EXTRA LINES]: (re)write $CONF atomically.  The delivery block
# comes from $DELIVERY and the court's sign from $COURT_SIGN (a libconfig
# key may not be repeated, so override those there, not in EXTRA).
write_conf() {
	[ -n "$GW_URL" ] || fail "write_conf before start_gw/reserve_port"
	cat >"$CONF.tmp" <<-EOF
	database = "$DB";
	timezone = "Asia/Shanghai";
	courts = { gy = { name = "沽源县人民法院"; sign = "$COURT_SIGN"; }; };
	@include "$ROOT/config/steps.conf"
	routes = { sms = [ "hook" ]; };
	gateways = ( { name = "hook"; type = "webhook"; url = "$GW_URL"; allow_http = true; } );
	delivery = { $DELIVERY };
	${1:-}
	EOF
	mv "$CONF.tmp" "$CONF"
}

# sql QUERY: run SQL on $DB in a separate sqlite3 process, as the court's
# system would (waiting up to 10 s for a lock).
sql() {
	sqlite3 -batch -noheader -cmd '.timeout 10000' "$DB" "$1"
}

# sqlq TEXT: TEXT as an SQL string literal.
sqlq() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"
}

init_db() {
	"$HUIGAOCTL" -c "$CONF" init >>"$WORK/huigaoctl.log" 2>&1 ||
		fail "huigaoctl init failed: $(tail -n 5 "$WORK/huigaoctl.log")"
}

CASE_NO='(2024)冀0724执1234号'
PHONE=13812345678

# seed_case: case 1 with applicant 王小明 (party 1, phone $PHONE).
seed_case() {
	sql "INSERT INTO cases(case_no, court) VALUES('$CASE_NO','gy');
	     INSERT INTO parties(case_id, role, name, phone)
	     VALUES(1,'applicant','王小明','$PHONE');" ||
		fail "could not seed the case"
}

# add_step CODE PARAMS_JSON [CASE_ID]: insert a step; sets LAST_STEP.
add_step() {
	LAST_STEP=$(sql "INSERT INTO case_steps(case_id, step_code, occurred_at, params)
	    VALUES(${3:-1}, $(sqlq "$1"), '2024-06-01 10:00', $(sqlq "$2"));
	    SELECT last_insert_rowid();") || fail "could not insert step $1"
}

# add_steps N [FIRST]: N ENF_DEPOSIT_FROZEN steps on case 1 in one
# transaction, amounts FIRST.00, FIRST+1.00, ... (all texts differ).
add_steps() {
	awk -v n="$1" -v first="${2:-1}" -v q="'" 'BEGIN {
		print "BEGIN;"
		for (i = first; i < first + n; i++)
			print "INSERT INTO case_steps(case_id, step_code, occurred_at, params)" \
			    " VALUES(1, " q "ENF_DEPOSIT_FROZEN" q ", " q "2024-06-01 10:00" q \
			    ", " q "{\"amount\":\"" i ".00\"}" q ");"
		print "COMMIT;"
	}' | sqlite3 -batch -bail -cmd '.timeout 10000' "$DB" >/dev/null ||
		fail "could not insert $1 steps"
}

# count_state STATE: notifications in that state.
count_state() {
	sql "SELECT count(*) FROM notifications WHERE state = '$1';"
}

# step_field STEP_ID COLUMN: a column of the (single) notification of a step.
step_field() {
	sql "SELECT $2 FROM notifications WHERE step_id = $1;"
}

# ---- the daemon ------------------------------------------------------------

# start_daemon [ARGS]: $HUIGAO_WRAP huigaod -c $CONF -v ARGS in the
# background, output to $DAEMON_LOG.  A small sh reaps it and records its
# exit status in $WORK/huigaod.rc, so that "has it exited" is well defined.
start_daemon() {
	rm -f "$WORK/huigaod.pid" "$WORK/huigaod.rc"
	DAEMON_STARTS=$(log_count ' started: database ')
	sh -c 'pidf=$1 rcf=$2; shift 2
		"$@" </dev/null & echo $! >"$pidf.tmp"; mv "$pidf.tmp" "$pidf"
		wait $!; echo $? >"$rcf.tmp"; mv "$rcf.tmp" "$rcf"' \
		sh "$WORK/huigaod.pid" "$WORK/huigaod.rc" \
		${HUIGAO_WRAP:-} "$HUIGAOD" -c "$CONF" -v "$@" >>"$DAEMON_LOG" 2>&1 &
	wait_until '[ -s "$WORK/huigaod.pid" ]' 5 || fail "daemon did not start"
	DAEMON_PID=$(cat "$WORK/huigaod.pid")
}

daemon_exited() {
	[ -s "$WORK/huigaod.rc" ]
}

daemon_alive() {
	[ -n "$DAEMON_PID" ] && ! daemon_exited
}

# daemon_rc: the daemon's exit status (after it exited).
daemon_rc() {
	cat "$WORK/huigaod.rc"
}

# stop_daemon: SIGTERM; it must exit 0 within 10 s.
stop_daemon() {
	_pid=$DAEMON_PID
	DAEMON_PID=
	if daemon_exited; then
		fail "daemon had already exited with status $(daemon_rc)"
	fi
	# A SIGTERM that arrives before huigaod has even reached main() (between
	# the fork and the exec, or while a sanitizer initialises) kills it with
	# the default action; a service manager waits for READY=1 the same way.
	wait_until '[ "$(log_count " started: database ")" -gt "${DAEMON_STARTS:-0}" ] || daemon_exited' 10 || :
	kill -TERM "$_pid" 2>/dev/null
	if ! wait_until daemon_exited 10; then
		kill -KILL "$_pid" 2>/dev/null
		fail "daemon did not exit within $((10 * SLOW)) s of SIGTERM"
	fi
	[ "$(daemon_rc)" = 0 ] ||
		fail "daemon exited with status $(daemon_rc) on SIGTERM (want 0)"
}

kill9_daemon() {
	kill -KILL "$DAEMON_PID" 2>/dev/null
	wait_until daemon_exited 5 || fail "daemon survived kill -9"
	DAEMON_PID=
}

# hup_daemon: ask the daemon to reload its configuration.
hup_daemon() {
	kill -HUP "$DAEMON_PID" || fail "could not signal the daemon"
}

# log_count PATTERN: lines of the daemon log matching an extended regex.
log_count() {
	_n=$(grep -Ec -- "$1" "$DAEMON_LOG" 2>/dev/null)
	echo "${_n:-0}"
}

# ---- a typical start -------------------------------------------------------

# setup [PLAN_JSON]: gateway, config, schema, case 1 with its applicant.
setup() {
	start_gw "${1:-}"
	write_conf
	init_db
	seed_case
}
