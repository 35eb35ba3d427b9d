# flowmasq -- build, unit tests, end-to-end tests (Mininet + Open vSwitch).
#
#   make deps    install missing Debian packages, start Open vSwitch
#   make build   controller/target/flowmasq.jar and natctl/target/natctl.jar
#   make unit    Maven unit tests (mvn verify)
#   make e2e     build, then the Mininet end-to-end tests (needs root)
#   make test    deps + unit + e2e (what CI runs: .ci/run)
#   make demo    deps + build + mininet/demo.py (needs root)
#   make bench   bench-deps + build-bench + every benchmark (< 10 min, needs root);
#                writes bench/results/ and the README's Benchmarks table
#   make bench-e2e  only the Mininet end-to-end benchmark (bench/results/e2e.json)
#   make clean

SHELL      := /bin/bash
MVN        ?= mvn
MVN_FLAGS  ?= -B -ntp -Dstyle.color=never
# Debian's python3: the one with the mininet package (not a pyenv python)
PYTHON     ?= /usr/bin/python3
PYTEST_ARGS ?= -v
JAR        := controller/target/flowmasq.jar
NATCTL_JAR := natctl/target/natctl.jar

BENCH_JAR  := bench/target/flowmasq-bench.jar

.PHONY: all deps build unit e2e test demo clean bench-deps build-bench bench bench-e2e

all: build

deps:
	scripts/install-deps.sh

build:
	$(MVN) $(MVN_FLAGS) -q package -DskipTests
	@test -f $(JAR) && test -f $(NATCTL_JAR) && echo "built $(JAR) $(NATCTL_JAR)"

unit:
	$(MVN) $(MVN_FLAGS) verify

e2e: build
	$(PYTHON) -m pytest $(PYTEST_ARGS) mininet/tests

test: deps unit e2e

demo: deps build
	$(PYTHON) mininet/demo.py

bench-deps:
	scripts/install-bench-deps.sh

build-bench:
	$(MVN) $(MVN_FLAGS) -q package -DskipTests
	@test -f $(JAR) && test -f $(BENCH_JAR) && echo "built $(JAR) $(BENCH_JAR)"

# never part of test/CI: benchmarks are measurements, not assertions
bench: bench-deps build-bench
	bench/run.sh

bench-e2e: bench-deps build-bench
	$(PYTHON) mininet/bench_e2e.py --out bench/results/e2e.json
	$(PYTHON) bench/report.py --results bench/results

clean:
	-$(MVN) $(MVN_FLAGS) -q clean
	rm -rf mininet/__pycache__ mininet/tests/__pycache__ .pytest_cache mininet/.pytest_cache
