#!/bin/sh
# run-e2e.sh [BUILD] - run every tests/e2e/t-*.sh against BUILD (default build).
#
# One line per test: "PASS t-x.sh (1.2 s)", "FAIL ...", "SKIP ..." (with the
# test's "note:" lines appended); a failing test's output follows its line.
# Last line: "N passed, N failed[, N skipped]".  Exit 1 if any failed.
#
#   HUIGAO_E2E_FILTER=kill9     only tests whose file name contains this
#   HUIGAO_E2E_TIMEOUT=120      seconds per test
#   HUIGAO_WRAP="valgrind --error-exitcode=99 --leak-check=full"

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
BUILD=${1:-${BUILD:-build}}
export BUILD
LIMIT=${HUIGAO_E2E_TIMEOUT:-120}
OUT=$(mktemp -d "${TMPDIR:-/tmp}/huigao-e2e-out.XXXXXX") || exit 1
trap 'rm -rf "$OUT"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

passed=0
failed=0
skipped=0

now() {
	date +%s.%N
}

# notes FILE: the test's "note:" lines, joined.
notes() {
	sed -n 's/^note: //p' "$1" | awk '{ printf "%s%s", (NR > 1 ? "; " : " - "), $0 }'
}

run_one() {
	t=$1
	name=$(basename "$t")
	out=$OUT/$name.out
	start=$(now)
	timeout "$LIMIT" sh "$t" >"$out" 2>&1
	rc=$?
	secs=$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
	case $rc in
	0)
		passed=$((passed + 1))
		echo "PASS $name ($secs s)$(notes "$out")" ;;
	77)
		skipped=$((skipped + 1))
		echo "SKIP $name ($secs s) $(sed -n 's/^SKIP: [^:]*: //p' "$out" | head -n 1)" ;;
	*)
		failed=$((failed + 1))
		why=
		[ "$rc" = 124 ] && why=" timed out after $LIMIT s;"
		echo "FAIL $name ($secs s)$why exit $rc"
		sed 's/^/    /' "$out" ;;
	esac
}

ran=0
for t in tests/e2e/t-*.sh; do
	[ -f "$t" ] || continue
	case $(basename "$t") in *"${HUIGAO_E2E_FILTER:-}"*) ;; *) continue ;; esac
	ran=$((ran + 1))
	run_one "$t"
done

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
if [ "$ran" = 0 ]; then
	echo "no end-to-end test matched '${HUIGAO_E2E_FILTER:-}'" >&2
	exit 1
fi
[ "$failed" = 0 ]
