import { FAMILIES, SUITES, familyNames, suiteNames, type Family, type Suite } from '../../scenarios/index.ts';
import { LAYOUTS, layoutNames } from '../../engines/layouts/index.ts';
import { invalidChoice, UserError } from '../../errors/user-error.ts';

/** One benchmark: a family at one parameter combination on one layout. */
export interface PlannedCase {
  /** `BatchCommit/layout=shared/order=interleaved/vs=1024` */
  readonly name: string;
  readonly family: Family;
  readonly params: Readonly<Record<string, string>>;
  readonly bytesPerOp: number;
}

export interface Plan {
  readonly suite: Suite;
  readonly count: number;
  /** Fixed ops per run, or null to size runs from the warm-up. */
  readonly ops: number | null;
  /** Cases that differ only by layout; the runner interleaves their replicates. */
  readonly groups: readonly (readonly PlannedCase[])[];
}

export interface Selection {
  readonly suite: string;
  readonly scenarios?: readonly string[];
  readonly layouts?: readonly string[];
  readonly sizes?: readonly number[];
  readonly count?: number;
  readonly ops?: number;
  /**
   * Extra axes the user sets (e.g. `batch: ['1', 'auto']`), applied to the families whose names take the
   * key (`Family.nameOrder`); a key no selected family takes is a UserError.
   */
  readonly axes?: Readonly<Record<string, readonly string[]>>;
}

/** Expands a suite and the user's filters into case groups; a name that does not exist is a UserError. */
export function makePlan(sel: Selection): Plan {
  const suite = SUITES.find((s) => s.name === sel.suite);
  if (!suite) throw invalidChoice('suite', sel.suite, suiteNames());
  for (const f of sel.scenarios ?? []) if (!FAMILIES.some((x) => x.name === f)) throw invalidChoice('scenario', f, familyNames());
  for (const l of sel.layouts ?? []) if (!LAYOUTS.some((x) => x.name === l)) throw invalidChoice('layout', l, layoutNames());

  const groups: PlannedCase[][] = [];
  for (const entry of suite.entries) {
    if (sel.scenarios && !sel.scenarios.includes(entry.family)) continue;
    const family = FAMILIES.find((f) => f.name === entry.family);
    if (!family) throw new Error(`suite ${suite.name} names unknown family ${entry.family}`);
    const layouts = (entry.layouts ?? family.layouts ?? layoutNames()).filter((l) => !sel.layouts || sel.layouts.includes(l));
    if (layouts.length === 0) continue;
    for (const vs of sel.sizes ?? entry.sizes) {
      for (const combo of cartesian(withUserAxes(entry.axes, family, sel.axes))) {
        const group = layouts.map((layout) => {
          const params = { ...combo, layout, vs: String(vs) };
          return { name: benchName(family, params), family, params, bytesPerOp: family.bytesPerOp(params) };
        });
        groups.push(group);
      }
    }
  }
  if (groups.length === 0) {
    throw new UserError(`nothing to run: suite ${suite.name} has no case for scenario ${(sel.scenarios ?? []).join(',') || '(any)'} on layout ${(sel.layouts ?? []).join(',') || '(any)'}`);
  }
  for (const key of Object.keys(sel.axes ?? {})) {
    if (!groups.some((g) => g[0]!.family.nameOrder.includes(key))) {
      const takers = FAMILIES.filter((f) => f.nameOrder.includes(key)).map((f) => f.name);
      throw new UserError(`--${key} applies to ${takers.join(', ') || 'no family'}, and none of them is in this run`);
    }
  }
  return { suite, count: sel.count ?? suite.count, ops: sel.ops ?? null, groups };
}

/** The suite entry's axes plus the user's, for a family that takes them (the user's replace the suite's). */
function withUserAxes(axes: Readonly<Record<string, readonly string[]>>, family: Family, user: Selection['axes']): Readonly<Record<string, readonly string[]>> {
  const extra = Object.entries(user ?? {}).filter(([k]) => family.nameOrder.includes(k));
  return extra.length === 0 ? axes : { ...axes, ...Object.fromEntries(extra) };
}

/** Go sub-benchmark name: family, then `key=value` in the family's order, then any other keys sorted. */
export function benchName(family: Family, params: Readonly<Record<string, string>>): string {
  const keys = [...family.nameOrder.filter((k) => k in params), ...Object.keys(params).filter((k) => !family.nameOrder.includes(k)).sort()];
  return [family.name, ...keys.map((k) => `${k}=${params[k]}`)].join('/');
}

function cartesian(axes: Readonly<Record<string, readonly string[]>>): Record<string, string>[] {
  let out: Record<string, string>[] = [{}];
  for (const [key, values] of Object.entries(axes)) out = out.flatMap((o) => values.map((v) => ({ ...o, [key]: v })));
  return out;
}
