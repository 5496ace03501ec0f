# smtptrace - see README.md.  `make` builds ./smtptrace; `make check` runs every test.
CC       ?= cc
PKG_CONFIG ?= pkg-config
VERSION  := 0.1.0
BUILD    ?= build
SANITIZE ?=
OPT      ?= -O2 -g

PCAP_CFLAGS := $(shell $(PKG_CONFIG) --cflags libpcap 2>/dev/null)
PCAP_LIBS   := $(shell $(PKG_CONFIG) --libs libpcap 2>/dev/null || echo -lpcap)

CFLAGS   += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Iinclude $(PCAP_CFLAGS) $(OPT) \
            -DSMTPTRACE_VERSION='"$(VERSION)"'
ifneq ($(SANITIZE),)
CFLAGS   += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=$(SANITIZE)
endif
LDLIBS   += $(PCAP_LIBS) -lpthread
LDLIBS   += $(shell $(PKG_CONFIG) --libs libssl libcrypto) -lmagic

LIB_SRC  := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/%)
TOOLS    := $(BUILD)/gencap

.PHONY: all clean check unit golden integ sanitize tsan demo bench deps golden-update fuzz
all: smtptrace

smtptrace: $(BUILD)/smtptrace
	cp $< $@

$(BUILD)/smtptrace: $(BUILD)/main.o $(BUILD)/libsmtptrace.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libsmtptrace.a: $(LIB_OBJ)
	rm -f $@; ar rcs $@ $^

$(BUILD)/%.o: src/%.c $(wildcard include/*.h) | $(BUILD)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/test_%: tests/unit/test_%.c $(wildcard tests/unit/*.h) $(BUILD)/libsmtptrace.a
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(BUILD)/libsmtptrace.a $(LDLIBS)

$(BUILD)/gencap: bench/gencap.c
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

$(BUILD)/pcaploop: bench/pcaploop.c
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

$(BUILD):
	mkdir -p $@

deps:
	sh scripts/deps.sh

unit: $(UNIT_BIN)
	@sh tests/run-unit.sh $(UNIT_BIN)

golden: $(BUILD)/smtptrace
	@sh tests/golden/run.sh $(BUILD)/smtptrace
	@sh tests/golden/exit_checks.sh $(BUILD)/smtptrace
	@sh tests/golden/check_json.sh

golden-update: $(BUILD)/smtptrace
	@sh tests/golden/run.sh --update $(BUILD)/smtptrace

integ: $(BUILD)/smtptrace
	@sh tests/integ/run.sh $(BUILD)/smtptrace

# The unit, golden and integration tests again under ASan+UBSan, the
# capture thread under TSan.
sanitize:
	$(MAKE) BUILD=build-asan SANITIZE=address,undefined OPT='-O1 -g' unit golden build-asan/smtptrace
	@INTEG_LABEL=integ-asan sh tests/integ/run.sh build-asan/smtptrace
	$(MAKE) BUILD=build-tsan SANITIZE=thread OPT='-O1 -g' build-tsan/smtptrace
	@sh tests/integ/run.sh --tsan build-tsan/smtptrace

# Both install what is missing first (scripts/deps.sh is quick when all is
# there), so they work as the first commands on a fresh Debian machine.
check:
	@sh scripts/deps.sh -q
	@$(MAKE) --no-print-directory all unit golden integ sanitize
	@echo "make check: all suites passed"

demo:
	@sh scripts/deps.sh -q
	@$(MAKE) --no-print-directory smtptrace
	@sh scripts/demo.sh ./smtptrace

bench: $(BUILD)/smtptrace $(BUILD)/gencap $(BUILD)/pcaploop
	@sh bench/run.sh $(BUILD)

fuzz:
	@sh tests/fuzz/run.sh

clean:
	rm -rf build build-asan build-tsan build-fuzz smtptrace
