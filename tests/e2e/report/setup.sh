# setup.sh - sourced by the t-report-*.sh tests after lib.sh.
#
#   report_setup       a config with three courts (gy, kb, zb) and two
#                      gateways, an initialised database, and gen.py's dataset
#   report ARGS...     huigaoctl report ARGS: stdout in $OUT, stderr in $ERR,
#                      the exit status in $RC (never fails by itself)
#   check FORMAT FILE [--court KEY] [--dom]
#                      check.py: the file has exactly expected.py's figures
#   jget FILE EXPR     a value of a JSON report (check.py get)

REPORT_DIR=$E2E_DIR/report
OUT=$WORK/out
ERR=$WORK/err
RC=

report_conf() {
	cat >"$CONF" <<-EOF2
	database = "$DB";
	timezone = "Asia/Shanghai";
	courts = {
	  gy = { name = "沽源县人民法院"; sign = "沽源县人民法院"; };
	  kb = { name = "康保县人民法院"; };
	  zb = { name = "张北县人民法院"; };
	};
	@include "$ROOT/config/steps.conf"
	routes = { sms = [ "hook", "backup" ]; };
	gateways = (
	  { name = "hook"; type = "webhook"; url = "https://sms.example.org/send"; },
	  { name = "backup"; type = "webhook"; url = "https://backup.example.org/send"; }
	);
	EOF2
}

report_setup() {
	report_conf
	init_db
	"$PYTHON" "$REPORT_DIR/gen.py" "$DB" >"$WORK/gen.log" 2>&1 ||
		fail "the dataset generator failed: $(tail -n 5 "$WORK/gen.log")"
}

report() {
	"$HUIGAOCTL" -c "$CONF" report "$@" >"$OUT" 2>"$ERR"
	RC=$?
}

check() {
	"$PYTHON" "$REPORT_DIR/check.py" "$@" || fail "$1 report $2 differs from expected.py"
}

jget() {
	"$PYTHON" "$REPORT_DIR/check.py" get "$1" "$2" ||
		fail "could not read $2 from $1"
}

# expect_rc WANT WHAT: the last report exited WANT.
expect_rc() {
	[ "$RC" = "$1" ] ||
		fail "$2: exit $RC, want $1; stderr: $(cat "$ERR")"
}
