# Houqin build. `make run` and `make test` are the two commands a newcomer needs.
# Everything is built with pkg-config against Debian's packages (see `make deps`).

CC ?= gcc
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
PKGS := libmicrohttpd jansson sqlite3 libpq libsodium zlib xlsxwriter libqrencode
TEST_PKGS := cmocka libcurl

# -Wno-missing-field-initializers: table rows (routes, fields) leave trailing members zero by
# design (http/router.h), so a new member need not be written into every row.
WARN := -std=c11 -Wall -Wextra -Werror -pedantic -Wformat=2 -Wformat-security \
	-Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition -Wpointer-arith \
	-Wvla -Wwrite-strings -Wshadow -Wundef -fno-common -Wno-missing-field-initializers
DEFS := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DHOUQIN_VERSION='"$(VERSION)"'
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lpthread
TEST_CFLAGS = $(shell pkg-config --cflags $(TEST_PKGS))
TEST_LIBS = $(shell pkg-config --libs $(TEST_PKGS))

REL_FLAGS := -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
REL_LDFLAGS := -pie -Wl,-z,relro,-z,now
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

LIB_SRC := $(sort $(wildcard src/core/*.c src/db/*.c src/http/*.c src/modules/*/*.c)) \
	src/modules.c src/jobs.c
