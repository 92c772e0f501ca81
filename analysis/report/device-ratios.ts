import type { ResultsFile } from '../results-schema.ts';
import { summarize } from '../stats/index.ts';
import { caseRows, families, layoutOrder, paramText } from './case-data.ts';
import { floorFor } from '../device-floor.ts';
import type { DeviceRatioTable, Method } from './model.ts';

/**
 * Each result's time/op (the report style's center) as a multiple of the device's write+fdatasync p50 on
 * the floor its layout can reach (appending for RocksDB's WAL, pre-written for the WAL layouts, LMDB,
 * memory), where the op's payload size equals a calibrated size; per family, a row per case, a column per layout.
 */
export function deviceRatios(r: ResultsFile, method: Method): DeviceRatioTable[] {
  const byPoint = new Map((r.calibration?.points ?? []).map((p) => [p.size, p]));
  const rows = caseRows(r).filter((c) => byPoint.has(c.bytesPerOp));
  const layouts = layoutOrder(r, rows);
  return families(rows).map((family) => {
    const fam = rows.filter((c) => c.family === family);
    return {
      family,
      layouts,
      rows: [...new Set(fam.map((c) => c.caseKey))].map((key) => {
        const inCase = fam.filter((c) => c.caseKey === key);
        const first = inCase[0];
        return {
          label: first ? paramText(first.params, ['layout']) || family : key,
          cells: layouts.map((l) => {
            const c = inCase.find((x) => x.layout === l);
            const point = c ? byPoint.get(c.bytesPerOp) : undefined;
            if (!c || point === undefined) return null;
            const floor = floorFor(l, point);
            const center = summarize(c.runs.map((x) => x.nsPerOp), { style: method.style, confidence: method.confidence }).center;
            return { center, ratio: center / floor.p50Ns, floor: floor.kind };
          }),
        };
      }),
    };
  });
}
