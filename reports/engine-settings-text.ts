import type { ResultsFile } from '../analysis/results-schema.ts';
import { formatSize } from '../analysis/sizes.ts';

/**
 * One line per layout of the effective engine settings a run recorded (`engineSettings`): memtable
 * (write_buffer_size x count), WAL compression, compression, block cache, LMDB's mapped bytes, the WAL's
 * index. '–' for results written before the field existed.
 */
export function engineSettingsText(r: ResultsFile): string {
  const all = r.engineSettings;
  if (!all || Object.keys(all).length === 0) return '–';
  return Object.entries(all)
    .map(([layout, l]) => `${layout} (${l.binding}): ${l.engines.map((e) => `${e.role} ${e.kind} ${engineText(e.settings)}`.trim()).join('; ')}`)
    .join(' · ');
}

function engineText(s: Readonly<Record<string, string | number | boolean>>): string {
  const parts: string[] = [];
  const size = (v: unknown) => (Number.isFinite(Number(v)) ? formatSize(Number(v)) : String(v));
  if (s['CFOptions.write_buffer_size'] !== undefined) {
    parts.push(`memtable ${size(s['CFOptions.write_buffer_size'])}×${s['CFOptions.max_write_buffer_number']} (merge ${s['CFOptions.min_write_buffer_number_to_merge'] ?? '?'})`);
  }
  if (s['DBOptions.wal_compression'] !== undefined) parts.push(`WAL compression ${s['DBOptions.wal_compression']}`);
  if (s['CFOptions.compression'] !== undefined) parts.push(`compression ${s['CFOptions.compression']}`);
  if (s['CFOptions.compression_per_level'] !== undefined) parts.push(`per level ${s['CFOptions.compression_per_level']}`);
  if (s.blockCacheBytes !== undefined) parts.push(`cache ${size(s.blockCacheBytes)}`);
  if (s.mappedBytes !== undefined) parts.push(`mmap in use ${size(s.mappedBytes)} (page cache)`);
  if (s.peakIndexBytes !== undefined) parts.push(`index peak ${size(s.peakIndexBytes)}`);
  if (s.retainBytes !== undefined) parts.push(`keeps at most ${size(s.retainBytes)}`);
  return parts.join(', ');
}
