# lib-receipt.sh - helpers for the delivery-receipt tests (sourced after lib.sh).

# status_port: pick the status server's port; sets S (its base URL).
status_port() {
	SPORT=$("$PYTHON" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	S=http://127.0.0.1:$SPORT
}

# post_receipt PATH BODY: POST a JSON receipt; prints the HTTP status.
post_receipt() {
	curl -s -o "$WORK/receipt.out" -w '%{http_code}' -X POST \
		-H 'Content-Type: application/json' --data-binary "$2" "$S$1"
}

# expect_code WHAT GOT WANT
expect_code() {
	[ "$2" = "$3" ] || fail "$1: HTTP $2, want $3 ($(cat "$WORK/receipt.out" 2>/dev/null))"
}

# receipts_stored ID: receipts kept for a notification.
receipts_stored() {
	sql "SELECT count(*) FROM receipts WHERE notification_id = $1;"
}
