#!/bin/sh
# make test: unit tests, end-to-end tests, then the fuzz corpora replayed
# under ASan+UBSan; the last line is the total,
# "N passed, N failed", and the exit status is non-zero if anything failed.
BUILD=${1:-build}
export BUILD
u=$(sh tests/run-unit.sh "$BUILD" 2>&1); urc=$?
printf '%s\n' "$u"
e=$(sh tests/run-e2e.sh "$BUILD" 2>&1); erc=$?
printf '%s\n' "$e"
z=$(sh tests/run-fuzz-replay.sh "$BUILD" 2>&1); zrc=$?
printf '%s\n' "$z"
count() { printf '%s\n' "$1" | sed -n "s/.*\b\([0-9][0-9]*\) $2.*/\1/p" | tail -1; }
up=$(count "$u" passed); uf=$(count "$u" failed)
ep=$(count "$e" passed); ef=$(count "$e" failed); es=$(count "$e" skipped)
p=$(( ${up:-0} + ${ep:-0} )); f=$(( ${uf:-0} + ${ef:-0} ))
zp=$(count "$z" passed); zf=$(count "$z" failed)
p=$(( p + ${zp:-0} )); f=$(( f + ${zf:-0} ))
[ $zrc -ne 0 ] && [ "$f" -eq 0 ] && f=1
[ $urc -ne 0 ] && [ "$f" -eq 0 ] && f=1
[ $erc -ne 0 ] && [ "$f" -eq 0 ] && f=1
echo
if [ -n "$es" ] && [ "$es" != 0 ]; then
	echo "$p passed, $f failed, $es skipped"
else
	echo "$p passed, $f failed"
fi
[ "$f" -eq 0 ]
