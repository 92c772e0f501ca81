import type { Method, ReportInput, ReportModel } from '../../analysis/report/index.ts';
import { deltaBars, runCharts, type ChartSpec } from '../charts/index.ts';
import { benchstatTables } from './benchstat-table.ts';
import { deviceLimit } from './device-limit.ts';
import { explainSection } from './explain.ts';
import { capacityTables } from './capacity-table.ts';
import { html, join, trustedCss, trustedSvg, type SafeHtml } from './escape.ts';
import { renderSvg } from './render-svg.ts';
import { environmentTables, reproduce, runMeta, warningsBox } from './run-header.ts';
import { STYLES } from './styles.ts';
import { verdict } from './verdict.ts';

/**
 * Forbids every load and every script: only the inline stylesheet and inline style attributes apply.
 * Inline SVG is part of the document and needs no source.
 */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

export interface RenderedReport {
  readonly html: string;
  /** Charts that could not be drawn, and what Vega warned about; empty for a sound report. */
  readonly problems: readonly string[];
  readonly charts: number;
}

/** The whole page, from the finished model: one self-contained HTML document, no script, nothing to load. */
export async function renderReport(model: ReportModel): Promise<RenderedReport> {
  const problems: string[] = [];
  const ids = new Set<string>();
  let charts = 0;
  const figures = async (specs: readonly ChartSpec[]): Promise<SafeHtml> => {
    const out: SafeHtml[] = [];
    for (const c of specs) {
      out.push(await figure(c, uniqueId(ids, c.id), problems));
      charts++;
    }
    return join(out);
  };
  const multi = model.inputs.length > 1;
  const first = model.inputs[0];
  const sub = (i: ReportInput) => (multi ? html`<h3 class="input">${i.label}</h3>` : '');

  const comparisonSection = model.runs ? await runsSection(model, figures) : null;
  const chartBlocks: SafeHtml[] = [];
  for (const i of model.inputs) chartBlocks.push(html`${sub(i)}${await figures(runCharts(i.charts))}`);

  const hasCapacity = model.inputs.some((i) => i.capacity.length > 0);
  const toc: Array<[string, string]> = [['verdict', 'At a glance'], ...(hasCapacity ? [['capacity', 'Capacity at the SLO'] as [string, string]] : []), ['run', 'Run'], ['device', 'Device limit'], ['explain', 'Why']];
  if (comparisonSection) toc.push(['comparison', 'Comparison of runs']);
  toc.push(['tables', 'Benchstat tables'], ['charts', 'Charts']);

  const title = multi ? `raftbench report: ${model.inputs.map((i) => i.results.runId).join(' vs ')}` : `raftbench report: ${first.results.runId}`;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${trustedCss(STYLES)}</style>
</head>
<body>
<main>
<header><h1>raftbench report</h1>${model.inputs.map((i) => html`<p class="meta">${multi ? html`<strong>${i.label}</strong>: ` : ''}${runMeta(i.results)}</p>`)}</header>
${warningsBox(model.inputs)}
<nav class="toc">${toc.map(([id, name]) => html`<a href="#${id}">${name}</a>`)}</nav>
<section id="verdict"><h2>At a glance</h2>
<p class="note">time/op of each layout against the first (shared), per case: ${verdictTest(model.method)}.</p>
${model.inputs.map((i) => html`${sub(i)}${verdict(i)}`)}</section>
${hasCapacity ? html`<section id="capacity"><h2>Capacity at the SLO</h2>${model.inputs.map((i) => html`${sub(i)}${capacityTables(i)}`)}</section>` : ''}
<section id="run"><h2>Run</h2>${environmentTables(model.inputs)}<h3>Reproduce</h3>${reproduce(model.inputs)}</section>
<section id="device"><h2>Device limit</h2>${model.inputs.map((i) => html`${sub(i)}${deviceLimit(i, model.method)}`)}</section>
<section id="explain"><h2>Why: counters, anomalies, the RFC</h2>${model.inputs.map((i) => html`${sub(i)}${explainSection(i)}`)}</section>
${comparisonSection ?? ''}
<section id="tables"><h2>Benchstat tables</h2>
<p class="note">${tablesNote(model.method)}</p>
${model.inputs.map((i) => html`${sub(i)}${i.byLayout.map((f) => html`<h3>${f.family}: layouts vs ${f.comparison.columns[0] ?? ''}</h3>${benchstatTables(f.comparison)}`)}<details><summary>every benchmark of ${multi ? i.label : 'the run'} (one column, as <code>benchstat results.txt</code>)</summary>${benchstatTables(i.single)}</details>`)}
</section>
<section id="charts"><h2>Charts</h2>${chartBlocks}</section>
<footer>Made by <code>raftbench report</code> at ${model.generatedAt}. One self-contained file: charts are Vega-Lite specs drawn to SVG in Node, no scripts, nothing loaded from the network.</footer>
</main>
</body>
</html>
`;
  return { html: page.toString(), problems, charts };
}

/** How the verdict decides: the comparison's test at the page's alpha. */
function verdictTest(m: Method): string {
  return m.style === 'rfc'
    ? `benchstat's old (rfc) test, Mann-Whitney U on the Tukey-trimmed runs, significant when p < ${m.alpha}`
    : `current benchstat's (ci) test, Mann-Whitney U on all runs, significant when p ≤ ${m.alpha}`;
}

