import { FAMILIES, SUITES, type Family, type Suite } from '../../scenarios/index.ts';
import { parseParams, type ParamSchema, type ParamsOf } from '../../scenarios/params.ts';
import { LAYOUTS, layoutNames } from '../../engines/layouts/index.ts';
import { invalidChoice, UserError } from '../../errors/user-error.ts';

/** One benchmark: a family at one parameter combination on one layout. */
export interface PlannedCase {
  /** `BatchCommit/layout=shared/order=interleaved/vs=1024` */
  readonly name: string;
  readonly family: Family;
  /** As in the name (and results.json). */
  readonly params: Readonly<Record<string, string>>;
  /** The same, parsed and checked against the family's schema when the plan was made. */
  readonly typed: ParamsOf<ParamSchema>;
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

/** What plans are made from: the named suites and families (tests pass their own). */
export interface Catalog {
  readonly suites: readonly Suite[];
  readonly families: readonly Family[];
}

const CATALOG: Catalog = { suites: SUITES, families: FAMILIES };

/**
 * Expands a suite and the user's filters into case groups. A name that does not exist, or a parameter
 * value its family cannot run, is a UserError (a ParamError naming parameter, value and what is valid):
 * every case is parsed and checked here, so a bad one ends the run before any layout opens.
 */
export function makePlan(sel: Selection, catalog: Catalog = CATALOG): Plan {
  const { suites, families } = catalog;
  const suite = suites.find((s) => s.name === sel.suite);
  if (!suite) throw invalidChoice('suite', sel.suite, suites.map((s) => s.name));
  for (const f of sel.scenarios ?? []) if (!families.some((x) => x.name === f)) throw invalidChoice('scenario', f, families.map((x) => x.name));
  for (const l of sel.layouts ?? []) if (!LAYOUTS.some((x) => x.name === l)) throw invalidChoice('layout', l, layoutNames());

  const groups: PlannedCase[][] = [];
  for (const entry of suite.entries) {
    if (sel.scenarios && !sel.scenarios.includes(entry.family)) continue;
    const family = families.find((f) => f.name === entry.family);
    if (!family) throw new Error(`suite ${suite.name} names unknown family ${entry.family}`);
    const layouts = (entry.layouts ?? family.layouts ?? layoutNames()).filter((l) => !sel.layouts || sel.layouts.includes(l));
    if (layouts.length === 0) continue;
    for (const vs of sel.sizes ?? entry.sizes) {
      for (const combo of cartesian(withUserAxes(entry.axes, family, sel.axes))) {
        const group = layouts.map((layout) => {
          const params = { ...combo, layout, vs: String(vs) };
          const typed = parseParams(family.name, family.params, params);
          return { name: benchName(family, params), family, params, typed, bytesPerOp: family.bytesPerOp(typed) };
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
