import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { LOCK_NAME, parseProcessId, processAlive } from '../runner/lock.ts';
import { join } from 'node:path';
import { UserError } from '../../errors/user-error.ts';
import { parseBenchText } from '../../analysis/benchfmt/reader.ts';
import { resultsToBenchSet } from '../../analysis/benchfmt/from-results.ts';
import type { BenchSet } from '../../analysis/benchfmt/record.ts';
import { RESULTS_SCHEMA, RESULTS_VERSION, type ResultsFile } from '../../analysis/results-schema.ts';
import { migrateResults } from '../../analysis/results-migrate.ts';
import { warning, warningLine } from '../../analysis/warning.ts';

/**
 * Reads a results file: `path` is a results dir (its `results.json` is read) or a results.json itself.
 * Every failure (missing, empty, truncated or binary file, another schema or version) is a UserError of
 * one line naming the path and what is wrong.
 */
export async function readResults(path: string): Promise<ResultsFile> {
  const file = await resolveResultsPath(path);
  const text = await readText(file);
  if (!text.trimStart().startsWith('{')) throw new UserError(`${file}: not a raftbench results file (expected a JSON object)`);
  return parseResults(text, file);
}

/**
 * Loads any comparable input as records: a results dir, a results.json, or Go benchmark text (our
 * `bench.txt` or `go test -bench` output). Text with no benchmark lines is a UserError; skipped lines
 * become warnings on the returned set.
 */
export async function loadBenchInput(path: string): Promise<BenchSet> {
  const file = await resolveResultsPath(path);
  const text = await readText(file);
  if (text.trimStart().startsWith('{')) return resultsToBenchSet(parseResults(text, file), path);
  const set = parseBenchText(text, path);
  if (set.records.length === 0) {
    const first = set.warnings[0];
    const hint = first ? ` (${set.warnings.length} unreadable line${set.warnings.length === 1 ? '' : 's'}, first: ${warningLine(first)})` : '';
    throw new UserError(`${path}: no benchmark lines (Go format "BenchmarkName N value unit ...") and not a results.json${hint}`);
  }
  return set;
}

async function resolveResultsPath(path: string): Promise<string> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    throw new UserError(`${path}: ${describeFsError(err)}`);
  }
  if (!st.isDirectory()) return path;
  const file = join(path, 'results.json');
  try {
    await stat(file);
  } catch {
    throw new UserError(`${path}: is a directory without results.json (not a results dir)`);
  }
  return file;
}

async function readText(file: string): Promise<string> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    throw new UserError(`${file}: ${describeFsError(err)}`);
  }
  // A gzipped file (a baseline kept small in git: bench.txt.gz) reads as its content.
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (err) {
      throw new UserError(`${file}: is gzip but does not decompress (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  if (buf.length === 0 || buf.toString('utf8').trim() === '') throw new UserError(`${file}: is empty`);
  if (buf.includes(0)) throw new UserError(`${file}: is a binary file, not results.json or benchmark text`);
  // A byte-order mark (editors on Windows add one) is not part of the text.
  return buf.toString('utf8').replace(/^\uFEFF/, '');
}

function parseResults(text: string, file: string): ResultsFile {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new UserError(`${file}: truncated or invalid JSON (${msg})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UserError(`${file}: not a raftbench results file (expected a JSON object)`);
  const o = v as Record<string, unknown>;
  if (o['schema'] !== RESULTS_SCHEMA) {
    throw new UserError(`${file}: not a raftbench results file (schema ${JSON.stringify(o['schema'] ?? null)}, expected "${RESULTS_SCHEMA}")`);
  }
  // Version 1 (prose warnings) is read through the migration; anything newer is refused.
  if (o['version'] !== RESULTS_VERSION && o['version'] !== 1) {
    throw new UserError(`${file}: results version ${JSON.stringify(o['version'] ?? null)} is not supported; this raftbench reads versions 1 to ${RESULTS_VERSION}`);
  }
  if (!Array.isArray(o['benchmarks'])) throw new UserError(`${file}: results file has no "benchmarks" list`);
  for (const b of o['benchmarks'] as unknown[]) {
    const bb = b as Record<string, unknown> | null;
    if (typeof bb !== 'object' || bb === null || typeof bb['name'] !== 'string' || !Array.isArray(bb['runs'])) {
      throw new UserError(`${file}: malformed benchmark entry (needs "name" and "runs")`);
    }
    for (const r of bb['runs'] as unknown[]) {
      const rr = r as Record<string, unknown> | null;
      if (typeof rr !== 'object' || rr === null || typeof rr['nsPerOp'] !== 'number' || typeof rr['latency'] !== 'object') {
        throw new UserError(`${file}: malformed run in benchmark ${bb['name']} (needs "nsPerOp" and "latency")`);
      }
      // What the statistics read: a null latency or a missing number would end in a TypeError or NaN samples.
      const lat = rr['latency'] as Record<string, unknown> | null;
      const missing = ['ops', 'syncsPerOp'].filter((k) => typeof rr[k] !== 'number').concat(['p50', 'p99', 'p999'].filter((k) => typeof lat?.[k] !== 'number').map((k) => `latency.${k}`));
      if (missing.length > 0) throw new UserError(`${file}: malformed run in benchmark ${bb['name']} (no number for ${missing.join(', ')})`);
      // Times and counts are never negative (nor NaN, which JSON cannot hold but a hand edit may try): such a
      // file was edited or corrupted, and its statistics would mean nothing.
      const numbers: Array<[string, unknown]> = [['nsPerOp', rr['nsPerOp']], ['ops', rr['ops']], ['syncsPerOp', rr['syncsPerOp']], ['mbPerSec', rr['mbPerSec']],
        ...['p50', 'p99', 'p999'].map((k): [string, unknown] => [`latency.${k}`, lat?.[k]])];
      const bad = numbers.find(([, x]) => typeof x === 'number' && !(x >= 0));
      if (bad) throw new UserError(`${file}: benchmark ${bb['name']} has ${bad[0]} ${bad[1]}, a negative time or count (the file was edited or corrupted)`);
    }
  }
  if (o['version'] === RESULTS_VERSION && !validWarnings(o['warnings'])) throw new UserError(`${file}: malformed "warnings" (needs a list of {code, severity, text})`);
  return markIfKilled(migrateResults(o));
}

function validWarnings(v: unknown): boolean {
  if (v === undefined) return true;
  return Array.isArray(v) && v.every((w) => typeof w === 'object' && w !== null && typeof w.code === 'string' && typeof w.severity === 'string' && typeof w.text === 'string');
}

/**
 * A results file still saying `running` whose run is gone (SIGKILL, a crash, power loss: nothing was left
 * to finish the file) is read as killed. The run is alive only while its data dir's lock names its run id
 * and a live owner.
 */
function markIfKilled(r: ResultsFile): ResultsFile {
  if (r.complete !== false || r.incompleteReason !== 'running') return r;
  const dataDir = typeof r.config?.dataDir === 'string' ? r.config.dataDir : null;
  if (dataDir !== null) {
    try {
      const owner = parseProcessId(readFileSync(join(dataDir, LOCK_NAME), 'utf8'));
      if (owner && owner.tag === r.runId && processAlive(owner.id)) return r;
    } catch {
      // no lock: the run is not running
    }
  }
  const reason = 'killed: the run ended without finishing its results (SIGKILL, a crash or power loss)';
  return { ...r, incompleteReason: reason, warnings: [...(r.warnings ?? []), warning('incomplete-run', 'severe', `incomplete run: ${reason}; only finished runs are included`)] };
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'cannot read';
}