/** How to read the tables, in the style they are printed in. */
function tablesNote(m: Method): string {
  return m.style === 'rfc'
    ? `Old benchstat (rfc) notation: center = mean of the runs after Tukey outlier removal, ± the larger relative distance of the kept min or max; a change is printed when Mann-Whitney p < ${m.alpha}, else ~, with (p n=old+new).`
    : `Current benchstat (ci) notation: center = median of the runs, ± the ${m.confidence * 100}% confidence interval of the median relative to it (∞ when the runs are too few for one); a change is printed when Mann-Whitney p ≤ ${m.alpha}, else ~, with (p n=old+new).`;
}

async function runsSection(model: ReportModel, figures: (s: readonly ChartSpec[]) => Promise<SafeHtml>): Promise<SafeHtml> {
  const [base, ...rest] = model.inputs;
  const deltas: SafeHtml[] = [await figures((model.runs?.deltas ?? []).map(deltaBars))];
  return html`<section id="comparison"><h2>Comparison of runs</h2>
<p>Baseline: <strong>${base.label}</strong> (run ${base.results.runId}); compared: ${join(rest.map((i) => html`<strong>${i.label}</strong> (run ${i.results.runId})`), ', ')}. Each benchmark against the same benchmark in the baseline.</p>
${model.runs ? benchstatTables(model.runs.comparison) : ''}
${deltas}</section>`;
}

async function figure(c: ChartSpec, id: string, problems: string[]): Promise<SafeHtml> {
  try {
    const { svg, warnings } = await renderSvg(c.spec);
    for (const w of warnings) problems.push(`${c.id}: ${w}`);
    return html`<figure class="chart" id="${id}"><h3>${c.title}</h3><div class="svg">${trustedSvg(svg)}</div><figcaption>${c.caption}</figcaption></figure>`;
  } catch (err) {
    const msg = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'unknown error';
    problems.push(`${c.id}: not drawn: ${msg}`);
    return html`<figure class="chart failed" id="${id}"><h3>${c.title}</h3><p class="note">This chart could not be drawn: ${msg}</p></figure>`;
  }
}

/** An element id from a chart id (which may carry input text): letters, digits and dashes, unique. */
function uniqueId(seen: Set<string>, raw: string): string {
  const base = 'chart-' + (raw.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'x');
  let id = base;
  for (let n = 2; seen.has(id); n++) id = `${base}-${n}`;
  seen.add(id);
  return id;
}
