# lib-tencent.sh - the mock Tencent Cloud SMS API and gateways at it (sourced after lib.sh).
. "$E2E_DIR/lib-vendor.sh"
# ---- the mock Tencent Cloud SMS API (mock_tencent.py) --------------------
SECRET_ID=AKIDE2EFAKEFAKEFAKEFAKEFAKEFAKE0001
SECRET_KEY=e2eFakeTencentSecretKey000000001
TX_APP_ID=1400006666
# the SecretKey huigao's gateways sign with
TENCENT_GW_KEY=$SECRET_KEY

# start_tencent [PLAN_JSON]: the mock, knowing SECRET_ID/SECRET_KEY and the
# SDK app $TX_APP_ID, answering from the plan (mock_tencent.py --plan) first.
start_tencent() {
	start_mock tencent --secret-id "$SECRET_ID" --secret-key "$SECRET_KEY" \
		--app-id "$TX_APP_ID" --plan "${1:-[]}"
}

# tencent_gateway NAME [KEYS]: for vendor_conf, a Tencent gateway at the
# mock signing with $TENCENT_GW_KEY, with these settings added.
tencent_gateway() {
	printf '{ name = "%s"; type = "tencent"; endpoint = "%s";
    allow_http = true; secret_id = "%s"; secret_key = "%s";
    sdk_app_id = "%s"; sign_name = "沽源县人民法院"; %s}' \
		"$1" "$MOCK_URL" "$SECRET_ID" "$TENCENT_GW_KEY" "$TX_APP_ID" "${2:+$2 }"
}

# tencent_template NAME: for vendor_conf, its template: 1110 with the
# parameters case_no, amount.
tencent_template() {
	printf '\n      %s = { id = "1110"; params = [ "case_no", "amount" ]; };' "$1"
}
# --------------------------------------------------------------------------
