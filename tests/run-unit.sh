#!/bin/sh
# Run every cmocka unit test binary in BUILD/tests from the repository root.
# Prints each binary's cmocka report and a last line "N passed, N failed".
BUILD=${1:-build}
passed=0; failed=0; bad=""
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -v '^\[ RUN      \]\|^\[       OK \]'
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ $rc -ne 0 ] && [ "${f:-0}" = 0 ]; then
		failed=$((failed + 1)); bad="$bad $(basename "$t")(exit $rc)"
	fi
done
[ -n "$bad" ] && echo "unit binaries that crashed:$bad"
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
