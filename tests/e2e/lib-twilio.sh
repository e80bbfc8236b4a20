# lib-twilio.sh - the mock Twilio Messages API and gateways at it (sourced after lib.sh).
. "$E2E_DIR/lib-vendor.sh"
# ---- the mock Twilio Messages API (mock_twilio.py) -----------------------
SID=AC0123456789abcdef0123456789abcdef
TOKEN=e2e-twilio-token-$$

# start_twilio [ARGS]: the auth token $TOKEN in a 0600 file, and the mock
# checking the account SID and that token (ARGS: e.g. --callbacks).
start_twilio() {
	(umask 077 && printf '%s\n' "$TOKEN" >"$WORK/twilio.token")
	start_mock twilio --account-sid "$SID" \
		--auth-token-file "$WORK/twilio.token" "$@"
}

# twilio_gateway NAME [KEYS]: for vendor_conf, a Twilio gateway at the mock
# sending from +15005550006, authenticated by KEYS (default: the token file).
twilio_gateway() {
	_auth=${2:-}
	[ -n "$_auth" ] || _auth="auth_token_file = \"$WORK/twilio.token\";"
	printf '{ name = "%s"; type = "twilio"; endpoint = "%s";
    allow_http = true; account_sid = "%s";
    %s from = "+15005550006"; }' "$1" "$MOCK_URL" "$SID" "$_auth"
}

# twilio_template NAME: Twilio sends the text itself, with no template.
twilio_template() {
	:
}
# --------------------------------------------------------------------------
