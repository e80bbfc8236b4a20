# lib-kannel.sh - a real Kannel for the t-kannel-*.sh tests (POSIX sh;
# sourced after lib.sh).
#
#   . "$(dirname "$0")/lib.sh"
#   . "$E2E_DIR/kannel/lib-kannel.sh"
#   kannel_start           # bearerbox + smsbox + fakesmsc, all on 127.0.0.1
#   kannel_conf [EXTRA]    # writes $CONF: one "kannel" gateway at its sendsms URL
#   kannel_received        # what the fake SMS centre got, one JSON line a message
#
# Skips (77) when the Kannel binaries are missing. Every Kannel process runs
# in $WORK, writes only there, and is stopped on exit (TERM, then KILL after
# a bound). Every wait is bounded.
#
# Environment: KANNEL_BEARERBOX, KANNEL_SMSBOX, KANNEL_FAKESMSC override the
# Debian paths.

BEARERBOX=${KANNEL_BEARERBOX:-/usr/sbin/bearerbox}
SMSBOX=${KANNEL_SMSBOX:-/usr/sbin/smsbox}
FAKESMSC=${KANNEL_FAKESMSC:-/usr/lib/kannel/test/fakesmsc}
KANNEL_DIR=$E2E_DIR/kannel
KANNEL_PIDS=
KANNEL_PASSWORD=kannel-e2e-pw-$$
KANNEL_ADMIN_PASSWORD=kannel-admin-$$
KANNEL_MAX_MESSAGES=${KANNEL_MAX_MESSAGES:-10}

for _b in "$BEARERBOX" "$SMSBOX" "$FAKESMSC"; do
	[ -x "$_b" ] || skip "no $_b (Debian packages kannel and kannel-extras;" \
	    "scripts/install-deps.sh installs them)"
done

# kannel_stop: TERM every Kannel process this test started, KILL what is
# left after 5 s.
kannel_stop() {
	[ -n "$KANNEL_PIDS" ] || return 0
	for _p in $KANNEL_PIDS; do
		kill -TERM "$_p" 2>/dev/null
	done
	for _p in $KANNEL_PIDS; do
		wait_until "! kill -0 $_p 2>/dev/null" 5 || kill -KILL "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
	done
	KANNEL_PIDS=
}
trap 'kannel_stop; e2e_cleanup' EXIT

# free_ports N: N distinct free TCP ports on 127.0.0.1.
free_ports() {
	"$PYTHON" - "$1" <<-'EOF'
	import socket, sys
	socks = [socket.socket() for _ in range(int(sys.argv[1]))]
	for s in socks:
	    s.bind(("127.0.0.1", 0))
	print(" ".join(str(s.getsockname()[1]) for s in socks))
	EOF
}

# kannel_run NAME CMD...: start CMD in $WORK, output to $WORK/NAME.out.
kannel_run() {
	_name=$1
	shift
	(cd "$WORK" && exec "$@") >"$WORK/$_name.out" 2>&1 </dev/null &
	KANNEL_PIDS="$KANNEL_PIDS $!"
}

# kannel_status: bearerbox's status page (empty when it does not answer).
kannel_status() {
	"$PYTHON" - "http://127.0.0.1:$KANNEL_ADMIN_PORT/status.txt?password=$KANNEL_ADMIN_PASSWORD" <<-'EOF'
	import sys, urllib.request
	try:
	    print(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode())
	except Exception:
	    pass
	EOF
}

# kannel_ready: smsbox and the fake SMSC are both connected to bearerbox.
kannel_ready() {
	_st=$(kannel_status)
	printf '%s\n' "$_st" | grep -q 'smsbox:.*on-line' &&
	    printf '%s\n' "$_st" | grep -q 'fake\[fake\].*(online'
}

