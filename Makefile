# netloom — `make run` opens the shell (building first if needed), `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

JAVA_HOME := $(shell bin/find-java)
ifeq ($(JAVA_HOME),)
  $(error no JDK 21 or newer found (see the message above); set JAVA_HOME to one)
endif
export JAVA_HOME
JAVA_MAJOR := $(shell sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$(JAVA_HOME)/release")
# Maven's own libraries use sun.misc.Unsafe, which JDK 24+ warns about unless allowed.
ifeq ($(shell [ "$(JAVA_MAJOR)" -ge 23 ] 2>/dev/null && echo yes),yes)
  export MAVEN_OPTS := $(strip $(MAVEN_OPTS) --sun-misc-unsafe-memory-access=allow)
endif
# the commit `netloom --version` prints; "unknown" without git (a source tarball)
GIT_COMMIT := $(shell git -C "$(CURDIR)" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
MVN := mvn -B -ntp -Dgit.commit=$(GIT_COMMIT)

JAR := target/netloom.jar
# the JDK's AOT cache for `p2p get` (JDK 25+; bin/aot-train says why when it makes none)
AOT := target/aot/p2p-get.aot
SOURCES := pom.xml $(shell find src/main -type f 2>/dev/null)

.PHONY: help run build test unit netcat bench docs clean

help:
	@echo "make run          build if needed and open the shell"
	@echo "make run-SERVICE  run one service headless in the foreground (e.g. make run-echo)"
	@echo "make build        compile and package, no tests"
	@echo "make test         unit and integration tests, then tests/netcat and tests/netns scripts"
	@echo "make bench        every bench/ script, each printing its table"
	@echo "make docs         regenerate docs/configuration.md's key tables and netloom.properties from the code"
	@echo "make clean        remove build output"

$(JAR): $(SOURCES)
	$(MVN) -q package -DskipTests -Dcheckstyle.skip
	@touch $(JAR)

$(AOT): $(JAR)
	@bin/aot-train

build: $(JAR) $(AOT)

run: $(JAR)
	@bin/netloom

run-%: $(JAR)
	@bin/netloom serve $*

test:
	@tests/ensure-tools.sh
	tests/with-postgres.sh $(MVN) verify
	@tests/netcat/run-all.sh
	@for t in tests/netns/*.sh; do echo "=== $$t"; timeout -k 10 300 bash "$$t" </dev/null || exit 1; done

unit:
	tests/with-postgres.sh $(MVN) verify

netcat: $(JAR)
	@tests/ensure-tools.sh
	@tests/netcat/run-all.sh

bench: $(JAR) $(AOT)
	@set -e; for b in bench/*.sh; do echo "== $$b"; "$$b"; done

# The key tables of docs/configuration.md and the key lines of netloom.properties come from the
# Key definitions; ConfigDocsTest fails when they are stale. Needs no network once built.
docs: $(JAR)
	"$(JAVA_HOME)/bin/java" -cp $(JAR) dev.netloom.ConfigDocs

clean:
	$(MVN) -q clean
