import { UnknownLayoutError } from './unknown-layout.ts';
import type { LayoutDef } from './layout.ts';
import { shared } from './shared.ts';
import { dedicated } from './dedicated.ts';
import { sharedCf } from './shared-cf.ts';
import { memory } from './memory.ts';
import { wal, walPerGroup } from './wal.ts';
import { lmdb } from './lmdb.ts';

export type { Layout, LayoutDef, LayoutOptions, Binding } from './layout.ts';
export { BINDINGS, DEFAULT_BINDING } from './layout.ts';

/** Every layout, in the order reports list them. */
export const LAYOUTS: readonly LayoutDef[] = [shared, dedicated, sharedCf, memory, wal, walPerGroup, lmdb];

export function layoutNames(): string[] {
  return LAYOUTS.map((l) => l.name);
}

export function findLayout(name: string): LayoutDef {
  const def = LAYOUTS.find((l) => l.name === name);
  if (!def) throw new UnknownLayoutError(`unknown layout "${name}"; valid: ${layoutNames().join(', ')}`);
  return def;
}