# kannel_start: write kannel.conf, start bearerbox, smsbox and fakesmsc.
kannel_start() {
	set -- $(free_ports 5)
	KANNEL_ADMIN_PORT=$1 KANNEL_BOX_PORT=$2 KANNEL_SENDSMS_PORT=$3
	KANNEL_SMSC_PORT=$4 STATUS_PORT=$5
	KANNEL_URL=http://127.0.0.1:$KANNEL_SENDSMS_PORT/cgi-bin/sendsms
	sed -e "s|@WORK@|$WORK|g" -e "s|@ADMIN_PORT@|$KANNEL_ADMIN_PORT|" \
	    -e "s|@BOX_PORT@|$KANNEL_BOX_PORT|g" \
	    -e "s|@SENDSMS_PORT@|$KANNEL_SENDSMS_PORT|" \
	    -e "s|@SMSC_PORT@|$KANNEL_SMSC_PORT|" \
	    -e "s|@PASSWORD@|$KANNEL_PASSWORD|" \
	    -e "s|@ADMIN_PASSWORD@|$KANNEL_ADMIN_PASSWORD|" \
	    -e "s|@MAX_MESSAGES@|$KANNEL_MAX_MESSAGES|" \
	    "$KANNEL_DIR/kannel.conf.in" >"$WORK/kannel.conf" ||
		fail "cannot write kannel.conf"
	kannel_run bearerbox "$BEARERBOX" "$WORK/kannel.conf"
	wait_until '[ -n "$(kannel_status)" ]' 15 ||
		fail "bearerbox did not start: $(tail -n 5 "$WORK/bearerbox.out")"
	kannel_run smsbox "$SMSBOX" "$WORK/kannel.conf"
	kannel_run fakesmsc "$FAKESMSC" -H 127.0.0.1 -r "$KANNEL_SMSC_PORT" \
	    -m 0 "100 200 text unused"
	wait_until kannel_ready 15 ||
		fail "smsbox or fakesmsc did not connect: $(kannel_status | tail -n 8)"
	wait_until "\"$PYTHON\" -c 'import socket; socket.create_connection((\"127.0.0.1\", $KANNEL_SENDSMS_PORT), 1)' 2>/dev/null" 10 ||
		fail "smsbox does not listen on its sendsms port"
	note "Kannel $("$BEARERBOX" --version 2>&1 | sed -n "s/.*Kannel bearerbox version \`\([^']*\)'.*/\1/p" | head -n 1) on 127.0.0.1:$KANNEL_SENDSMS_PORT"
}

# kannel_conf [EXTRA LINES]: huigao's config: a gateway "kannel" whose
# password comes from a 0600 file ($KANNEL_GW_PASSWORD, default the right
# one), the gateways in $MORE_GATEWAYS after it, routes.sms = $SMS_ROUTE.
kannel_conf() {
	(umask 077 && printf '%s\n' "${KANNEL_GW_PASSWORD:-$KANNEL_PASSWORD}" \
	    >"$WORK/kannel.password")
	_route=${SMS_ROUTE:-'"kannel"'}
	cat >"$CONF" <<-EOF
	database = "$DB";
	timezone = "Asia/Shanghai";
	courts = { gy = { name = "沽源县人民法院"; sign = "$COURT_SIGN"; }; };
	@include "$ROOT/config/steps.conf"
	routes = { sms = [ $_route ]; };
	gateways = (
	  { name = "kannel"; type = "kannel"; url = "$KANNEL_URL";
	    allow_http = true; username = "huigao";
	    password_file = "$WORK/kannel.password"; from = "10690001";
	    max_parts = $KANNEL_MAX_MESSAGES; }${MORE_GATEWAYS:+,
	  $MORE_GATEWAYS}
	);
	delivery = { $DELIVERY };
	status = { listen = "127.0.0.1:$STATUS_PORT"; };
	${1:-}
	EOF
}

# kannel_received: the fake SMS centre's messages, one JSON line each
# ({"from", "to", "parts", "part_units", "text"}); fails on a broken one.
kannel_received() {
	"$PYTHON" "$KANNEL_DIR/fakesmsc-decode.py" "$WORK/fakesmsc.out" ||
		fail "the fake SMS centre received a malformed message"
}

# kannel_count: messages (parts counted once) the fake SMS centre has got.
kannel_count() {
	"$PYTHON" "$KANNEL_DIR/fakesmsc-decode.py" "$WORK/fakesmsc.out" \
	    2>/dev/null | wc -l | tr -d ' '
}
