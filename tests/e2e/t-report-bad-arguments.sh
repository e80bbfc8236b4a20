#!/bin/sh
# Bad arguments to huigaoctl report get a clear message naming the
# argument and exit 2 (usage) - malformed or impossible dates, --from after
# --to, an unknown format or court, a stray operand - and nothing is
# written; an unwritable -o exits 1 and leaves no partial file; --help
# prints the usage and the definitions and exits 0.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/report/setup.sh"

report_setup

# bad WANT_IN_STDERR ARGS...: exit 2, the message, the usage line, no output
bad() {
	_want=$1
	shift
	report "$@" -o "$WORK/never"
	expect_rc 2 "report $*"
	grep -qF -- "$_want" "$ERR" || fail "report $*: stderr lacks '$_want': $(cat "$ERR")"
	grep -q '^usage: huigaoctl report \[--from DATE\]' "$ERR" ||
		fail "report $*: no usage line: $(cat "$ERR")"
	[ -e "$WORK/never" ] && fail "report $* wrote its output file"
	[ -s "$OUT" ] && fail "report $* wrote to standard output"
	return 0
}

bad '--from "2024-13-01" is not a date: use YYYY-MM-DD' --from 2024-13-01
bad '--from "yesterday" is not a date' --from yesterday
bad '--to "2024-02-30" is not a date' --to 2024-02-30
bad '--to "2023-02-29" is not a date' --from 2023-02-01 --to 2023-02-29
bad '--from "2024-6-1" is not a date' --from 2024-6-1
bad '--from "2024-06-01T08:00" is not a date' --from 2024-06-01T08:00
bad '--from "" is not a date' --from ''
bad '--from 2024-07-01 is after --to 2024-06-30' --from 2024-07-01 --to 2024-06-30
bad '--format must be table, csv, json or html, not "pdf"' --format pdf
bad '--court "nosuch" is not a court of the configuration (gy, kb, zb)' --court nosuch
bad 'usage:' --from 2024-06-01 extra
bad 'usage:' --nosuch-option

# a leap day is a day
report --from 2024-02-29 --to 2024-02-29
expect_rc 0 "report --from 2024-02-29"

# an output file that cannot be written: exit 1, the path, no leftovers
report --format html -o "$WORK/no/such/dir/r.html"
expect_rc 1 "report -o into a missing directory"
grep -q "$WORK/no/such/dir/r.html" "$ERR" || fail "the error does not name the file: $(cat "$ERR")"
mkdir "$WORK/ro"
chmod 0555 "$WORK/ro"
if [ "$(id -u)" != 0 ]; then
	report -o "$WORK/ro/r.txt"
	expect_rc 1 "report -o into a read-only directory"
fi
[ -z "$(ls -A "$WORK/ro")" ] || fail "a partial file was left: $(ls -A "$WORK/ro")"

# -o replaces an existing file whole
echo old >"$WORK/r.csv"
report --format csv -o "$WORK/r.csv"
expect_rc 0 "report -o over an old file"
# (the first line starts with UTF-8's byte-order mark, for Excel)
head -n 1 "$WORK/r.csv" | grep -q "^$(printf '\357\273\277')court,court_name,section" ||
	fail "-o did not replace the file"
for t in "$WORK"/r.csv.*; do
	[ -e "$t" ] && fail "a temporary file was left: $t"
done

# --help: usage, exit codes, the definitions
report --help
expect_rc 0 "report --help"
for want in 'usage: huigaoctl report' '--from DATE' 'inclusive of the whole day' \
    'Exit status:' 'Tracked: a case with a TRK_*' \
    'precedes its first ENF_FILED' 'delivered / (delivered + undelivered)' \
    'nearest-rank' '92/141 = 65.25%'; do
	grep -qF -- "$want" "$OUT" || fail "--help lacks '$want'"
done

# a configured database that does not exist: exit 1, a clear message
sed "s|^database = .*|database = \"$WORK/missing.db\";|" "$CONF" >"$WORK/missing.conf"
CONF=$WORK/missing.conf report
expect_rc 1 "report on a missing database"
grep -q "missing.db" "$ERR" || fail "no database named in: $(cat "$ERR")"
[ -e "$WORK/missing.db" ] && fail "report created the database"
pass
