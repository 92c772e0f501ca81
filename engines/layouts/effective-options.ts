import type { Engine } from '../engine.ts';

/** One engine of a layout and the settings it runs with (`Engine.settings()`). */
export interface EngineSettings {
  /** `raft`, `state`, or `raft+state` when one engine holds both. */
  readonly role: string;
  readonly kind: string;
  readonly settings: Readonly<Record<string, string | number | boolean>>;
}

/**
 * The effective settings of a layout's engines, read from the engines themselves: RocksDB's OPTIONS file
 * (write buffers, WAL compression, compression), its block cache capacity, LMDB's map, the WAL's index
 * bytes. `engines` are given with their roles; an engine listed twice is read once.
 */
export function effectiveSettings(engines: ReadonlyArray<{ readonly role: string; readonly engine: Engine }>): EngineSettings[] {
  const byEngine = new Map<Engine, string[]>();
  for (const { role, engine } of engines) byEngine.set(engine, [...(byEngine.get(engine) ?? []), role]);
  return [...byEngine].map(([engine, roles]) => ({ role: roles.join('+'), kind: engine.kind, settings: engine.settings?.() ?? {} }));
}
