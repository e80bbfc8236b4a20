# huigao - build, test, install.
#
#   make            build/huigaod and build/huigaoctl
#   make test       every test (unit + end-to-end); WERROR=1 turns warnings into errors
#   make asan       ASan+UBSan build in build-asan/, and the test suite run against it
#   make demo       a console-gateway demo on an embedded SQLite database
#   make install    PREFIX=/usr/local DESTDIR= (also SYSTEMDUNITDIR, SYSUSERSDIR,
#                   TMPFILESDIR, MANDIR)
#   make bench      benchmarks (not part of make test)
#   make fuzz       libFuzzer on the parsers, FUZZ_SECONDS per target (tests/fuzz/README.md)

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
SBINDIR	?= $(PREFIX)/sbin
DATADIR	?= $(PREFIX)/share/huigao
MANDIR	?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
BUILD	?= build
CC	?= cc
PKG_CONFIG ?= pkg-config

PKGS	= libevent sqlite3 libcurl libconfig jansson libcrypto libsystemd
WARN	= -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	  -Wformat=2 -Wpointer-arith -Wcast-qual
ifeq ($(WERROR),1)
WARN	+= -Werror
endif
OPT	?= -O2 -g
ifeq ($(SAN),1)
OPT	= -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	  -fno-sanitize-recover=undefined
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

CPPFLAGS += -D_GNU_SOURCE -Idaemon -Iadapters
CFLAGS	+= -std=c11 $(OPT) $(WARN) $(PKG_CFLAGS)
LDLIBS	+= $(PKG_LIBS) -lm

LIB_SRC	= daemon/log.c daemon/util.c daemon/text.c daemon/backoff.c \
	  daemon/cfg.c daemon/policy.c daemon/store.c daemon/receipt.c daemon/report.c \
	  adapters/adapters.c adapters/console.c adapters/file.c adapters/webhook.c \
	  adapters/aliyun.c adapters/tencent.c adapters/twilio.c adapters/kannel.c \
	  adapters/wechat.c adapters/smtp.c adapters/wecom.c adapters/dingtalk.c \
	  adapters/feishu.c
DAEMON_SRC = daemon/huigaod.c daemon/watch.c daemon/sched.c daemon/http.c \
	  daemon/status.c daemon/alert.c
