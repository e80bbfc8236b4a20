#!/bin/sh
# ca_file replaces the system's CAs; it does not add to them. The daemon
# runs in a private mount namespace whose system CA store (libcurl's CA
# directory and bundle, /etc/ssl/certs on Debian) holds only the court's
# CA, which signed Exim's certificate:
#   1. without ca_file the notice goes over STARTTLS: the system store is
#      used, and this store trusts the relay (the control);
#   2. with ca_file naming another CA the certificate is refused and the
#      notice waits - even though the system store would have accepted it
#      (libcurl's built-in CA directory is switched off too, not just its
#      bundle).
# Needs root and unshare -m (skips otherwise); nothing outside the
# namespace is touched.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-exim.sh"

unset CREDENTIALS_DIRECTORY
[ "$(id -u)" = 0 ] || skip "needs root for a private mount namespace"
command -v unshare >/dev/null 2>&1 || skip "no unshare"
# libcurl's built-in CA directory (Debian's bundle lives there too)
CAPATH=$(curl-config --configure 2>/dev/null | tr ' ' '\n' |
	sed -n "s/^'*--with-ca-path=\([^']*\)'*\$/\1/p")
[ -n "$CAPATH" ] || skip "libcurl has no built-in CA directory (curl-config --configure)"
[ -d "$CAPATH" ] || skip "no CA directory $CAPATH"
AUTH='username = "court"; password_file = "'"$WORK"'/smtp.pass";'

make_test_ca ca
make_test_ca other-ca
make_server_cert ca
# the namespace's system store: the court's CA as the bundle
# (ca-certificates.crt) and as a hashed entry of the directory
mkdir -p "$WORK/system-cas" &&
	cp "$WORK/tls/ca.pem" "$WORK/system-cas/ca-certificates.crt" &&
	cp "$WORK/tls/ca.pem" "$WORK/system-cas/court-ca.pem" &&
	openssl rehash "$WORK/system-cas" >/dev/null 2>&1 ||
	fail "cannot make the namespace's CA store"
cat >"$WORK/in-ns.sh" <<-'EON'
	# in-ns.sh STORE CAPATH COMMAND...: COMMAND, with STORE mounted on CAPATH
	store=$1 capath=$2
	shift 2
	exec unshare -m sh -c 'mount --bind "$0" "$1" && shift && exec "$@"' \
		"$store" "$capath" "$@"
EON
sh "$WORK/in-ns.sh" "$WORK/system-cas" "$CAPATH" \
	test -f "$CAPATH/court-ca.pem" 2>/dev/null ||
	skip "cannot bind-mount in a private mount namespace (unshare -m)"
HUIGAO_WRAP="sh $WORK/in-ns.sh $WORK/system-cas $CAPATH ${HUIGAO_WRAP:-}"

# 1. no ca_file: the (namespace's) system store trusts the court's CA
setup_mail zhao@lawfirm.example "$AUTH"
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"1.00"}'
s1=$LAST_STEP
mail_arrived "$s1"
[ "$(exim_tls_received "$SMTP_PORT")" = 1 ] ||
	fail "the message did not come over STARTTLS: $(exim_log | grep ' <= ')"

# 2. ca_file names another CA: only that one counts
stop_daemon
write_mail_conf "$AUTH ca_file = \"$WORK/tls/other-ca.pem\";"
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"2.00"}'
s2=$LAST_STEP
mail_refused "$s2" 1
note "with another CA in ca_file: $(step_field "$s2" last_error)"
pass