MIGRATIONS := $(sort $(wildcard migrations/*.sql))
# Each object lists the headers it includes in a .d file next to it (-MMD -MP), so touching a
# header rebuilds only what includes it.
DEPFLAGS := -MMD -MP

REL_OBJ := $(LIB_SRC:src/%.c=build/rel/%.o) build/rel/gen/migrations.o
SAN_OBJ := $(LIB_SRC:src/%.c=build/san/%.o) build/san/gen/migrations.o

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
API_SRC := $(sort $(wildcard tests/api/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/tests/unit/%)
API_BIN := $(API_SRC:tests/api/%.c=build/tests/api/%)
# tests/fuzz/fuzz_NAME.c: libFuzzer harnesses (make fuzz), each also a replay program for make test
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_BIN := $(FUZZ_NAMES:%=build/fuzz/bin/fuzz_%)
REPLAY_BIN := $(FUZZ_NAMES:%=build/tests/fuzz/replay_%)

# tools/node.sh puts a Node.js >= 20.19 here when the system's is older (Debian 12).
export PATH := $(CURDIR)/.cache/node/bin:$(PATH)

WEB_SRC := $(shell find web/src web/index.html web/vite.config.js tools/bundle-budget.mjs -type f 2>/dev/null)

.PHONY: all deps deps-test run test test-unit test-api test-api-pg test-e2e test-crash clean lint web bench fuzz fuzz-bin

all: houqin web

houqin: build/rel/main.o build/rel/libhouqin.a
	$(CC) $(REL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

build/rel/libhouqin.a: $(REL_OBJ)
	rm -f $@ && ar rcs $@ $^

build/san/libhouqin.a: $(SAN_OBJ)
	rm -f $@ && ar rcs $@ $^

build/rel/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(DEPFLAGS) $(DEFS) $(REL_FLAGS) -Isrc $(PKG_CFLAGS) -c -o $@ $<

build/san/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(DEPFLAGS) $(DEFS) $(SAN_FLAGS) -Isrc $(PKG_CFLAGS) -c -o $@ $<

# Migrations are embedded in the binary as C strings.
build/gen/migrations.c: $(MIGRATIONS) build/tools/embed
	@mkdir -p $(dir $@)
	build/tools/embed $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

build/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O1 -o $@ $<

build/rel/gen/migrations.o: build/gen/migrations.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -fPIE -c -o $@ $<

build/san/gen/migrations.o: build/gen/migrations.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(SAN_FLAGS) -c -o $@ $<

# ---- web UI (Vite) ----
web: web/dist/index.html

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

# npm run build = vite build + tools/bundle-budget.mjs (first-load JS budget, #13 item 7);
# over budget, the built index.html goes, so the next make builds and checks again.
web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SRC)
	cd web && npm run build || { rm -f dist/index.html; exit 1; }

# ---- set-up ----
deps:
	@tools/deps.sh build && tools/node.sh

deps-test:
	@tools/deps.sh test && tools/node.sh

run: deps all
	@test -f data/houqin.db || ./houqin init --demo --db data/houqin.db >/dev/null
	./houqin serve --db data/houqin.db --listen 127.0.0.1:8080 --demo-banner

# ---- tests: unit + API under ASan/UBSan, then the browser test ----
build/tests/unit/%: tests/unit/%.c build/san/libhouqin.a
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(DEPFLAGS) $(DEFS) $(SAN_FLAGS) -Isrc -Itests $(PKG_CFLAGS) $(TEST_CFLAGS) -o $@ $< \
		build/san/libhouqin.a $(PKG_LIBS) $(TEST_LIBS)

build/tests/api/%: tests/api/%.c tests/api/harness.c tests/api/harness.h build/san/libhouqin.a
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(DEFS) $(SAN_FLAGS) -Isrc -Itests $(PKG_CFLAGS) $(TEST_CFLAGS) -o $@ $< \
		tests/api/harness.c build/san/libhouqin.a $(PKG_LIBS) $(TEST_LIBS)

# lint first: a house-rule finding fails make test before any suite runs
test: deps deps-test all
	@$(MAKE) --no-print-directory lint
	@tools/run-tests.sh

test-unit: $(UNIT_BIN) $(REPLAY_BIN)
	@tools/run-tests.sh unit

test-api: $(API_BIN)
	@tools/run-tests.sh api

# the same API binaries on PostgreSQL, on a throwaway cluster (tools/pg-cluster.sh)
test-api-pg: $(API_BIN)
	@tools/run-tests.sh api-pg

test-e2e: houqin web
	@tools/run-tests.sh e2e

# The long form of the crash tests `make test` runs three (SQLite) and five (PostgreSQL,
# two processes) kills of.
test-crash: houqin
	@CRASH_ROUNDS=20 CRASH_CLIENTS=16 tools/run-tests.sh "crash crash-pg"

tests-bin: $(UNIT_BIN) $(API_BIN)

# ---- benchmarks (not part of make test): bench/run.sh, BENCH_ORDERS=N to resize,
# BACKEND=pg for PostgreSQL (a throwaway cluster, one and two server processes) ----
BACKEND ?= sqlite
build/bench/ceiling_write: bench/ceiling_write.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(DEFS) -O2 -o $@ $< $(shell pkg-config --cflags --libs sqlite3 libpq libsodium)

bench: deps all build/bench/ceiling_write
	@tools/deps.sh bench
	BACKEND=$(BACKEND) bench/run.sh

# ---- the security suite: the attack tests (tests/api/test_sec_*.c, also part of make test)
# and sqlmap against a local server (tools/test-security.sh, not part of make test) ----
.PHONY: test-security
test-security: deps deps-test houqin
	@tools/deps.sh security
	@tools/run-tests.sh security

# ---- fuzzing (not part of make test): clang libFuzzer + ASan/UBSan, tests/fuzz/ ----
# `make fuzz` runs every tests/fuzz/fuzz_NAME.c for FUZZ_SECONDS (FUZZ=NAME for one);
# crashes land in tests/fuzz/regressions/NAME/, which `make test` replays (gcc ASan).
FUZZ_CC := clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
# clang also flags vsnprintf in err.c/log.c wrappers, which gcc accepts
FUZZ_WARN := $(WARN) -Wno-format-nonliteral
FUZZ_OBJ := $(LIB_SRC:src/%.c=build/fuzz/%.o) build/fuzz/gen/migrations.o

build/fuzz/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_WARN) $(DEPFLAGS) $(DEFS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -Isrc $(PKG_CFLAGS) -c -o $@ $<

build/fuzz/gen/migrations.o: build/gen/migrations.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c11 $(FUZZ_FLAGS) -c -o $@ $<

build/fuzz/libhouqin.a: $(FUZZ_OBJ)
	rm -f $@ && ar rcs $@ $^

build/fuzz/bin/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h build/fuzz/libhouqin.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_WARN) $(DEFS) $(FUZZ_FLAGS) -fsanitize=fuzzer -Isrc -Itests $(PKG_CFLAGS) -o $@ $< \
		build/fuzz/libhouqin.a $(PKG_LIBS)

build/tests/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h build/san/libhouqin.a
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(DEFS) $(SAN_FLAGS) -DFUZZ_NAME='"$*"' -Isrc -Itests $(PKG_CFLAGS) -o $@ $< \
		tests/fuzz/replay.c build/san/libhouqin.a $(PKG_LIBS)

fuzz-bin: $(FUZZ_BIN)

fuzz:
	@tools/deps.sh fuzz
	@$(MAKE) -s fuzz-bin
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tools/fuzz.sh $(FUZZ)

# ---- house rules (STYLE.md §1.16): tools/checksrc.c over every C file, then cppcheck ----
# checksrc prints `file:line: rule: message` (rules and limits at the top of tools/checksrc.c).
C_FILES = $(shell find src tests tools -name '*.c' -o -name '*.h')

build/tools/checksrc: tools/checksrc.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O1 -o $@ $<

lint: build/tools/checksrc
	@tools/deps.sh lint
	@build/tools/checksrc $(C_FILES) && echo "checksrc: $(words $(C_FILES)) files pass"
	cppcheck -j2 --quiet --enable=warning,portability --error-exitcode=1 -Isrc src

clean:
	rm -rf build houqin web/dist

# the headers each object was built from (see DEPFLAGS)
-include $(shell find build -name '*.d' 2>/dev/null)
