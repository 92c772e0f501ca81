import { findAnomalies } from '../analysis/anomalies.ts';
import { observedTable } from '../analysis/observed-table.ts';
import type { ResultsFile } from '../analysis/results-schema.ts';
import { rfcSideBySide } from '../analysis/rfc-reference.ts';
import type { Style } from '../analysis/stats/index.ts';
import { anomaliesText, observedText, rfcSideBySideText } from '../reports/observed-text.ts';

/** What `bench` prints after its time/op table: what reached the disk, results that need explaining, the RFC beside this run. */
export function explainText(r: ResultsFile, opts: { alpha: number; style: Style } = { alpha: 0.05, style: 'rfc' }): string {
  const parts = [observedText(observedTable(r)), anomaliesText(findAnomalies(r, opts)), rfcSideBySideText(rfcSideBySide(r, opts))].filter((s) => s !== '');
  return parts.length === 0 ? '' : '\n' + parts.join('\n\n') + '\n';
}
