# lib-aliyun.sh - the mock Alibaba Cloud SMS API and gateways at it (sourced after lib.sh).
. "$E2E_DIR/lib-vendor.sh"
# ---- the mock Alibaba Cloud SMS API (mock_aliyun.py) ---------------------
AK_ID=LTAI5tE2EFAKEKEYID000001
AK_SECRET=e2eFakeAliyunSecret0000000000001
# the key secret huigao's gateways sign with, the step's template parameters
ALIYUN_GW_SECRET=$AK_SECRET
ALIYUN_PARAMS='"case_no", "amount"'

# start_aliyun [PLAN_JSON]: the mock, knowing the key AK_ID/AK_SECRET and
# answering from the plan (mock_aliyun.py --plan) first.
start_aliyun() {
	start_mock aliyun --key-id "$AK_ID" --secret "$AK_SECRET" --plan "${1:-[]}"
}

# aliyun_gateway NAME [KEYS]: for vendor_conf, an Alibaba gateway at the
# mock signing with $ALIYUN_GW_SECRET, with these settings added.
aliyun_gateway() {
	printf '{ name = "%s"; type = "aliyun"; endpoint = "%s"; allow_http = true;
    access_key_id = "%s"; access_key_secret = "%s";
    sign_name = "沽源县人民法院"; %s}' \
		"$1" "$MOCK_URL" "$AK_ID" "$ALIYUN_GW_SECRET" "${2:+$2 }"
}

# aliyun_template NAME: for vendor_conf, its template: SMS_154950909 with
# the parameters $ALIYUN_PARAMS.
aliyun_template() {
	printf '\n      %s = { id = "SMS_154950909"; params = [ %s ]; };' "$1" "$ALIYUN_PARAMS"
}
# --------------------------------------------------------------------------
