# huigao - build, test, install.
#
#   make            build/huigaod and build/huigaoctl
#   make test       every test (unit + end-to-end); WERROR=1 turns warnings into errors
#   make asan       ASan+UBSan build in build-asan/, and the test suite run against it
#   make demo       a console-gateway demo on an embedded SQLite database
#   make install    PREFIX=/usr/local DESTDIR=
#   make bench      benchmarks (not part of make test)

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
SBINDIR	?= $(PREFIX)/sbin
DATADIR	?= $(PREFIX)/share/huigao
MANDIR	?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
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
	  daemon/cfg.c daemon/policy.c daemon/store.c \
	  adapters/adapters.c adapters/console.c adapters/file.c adapters/webhook.c \
	  adapters/aliyun.c adapters/tencent.c adapters/twilio.c adapters/kannel.c
DAEMON_SRC = daemon/huigaod.c daemon/watch.c daemon/sched.c daemon/http.c
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

$(BUILD)/obj/%.o: %.c daemon/huigao.h adapters/adapter.h daemon/store.h daemon/core.h
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

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libhuigao.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libhuigao.a $(LDLIBS) $(CMOCKA_LIBS)

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
	@sh bench/run.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/schema \
	    $(DESTDIR)$(SYSCONFDIR)/huigao
	install -m 0755 $(BUILD)/huigaod $(DESTDIR)$(SBINDIR)/huigaod
	install -m 0755 $(BUILD)/huigaoctl $(DESTDIR)$(BINDIR)/huigaoctl
	install -m 0644 $(SCHEMA) $(DESTDIR)$(DATADIR)/schema/
	install -m 0644 config/huigao.conf.example config/steps.conf $(DESTDIR)$(DATADIR)/
	test -e $(DESTDIR)$(SYSCONFDIR)/huigao/steps.conf || \
	    install -m 0644 config/steps.conf $(DESTDIR)$(SYSCONFDIR)/huigao/steps.conf

clean:
	rm -rf build build-asan
