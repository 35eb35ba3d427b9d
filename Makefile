# flowmasq -- build, unit tests, end-to-end tests (Mininet + Open vSwitch).
#
#   make deps    install missing Debian packages, start Open vSwitch
#   make build   controller/target/flowmasq.jar and natctl/target/natctl.jar
#   make unit    Maven unit tests (mvn verify)
#   make e2e     build, then the Mininet end-to-end tests (needs root)
#   make test    deps + unit + e2e (what CI runs: .ci/run)
#   make demo    deps + build + mininet/demo.py (needs root)
#   make clean

SHELL      := /bin/bash
MVN        ?= mvn
MVN_FLAGS  ?= -B -ntp -Dstyle.color=never
# Debian's python3: the one with the mininet package (not a pyenv python)
PYTHON     ?= /usr/bin/python3
PYTEST_ARGS ?= -v
JAR        := controller/target/flowmasq.jar
NATCTL_JAR := natctl/target/natctl.jar

.PHONY: all deps build unit e2e test demo clean

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

clean:
	-$(MVN) $(MVN_FLAGS) -q clean
	rm -rf mininet/__pycache__ mininet/tests/__pycache__ .pytest_cache mininet/.pytest_cache
