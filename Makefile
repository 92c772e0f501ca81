# raftbench: `make bench` and `make test` do everything on a fresh machine.
SHELL := /bin/bash
NPM ?= npm
RB := node --import tsx cli/main.ts
SUITE ?= quick
ARGS ?=

.PHONY: bench test typecheck unit report compare gate calibrate anchors list deps browser clean

# `npm install` rather than `npm ci`: the lock cannot list lmdb's optional msgpackr-extract builds for
# other platforms (the registry here does not serve them), which `npm ci` rejects as out of sync;
# `npm install` installs exactly the locked versions and leaves package-lock.json unchanged.
node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) install --no-fund --no-audit
	@touch $@

deps: node_modules/.package-lock.json

# Debian's chromium for the report's browser test; installed only when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { echo "installing chromium (apt-get)"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

bench: deps
	$(RB) bench --suite $(SUITE) $(ARGS)

typecheck: deps
	node_modules/.bin/tsc --noEmit -p .

unit: deps
	node --import tsx --test --test-concurrency=1 $$(find test -name '*.test.ts' | sort)

test: deps browser typecheck unit

report: deps
	$(RB) report results/latest $(ARGS)

compare: deps
	$(RB) compare $(OLD) $(NEW) $(ARGS)

gate: deps
	$(RB) gate $(ARGS)

calibrate: deps
	$(RB) calibrate $(ARGS)

# fio, db_bench (Debian's rocksdb-tools; installed when missing) and raftbench on one directory, then
# issue 12's target ratios. DIR=... picks the directory (default results/.anchors).
anchors: deps
	node --import tsx harness/anchors/anchors.ts $(if $(DIR),--dir $(DIR)) $(ARGS)

list: deps
	$(RB) list

clean:
	rm -rf test-output
