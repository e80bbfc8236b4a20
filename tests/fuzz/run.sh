#!/bin/sh
# tests/fuzz/run.sh - run the libFuzzer targets (make fuzz, make fuzz-merge).
#
#   sh tests/fuzz/run.sh BUILD SECONDS JOBS TARGET...
#   sh tests/fuzz/run.sh -merge BUILD 0 1 TARGET...
#
# Each target runs for SECONDS on its seeds (tests/fuzz/corpus/TARGET) and
# what earlier runs found (BUILD/corpus/TARGET), JOBS targets at a time. A
# run goes on after a crash (libFuzzer's fork mode), so it always fuzzes for
# the time asked; crashes, leaks and timeouts land in BUILD/artifacts/TARGET.
# The log of each run is BUILD/fuzz-TARGET.log; one line per target sums it
# up. The exit status is non-zero when a target left an artifact.
#
# -merge adds to tests/fuzz/corpus/TARGET the inputs of BUILD/corpus/TARGET
# that reach code the seeds do not (to be committed: make test replays them).
set -u
merge=0
if [ "${1:-}" = "-merge" ]; then merge=1; shift; fi
BUILD=$1 SECONDS_EACH=$2 JOBS=$3
shift 3
case $JOBS in ''|*[!0-9]*|0) JOBS=1 ;; esac

# The longest input worth trying, per target.
max_len() {
	case $1 in
	config|render) echo 65536 ;;
	parse|receipt) echo 16384 ;;
	*) echo 4096 ;;
	esac
}

# One target for SECONDS_EACH seconds, in fork mode so crashes do not stop it.
run_one() {
	t=$1 bin=$BUILD/fuzz_$1
	mkdir -p "$BUILD/corpus/$t" "$BUILD/artifacts/$t"
	dict=""
	[ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
	# shellcheck disable=SC2086
	"$bin" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
	    -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
	    -max_len="$(max_len "$t")" $dict -print_final_stats=1 \
	    -artifact_prefix="$BUILD/artifacts/$t/" \
	    "$BUILD/corpus/$t" "tests/fuzz/corpus/$t" >"$BUILD/fuzz-$t.log" 2>&1
}

# "fuzz_text: 1234567 runs in 600 s (2057 exec/s), cov 812, corpus 950, 0 artifacts"
summary() {
	t=$1 log=$BUILD/fuzz-$1.log
	last=$(grep -a 'cov: .* exec/s' "$log" | tail -1)
	runs=$(printf '%s\n' "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
	cov=$(printf '%s\n' "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	eps=$(printf '%s\n' "$last" | sed -n 's/.*exec\/s:\{0,1\} *\([0-9]*\).*/\1/p')
	secs=$(printf '%s\n' "$last" | sed -n 's/.*time: \([0-9]*\)s.*/\1/p')
	corp=$(find "$BUILD/corpus/$t" -type f | wc -l)
	arts=$(find "$BUILD/artifacts/$t" -type f | wc -l)
	echo "fuzz_$t: ${runs:-?} runs in ${secs:-?} s (${eps:-?} exec/s)," \
	    "cov ${cov:-?}, corpus $corp, $arts artifacts"
	[ "$arts" -eq 0 ]
}

if [ $merge = 1 ]; then
	for t in "$@"; do
		mkdir -p "$BUILD/corpus/$t" "tests/fuzz/corpus/$t"
		before=$(find "tests/fuzz/corpus/$t" -type f | wc -l)
		"$BUILD/fuzz_$t" -merge=1 -max_len="$(max_len "$t")" \
		    "tests/fuzz/corpus/$t" "$BUILD/corpus/$t" \
		    >"$BUILD/merge-$t.log" 2>&1 || { echo "fuzz_$t: merge failed," \
		    "see $BUILD/merge-$t.log"; exit 1; }
		after=$(find "tests/fuzz/corpus/$t" -type f | wc -l)
		echo "fuzz_$t: corpus $before -> $after files"
	done
	exit 0
fi

set -- "$@"
bad=0
while [ $# -gt 0 ]; do
	batch="" n=0
	while [ $# -gt 0 ] && [ $n -lt "$JOBS" ]; do
		echo "fuzz_$1: running for $SECONDS_EACH s (log $BUILD/fuzz-$1.log)"
		run_one "$1" &
		batch="$batch $1" n=$((n + 1))
		shift
	done
	wait
	for t in $batch; do
		summary "$t" || bad=1
	done
done
if [ $bad -ne 0 ]; then
	echo "fuzz: artifacts to look at (reproduce: $BUILD/fuzz_TARGET FILE):"
	for t in "$BUILD"/artifacts/*; do
		n=$(find "$t" -type f | wc -l)
		[ "$n" -gt 0 ] && echo "  $t: $n, e.g. $(find "$t" -type f | head -1)"
	done
fi
exit $bad
