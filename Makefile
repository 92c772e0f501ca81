# raftbench: `make bench` and `make test` do everything on a fresh machine.
SHELL := /bin/bash
NPM ?= npm
RB := node --import ./cli/loader/register.mjs cli/main.ts
SUITE ?= quick
ARGS ?=

.PHONY: bench test typecheck unit report compare gate calibrate anchors list deps system browser clean

# `npm ci`: installs exactly the committed lock and fails loudly when package.json and the lock disagree,
# instead of rewriting package-lock.json (which would mark every result "uncommitted changes"). The lock
# lists lmdb's optional msgpackr-extract builds for every platform, as npm ci requires.
node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --no-fund --no-audit
	@touch $@

deps: node_modules/.package-lock.json

# Debian's packages the tests use, installed only when missing (apt-get update once): chromium for the
# report's browser test, etcd-server for the transport=etcd test (etcd 3.4 beside raftbench's replica),
# iproute2 for the three-hosts test (network namespaces).
SYSTEM_PKGS := chromium:chromium etcd:etcd-server ip:iproute2
system:
	@missing=$$(for p in $(SYSTEM_PKGS); do command -v $${p%%:*} >/dev/null 2>&1 || echo $${p#*:}; done); \
	if [ -n "$$missing" ]; then echo "installing $$missing (apt-get)"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

browser: system

bench: deps
	$(RB) bench --suite $(SUITE) $(ARGS)

typecheck: deps
	node_modules/.bin/tsc --noEmit -p .

unit: deps
	node --import tsx --test --test-concurrency=1 $$(find test -name '*.test.ts' | sort)

test: deps system typecheck unit

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
	node --import ./cli/loader/register.mjs harness/anchors/anchors.ts $(if $(DIR),--dir $(DIR)) $(ARGS)

list: deps
	$(RB) list

clean:
	rm -rf test-output
