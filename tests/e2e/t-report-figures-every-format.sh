#!/bin/sh
# huigaoctl report gives exactly the hand-worked figures of
# report/expected.py in every format - the court with 141 tracked cases of
# which 92 performed voluntarily prints 65.25% (half up, not the 65.24% a
# court once published), 31 of 32 receipts print 96.88% - for the whole
# June dataset of report/gen.py, per court and in total; -o writes the same
# bytes as standard output.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/report/setup.sh"

report_setup
P="--from 2024-06-01 --to 2024-06-30"

for fmt in table csv json html; do
	# shellcheck disable=SC2086
	report $P --format "$fmt" -o "$WORK/r.$fmt"
	expect_rc 0 "report --format $fmt -o"
	[ -s "$WORK/r.$fmt" ] || fail "report --format $fmt wrote nothing"
	[ -s "$OUT" ] && fail "report -o also wrote to standard output"
	check "$fmt" "$WORK/r.$fmt"
done

# the default format is the table, on standard output
# shellcheck disable=SC2086
report $P
expect_rc 0 "report (table on stdout)"
grep -v '^generated ' "$OUT" >"$WORK/a"
grep -v '^generated ' "$WORK/r.table" >"$WORK/b"
cmp -s "$WORK/a" "$WORK/b" || fail "the table on stdout differs from -o"

# JSON: valid for python3 -m json.tool and, when installed, jq
"$PYTHON" -m json.tool "$WORK/r.json" >/dev/null || fail "json.tool rejects the JSON"
if command -v jq >/dev/null 2>&1; then
	got=$(jq -r '.courts[] | select(.court == "gy") |
	    "\(.voluntary_performance_rate.count)/\(.voluntary_performance_rate.of) \(.voluntary_performance_rate.percent)"' \
	    "$WORK/r.json")
	[ "$got" = "92/141 65.25" ] || fail "jq: gy rate is '$got'"
	note "jq agrees: gy $got%"
fi
[ "$(jget "$WORK/r.json" 'd["total"]["voluntary_performance_rate"]["percent"]')" = '"65.13"' ] ||
	fail "total voluntary-performance rate"

# the report never writes: the database is byte-identical afterwards
sum1=$(cksum <"$DB")
# shellcheck disable=SC2086
report $P --format json
sum2=$(cksum <"$DB")
[ "$sum1" = "$sum2" ] || fail "report changed the database"
note "gy 92/141 = $(grep -o '65\.25%' "$WORK/r.table" | head -n 1); hook 31/32 = 96.88%"
pass
