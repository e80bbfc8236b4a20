#!/bin/sh
# make demo: a whole enforcement case on an embedded SQLite database,
# delivered to the console gateway. Everything lives in ./demo/.
set -eu
BUILD=${1:-build}
DIR=demo
CTL="$BUILD/huigaoctl -c $DIR/huigao.conf"
NO='(2024)冀0724执1234号'

rm -rf "$DIR"
mkdir -p "$DIR"
cat > "$DIR/huigao.conf" <<CONF
# The demo configuration written by scripts/demo.sh.
database = "huigao.db";
courts = { gy = { name = "沽源县人民法院"; sign = "沽源县人民法院"; }; };
@include "../config/steps.conf"
routes = { sms = [ "console", "archive" ]; };
gateways = (
  { name = "console"; type = "console"; },
  { name = "archive"; type = "file"; path = "sent.jsonl"; }
);
delivery = { retry_base = 1; };
CONF

echo "== huigaoctl init"
$CTL init
echo "== a case, its parties (an applicant, an agent, a respondent, one opted out)"
$CTL case add --no "$NO" --court gy >/dev/null
$CTL party add --case "$NO" --role applicant --name 王小明 --phone '+86 138-1234-5678' >/dev/null
$CTL party add --case "$NO" --role agent --name 赵律师 --phone 13900001111 >/dev/null
$CTL party add --case "$NO" --role respondent --name 李四 --phone 13700002222 >/dev/null
$CTL party add --case "$NO" --role applicant --name 钱某某 --phone 13600003333 --opted-out >/dev/null
echo "== the court records five steps"
$CTL step add --case "$NO" --step ENF_FILED --param judge=王法官 --param phone=0313-1234567 >/dev/null
$CTL step add --case "$NO" --step ENF_DEPOSIT_FROZEN --param amount=123456.78 >/dev/null
$CTL step add --case "$NO" --step ENF_ASSET_SEALED --param asset=房产1处 >/dev/null
$CTL step add --case "$NO" --step DSP_AUCTION_ANNOUNCED --param asset=房产1处 \
    --param auction_date=2024-06-30 --param platform=淘宝网 --param round=1 >/dev/null
$CTL step add --case "$NO" --step FND_DISBURSED --param amount=123456.78 >/dev/null
echo "== preview of a step's exact text, without sending"
$CTL preview --case "$NO" --step CLS_FULFILLED
echo "== huigaod -o: deliver everything due, then exit"
$BUILD/huigaod -o -c $DIR/huigao.conf
echo "== huigaoctl list"
$CTL list
