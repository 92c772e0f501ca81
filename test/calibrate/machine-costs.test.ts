import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureMachineCosts, WAKE_SLEEP_NS } from '../../harness/calibrate/machine-costs.ts';
import { calibrate } from '../../harness/calibrate/calibrate.ts';
import { renderCalibration } from '../../reports/calibrate-text.ts';
import { buildReportModel } from '../../analysis/report/index.ts';
import { renderReport } from '../../reports/html/page.ts';
import { bench, results } from '../report/fixture.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

test('machine costs: a minor fault is timed over the faults fresh memory really took, and a wake-up is how late a sleep ends', () => {
  const m = measureMachineCosts();
  // 32 MiB of fresh pages: nearly every one faults once.
  assert.ok(m.pageFaults >= 4096, `${m.pageFaults} faults over 8192 fresh pages`);
  assert.ok(m.pageFaultNs !== null && m.pageFaultNs > 20 && m.pageFaultNs < 1e6, `fault ${m.pageFaultNs} ns`);
  assert.ok(m.wakeLateNs >= 0 && m.wakeLateNs < 50e6, `late ${m.wakeLateNs} ns after a ${WAKE_SLEEP_NS} ns sleep`);
});

test('calibrate records the machine costs; its text and the report show them', async () => {
  const { dir, cleanup } = await tmpDir('machine-costs-');
  try {
    const cal = await calibrate(dir, { sizes: [1024], ops: 20, seconds: 0.2, appendFloor: false });
    assert.ok(cal.machine, 'calibration carries the machine costs');
    assert.match(renderCalibration(cal), /^machine: a minor page fault costs [\d.]+ ?[µm]?s; a thread runs [\d.]+ ?[µnm]?s late after a 100 µs sleep \(p50\)$/m);
    const r = results([bench('BatchCommit', [['layout', 'wal'], ['order', 'interleaved'], ['vs', '1024']], 300_000, 2)], { calibration: { ...cal, machine: { pageFaultNs: 13_500, pageFaults: 8192, wakeLateNs: 101_000 } } });
    const { html } = await renderReport(buildReportModel([{ label: 'run', results: r }], { style: 'rfc', alpha: 0.05 }, '2026-01-01T00:00:00Z'));
    assert.match(html, /a minor page fault \(.*?\) costs <strong>13\.5µs<\/strong> here, and a sleeping thread runs <strong>101µs<\/strong> after its wake-up time/);
  } finally {
    await cleanup();
  }
});
