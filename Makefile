# folio: the two commands of the README. Both install what is missing (Debian packages),
# configure with CMake and build; `report` renders the default report, `test` runs every test.

BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
REPORT ?= reports/4pi-reality-impact
OUT ?= out/4pi-reality-impact.pdf

# Debian packages the build and the tests need.
PACKAGES = cmake make gcc pkg-config libc6-dev libhpdf-dev liblua5.4-dev libcsv-dev libcmark-dev \
           libfontconfig-dev fonts-dejavu-core \
           libharfbuzz-dev libhyphen-dev hyphen-en-gb \
           libpng-dev libjpeg-dev libjpeg-turbo-progs nettle-dev libdeflate-dev \
           poppler-utils qpdf python3 python3-yaml systemd lua5.4 lua-check valgrind strace time parallel \
           icc-profiles-free

CMAKE_FLAGS ?=
ifneq ($(CI),)
CMAKE_FLAGS += -DFOLIO_WERROR=ON
endif

.PHONY: all deps build report test test-fast asan bench bench-peers clean chart-references

all: build

deps:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

report: build
	@mkdir -p $(dir $(OUT))
	$(BUILD)/folio render $(REPORT) -o $(OUT)

# Every test, in a normal build and again under AddressSanitizer + UndefinedBehaviorSanitizer.
test: build asan
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DFOLIO_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

# Benchmarks (bench/run, bench/peers; never part of `make test`). bench-peers runs the peer
# tools too (minutes, and gigabytes for Typst at 1,000,000 responses); bench reads its results.
BENCH_PACKAGES = $(PACKAGES) hyperfine

bench: build
	@$(MAKE) --no-print-directory deps PACKAGES="$(BENCH_PACKAGES)"
	bench/run

bench-peers: build
	@$(MAKE) --no-print-directory deps PACKAGES="$(BENCH_PACKAGES)"
	bench/peers

# Regenerates the chart gallery's reference images (docs/charts.md) after an intended change.
chart-references: build
	python3 tests/tools/chart_refs.py --update --folio $(BUILD)/folio

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) out

# Fuzzing (docs/fuzzing.md): builds the libFuzzer targets with clang in $(FUZZ_BUILD) and runs
# each for FUZZ_SECONDS over its seed corpus and regressions, growing a corpus of its own in
# $(FUZZ_BUILD)/corpus/. Fails on any crash, leak, timeout or out-of-memory; the input that
# caused it is left in $(FUZZ_BUILD)/artifacts/TARGET/ and the log in $(FUZZ_BUILD)/fuzz_TARGET.log.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= csv report markdown blocks pdfpack
FUZZ_FLAGS ?= -rss_limit_mb=2048 -timeout=10
FUZZ_PACKAGES = $(PACKAGES) clang libclang-rt-14-dev

.PHONY: fuzz
fuzz:
	@$(MAKE) --no-print-directory deps PACKAGES="$(FUZZ_PACKAGES)"
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DFOLIO_FUZZ=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@failed=""; \
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/artifacts/$$t; \
	  log=$(FUZZ_BUILD)/fuzz_$$t.log; \
	  echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  if UBSAN_OPTIONS=print_stacktrace=1 $(FUZZ_BUILD)/fuzz_$$t $(FUZZ_FLAGS) -max_total_time=$(FUZZ_SECONDS) \
	      -dict=tests/fuzz/$$t.dict -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t/ \
	      $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t tests/fuzz/regressions/$$t >$$log 2>&1; then \
	    grep -E "^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units)" $$log | sed 's/^/  /'; \
	  else \
	    tail -n 40 $$log; failed="$$failed $$t"; \
	  fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: findings in:$$failed (inputs in $(FUZZ_BUILD)/artifacts/)"; exit 1; fi
