# smtptrace - see README.md.  `make` builds ./smtptrace; `make check` runs every test.
CC       ?= cc
PKG_CONFIG ?= pkg-config
VERSION  := 0.1.0
BUILD    ?= build
SANITIZE ?=
OPT      ?= -O2 -g

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DESTDIR  ?=

PCAP_CFLAGS := $(shell $(PKG_CONFIG) --cflags libpcap 2>/dev/null)
PCAP_LIBS   := $(shell $(PKG_CONFIG) --libs libpcap 2>/dev/null || echo -lpcap)
# OpenSSL 3 (TLS) and libmagic (attachment types): linked now, so the code
# that uses them needs no Makefile change.
SSL_CFLAGS  := $(shell $(PKG_CONFIG) --cflags libssl libcrypto 2>/dev/null)
SSL_LIBS    := $(shell $(PKG_CONFIG) --libs libssl libcrypto 2>/dev/null || echo -lssl -lcrypto)
MAGIC_LIBS  := $(shell $(PKG_CONFIG) --libs libmagic 2>/dev/null || echo -lmagic)

# Hardening (the README suggests setcap on the binary): stack protector,
# PIE, full RELRO; _FORTIFY_SOURCE needs optimisation and is left out under
# the sanitizers, which intercept the same calls.
HARDEN_CFLAGS  := -fstack-protector-strong -fPIE
HARDEN_LDFLAGS := -pie -Wl,-z,relro,-z,now
ifeq ($(SANITIZE),)
ifneq ($(filter -O1 -O2 -O3 -Os -Og -Ofast,$(OPT)),)
HARDEN_CFLAGS  += -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2
endif
endif

CFLAGS   += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Iinclude $(PCAP_CFLAGS) $(SSL_CFLAGS) $(OPT) \
            $(HARDEN_CFLAGS) -DSMTPTRACE_VERSION='"$(VERSION)"'
LDFLAGS  += $(HARDEN_LDFLAGS)
ifneq ($(SANITIZE),)
CFLAGS   += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=$(SANITIZE)
endif
LDLIBS   += $(PCAP_LIBS) $(SSL_LIBS) $(MAGIC_LIBS) -lresolv -lpthread
# Header dependencies: each object's .d file, written by the compiler.
DEPFLAGS := -MMD -MP

LIB_SRC  := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/%)
TOOLS    := $(BUILD)/gencap

.PHONY: all clean check unit golden integ sanitize tsan demo bench deps golden-update fuzz \
        agree scan-sse2 lint install uninstall
all: smtptrace

smtptrace: $(BUILD)/smtptrace
	cp $< $@

$(BUILD)/smtptrace: $(BUILD)/main.o $(BUILD)/libsmtptrace.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libsmtptrace.a: $(LIB_OBJ)
	rm -f $@; ar rcs $@ $^

$(BUILD)/%.o: src/%.c | $(BUILD)
	$(CC) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/test_%: tests/unit/test_%.c $(BUILD)/libsmtptrace.a
	$(CC) $(CFLAGS) $(DEPFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(BUILD)/libsmtptrace.a $(LDLIBS)

$(BUILD)/gencap: bench/gencap.c
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

$(BUILD)/pcaploop: bench/pcaploop.c
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

$(BUILD):
	mkdir -p $@

-include $(wildcard $(BUILD)/*.d)

deps:
	sh scripts/deps.sh

unit: $(UNIT_BIN)
	@sh tests/run-unit.sh $(UNIT_BIN)

golden: $(BUILD)/smtptrace
	@sh tests/golden/run.sh $(BUILD)/smtptrace
	@sh tests/golden/exit_checks.sh $(BUILD)/smtptrace
	@sh tests/golden/check_json.sh
	@sh tests/golden/check_annotate.sh $(BUILD)/smtptrace
	@sh tests/golden/check_answers.sh $(BUILD)/smtptrace
	@sh tests/golden/check_icmp.sh $(BUILD)/smtptrace
	@sh tests/golden/check_reports.sh $(BUILD)/smtptrace
	@sh tests/golden/check_dns.sh $(BUILD)/smtptrace

# tshark's SMTP dissector agrees with every golden capture (tests/lib/agree.py).
agree: $(BUILD)/smtptrace
	@sh tests/golden/agree_all.sh $(BUILD)/smtptrace

# The SSE2 scanner (src/scan.c) on a machine with AVX2: the scan unit test
# and the golden suite again with the AVX2 path switched off.
scan-sse2: $(BUILD)/smtptrace $(BUILD)/test_scan
	@SMTPTRACE_NO_AVX2=1 UNIT_LABEL=unit-sse2 sh tests/run-unit.sh $(BUILD)/test_scan
	@SMTPTRACE_NO_AVX2=1 GOLDEN_LABEL=golden-sse2 sh tests/golden/run.sh $(BUILD)/smtptrace

# cppcheck and clang-tidy with the checked-in configuration (.clang-tidy,
# tests/lint/cppcheck.supp), and the include rules of docs/architecture.md.
lint:
	@sh tests/lint/run.sh $(BUILD)

golden-update: $(BUILD)/smtptrace
	@sh tests/golden/run.sh --update $(BUILD)/smtptrace

integ: $(BUILD)/smtptrace
	@sh tests/integ/run.sh $(BUILD)/smtptrace

# The unit, golden and integration tests again under ASan+UBSan, the
# capture thread under TSan.
sanitize:
	UNIT_LABEL=unit-asan GOLDEN_LABEL=golden-asan \
	$(MAKE) BUILD=build-asan SANITIZE=address,undefined OPT='-O1 -g' unit golden build-asan/smtptrace
	@INTEG_LABEL=integ-asan sh tests/integ/run.sh build-asan/smtptrace
	$(MAKE) BUILD=build-tsan SANITIZE=thread OPT='-O1 -g' build-tsan/smtptrace
	@sh tests/integ/run.sh --tsan build-tsan/smtptrace

# Both install what is missing first (scripts/deps.sh is quick when all is
# there), so they work as the first commands on a fresh Debian machine.
check:
	@sh scripts/deps.sh -q
	@$(MAKE) --no-print-directory all unit golden scan-sse2 agree lint integ sanitize
	@echo "make check: all suites passed"

demo:
	@sh scripts/deps.sh -q
	@$(MAKE) --no-print-directory smtptrace
	@sh scripts/demo.sh ./smtptrace

bench: $(BUILD)/smtptrace $(BUILD)/gencap $(BUILD)/pcaploop
	@sh bench/run.sh $(BUILD)

fuzz:
	@sh tests/fuzz/run.sh

install: $(BUILD)/smtptrace
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BUILD)/smtptrace $(DESTDIR)$(BINDIR)/smtptrace
	install -m 644 docs/smtptrace.1 $(DESTDIR)$(MANDIR)/man1/smtptrace.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/smtptrace $(DESTDIR)$(MANDIR)/man1/smtptrace.1

clean:
	rm -rf build build-asan build-tsan build-fuzz smtptrace
