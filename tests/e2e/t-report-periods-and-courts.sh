#!/bin/sh
# The period and the court filter: --to takes its whole day (23:59:59 is
# in, the next 00:00:00 is out); one day alone; no dates at all; an empty
# period gives every format with zeros, "-"/null rates and a clear note,
# exit 0; --court gives that court alone (its total is the court), also for
# a configured court with no cases and for a court only the database
# knows; a long span is charted by month.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/report/setup.sh"

report_setup

# cases FILE: "with_steps tracked voluntary% enforced% steps notifications"
cases() {
	jget "$1" '" ".join(str(x) for x in list(d["total"]["cases"].values()) + [
	    d["total"]["voluntary_performance_rate"]["percent"],
	    d["total"]["forced_enforcement_rate"]["percent"],
	    d["total"]["enforcement_steps_total"],
	    d["total"]["notifications"]["total"]])'
}

# figures WANT ARGS...: the JSON report for ARGS has those totals
figures() {
	_want=$1
	shift
	report "$@" --format json -o "$WORK/f.json"
	expect_rc 0 "report $*"
	_got=$(cases "$WORK/f.json")
	[ "$_got" = "\"$_want\"" ] || fail "report $*: $_got, want \"$_want\""
}

# the last day of June, alone: 4 A cases and C (TRK_PERFORMED at
# 23:59:59) performed, G1 tracked at 23:59, F0 closed at 17:00
figures "7 6 5 0 83.33 0.00 1 2" --from 2024-06-30 --to 2024-06-30
# 1 July alone: the two cases tracked at 00:00:00, one July step
figures "3 2 2 0 100.00 0.00 1 1" --from 2024-07-01 --to 2024-07-01
# no dates: every step of every case
figures "158 157 101 37 64.33 23.57 79 54"
# June; then up to June (three cases tracked on 31 May, one filed for
# enforcement then too); then from July (the two tracked on 1 July, F0's
# July step, F1 performed in August after its enforcement filing in June)
figures "153 152 99 36 65.13 23.68 77 53" --from 2024-06-01 --to 2024-06-30
figures "156 155 99 37 63.87 23.87 78 53" --to 2024-06-30
figures "4 3 2 1 66.67 33.33 1 1" --from 2024-07-01

# one court: every format equals expected.py's figures for gy alone
for fmt in table csv json html; do
	report --from 2024-06-01 --to 2024-06-30 --court gy --format "$fmt" -o "$WORK/gy.$fmt"
	expect_rc 0 "report --court gy --format $fmt"
	check "$fmt" "$WORK/gy.$fmt" --court gy
done

# a court only the database knows, and a configured court with no cases
figures "1 1 0 0 0.00 0.00 0 0" --court old --from 2024-06-01 --to 2024-06-30
[ "$(jget "$WORK/f.json" 'd["courts"][0]["configured"]')" = false ] || fail "old is not marked unconfigured"
figures "0 0 0 0 None None 0 0" --court zb
report --court zb
expect_rc 0 "report --court zb"
grep -q '^== 张北县人民法院 (zb) ==' "$OUT" || fail "no zb section: $(cat "$OUT")"
grep -q 'no cases with steps in the period' "$OUT" || fail "zb: no 'no cases' line"
report --court zb --format html -o "$WORK/zb.html"
grep -q '统计期间内没有该法院的案件节点' "$WORK/zb.html" || fail "zb html: no note"

# an empty period, in every format
P="--from 2025-01-01 --to 2025-01-31"
# shellcheck disable=SC2086
report $P
expect_rc 0 "an empty period"
grep -q 'No steps in the period: every count is zero' "$OUT" || fail "empty table: no note"
# shellcheck disable=SC2086
report $P --format json -o "$WORK/e.json"
[ "$(jget "$WORK/e.json" '[d["empty"], d["total"]["voluntary_performance_rate"]["percent"], d["total"]["commit_to_sent"]["median_s"], d["total"]["gateways"]]')" = '[true, null, null, []]' ] ||
	fail "empty json: $(jget "$WORK/e.json" 'd["total"]')"
# shellcheck disable=SC2086
report $P --format csv -o "$WORK/e.csv"
grep -q '^\*,合计,cases,performed_voluntarily,,0,0,,%' "$WORK/e.csv" ||
	fail "empty csv: $(head -n 5 "$WORK/e.csv")"
# shellcheck disable=SC2086
report $P --format html -o "$WORK/e.html"
expect_rc 0 "an empty period as html"
grep -q '统计期间内没有任何案件节点' "$WORK/e.html" || fail "empty html: no note"
[ "$(grep -o '无数据' "$WORK/e.html" | wc -l)" -ge 3 ] || fail "empty html: charts do not say 无数据"
grep -q 'NaN\|Infinity' "$WORK/e.html" && fail "empty html: NaN in a chart"

# a notification in December: with no dates the chart goes by month
sql "INSERT INTO case_steps(case_id, step_code, occurred_at)
	VALUES (1, 'ENF_DEPOSIT_FROZEN', '2024-12-02 09:00');
     INSERT INTO notifications(step_id, party_id, channel, state, created_at,
	updated_at, key, queued_ms) VALUES (last_insert_rowid(), 1, 'sms',
	'pending', 'x', 'x', 'december', 0);" || fail "could not add December"
report --format html -o "$WORK/m.html"
expect_rc 0 "report with no dates over seven months"
"$PYTHON" - "$WORK/m.html" <<-'PY' || fail "the monthly chart is wrong"
	import re, sys
	s = open(sys.argv[1], encoding="utf-8").read()
	svg = s[s.index("<figcaption>每月通知数"):]
	svg = svg[:svg.index("</svg>")]
	labels = re.findall(r'class="ax">(\d{4}-\d\d)<', svg)
	values = re.findall(r'class="vv">(\d+)<', svg)
	want = ["2024-%02d" % m for m in range(6, 13)]
	assert svg.count("<rect") == 7, svg.count("<rect")
	assert labels == want, labels
	assert values == ["53", "1", "1"], values
	PY
pass
