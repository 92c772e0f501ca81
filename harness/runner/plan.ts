import { FAMILIES, SUITES, type Family, type Suite } from '../../scenarios/index.ts';
import { parseParams, type ParamSchema, type ParamsOf } from '../../scenarios/params.ts';
import { LAYOUTS, layoutNames } from '../../engines/layouts/index.ts';
import { invalidChoice, UserError } from '../../errors/user-error.ts';
import type { Slo } from '../../analysis/results-schema.ts';
import { parseSlo, sloNamePart } from './slo.ts';

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
  /** A capacity case: search for the highest `rate` under this SLO (the name carries `slo=p99-10ms`). */
  readonly slo: Slo | null;
}

export interface Plan {
  readonly suite: Suite;
  readonly count: number;
  /** Fixed ops per run, or null to size runs from the warm-up. */
  readonly ops: number | null;
  /** Planned length of an open-loop run (ops = rate x duration), or null for the suite's `targetRunMs`. */
  readonly durationMs: number | null;
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
  readonly durationMs?: number;
  /** `--slo`: every selected case that takes `rate` becomes a capacity search (replacing the suite's SLO). */
  readonly slo?: Slo;
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

  if (sel.slo && sel.axes?.rate) throw new UserError('--slo searches the rate itself; pass --rate or --slo, not both');
  const groups: PlannedCase[][] = [];
  const planned = new Set<string>();
  for (const entry of suite.entries) {
    if (sel.scenarios && !sel.scenarios.includes(entry.family)) continue;
    const family = families.find((f) => f.name === entry.family);
    if (!family) throw new Error(`suite ${suite.name} names unknown family ${entry.family}`);
    const layouts = (entry.layouts ?? family.layouts ?? layoutNames()).filter((l) => !sel.layouts || sel.layouts.includes(l));
    if (layouts.length === 0) continue;
    const slo = sel.slo ?? (entry.slo !== undefined ? parseSlo(entry.slo) : null);
    if (slo && !('rate' in family.params)) {
      if (sel.slo && !entry.slo) continue; // --slo picks the families that take a rate
      throw new Error(`suite ${suite.name}: ${family.name} takes no rate, so it has no capacity at an SLO`);
    }
    if (slo && entry.axes.rate) {
      if (sel.slo) continue; // a fixed-rate entry: --slo searches the rate of the others
      throw new Error(`suite ${suite.name}: a capacity entry of ${family.name} sets rate; the search sets it`);
    }
    // A capacity case searches the rate itself: a user's --rate applies to the other cases.
    const userAxes = slo && sel.axes?.rate ? Object.fromEntries(Object.entries(sel.axes).filter(([k]) => k !== 'rate')) : sel.axes;
    for (const vs of sel.sizes ?? entry.sizes) {
      for (const combo of cartesian(withUserAxes(entry.axes, family, userAxes))) {
        const group = layouts.map((layout) => {
          const params = { ...combo, layout, vs: String(vs) };
          const typed = parseParams(family.name, family.params, params);
          const named = slo ? { ...params, slo: sloNamePart(slo) } : params;
          return { name: benchName(family, named), family, params: named, typed, bytesPerOp: family.bytesPerOp(typed), slo };
        }).filter((c) => !planned.has(c.name)); // --slo can make two entries the same search: run it once
        if (group.length === 0) continue;
        for (const c of group) planned.add(c.name);
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
  return { suite, count: sel.count ?? suite.count, ops: sel.ops ?? null, durationMs: sel.durationMs ?? null, groups };
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
