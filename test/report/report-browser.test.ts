import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { writeReport } from '../../cli/commands/report.ts';
import { readResults } from '../../harness/results/read.ts';
import type { BenchmarkResult, ResultsFile } from '../../analysis/results-schema.ts';
import { NODE_ARGS } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCRIPT = '<script>alert(1)</script>';
const IMG = '"<img src=x onerror=alert(1)>';
const SCREENSHOT = path.join(process.cwd(), 'test-output', 'report', 'report.png');

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...NODE_ARGS, 'cli/main.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The real run with hostile names: a family and a layout named <script>, an `order` value with an <img>. */
function inject(r: ResultsFile): ResultsFile {
  const rename = (b: BenchmarkResult, key: string, from: string, to: string): BenchmarkResult => ({
    ...b,
    name: b.name.replace(`/${key}=${from}`, `/${key}=${to}`),
    params: { ...b.params, [key]: to },
  });
  const batch = r.benchmarks.filter((b) => b.family === 'BatchCommit');
  const shared1k = batch.find((b) => b.params['layout'] === 'shared' && b.params['vs'] === '1024');
  const ded1k = batch.find((b) => b.params['layout'] === 'dedicated' && b.params['vs'] === '1024');
  assert.ok(shared1k && ded1k, 'smoke has BatchCommit shared and dedicated at 1 KiB');
  const script = (b: BenchmarkResult, vs: string): BenchmarkResult => ({
    ...b, family: SCRIPT, name: `${SCRIPT}/layout=${b.params['layout']}/vs=${vs}`, params: { layout: b.params['layout']!, vs },
  });
  return {
    ...r,
    environment: { ...r.environment, hostname: `<b>${SCRIPT}</b>` },
    warnings: [...r.warnings, { code: 'legacy', severity: 'warning', text: `warning with ${SCRIPT}` }],
    command: [...r.command, '--label', IMG],
    benchmarks: [
      ...r.benchmarks.map((b) => (b.params['order'] === 'interleaved' ? rename(b, 'order', 'interleaved', IMG) : b)),
      rename(ded1k, 'layout', 'dedicated', SCRIPT),
      script(shared1k, '1024'), script(ded1k, '1024'), script(shared1k, '4096'), script(ded1k, '4096'),
    ],
  };
}

interface Facts {
  readonly figures: Array<{ id: string; marks: number; svgs: number; width: number; svgText: string }>;
  readonly text: string;
  readonly scripts: number;
  readonly imgs: number;
  readonly bolds: string[];
  readonly sections: string[];
  readonly failed: number;
  readonly csp: string | null;
}

/** Runs in the page (a string, so this file needs no DOM types): what the report drew. */
const FACTS = `(() => {
  const figures = [...document.querySelectorAll('figure.chart')].map((f) => ({
    id: f.id,
    marks: f.querySelectorAll('svg g[class*="mark-"] path, svg g[class*="mark-"] line').length,
    svgs: f.querySelectorAll('svg').length,
    width: f.querySelector('svg')?.getBoundingClientRect().width ?? 0,
    svgText: [...f.querySelectorAll('svg text')].map((t) => t.textContent ?? '').join('\\n'),
  }));
  return {
    figures,
    text: document.body.innerText,
    scripts: document.querySelectorAll('script').length,
    imgs: document.querySelectorAll('img').length,
    bolds: [...document.querySelectorAll('b')].map((b) => b.textContent),
    sections: [...document.querySelectorAll('main > section')].map((s) => s.id),
    failed: document.querySelectorAll('figure.chart.failed').length,
    csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? null,
  };
})()`;

interface PageCheck {
  readonly consoleErrors: string[];
  readonly requests: string[];
  readonly dialogs: string[];
}

async function open(browser: Browser, file: string, screenshot: string | null) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const seen: PageCheck = { consoleErrors: [], requests: [], dialogs: [] };
  const url = pathToFileURL(file).href;
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') seen.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => seen.consoleErrors.push(e.message));
  page.on('request', (req) => {
    if (req.url() !== url) seen.requests.push(req.url());
  });
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  const facts = (await page.evaluate(FACTS)) as Facts;
  if (screenshot) {
    // What the test saw, kept under test-output: the first screen, and beside it the page itself, which
    // shows all of it in any browser. (A full-page screenshot of these 18,000 and 50,000 px tall pages
    // took 15 s of Chromium's CPU and checked nothing the assertions do not.)
    await mkdir(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot });
    await copyFile(file, screenshot.replace(/\.png$/, '.html'));
  }
  await page.close();
  return { seen, facts };
}

