#!/bin/sh
# E-mail through a real SMTP server. Exim, started on a loopback port from
# a configuration in the work dir, takes a notice from the daemon (AUTH
# PLAIN, password from a file; plain SMTP allowed by allow_plain) and
# delivers it to a maildir. The message that arrived is parsed with
# Python's email package: envelope sender and recipient, From with the
# court's name, To, the decoded Subject 【沽源县人民法院】冻结银行存款, the
# Message-ID from the notification's key, the Date, and the decoded body
# equal to the notice's text.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-exim.sh"

setup_mail zhao@lawfirm.example 'username = "court"; password_file = "'"$WORK"'/smtp.pass"; allow_plain = true;'
start_daemon
add_step ENF_DEPOSIT_FROZEN '{"amount":"123456.78"}'
step=$LAST_STEP
wait_until '[ "$(step_field "$step" state)" = sent ]' 15 ||
	fail "state $(step_field "$step" state): $(step_field "$step" last_error)"
wait_until '[ "$(mail_count)" = 1 ]' 10 || fail "$(mail_count) messages in the maildir, want 1"
exim_log | grep -q ' A=plain:court ' ||
	fail "the message was not sent authenticated: $(exim_log | grep ' <= ')"

key=$(step_field "$step" key)
text=$(step_field "$step" body)
# the provider id is the Message-ID when the core hands parse() the key
case $(step_field "$step" provider_id) in
"" | "$key@gy.court.example") ;;
*) fail "provider_id $(step_field "$step" provider_id), want the Message-ID" ;;
esac
got=$("$PYTHON" - "$EXIM_DIR/mail/new" "$key" "$text" <<'PY'
import email, email.policy, email.utils, os, sys, time
d, key, text = sys.argv[1], sys.argv[2], sys.argv[3]
path = os.path.join(d, os.listdir(d)[0])
raw = open(path, "rb").read()
m = email.message_from_bytes(raw, policy=email.policy.default)
frm = m["From"].addresses[0]
checks = [
    ("envelope sender", m["Return-path"], "<noreply@gy.court.example>"),
    ("envelope recipient", m["Envelope-to"], "zhao@lawfirm.example"),
    ("From name", frm.display_name, "沽源县人民法院"),
    ("From address", frm.addr_spec, "noreply@gy.court.example"),
    ("To", m["To"].addresses[0].addr_spec, "zhao@lawfirm.example"),
    ("Subject", str(m["Subject"]), "【沽源县人民法院】冻结银行存款"),
    ("Message-ID", m["Message-ID"], "<%s@gy.court.example>" % key),
    ("charset", m.get_content_charset(), "utf-8"),
    ("transfer encoding", m["Content-Transfer-Encoding"], "base64"),
    ("body", m.get_content().replace("\r\n", "\n").rstrip("\n"), text),
]
bad = ["%s: %r, want %r" % (n, g, w) for n, g, w in checks if g != w]
age = time.time() - email.utils.parsedate_to_datetime(m["Date"]).timestamp()
if not -60 < age < 600 or not m["Date"].endswith("+0800"):
    bad.append("Date %r" % m["Date"])
if m.defects or any(h.defects for h in m.values()):
    bad.append("defects %r" % (m.defects,))
print("; ".join(bad) if bad else "ok")
PY
) || fail "could not parse the delivered message"
[ "$got" = ok ] || fail "the delivered message: $got"
if grep -qF -- "$SMTP_PASS" "$DAEMON_LOG"; then fail "the SMTP password is in the daemon's log"; fi
note "exim $("$EXIM" -bV -C "$EXIM_DIR/exim.conf" 2>/dev/null | sed -n 's/^Exim version \([^ ]*\).*/\1/p')"
pass
