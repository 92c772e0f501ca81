import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The RocksDB options that decide whether two layouts run on equal terms, as RocksDB wrote them. */
export const RECORDED_ROCKS_OPTIONS = {
  DBOptions: ['wal_compression', 'db_write_buffer_size', 'max_total_wal_size'],
  CFOptions: [
    'write_buffer_size',
    'max_write_buffer_number',
    'min_write_buffer_number_to_merge',
    'compression',
    'compression_per_level',
    'bottommost_compression',
    'compaction_style',
  ],
  'TableOptions/BlockBasedTable': ['no_block_cache', 'block_size', 'cache_index_and_filter_blocks'],
} as const;

/**
 * The effective options of the RocksDB in `dir` for column family `family`, read from the newest
 * `OPTIONS-*` file RocksDB wrote there on open (what RocksDB runs with, not what the binding was asked
 * for). Keys are `section.option`, e.g. `CFOptions.write_buffer_size`; numbers stay strings as RocksDB
 * printed them. RocksDB 6.17 has no `wal_compression` option: its WAL is never compressed, recorded as
 * `kNoCompression (no such option)`. Empty when there is no OPTIONS file.
 */
export function readRocksOptions(dir: string, family = 'default'): Record<string, string> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^OPTIONS-\d+$/.test(n));
  } catch {
    return {};
  }
  if (names.length === 0) return {};
  const newest = names.sort((a, b) => Number(a.slice(8)) - Number(b.slice(8))).at(-1)!;
  const sections = parseIni(readFileSync(path.join(dir, newest), 'utf8'));
  const out: Record<string, string> = { file: newest };
  for (const [section, keys] of Object.entries(RECORDED_ROCKS_OPTIONS)) {
    const name = section === 'DBOptions' ? section : `${section} "${family}"`;
    const values = sections.get(name) ?? new Map<string, string>();
    for (const k of keys) {
      const v = values.get(k);
      if (v !== undefined) out[`${section}.${k}`] = v;
    }
  }
  if (out['DBOptions.wal_compression'] === undefined && sections.has('DBOptions')) out['DBOptions.wal_compression'] = 'kNoCompression (no such option)';
  return out;
}

/** `[Section "name"]` headers and `key=value` lines; values keep everything after the first `=`. */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let cur: Map<string, string> | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      cur = new Map();
      out.set(head[1]!, cur);
      continue;
    }
    const eq = line.indexOf('=');
    if (cur && eq > 0) cur.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return out;
}

/**
 * The settings a RocksDB adapter reports: the OPTIONS file's, the memtable ceiling they imply
 * (write_buffer_size x max_write_buffer_number: what the memtables of this family can hold at most) and
 * the block cache capacity RocksDB reports (`rocksdb.block-cache-capacity`; not in the OPTIONS file).
 */
export function rocksSettings(dir: string, family: string, property: (name: string) => string | undefined): Record<string, string | number> {
  const o: Record<string, string | number> = readRocksOptions(dir, family);
  const wbs = Number(o['CFOptions.write_buffer_size']);
  const count = Number(o['CFOptions.max_write_buffer_number']);
  if (Number.isFinite(wbs) && Number.isFinite(count)) o.memtableCeilingBytes = wbs * count;
  let cache: string | undefined;
  try {
    cache = property('rocksdb.block-cache-capacity');
  } catch {
    cache = undefined;
  }
  if (cache !== undefined && cache !== '' && Number.isFinite(Number(cache))) o.blockCacheBytes = Number(cache);
  return o;
}