test('bench writes a report; report renders hostile names as text; the page loads nothing and draws every chart in Chromium', {
  skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} missing (apt-get install chromium)`,
  timeout: 180_000,
}, async () => {
  const { dir, cleanup } = await tmpDir('report-');
  let browser: Browser | null = null;
  try {
    const runDir = path.join(dir, 'run');
    // Two families keep the test fast and still cover sizes, orders, clients and timelines; every family
    // renders through the same generic builders.
    const b = cli('bench', '--suite', 'smoke', '--scenario', 'BatchCommit,ReplicaWrite', '--count', '2', '--quiet', '--out', runDir, '--dir', path.join(dir, 'data'));
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, new RegExp(`^report:  ${runDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/report\\.html$`, 'm'));
    assert.ok(existsSync(path.join(runDir, 'report.html')));

    const evilDir = path.join(dir, 'evil');
    await mkdir(evilDir);
    const real = JSON.parse(await readFile(path.join(runDir, 'results.json'), 'utf8')) as ResultsFile;
    await writeFile(path.join(evilDir, 'results.json'), JSON.stringify(inject(real)));
    const single = cli('report', evilDir);
    assert.equal(single.code, 0, single.stderr);
    assert.equal(single.stdout, `${path.join(evilDir, 'report.html')}\n`);
    assert.equal(single.stderr, '', 'no chart problems');
    const cmpFile = path.join(dir, 'compare.html');
    // Two inputs, in process (the CLI path is the same function): the real run is the baseline.
    const cmp = await writeReport(cmpFile, [
      { label: runDir, results: await readResults(runDir) },
      { label: path.join(evilDir, 'results.json'), results: await readResults(path.join(evilDir, 'results.json')) },
    ]);
    assert.deepEqual(cmp.problems, []);

    const bad = cli('report', path.join(dir, 'nope'));
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1);

    const raw = await readFile(path.join(evilDir, 'report.html'), 'utf8');
    assert.ok(!raw.includes(SCRIPT) && !raw.includes('<img'), 'no raw injected markup in the file');
    assert.ok(raw.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const pages: Array<[string, string, readonly string[]]> = [
      [path.join(evilDir, 'report.html'), SCREENSHOT, ['warnings', 'verdict', 'capacity', 'run', 'device', 'explain', 'tables', 'charts']],
      [cmpFile, path.join(path.dirname(SCREENSHOT), 'report-compare.png'), ['warnings', 'verdict', 'capacity', 'run', 'device', 'explain', 'comparison', 'tables', 'charts']],
    ];
    for (const [file, shot, sections] of pages) {
      const { seen, facts } = await open(browser, file, shot);
      assert.deepEqual(seen.consoleErrors, [], `${file}: console errors`);
      assert.deepEqual(seen.requests, [], `${file}: requests beyond the file`);
      assert.deepEqual(seen.dialogs, [], `${file}: a script ran`);
      assert.deepEqual(facts.sections, sections);
      assert.match(facts.csp ?? '', /default-src 'none'/);
      assert.equal(facts.scripts, 0);
      assert.equal(facts.imgs, 0);
      assert.deepEqual(facts.bolds, [], 'the <b> in the hostname stays text');
      assert.equal(facts.failed, 0);
      assert.ok(facts.figures.length >= 8, `${facts.figures.length} charts`);
      for (const f of facts.figures) {
        assert.equal(f.svgs, 1, f.id);
        assert.ok(f.marks > 0, `${f.id} has drawn marks`);
        assert.ok(f.width > 100, `${f.id} is laid out`);
      }
      assert.ok(facts.text.includes(SCRIPT), 'script name shown as text');
      assert.ok(facts.text.includes(IMG), 'img param shown as text');
      assert.ok(facts.text.includes(`<b>${SCRIPT}</b>`), 'hostname shown as text');
      // Vega's own text: a layout named <script> in a legend, the <img> order value in facet headers.
      const svgText = facts.figures.map((f) => f.svgText).join('\n');
      assert.ok(svgText.includes(SCRIPT), 'SVG legend shows the <script> layout as text');
      assert.ok(svgText.includes('<img src=x'), 'SVG headers show the <img> value as text');
      for (const family of ['BatchCommit', 'ReplicaWrite', SCRIPT]) {
        assert.ok(facts.figures.some((f) => f.id.startsWith('chart-delta-') && facts.text.includes(`${family}: time/op of each layout vs shared`)), family);
      }
      assert.ok(facts.figures.some((f) => f.id === 'chart-throughput-clients-ReplicaWrite'), 'throughput vs clients');
      if (sections.includes('comparison')) assert.ok(facts.figures.some((f) => f.id.startsWith('chart-run-delta-')), 'comparison delta bars');
    }
  } finally {
    await browser?.close();
    await cleanup();
  }
});
