import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every `.ts` file below `dir`, recursively: the sources the architecture tests read. */
export function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}