CTL_SRC	= daemon/huigaoctl.c
UNIT_SRC = $(wildcard tests/unit/test_*.c)
SCHEMA	= $(sort $(wildcard schema/*.sql))

LIB_OBJ	= $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/schema.o
DAEMON_OBJ = $(DAEMON_SRC:%.c=$(BUILD)/obj/%.o)
CTL_OBJ	= $(CTL_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps test unit e2e asan demo install clean bench check-config
all: deps $(BUILD)/huigaod $(BUILD)/huigaoctl

# Installs missing Debian packages (as root); a no-op when all are present.
deps:
	@sh scripts/install-deps.sh

$(BUILD)/obj/%.o: %.c daemon/huigao.h adapters/adapter.h daemon/store.h daemon/core.h \
	  daemon/receipt.h daemon/report.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/schema.c: $(SCHEMA) scripts/embed-schema.sh
	@mkdir -p $(BUILD)
	sh scripts/embed-schema.sh $(SCHEMA) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/schema.o: $(BUILD)/schema.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/libhuigao.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/huigaod: $(DAEMON_OBJ) $(BUILD)/libhuigao.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/huigaoctl: $(CTL_OBJ) $(BUILD)/libhuigao.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Every unit test links the shared fixture (tests/unit/fixture.h).
$(BUILD)/tests/%: tests/unit/%.c tests/unit/fixture.c tests/unit/fixture.h \
	  $(BUILD)/libhuigao.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< tests/unit/fixture.c \
	    $(BUILD)/libhuigao.a $(LDLIBS) $(CMOCKA_LIBS)

unit: all $(UNIT_BIN)
	@sh tests/run-unit.sh $(BUILD)

e2e: all
	@sh tests/run-e2e.sh $(BUILD)

# Every test: unit tests, then end-to-end tests; one summary line at the end.
test: all $(UNIT_BIN)
	@sh tests/run-all.sh $(BUILD)

asan:
	$(MAKE) BUILD=build-asan SAN=1 test

check-config: all
	$(BUILD)/huigaod -t -c config/huigao.conf.example

demo: all
	@sh scripts/demo.sh $(BUILD)

bench: all
	@sh scripts/install-deps.sh bench
	@sh bench/run.sh $(BUILD)

# The unit and the man pages name the default paths (PREFIX=/usr/local,
# SYSCONFDIR=/etc); installing rewrites them to the ones installed to.
INSTALL_PATHS = sed -e 's|/usr/local/sbin/huigaod|$(SBINDIR)/huigaod|g' \
	-e 's|/usr/local/share/huigao|$(DATADIR)|g' \
	-e 's|/usr/local/lib/systemd/system|$(SYSTEMDUNITDIR)|g' \
	-e 's|/etc/huigao/|$(SYSCONFDIR)/huigao/|g'

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/schema \
	    $(DESTDIR)$(SYSCONFDIR)/huigao
	install -m 0755 $(BUILD)/huigaod $(DESTDIR)$(SBINDIR)/huigaod
	install -m 0755 $(BUILD)/huigaoctl $(DESTDIR)$(BINDIR)/huigaoctl
	install -m 0644 $(SCHEMA) $(DESTDIR)$(DATADIR)/schema/
	install -m 0644 config/huigao.conf.example config/steps.conf $(DESTDIR)$(DATADIR)/
	test -e $(DESTDIR)$(SYSCONFDIR)/huigao/steps.conf || \
	    install -m 0644 config/steps.conf $(DESTDIR)$(SYSCONFDIR)/huigao/steps.conf
	install -d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
	    $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	$(INSTALL_PATHS) systemd/huigaod.service \
	    > $(DESTDIR)$(SYSTEMDUNITDIR)/huigaod.service
	install -m 0644 systemd/huigao.sysusers $(DESTDIR)$(SYSUSERSDIR)/huigao.conf
	install -m 0644 systemd/huigao.tmpfiles $(DESTDIR)$(TMPFILESDIR)/huigao.conf
	$(INSTALL_PATHS) man/huigaoctl.1 > $(DESTDIR)$(MANDIR)/man1/huigaoctl.1
	$(INSTALL_PATHS) man/huigao.conf.5 > $(DESTDIR)$(MANDIR)/man5/huigao.conf.5
	$(INSTALL_PATHS) man/huigaod.8 > $(DESTDIR)$(MANDIR)/man8/huigaod.8
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/huigaod.service \
	    $(DESTDIR)$(MANDIR)/man1/huigaoctl.1 $(DESTDIR)$(MANDIR)/man5/huigao.conf.5 \
	    $(DESTDIR)$(MANDIR)/man8/huigaod.8

clean:
	rm -rf build build-asan

# ---- fuzzing (tests/fuzz/README.md) ----
# make fuzz      libFuzzer (clang) on every target, FUZZ_SECONDS each (default
#                600), FUZZ_JOBS at a time (default 2), in FUZZ_BUILD
# make fuzz-merge  keep what the runs found that adds coverage in tests/fuzz/corpus
# make test      replays every corpus file with gcc and ASan+UBSan ($(BUILD)/fuzz-replay)
FUZZ_TARGETS = config render text parse receipt
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_JOBS ?= 2
FUZZ_CC	?= clang
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	  -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -O1 -g $(FUZZ_SAN) $(WARN) $(PKG_CFLAGS) -Itests/fuzz \
	  -DFUZZ_SRCDIR='"$(CURDIR)/tests/fuzz"'
FUZZ_HDRS = $(wildcard daemon/*.h adapters/*.h) tests/fuzz/fuzz.h
FUZZ_LIB_SRC = $(filter-out daemon/store.c daemon/report.c,$(LIB_SRC))
FUZZ_BIN = $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_REPLAY = $(BUILD)/fuzz-replay
FUZZ_REPLAY_BIN = $(FUZZ_TARGETS:%=$(FUZZ_REPLAY)/fuzz_%)

.PHONY: fuzz fuzz-build fuzz-merge fuzz-replay clean-fuzz
fuzz: fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_JOBS) $(FUZZ_TARGETS)

fuzz-build: $(FUZZ_BIN)

fuzz-merge: fuzz-build
	@sh tests/fuzz/run.sh -merge $(FUZZ_BUILD) 0 1 $(FUZZ_TARGETS)

$(FUZZ_BUILD)/obj/%.o: %.c $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/libhuigao.a: $(FUZZ_LIB_SRC:%.c=$(FUZZ_BUILD)/obj/%.o)
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_util.o \
	  $(FUZZ_BUILD)/libhuigao.a $(FUZZ_HDRS)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
	    $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_util.o $(FUZZ_BUILD)/libhuigao.a $(LDLIBS)

# The same harnesses as plain programs (tests/fuzz/replay.c), for make test.
$(FUZZ_REPLAY)/obj/%.o: %.c $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_REPLAY)/libhuigao.a: $(FUZZ_LIB_SRC:%.c=$(FUZZ_REPLAY)/obj/%.o)
	$(AR) rcs $@ $^

$(FUZZ_REPLAY)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_REPLAY)/obj/tests/fuzz/replay.o \
	  $(FUZZ_REPLAY)/obj/tests/fuzz/fuzz_util.o $(FUZZ_REPLAY)/libhuigao.a $(FUZZ_HDRS)
	$(CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_REPLAY)/obj/tests/fuzz/replay.o \
	    $(FUZZ_REPLAY)/obj/tests/fuzz/fuzz_util.o $(FUZZ_REPLAY)/libhuigao.a $(LDLIBS)

.SECONDARY: $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_util.o \
	  $(FUZZ_REPLAY)/obj/tests/fuzz/fuzz_util.o $(FUZZ_REPLAY)/obj/tests/fuzz/replay.o

fuzz-replay: $(FUZZ_REPLAY_BIN)
	@sh tests/run-fuzz-replay.sh $(BUILD)

test: $(FUZZ_REPLAY_BIN)

clean: clean-fuzz
clean-fuzz:
	rm -rf $(FUZZ_BUILD)
