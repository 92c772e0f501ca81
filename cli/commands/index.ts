import type { Command } from '../command.ts';

/**
 * Every CLI command, in the order `help` lists them. Each lives in its own file beside this one and is
 * loaded only when run, so a command's dependencies (vega, playwright, bindings) cost nothing to others.
 */
export const COMMANDS: ReadonlyArray<{ name: string; summary: string; load: () => Promise<Command> }> = [
  { name: 'bench', summary: 'run a suite; write results.json, bench.txt (Go benchmark format) and report.html', load: async () => (await import('./bench.ts')).command },
  { name: 'compare', summary: 'benchstat statistics: OLD vs NEW, or within one result set along a key (--col)', load: async () => (await import('./compare.ts')).command },
  { name: 'report', summary: 'one self-contained HTML report (tables and Vega-Lite charts as SVG) of one run, or comparing several', load: async () => (await import('./report.ts')).command },
  { name: 'list', summary: 'list suites, scenarios and layouts', load: async () => (await import('./list.ts')).command },
  { name: 'calibrate', summary: 'raw write+fdatasync latency of the data directory per size (the device limit)', load: async () => (await import('./calibrate.ts')).command },
  { name: 'node', summary: 'run one raft node as its own process (raft over TCP; a cluster file places nodes on several hosts)', load: async () => (await import('./node.ts')).command },
  { name: 'crash-check', summary: 'kill replicas under write load (SIGKILL or power loss), restart, check no acknowledged write was lost', load: async () => (await import('./crash-check.ts')).command },
  { name: 'migrate', summary: "offline migration of a store's raft data to another layout (the RFC's migration strategy), crash-safe, timed", load: async () => (await import('./migrate.ts')).command },
  { name: 'gate', summary: 'regression gate for CI: baseline vs current, or A/B against a git ref; exit 1 on a regression', load: async () => (await import('./gate.ts')).command },
];
