#!/bin/sh
# The HTML report in a real browser (headless Chromium, local file only,
# no network): the screenshot is not blank - a large PNG with many colours
# and ink on the page - and the page's DOM, as the browser built it, holds
# every figure of report/expected.py in its tables and charts.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/report/setup.sh"

CHROMIUM=
for c in chromium chromium-browser; do
	command -v "$c" >/dev/null 2>&1 && { CHROMIUM=$(command -v "$c"); break; }
done
[ -n "$CHROMIUM" ] || skip "no chromium"

report_setup
report --from 2024-06-01 --to 2024-06-30 --format html -o "$WORK/report.html"
expect_rc 0 "report --format html"
check html "$WORK/report.html"

# browse FLAGS...: chromium on the report, a fresh profile each time,
# bounded by timeout(1); stdout in $WORK/chromium.out
browse() {
	rm -rf "$WORK/profile"
	mkdir "$WORK/profile"
	timeout -k 5 $((60 * SLOW)) "$CHROMIUM" --headless --no-sandbox \
	    --disable-gpu --disable-quic --no-first-run \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --disable-extensions --user-data-dir="$WORK/profile" \
	    "$@" "file://$WORK/report.html" >"$WORK/chromium.out" \
	    2>"$WORK/chromium.err"
}

browse --screenshot="$WORK/shot.png" --window-size=1200,1600 ||
	fail "chromium --screenshot failed: $(tail -n 3 "$WORK/chromium.err")"
[ -s "$WORK/shot.png" ] || fail "no screenshot"
size=$(wc -c <"$WORK/shot.png" | tr -d ' ')
stats=$("$PYTHON" "$E2E_DIR/report/png.py" stats "$WORK/shot.png") ||
	fail "cannot read the screenshot"
# shellcheck disable=SC2086
set -- $stats
[ "$1x$2" = 1200x1600 ] || fail "screenshot is $1x$2, want 1200x1600"
[ "$size" -gt 40000 ] || fail "screenshot is only $size bytes: blank?"
[ "$3" -ge 64 ] || fail "screenshot has only $3 colours: blank?"
[ "$4" -ge 50 ] || fail "only $4 per mille of the screenshot is not background"
note "screenshot $1x$2, $size bytes, $3 colours, $4‰ ink"

browse --dump-dom || fail "chromium --dump-dom failed: $(tail -n 3 "$WORK/chromium.err")"
grep -q '<html lang="zh-CN"' "$WORK/chromium.out" || fail "the dumped DOM is not the report"
check html "$WORK/chromium.out" --dom

if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
	note "no CJK font installed: Chinese may show as boxes (apt-get install fonts-noto-cjk)"
fi
pass
