# lib-exim.sh - a real SMTP server (Exim) for the e-mail tests (sourced after lib.sh).
# ---- a real SMTP server: Exim (Debian's exim4-daemon-light) --------------
# Started from a configuration in $WORK/exim on a free 127.0.0.1 port, in
# the foreground (-bdf), with its spool, logs and maildir under $WORK: the
# system's mail setup is not touched. It offers STARTTLS (a self-signed
# certificate, which huigao must refuse), AUTH PLAIN for court/$SMTP_PASS,
# refuses the recipient refuse-me@... with 550, and delivers everything
# else to $WORK/exim/mail/new/, one file per message, with Return-path and
# Envelope-to headers telling the envelope.
#
# Optional TLS set-up, set before start_exim: EXIM_TLS_CERT and EXIM_TLS_KEY
# (PEM files: a server certificate and its key; make_test_ca and
# make_server_cert make them) replace the self-signed certificate;
# EXIM_TLS_ON_CONNECT=1 adds a second port, $SMTPS_PORT, with implicit TLS
# (smtps://). Then each "<=" line of Exim's log also names the port the
# message came in on (I=[127.0.0.1]:PORT).
SMTP_PASS=Smtp-Pass-0001
EXIM_DIR=$WORK/exim
EXIM_PID=
EXIM=$(command -v exim4 || command -v exim || ls /usr/sbin/exim4 2>/dev/null)
[ -n "$EXIM" ] || skip "no exim4 (Debian package exim4-daemon-light; scripts/install-deps.sh installs it)"

