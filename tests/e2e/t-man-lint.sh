#!/bin/sh
# The man pages huigaod(8), huigaoctl(1) and huigao.conf(5) are clean under
# "mandoc -T lint -W warning", and under "groff -ww" too when groff is
# installed (through preconv, as man-db feeds it UTF-8 pages); each renders.
# Needs no build: it does not source lib.sh.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TEST=$(basename "$0")
PAGES="man/huigaod.8 man/huigaoctl.1 man/huigao.conf.5"
cd "$ROOT" || exit 1

fail() {
	echo "FAIL: $TEST: $*"
	exit 1
}

have_mandoc=0
have_groff=0
command -v mandoc >/dev/null 2>&1 && have_mandoc=1
command -v groff >/dev/null 2>&1 && command -v preconv >/dev/null 2>&1 &&
	have_groff=1
if [ $have_mandoc = 0 ] && [ $have_groff = 0 ]; then
	echo "SKIP: $TEST: neither mandoc nor groff is installed"
	exit 77
fi

checked=
for p in $PAGES; do
	[ -f "$p" ] || fail "missing $p"
	if [ $have_mandoc = 1 ]; then
		out=$(timeout 30 mandoc -T lint -W warning "$p" 2>&1) ||
			fail "mandoc -T lint -W warning $p:
$out"
		[ -z "$out" ] || fail "mandoc -T lint -W warning $p:
$out"
		lines=$(timeout 30 mandoc -T utf8 "$p" 2>/dev/null | wc -l)
		[ "$lines" -gt 20 ] || fail "$p renders to $lines lines"
	fi
	if [ $have_groff = 1 ]; then
		out=$(preconv "$p" | timeout 30 groff -ww -mandoc -Tutf8 -z 2>&1)
		[ -z "$out" ] || fail "groff -ww $p:
$out"
	fi
done
[ $have_mandoc = 1 ] && checked="mandoc -T lint -W warning"
[ $have_groff = 1 ] && checked="${checked:+$checked, }groff -ww"
echo "note: $checked clean on 3 pages"
echo "PASS: $TEST"
exit 0
