#!/bin/sh
# run.sh [BUILD] - huigao's benchmark (`make bench`): builds the mock
# gateway (bench/mockgw.c) into BUILD/bench/, then runs bench/bench.py:
# latency of single steps, a backlog drain, memory and idle CPU, each
# against a fresh database, gateway and daemon; BENCH_RUNS repetitions,
# medians. Prints a table and writes bench/results/<UTC date-time>.json.
#
# The same run drains BENCH_GAMMU_N messages through Gammu SMSD (gammu-smsd,
# SQL service on SQLite, dummy phone driver) and prints the ratio.
#
# Environment (see bench/bench.py): BENCH_RUNS=3 BENCH_RATE=50
# BENCH_SPARSE_N=5 BENCH_SPARSE_GAP_MS=6000
# BENCH_LATENCY_N=1000 BENCH_BACKLOG=10000 BENCH_IDLE_SECONDS=10
# BENCH_GW_MAX_IN_FLIGHT BENCH_GW_SELFTEST=1 BENCH_GW_SECONDS=5
# BENCH_GW_CONNS=64 BENCH_GAMMU=1 BENCH_GAMMU_N=1000 BENCH_GAMMU_JOURNAL=wal
# BENCH_KEEP=1 BENCH_COMMIT CC PYTHON
#
# Needs: cc, pkg-config libevent, python3; gammu-smsd and libdbd-sqlite3
# (scripts/install-deps.sh; BENCH_GAMMU=0 skips the comparison); wrk
# (optional) to measure the mock gateway alone, else a slower Python load
# generator is used.

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
cd "$ROOT" || exit 1
BUILD=${1:-${BUILD:-build}}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
CC=${CC:-cc}
PYTHON=${PYTHON:-python3}

for f in "$BUILD/huigaod" "$BUILD/huigaoctl"; do
	[ -x "$f" ] || { echo "bench: $f is not built (run make)"; exit 1; }
done
command -v "$PYTHON" >/dev/null 2>&1 || { echo "bench: no $PYTHON"; exit 1; }
pkg-config --exists libevent || { echo "bench: pkg-config libevent not found"; exit 1; }

mkdir -p "$BUILD/bench" || exit 1
MOCKGW=$BUILD/bench/mockgw
if [ ! -x "$MOCKGW" ] || [ "$BENCH/mockgw.c" -nt "$MOCKGW" ]; then
	# shellcheck disable=SC2046 # pkg-config output is a list of words
	$CC -std=c11 -O2 -Wall -Wextra -Werror -o "$MOCKGW.tmp" "$BENCH/mockgw.c" \
	    $(pkg-config --cflags --libs libevent) && mv "$MOCKGW.tmp" "$MOCKGW" ||
		{ echo "bench: building mockgw failed"; exit 1; }
fi

PID=
cleanup() {
	if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
		kill -TERM "$PID" 2>/dev/null	# bench.py kills its own children
		wait "$PID" 2>/dev/null
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

"$PYTHON" "$BENCH/bench.py" --build "$BUILD" --mockgw "$MOCKGW" &
PID=$!
wait "$PID"
rc=$?
PID=
exit $rc
