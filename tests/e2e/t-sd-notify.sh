#!/bin/sh
# The sd_notify protocol as systemd sees it (Type=notify, NotifyAccess=main,
# WatchdogSec=): a datagram socket given as NOTIFY_SOCKET receives READY=1
# once the daemon is up, WATCHDOG=1 every WATCHDOG_USEC/2 from the loop,
# RELOADING=1 then READY=1 around a SIGHUP, and STOPPING=1 on SIGTERM, after
# which the daemon exits 0. Every datagram must come from the main process
# (SCM_CREDENTIALS), or systemd's NotifyAccess=main would drop it.
. "$(dirname "$0")/lib.sh"

# The socket path must fit in sun_path (108 bytes): keep it short.
SOCKDIR=$(mktemp -d /tmp/hg-notify.XXXXXX) || fail "mktemp"
SOCK=$SOCKDIR/notify
NLOG=$WORK/notify.log
LISTENER_PID=
trap 'kill "$LISTENER_PID" 2>/dev/null; rm -rf "$SOCKDIR"; e2e_cleanup' EXIT

# A Python listener: one line per assignment, "TIME PID KEY=VALUE", where
# PID is the sender's from SCM_CREDENTIALS. It exits by itself after 60 s.
"$PYTHON" - "$SOCK" "$NLOG" 60 <<-'EOF' 2>"$WORK/listener.err" &
import os, socket, struct, sys, time
path, out, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(path)
s.settimeout(0.1)
open(out + ".ready", "w").close()
end = time.monotonic() + limit
with open(out, "a", buffering=1) as f:
    while time.monotonic() < end:
        try:
            msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
        except socket.timeout:
            continue
        t, pid = time.time(), 0
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = struct.unpack("iII", data[:12])[0]
        for line in msg.decode("utf-8", "replace").split("\n"):
            if line:
                f.write("%.6f %d %s\n" % (t, pid, line))
EOF
LISTENER_PID=$!
wait_until '[ -e "$NLOG.ready" ]' 5 ||
	fail "notify listener did not start: $(cat "$WORK/listener.err")"

# seen KEY=VALUE [AFTER_LINE]: how many such lines after line AFTER_LINE.
seen() {
	awk -v want="$1" -v after="${2:-0}" \
	    'NR > after && $3 == want { n++ } END { print n + 0 }' "$NLOG"
}

# first_line KEY=VALUE [AFTER_LINE]: the line number of the first such line.
first_line() {
	awk -v want="$1" -v after="${2:-0}" \
	    'NR > after && $3 == want { print NR; exit }' "$NLOG"
}

lines() {
	if [ -f "$NLOG" ]; then wc -l <"$NLOG" | tr -d ' '; else echo 0; fi
}

setup
NOTIFY_SOCKET=$SOCK
WATCHDOG_USEC=400000
export NOTIFY_SOCKET WATCHDOG_USEC
unset WATCHDOG_PID	# sd_watchdog_enabled() would compare it with getpid()
start_daemon
unset NOTIFY_SOCKET WATCHDOG_USEC

# 1. READY=1 once the configuration is valid and the database open.
wait_until '[ "$(seen READY=1)" -ge 1 ]' 5 ||
	fail "no READY=1 within 5 s; got: $(cat "$NLOG")"
ready_line=$(first_line READY=1)
t_ready=$(awk -v n="$ready_line" 'NR == n { print $1 }' "$NLOG")

# 2. Watchdog pings every 200 ms: at least two within 1.5 s of READY=1,
# and never 0.4 s without one (systemd would kill the service then).
# Both bounds stretch by $SLOW under a wrapper such as valgrind.
win=$(awk -v s="$SLOW" 'BEGIN { printf "%g", 1.5 * s }')
sleep "$win"
n_wd=$(awk -v t0="$t_ready" -v w="$win" \
    '$3 == "WATCHDOG=1" && $1 >= t0 && $1 <= t0 + w { n++ } END { print n + 0 }' "$NLOG")
[ "$n_wd" -ge 2 ] ||
	fail "$n_wd WATCHDOG=1 pings within $win s of READY=1 (want >= 2; WATCHDOG_USEC=400000)"
gap=$(awk '$3 == "WATCHDOG=1" { if (p != "") { g = $1 - p; if (g > m) m = g } p = $1 }
    END { printf "%.3f", m + 0 }' "$NLOG")
[ "$(calc "$gap < 0.4 * $SLOW")" = 1 ] ||
	fail "a gap of $gap s between WATCHDOG=1 pings: systemd would kill the service at 0.4 s"

# 3. SIGHUP: RELOADING=1, then READY=1 again.
before=$(lines)
hup_daemon
wait_until '[ -n "$(first_line RELOADING=1 "$before")" ]' 5 ||
	fail "no RELOADING=1 within 5 s of SIGHUP"
rl=$(first_line RELOADING=1 "$before")
wait_until '[ -n "$(first_line READY=1 "$rl")" ]' 5 ||
	fail "no READY=1 after RELOADING=1"

# 4. SIGTERM: STOPPING=1, then exit 0 (stop_daemon checks the status).
before=$(lines)
pid=$DAEMON_PID
stop_daemon
wait_until '[ "$(seen STOPPING=1 "$before")" -ge 1 ]' 2 ||
	fail "no STOPPING=1 on SIGTERM"

# Every message came from the main process.
others=$(awk -v p="$pid" '$2 != p { n++ } END { print n + 0 }' "$NLOG")
[ "$others" = 0 ] ||
	fail "$others notify lines from a process other than the daemon ($pid): $(awk -v p="$pid" '$2 != p' "$NLOG" | head -n 3)"
# Every line is a well-formed assignment (STATUS= and the like are welcome).
odd=$(awk '$3 !~ /^[A-Z_]+=/' "$NLOG" | head -n 3)
[ -z "$odd" ] || fail "malformed notify lines: $odd"

note "READY, $n_wd watchdog pings in $win s (largest gap ${gap} s), RELOADING+READY on HUP, STOPPING on TERM, exit 0"
pass
