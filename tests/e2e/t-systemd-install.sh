#!/bin/sh
# "make install DESTDIR=... PREFIX=/usr" puts everything where a Debian
# administrator looks for it: binaries, example configuration, schema, the
# unit with its sysusers.d and tmpfiles.d files, and the three man pages;
# installed files name the installed paths, never the DESTDIR; a second
# install keeps an edited /etc/huigao/steps.conf; the sysusers.d and
# tmpfiles.d files apply cleanly to the staged root.
# "-o all" installs what $BUILD holds without rebuilding it.
. "$(dirname "$0")/lib.sh"

command -v make >/dev/null 2>&1 || skip "no make"

D=$WORK/dest
install_it() {
	make -s -o all -C "$ROOT" install BUILD="$BUILD" DESTDIR="$D" \
	    PREFIX=/usr >"$WORK/install.log" 2>&1 ||
		fail "make install: $(tail -n 5 "$WORK/install.log")"
}
install_it

# want MODE FILE...: each file exists with that mode.
want() {
	_mode=$1
	shift
	for _f in "$@"; do
		[ -f "$D$_f" ] || fail "not installed: $_f"
		_m=$(stat -c %a "$D$_f")
		[ "$_m" = "$_mode" ] || fail "$_f has mode $_m, want $_mode"
	done
}
want 755 /usr/sbin/huigaod /usr/bin/huigaoctl
want 644 /usr/share/huigao/huigao.conf.example /usr/share/huigao/steps.conf \
    /etc/huigao/steps.conf \
    /usr/lib/systemd/system/huigaod.service \
    /usr/lib/sysusers.d/huigao.conf /usr/lib/tmpfiles.d/huigao.conf \
    /usr/share/man/man1/huigaoctl.1 /usr/share/man/man5/huigao.conf.5 \
    /usr/share/man/man8/huigaod.8
for s in schema/*.sql; do
	want 644 "/usr/share/huigao/schema/$(basename "$s")"
done
"$D/usr/sbin/huigaod" -V >/dev/null || fail "the installed huigaod does not run"

# The unit and the pages name the installed paths.
U=$D/usr/lib/systemd/system/huigaod.service
grep -qx 'ExecStart=/usr/sbin/huigaod -c /etc/huigao/huigao.conf' "$U" ||
	fail "unexpected ExecStart: $(grep '^ExecStart=' "$U")"
grep -qx 'ExecStartPre=/usr/sbin/huigaod -t -c /etc/huigao/huigao.conf' "$U" ||
	fail "unexpected ExecStartPre: $(grep '^ExecStartPre=' "$U")"
grep -q '/usr/local/' "$U" "$D"/usr/share/man/man*/* &&
	fail "/usr/local/ is left in an installed file with PREFIX=/usr: $(grep -l /usr/local/ "$U" "$D"/usr/share/man/man*/*)"
grep -q '/usr/share/huigao/schema' "$D/usr/share/man/man8/huigaod.8" ||
	fail "huigaod.8 does not name /usr/share/huigao/schema"
stray=$(grep -rl -- "$D" "$D" 2>/dev/null | head -n 3)
[ -z "$stray" ] || fail "the DESTDIR is written into: $stray"

# A second install keeps the administrator's steps.conf.
echo '# edited' >>"$D/etc/huigao/steps.conf"
install_it
grep -q '^# edited' "$D/etc/huigao/steps.conf" ||
	fail "a second make install overwrote /etc/huigao/steps.conf"

# sysusers.d and tmpfiles.d, applied to the staged root.
if command -v systemd-sysusers >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	mkdir -p "$D/etc" "$D/var/lib"
	systemd-sysusers --root="$D" >"$WORK/sysusers.out" 2>&1 ||
		fail "systemd-sysusers: $(cat "$WORK/sysusers.out")"
	uid=$(awk -F: '$1 == "huigao" { print $3 }' "$D/etc/passwd")
	gid=$(awk -F: '$1 == "huigao" { print $3 }' "$D/etc/group")
	[ -n "$uid" ] && [ -n "$gid" ] ||
		fail "no huigao user and group after systemd-sysusers: $(cat "$WORK/sysusers.out")"
	shell=$(awk -F: '$1 == "huigao" { print $7 }' "$D/etc/passwd")
	case $shell in *nologin|*false) ;; *) fail "huigao has the login shell $shell" ;; esac
	systemd-tmpfiles --root="$D" --create >"$WORK/tmpfiles.out" 2>&1 ||
		fail "systemd-tmpfiles: $(cat "$WORK/tmpfiles.out")"
	st=$(stat -c '%a %u %g' "$D/var/lib/huigao" 2>/dev/null)
	[ "$st" = "770 $uid $gid" ] ||
		fail "/var/lib/huigao is '$st', want '770 $uid $gid'"
	note "huigao is uid $uid in the staged root; /var/lib/huigao 0770"
else
	note "sysusers.d/tmpfiles.d not applied (needs root and systemd-sysusers)"
fi
pass
