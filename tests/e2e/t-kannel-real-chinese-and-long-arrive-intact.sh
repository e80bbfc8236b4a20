#!/bin/sh
# Through a real Kannel (bearerbox, smsbox, the fake SMSC of kannel-extras)
# a Chinese notice arrives at the SMS centre as one UCS-2 SMS and a
# 150-character one as three concatenated parts (67 + 67 + 16 units), both
# intact; an emoji elsewhere arrives whole, and a text whose emoji Kannel
# would cut in half between two parts is refused (dead, with the reason)
# instead of reaching the phone broken.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/kannel/lib-kannel.sh"

kannel_start
kannel_conf
init_db
seed_case
start_daemon

# texts of ENF_ASSET_SEALED: "【court】{case_no}案已查封被执行人{asset}。"
assets=$("$PYTHON" - "$COURT_SIGN" "$CASE_NO" <<'EOF'
import json, sys
prefix = "【%s】%s案已查封被执行人" % (sys.argv[1], sys.argv[2])
base = ("位于沽源县平定堡镇建设街12号院3号楼2单元501室的住宅房屋一套（不动产权证号："
        "冀（2023）沽源县不动产权第0001234号，建筑面积98.56平方米）及地下室一间、"
        "车位一个（编号B-017），查封期限三年，自2024年6月1日起至2027年5月31日止，"
        "期间不得转让、抵押、出租")
def units(s):
    return len(s.encode("utf-16-be")) // 2
long = base[:150 - units(prefix) - 1]            # 150 characters in all
before = 66 - units(prefix)                      # the emoji on units 67-68
cut = base[:before] + "😀" + base[before:before + 20]
whole = "🏠 " + base[:59] + " +1"                # emoji on units 35-36, spaces, a plus
for a in (long, cut, whole):
    print(json.dumps({"asset": a}, ensure_ascii=False))
EOF
) || fail "cannot make the texts"

add_step ENF_DEPOSIT_FROZEN '{"amount":"123456.78"}'
s_short=$LAST_STEP
add_step ENF_ASSET_SEALED "$(printf '%s\n' "$assets" | sed -n 1p)"
s_long=$LAST_STEP
add_step ENF_ASSET_SEALED "$(printf '%s\n' "$assets" | sed -n 2p)"
s_cut=$LAST_STEP
add_step ENF_ASSET_SEALED "$(printf '%s\n' "$assets" | sed -n 3p)"
s_whole=$LAST_STEP

sent() {
	case $(step_field "$1" state) in sent|delivered) return 0 ;; esac
	return 1
}
for s in $s_short $s_long $s_whole; do
	wait_until "sent $s" 20 ||
		fail "step $s: state '$(step_field "$s" state)', want sent:" \
		    "$(step_field "$s" last_error)"
done
wait_until '[ "$(step_field "$s_cut" state)" = dead ]' 10 ||
	fail "the text with a cut emoji: state '$(step_field "$s_cut" state)', want dead"
err=$(step_field "$s_cut" last_error)
case $err in
*"character 67 (U+1F600) would be cut in half between SMS parts 1 and 2"*) ;;
*) fail "the cut emoji's reason: $err" ;;
esac

# what huigao stored is what the SMS centre must have received
[ "$(step_field "$s_long" "length(body)")" = 150 ] ||
	fail "the long text has $(step_field "$s_long" "length(body)") characters, want 150"
wait_until '[ "$(kannel_count)" -ge 3 ]' 10 ||
	fail "the fake SMS centre got $(kannel_count) messages, want 3:" \
	    "$(grep 'Got message' "$WORK/fakesmsc.out" | tail -n 5)"
sleep 0.5
kannel_received >"$WORK/received.jsonl"
sql "SELECT json_object('step', step_id, 'text', body) FROM notifications
     WHERE step_id IN ($s_short, $s_long, $s_whole);" >"$WORK/sent.jsonl"
"$PYTHON" - "$WORK/received.jsonl" "$WORK/sent.jsonl" "$PHONE" \
    "$s_short" "$s_long" "$s_whole" <<'EOF' || fail "the texts did not arrive intact"
import json, sys
got = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
sent = {str(json.loads(l)["step"]): json.loads(l)["text"]
        for l in open(sys.argv[2], encoding="utf-8")}
phone, short, long, whole = sys.argv[3:7]
def parts(text):
    n = len(text.encode("utf-16-be")) // 2
    return [n] if n <= 70 else [min(67, n - i) for i in range(0, n, 67)]
want = {short: parts(sent[short]), long: [67, 67, 16], whole: parts(sent[whole])}
if len(want[short]) != 1 or len(want[whole]) != 2:
    sys.exit("the test's texts are not what it meant: %s" % want)
if len(got) != 3:
    sys.exit("%d messages, want 3: %s" % (len(got), got))
by_text = {m["text"]: m for m in got}
for step, units in want.items():
    m = by_text.get(sent[step])
    if m is None:
        sys.exit("step %s: not received intact; got %s" % (step, [g["text"] for g in got]))
    if m["to"] != phone or m["from"] != "10690001" or m["part_units"] != units:
        sys.exit("step %s: %s, want parts %s to %s" % (step, m, units, phone))
    print("note: step %s: %d part(s) %s: %s" % (step, m["parts"], m["part_units"],
          m["text"][:24] + ("…" if len(m["text"]) > 24 else "")))
EOF

got=$(sql "SELECT group_concat(a.outcome || ' ' || ifnull(a.http_status, '-'), ', ')
	FROM attempts a JOIN notifications n ON n.id = a.notification_id
	WHERE n.step_id IN ($s_short, $s_long, $s_whole);")
[ "$got" = "ok 202, ok 202, ok 202" ] || fail "attempts: $got"
got=$(sql "SELECT count(*) FROM attempts a JOIN notifications n
	ON n.id = a.notification_id WHERE n.step_id = $s_cut
	AND a.http_status IS NOT NULL;")
[ "$got" = 0 ] || fail "the refused text was sent to Kannel"
grep -q "$KANNEL_PASSWORD" "$DAEMON_LOG" && fail "the Kannel password is in the daemon log"
pass
