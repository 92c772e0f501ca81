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

# The unit step runs the test files in two phases (test/helpers/run-unit.ts); what a test checks is the
# same in either. On the 2-CPU development VM it takes 5.5 minutes (the files one after another took 9 to
# 10, and CI allows about 10 for all of `make test`).
#
# 1. Concurrent: two files at a time (the CI machine has 2 CPUs; `make unit UNIT_JOBS=N` elsewhere). Every
#    test uses its own temporary directories, ports from the kernel and names made from its pid, so two
#    files never share state. LONG_TESTS start first, longest first, so the two workers end together
#    (`node --test` would sort the paths). Files that need no process of their own (ONE_PROCESS_TESTS:
#    none bounds a time, reads a figure of its own process such as RSS or CPU time, or sets file-wide
#    hooks) run one after another in one process, test/helpers/one-process.ts, instead of one process
#    each: starting Node and tsx costs about 0.8 s of CPU per file, 65 s over these 74 files.
# 2. Serial: one file at a time with the machine to itself, for files whose assertions depend on timing or
#    that load every CPU on purpose:
#      gate/e2e                 real A/A and real 2 ms slowdown gates over measured latencies
#      gate/slow-engine         a 2 ms injected delay must come back within 22 ms
#      scenarios/open-loop      an open loop must keep its wall-clock schedule (< 1 s, <= 3 slow sends)
#      node/proc-stats          scheduler wait beside CPU hogs on every CPU (which would slow the other file)
#      harness/cpu-counters     a 150 ms spin must be billed >= 100 ms of CPU (a busy neighbour takes that CPU)
#      calibrate/machine-costs  how late a thread wakes after a 100 us sleep (< 50 ms)
#      engines/durability-check the disk's flushes, counted machine-wide, must stay under 30 while 60
#                               writes run (another file's fsyncs would count)
#      scenarios/cluster-transport  with a 10 ms rtt the median write must stay under 60 ms
#      replica/cluster-netns        its followers must group 16 clients' appends as the leader does (>= 2.5x the leader's syncs); a busy neighbour changes the grouping
# A new file runs in the concurrent phase on its own; list it in SERIAL_TESTS when what it asserts depends
# on time or on an idle machine. A file that turns flaky beside another one moves to SERIAL_TESTS; no test
# is loosened to run concurrently.
SERIAL_TESTS := \
	test/gate/e2e.test.ts \
	test/gate/slow-engine.test.ts \
	test/scenarios/open-loop.test.ts \
	test/node/proc-stats.test.ts \
	test/harness/cpu-counters.test.ts \
	test/calibrate/machine-costs.test.ts \
	test/engines/durability-check.test.ts \
	test/scenarios/cluster-transport.test.ts \
	test/replica/cluster-netns.test.ts
ONE_PROCESS_TESTS := \
	test/analysis/anomalies-rfc.test.ts \
	test/architecture/import-rules.test.ts \
	test/architecture/lockfile.test.ts \
	test/architecture/reports-compute-nothing.test.ts \
	test/architecture/warnings-as-data.test.ts \
	test/calibrate/calibrate.test.ts \
	test/calibrate/cli.test.ts \
	test/calibrate/fs-info.test.ts \
	test/calibrate/sizes.test.ts \
	test/calibrate/two-floors.test.ts \
	test/cli/loader.test.ts \
	test/compare/bench-txt-interop.test.ts \
	test/compare/benchfmt-reader.test.ts \
	test/compare/col-and-results.test.ts \
	test/compare/golden.test.ts \
	test/crash/migrate-kill.test.ts \
	test/crash/wal-power-loss.test.ts \
	test/engines/engines.test.ts \
	test/engines/fair-options.test.ts \
	test/engines/layouts.test.ts \
	test/engines/lmdb.test.ts \
	test/engines/observed-stats.test.ts \
	test/engines/rocksdb9-batch.test.ts \
	test/engines/wal-durable-write.test.ts \
	test/engines/wal-lmdb-layouts.test.ts \
	test/engines/wal-log.test.ts \
	test/engines/wal.test.ts \
	test/gate/decide.test.ts \
	test/gate/false-positive.test.ts \
	test/gate/incomplete-and-pkg.test.ts \
	test/gate/thresholds.test.ts \
	test/harness/anchors.test.ts \
	test/harness/capacity-search.test.ts \
	test/harness/latency-recorder.test.ts \
	test/harness/open-loop-cli.test.ts \
	test/harness/path-overhead.test.ts \
	test/harness/placement.test.ts \
	test/harness/plan-params.test.ts \
	test/harness/results-v1.test.ts \
	test/linearizability/checker.test.ts \
	test/linearizability/cluster-linearizability.test.ts \
	test/linearizability/regressions.test.ts \
	test/node/migrate-cli.test.ts \
	test/node/migrate.test.ts \
	test/node/online-migration.test.ts \
	test/raft/codec.test.ts \
	test/raft/commit.test.ts \
	test/raft/election.test.ts \
	test/raft/read-index.test.ts \
	test/raft/replication.test.ts \
	test/raft/simulation.test.ts \
	test/raft/snapshot.test.ts \
	test/replica/cluster.test.ts \
	test/replica/power-loss.test.ts \
	test/replica/process-cluster.test.ts \
	test/replica/single-node.test.ts \
	test/report/capacity-report.test.ts \
	test/report/charts.test.ts \
	test/report/escape.test.ts \
	test/report/explain.test.ts \
	test/robustness/atomic-results.test.ts \
	test/robustness/disk-errors.test.ts \
	test/robustness/signals.test.ts \
	test/scenarios/etcd-target.test.ts \
	test/scenarios/group-commit.test.ts \
	test/scenarios/migration.test.ts \
	test/scenarios/params.test.ts \
	test/stats/mann-whitney.test.ts \
	test/stats/median-ci.test.ts \
	test/stats/quantile.test.ts \
	test/transport/codec.test.ts \
	test/transport/conditioned.test.ts \
	test/transport/local-network.test.ts \
	test/transport/tcp-transport.test.ts
LONG_TESTS := \
	test/helpers/one-process.ts \
	test/robustness/bad-results.test.ts \
	test/gate/ab.test.ts \
	test/robustness/nothing-lost.test.ts \
	test/report/report-browser.test.ts \
	test/crash/crash-check-cli.test.ts \
	test/harness/bench-cli.test.ts \
	test/gate/cli.test.ts \
	test/scenarios/research.test.ts \
	test/linearizability/process-netns-linearizability.test.ts \
	test/compare/cli-errors.test.ts \
	test/replica/node-command.test.ts \
	test/robustness/messages.test.ts
UNIT_JOBS ?= 2

unit: deps
	node --import tsx test/helpers/run-unit.ts --jobs $(UNIT_JOBS) --first '$(LONG_TESTS)' \
		--one-process '$(ONE_PROCESS_TESTS)' --serial '$(SERIAL_TESTS)' $$(find test -name '*.test.ts' | sort)

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
