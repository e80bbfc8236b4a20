# lib-exim.sh - a real SMTP server (Exim) for the e-mail tests (sourced after lib.sh).
# ---- a real SMTP server: Exim (Debian's exim4-daemon-light) --------------
# Started from a configuration in $WORK/exim on a free 127.0.0.1 port, in
# the foreground (-bdf), with its spool, logs and maildir under $WORK: the
# system's mail setup is not touched. It offers STARTTLS (a self-signed
# certificate, which huigao must refuse), AUTH PLAIN for court/$SMTP_PASS,
# refuses the recipient refuse-me@... with 550, and delivers everything
# else to $WORK/exim/mail/new/, one file per message, with Return-path and
# Envelope-to headers telling the envelope.
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
	cat >"$EXIM_DIR/exim.conf" <<-EOC
	exim_user = $EXIM_USER
	exim_group = $(id -gn "$EXIM_USER")
	never_users =
	keep_environment =
	spool_directory = $EXIM_DIR/spool
	log_file_path = $EXIM_DIR/log/%slog
	local_interfaces = 127.0.0.1
	daemon_smtp_ports = $SMTP_PORT
	primary_hostname = mx.huigao.test
	host_lookup =
	rfc1413_hosts =
	acl_smtp_rcpt = acl_rcpt
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
	fi
	"$EXIM" -C "$EXIM_DIR/exim.conf" -bdf -oX "$SMTP_PORT" \
		>>"$EXIM_DIR/stdout" 2>&1 </dev/null &
	EXIM_PID=$!
	wait_until 'exim_log | grep -q "listening for SMTP"' 10 ||
		fail "exim did not start: $(cat "$EXIM_DIR/stdout" "$EXIM_DIR/log/"* 2>/dev/null | tail -n 5)"
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
# to the gateway "mail" at $SMTP_PORT with these keys added.
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
	gateways = ( { name = "mail"; type = "smtp"; url = "smtp://127.0.0.1:$SMTP_PORT";
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
