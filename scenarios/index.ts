import type { Family } from './family.ts';
import { batchCommit } from './batch-commit.ts';
import { replicaWrite } from './replica-write.ts';
import { clusterWrite } from './cluster-write.ts';
import { multiRange } from './multi-range.ts';
import { truncation } from './truncation.ts';
import { reads } from './reads.ts';
import { adr } from './adr.ts';
import { migration } from './migration.ts';

export type { Family, CaseInstance, CaseContext, CaseParams, OpSink } from './family.ts';
export { SUITES, suiteNames, RFC_SIZES, type Suite, type SuiteEntry } from './suites.ts';

/** Every scenario family, in the order `list` shows them. */
export const FAMILIES: readonly Family[] = [batchCommit, replicaWrite, clusterWrite, multiRange, truncation, reads, adr, migration];

export function familyNames(): string[] {
  return FAMILIES.map((f) => f.name);
}
