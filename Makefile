# folio: the two commands of the README. Both install what is missing (Debian packages),
# configure with CMake and build; `report` renders the default report, `test` runs every test.

BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
REPORT ?= reports/4pi-reality-impact
OUT ?= out/4pi-reality-impact.pdf

# Debian packages the build and the tests need.
PACKAGES = cmake make gcc pkg-config libc6-dev libhpdf-dev liblua5.4-dev libcsv-dev libcmark-dev \
           poppler-utils qpdf python3 lua-check

CMAKE_FLAGS ?=
ifneq ($(CI),)
CMAKE_FLAGS += -DFOLIO_WERROR=ON
endif

.PHONY: all deps build report test test-fast asan bench clean

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

bench: build
	bench/run

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) out
