#!/bin/sh
# huigaod.service as systemd reads it, offline (no running systemd needed):
# "systemd-analyze verify" has nothing to say about the installed unit, and
# "systemd-analyze security --offline=yes" rates its exposure 2.0 or lower.
#
# verify insists that ExecStart= exists and that the Documentation= man
# pages are found, so the unit is checked as "make install" writes it into
# a temporary PREFIX (no DESTDIR): its paths are then real ones, and MANPATH
# finds the installed pages. "-o all" installs what $BUILD holds, unbuilt.
. "$(dirname "$0")/lib.sh"

command -v systemd-analyze >/dev/null 2>&1 || skip "no systemd-analyze"
command -v make >/dev/null 2>&1 || skip "no make"

# 1. verify the installed unit.
T=$WORK/prefix
make -s -o all -C "$ROOT" install BUILD="$BUILD" PREFIX="$T/usr" \
    SYSCONFDIR="$T/etc" >"$WORK/install.log" 2>&1 ||
	fail "make install PREFIX=$T/usr: $(tail -n 5 "$WORK/install.log")"
UNIT=$T/usr/lib/systemd/system/huigaod.service
[ -f "$UNIT" ] || fail "make install wrote no $UNIT"
grep -q "^ExecStart=$T/usr/sbin/huigaod " "$UNIT" ||
	fail "the installed unit does not start $T/usr/sbin/huigaod: $(grep ^ExecStart= "$UNIT")"

man_opt=
command -v man >/dev/null 2>&1 || man_opt=--man=no
MANPATH=$T/usr/share/man timeout 60 systemd-analyze verify $man_opt "$UNIT" \
    >"$WORK/verify.out" 2>&1
rc=$?
[ "$rc" = 0 ] && [ ! -s "$WORK/verify.out" ] ||
	fail "systemd-analyze verify (exit $rc): $(cat "$WORK/verify.out")"

# ... and it is not vacuous: the same unit with a bad line is reported.
cp "$UNIT" "$WORK/huigaod.service"
printf '[Service]\nNoSuchSetting=yes\n' >>"$WORK/huigaod.service"
MANPATH=$T/usr/share/man timeout 60 systemd-analyze verify $man_opt \
    "$WORK/huigaod.service" >"$WORK/verify-bad.out" 2>&1
grep -q NoSuchSetting "$WORK/verify-bad.out" ||
	fail "systemd-analyze verify does not report a bad line; cannot trust it"

# 2. the exposure of the unit as shipped.
timeout 60 systemd-analyze security --offline=yes --no-pager \
    "$ROOT/systemd/huigaod.service" >"$WORK/security.out" 2>&1
exposure=$(sed -n 's/.*Overall exposure level for huigaod\.service: *\([0-9.]*\).*/\1/p' \
    "$WORK/security.out")
[ -n "$exposure" ] ||
	fail "no 'Overall exposure level' line: $(tail -n 5 "$WORK/security.out")"
note "exposure $exposure"
[ "$(calc "$exposure <= 2.0")" = 1 ] ||
	fail "exposure $exposure > 2.0; open items: $(grep '✗' "$WORK/security.out")"
pass
