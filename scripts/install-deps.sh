#!/bin/sh
# Install the Debian packages huigao needs to build and test.
# Idempotent: installs only what is missing; needs root (or sudo) when it must install.
# "install-deps.sh bench" adds what make bench needs (Gammu SMSD).
set -eu

# build: compiler and the libraries of DESIGN.md
PKGS="build-essential pkg-config
libevent-dev libsqlite3-dev sqlite3 libcurl4-openssl-dev libconfig-dev
libjansson-dev libssl-dev libsystemd-dev libcmocka-dev tzdata"
# tests: mock servers, a real Kannel with its fake SMS centre, TLS
# certificates, man page and unit file checks, the HTML report in a browser
# (with a CJK font, or its Chinese shows as boxes), a real SMTP server (Exim,
# run by the e-mail tests from a config in their work dir on a loopback port)
PKGS="$PKGS python3 openssl ca-certificates curl valgrind procps
kannel kannel-extras mandoc systemd chromium fonts-noto-cjk
exim4-daemon-light"
# make fuzz: clang with libFuzzer and the sanitizer runtimes
PKGS="$PKGS clang libclang-rt-14-dev"
# make bench (install-deps.sh bench): Gammu SMSD on SQLite for the
# comparison; not installed otherwise, since on a machine booted with
# systemd the package enables a gammu-smsd service of its own
if [ "${1:-}" = bench ]; then
	PKGS="$PKGS gammu-smsd libdbd-sqlite3"
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "install-deps: need root to install:$missing" >&2; exit 1; fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
