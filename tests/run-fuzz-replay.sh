#!/bin/sh
# Replay every fuzzing input kept in the repository through its harness,
# built with gcc and ASan+UBSan in BUILD/fuzz-replay (make test builds
# them): the seed corpora tests/fuzz/corpus/TARGET/ and the reproducers of
# bugs found, tests/fuzz/crashes/TARGET/ (they pass once the bug is fixed).
# One line per target, then "fuzz replay: N passed, N failed" (inputs).
BUILD=${1:-build}
DIR=$BUILD/fuzz-replay
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:abort_on_error=1:symbolize=1"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:halt_on_error=1"
passed=0; failed=0
for t in config render text parse receipt; do
	bin=$DIR/fuzz_$t
	files=$(find tests/fuzz/corpus/$t tests/fuzz/crashes/$t -type f 2>/dev/null | sort)
	n=$(printf '%s\n' "$files" | grep -c .)
	if [ ! -x "$bin" ]; then
		echo "fuzz replay: $bin is not built (make test builds it)"
		failed=$((failed + n + 1)); continue
	fi
	# all at once; on a failure, one by one to name the inputs that fail
	# shellcheck disable=SC2086
	if printf '%s\n' "$files" | xargs timeout 300 "$bin" >/dev/null 2>&1; then
		echo "fuzz_$t: $n inputs ok"
		passed=$((passed + n)); continue
	fi
	bad=0
	for f in $files; do
		if timeout 60 "$bin" "$f" >"$DIR/last-$t.log" 2>&1; then
			passed=$((passed + 1))
		else
			bad=$((bad + 1)); failed=$((failed + 1))
			echo "fuzz_$t: FAIL $f"
			grep -a -m 3 'ERROR: \|runtime error\|contract broken\|SUMMARY' \
			    "$DIR/last-$t.log" | sed 's/^/    /'
		fi
	done
	echo "fuzz_$t: $((n - bad)) inputs ok, $bad failed (reproduce: $bin FILE)"
done
echo "fuzz replay: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