stop_exim() {
	[ -n "$EXIM_PID" ] || return 0
	kill -TERM "$EXIM_PID" 2>/dev/null
	_i=0
	while kill -0 "$EXIM_PID" 2>/dev/null && [ $_i -lt 50 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	kill -KILL "$EXIM_PID" 2>/dev/null
	wait "$EXIM_PID" 2>/dev/null
	EXIM_PID=
}
trap 'stop_exim; e2e_cleanup' EXIT

# start_exim: Exim listening on $SMTP_PORT.
start_exim() {
	if [ "$(id -u)" = 0 ]; then
		getent passwd Debian-exim >/dev/null || skip "no Debian-exim user"
		EXIM_USER=Debian-exim
	else
		EXIM_USER=$(id -un)
	fi
	mkdir -p "$EXIM_DIR/spool" "$EXIM_DIR/log" "$EXIM_DIR/mail" || fail "mkdir"
	SMTP_PORT=$("$PYTHON" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	_ports=$SMTP_PORT
	exim_tls_conf
	cat >"$EXIM_DIR/exim.conf" <<-EOC
	exim_user = $EXIM_USER
	exim_group = $(id -gn "$EXIM_USER")
	never_users =
	keep_environment =
	spool_directory = $EXIM_DIR/spool
	log_file_path = $EXIM_DIR/log/%slog
	local_interfaces = 127.0.0.1
	daemon_smtp_ports = $_ports
	primary_hostname = mx.huigao.test
	host_lookup =
	rfc1413_hosts =
	acl_smtp_rcpt = acl_rcpt
	$_tls_conf
	begin acl
	acl_rcpt:
	  deny local_parts = refuse-me
	       message = no such mailbox here
	  accept
	begin routers
	everyone:
	  driver = accept
	  transport = maildir
	begin transports
	maildir:
	  driver = appendfile
	  directory = $EXIM_DIR/mail
	  maildir_format
	  envelope_to_add
	  return_path_add
	  user = $EXIM_USER
	  mode = 0644
	begin authenticators
	plain:
	  driver = plaintext
	  public_name = PLAIN
	  server_prompts = :
	  server_condition = \${if and {{eq{\$auth2}{court}}{eq{\$auth3}{$SMTP_PASS}}}}
	  server_set_id = \$auth2
	EOC
	if [ "$(id -u)" = 0 ]; then
		# Exim's own processes run as $EXIM_USER: let them reach their
		# directories (the work dir is traversable, not listable)
		chmod 711 "$WORK" "$EXIM_DIR" &&
			chown -R "$EXIM_USER" "$EXIM_DIR/spool" "$EXIM_DIR/log" \
			"$EXIM_DIR/mail" || fail "cannot prepare exim's directories"
		if [ -d "$EXIM_DIR/tls" ]; then
			chown -R "$EXIM_USER" "$EXIM_DIR/tls" ||
				fail "cannot give exim its certificate"
		fi
	fi
	"$EXIM" -C "$EXIM_DIR/exim.conf" -bdf -oX "$_ports" \
		>>"$EXIM_DIR/stdout" 2>&1 </dev/null &
	EXIM_PID=$!
	wait_until 'exim_log | grep -q "listening for SMTP"' 10 ||
		fail "exim did not start: $(cat "$EXIM_DIR/stdout" "$EXIM_DIR/log/"* 2>/dev/null | tail -n 5)"
}

# exim_tls_conf: the optional TLS settings (see the top) in $_tls_conf, the
# certificate copied into $EXIM_DIR/tls, $SMTPS_PORT added to $_ports.
exim_tls_conf() {
	_tls_conf=
	[ -n "${EXIM_TLS_CERT:-}" ] || return 0
	[ -n "${EXIM_TLS_KEY:-}" ] || fail "EXIM_TLS_CERT without EXIM_TLS_KEY"
	mkdir -p "$EXIM_DIR/tls" &&
		cp "$EXIM_TLS_CERT" "$EXIM_DIR/tls/cert.pem" &&
		(umask 077; cp "$EXIM_TLS_KEY" "$EXIM_DIR/tls/key.pem") ||
		fail "cannot copy the TLS certificate for exim"
	_tls_conf=$(printf '%s\n' "tls_advertise_hosts = *" \
		"tls_certificate = $EXIM_DIR/tls/cert.pem" \
		"tls_privatekey = $EXIM_DIR/tls/key.pem" \
		"log_selector = +incoming_interface")
	[ "${EXIM_TLS_ON_CONNECT:-0}" = 1 ] || return 0
	SMTPS_PORT=$("$PYTHON" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	_ports=$_ports:$SMTPS_PORT
	_tls_conf=$(printf '%s\n' "$_tls_conf" "tls_on_connect_ports = $SMTPS_PORT")
}

# make_test_ca NAME: a throw-away CA, $WORK/tls/NAME.pem and its key
# NAME.key (openssl req).
make_test_ca() {
	command -v openssl >/dev/null 2>&1 || skip "no openssl command"
	mkdir -p "$WORK/tls" || fail "mkdir"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$WORK/tls/$1.key" -out "$WORK/tls/$1.pem" \
		-days 2 -subj "/O=huigao test/CN=$1" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" \
		>>"$WORK/tls/openssl.log" 2>&1 || fail "openssl: cannot make the CA $1"
}

# make_server_cert CA: Exim's certificate for 127.0.0.1 (the host of the
# URLs the tests use) and localhost, signed by the CA $WORK/tls/CA.pem
# (openssl x509); sets EXIM_TLS_CERT and EXIM_TLS_KEY for start_exim.
make_server_cert() {
	printf '%s\n' "subjectAltName = IP:127.0.0.1, DNS:localhost" \
		"basicConstraints = critical, CA:FALSE" \
		"keyUsage = critical, digitalSignature" \
		"extendedKeyUsage = serverAuth" >"$WORK/tls/server.ext"
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$WORK/tls/server.key" -out "$WORK/tls/server.csr" \
		-subj "/O=huigao test/CN=127.0.0.1" >>"$WORK/tls/openssl.log" 2>&1 &&
	openssl x509 -req -in "$WORK/tls/server.csr" -CA "$WORK/tls/$1.pem" \
		-CAkey "$WORK/tls/$1.key" -CAcreateserial -days 2 \
		-extfile "$WORK/tls/server.ext" -out "$WORK/tls/server.pem" \
		>>"$WORK/tls/openssl.log" 2>&1 ||
		fail "openssl: cannot sign the server certificate: $(tail -n 3 "$WORK/tls/openssl.log")"
	openssl verify -CAfile "$WORK/tls/$1.pem" "$WORK/tls/server.pem" \
		>/dev/null 2>&1 || fail "the server certificate does not verify"
	EXIM_TLS_CERT=$WORK/tls/server.pem
	EXIM_TLS_KEY=$WORK/tls/server.key
}

# mail_refused STEP [MAILS]: the step's notice was tried, refused for the
# server's certificate in the TLS handshake, and waits (pending); Exim took
# in no more than MAILS messages (default 0) and no password.
mail_refused() {
	_s=$1	# wait_until cannot see $1
	# (an attempt on a connection Exim has closed fails otherwise; the
	# retry then connects again)
	wait_until 'case $(step_field "$_s" last_error) in
	    *certificate*) true ;;
	    *) [ "$(step_field "$_s" state)" = sent ] ;; esac' 15 ||
		fail "step $1: not refused for the certificate: state $(step_field "$1" state): $(step_field "$1" last_error)"
	sleep 1
	case $(step_field "$1" state) in
	pending | sending) ;;
	*) fail "step $1: state $(step_field "$1" state), want pending: $(step_field "$1" last_error)" ;;
	esac
	_err=$(step_field "$1" last_error)
	case $_err in
	*certificate*) ;;
	*) fail "step $1: last_error is not about the certificate: $_err" ;;
	esac
	exim_log | grep -q 'TLS error on connection' ||
		fail "step $1: refused, but no TLS handshake in Exim's log"
	[ "$(mail_count)" = "${2:-0}" ] ||
		fail "$(mail_count) messages delivered, want ${2:-0}"
	[ "$(exim_accepted)" = "${2:-0}" ] ||
		fail "exim accepted $(exim_accepted) messages, want ${2:-0}"
	if [ "${2:-0}" = 0 ] && exim_log | grep -q ' A=plain'; then
		fail "the daemon authenticated to an unverified server"
	fi
}

# mail_arrived STEP: the step's notice is sent, and the message with its
# Message-ID is in the maildir.
mail_arrived() {
	_s=$1
	wait_until '[ "$(step_field "$_s" state)" = sent ]' 20 ||
		fail "step $1: state $(step_field "$1" state): $(step_field "$1" last_error)"
	_key=$(step_field "$1" key)
	wait_until 'grep -qF "<$_key@gy.court.example>" "$EXIM_DIR"/mail/new/* 2>/dev/null' 10 ||
		fail "step $1: no message with Message-ID <$_key@...> in the maildir"
}

# exim_tls_received PORT: Exim's "<=" lines for messages that came in on
# PORT over TLS from the authenticated court (needs the TLS set-up).
exim_tls_received() {
	exim_log | grep ' <= ' | grep -F " I=[127.0.0.1]:$1 " |
		grep ' X=TLS' | grep -c ' A=plain:court '
}

# exim_drop_sessions: end Exim's open SMTP sessions (its child processes,
# by pid), so that the next message needs a new connection.
exim_drop_sessions() {
	for _p in $(ps -o pid= --ppid "$EXIM_PID" 2>/dev/null); do
		kill -TERM "$_p" 2>/dev/null
	done
	wait_until '[ -z "$(ps -o pid= --ppid "$EXIM_PID" 2>/dev/null)" ]' 5 ||
		fail "exim's sessions did not end"
}

# exim_log: Exim's main log (on stderr when it runs unprivileged).
exim_log() {
	cat "$EXIM_DIR/log/mainlog" "$EXIM_DIR/stdout" 2>/dev/null
}

# mail_count: messages delivered to the maildir.
mail_count() {
	ls "$EXIM_DIR/mail/new" 2>/dev/null | wc -l | tr -d ' '
}

# exim_accepted: messages Exim took in ("<=" lines of its main log).
exim_accepted() {
	_n=$(exim_log | grep -c ' <= ')
	echo "${_n:-0}"
}

# write_mail_conf GATEWAY_KEYS: the step ENF_DEPOSIT_FROZEN by e-mail only,
# to the gateway "mail" at $MAIL_URL (default smtp://127.0.0.1:$SMTP_PORT)
# with these keys added.
write_mail_conf() {
	(umask 077; printf '%s\n' "$SMTP_PASS" >"$WORK/smtp.pass")
	cat >"$CONF.tmp" <<-EOC
	database = "$DB";
	timezone = "Asia/Shanghai";
	courts = { gy = { name = "沽源县人民法院"; sign = "沽源县人民法院"; }; };
	steps = {
	  ENF_DEPOSIT_FROZEN = { label = "冻结银行存款"; notify = [ "applicant", "agent" ];
	    text = "{case_no}案已冻结被执行人银行存款{amount}元。";
	    channels = [ "email" ]; };
	};
	routes = { email = [ "mail" ]; };
	gateways = ( { name = "mail"; type = "smtp"; url = "${MAIL_URL:-smtp://127.0.0.1:$SMTP_PORT}";
	  from = "noreply@gy.court.example"; $1 } );
	delivery = { $DELIVERY };
	EOC
	mv "$CONF.tmp" "$CONF"
}

# setup_mail EMAIL GATEWAY_KEYS: Exim, config, schema, case 1 with an agent.
setup_mail() {
	start_exim
	write_mail_conf "$2"
	init_db
	sql "INSERT INTO cases(case_no, court) VALUES('$CASE_NO','gy');
	     INSERT INTO parties(case_id, role, name, phone, email)
	     VALUES(1,'agent','赵律师','$PHONE','$1');" ||
		fail "could not seed the case"
}
# --------------------------------------------------------------------------
