import type { ReportInput } from '../../analysis/report/index.ts';
import type { ResultsFile } from '../../analysis/results-schema.ts';
import { formatSize } from '../../analysis/sizes.ts';
import { html, type HtmlValue, type SafeHtml } from './escape.ts';
import { engineSettingsText } from '../engine-settings-text.ts';

/** The warnings of every input (computed in the model), before any number. */
export function warningsBox(inputs: readonly ReportInput[]): SafeHtml {
  const multi = inputs.length > 1;
  const items = inputs.flatMap((i) => i.warnings.map((w) => ({ text: w.text, severe: w.severity === 'severe', label: multi ? i.label : null })));
  if (items.length === 0) return html``;
  const severe = items.some((i) => i.severe);
  return html`<section class="warnings${severe ? ' severe' : ''}" id="warnings"><h2>Warnings</h2><ul>${items.map(
    (w) => html`<li>${w.label !== null ? html`<strong>${w.label}:</strong> ` : ''}${w.severe ? html`<strong>${w.text}</strong>` : w.text}</li>`,
  )}</ul></section>`;
}

/** One line under the title: suite, status, when, where. */
export function runMeta(r: ResultsFile): SafeHtml {
  const status = r.complete
    ? html`<span class="badge ok">complete</span>`
    : html`<span class="badge bad">incomplete</span>`;
  const dur = r.finishedAt ? ` (${seconds(Date.parse(r.finishedAt) - Date.parse(r.startedAt))})` : '';
  return html`${status} suite <strong>${String(r.config?.suite ?? 'custom')}</strong> · run ${r.runId} · started ${r.startedAt}${dur} · on ${r.environment?.hostname ?? '?'}`;
}

function seconds(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  return ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`;
}

type Row = readonly [string, (r: ResultsFile) => string];

const ENV_ROWS: readonly Row[] = [
  ['host', (r) => r.environment.hostname],
  ['CPU', (r) => `${r.environment.cpuModel} × ${r.environment.cpuCount}`],
  ['memory', (r) => `${(r.environment.memoryBytes / 2 ** 30).toFixed(1)} GiB`],
  ['kernel', (r) => `${r.environment.kernel} (${r.environment.platform}/${r.environment.arch})`],
  ['Node', (r) => r.environment.node],
  ['data dir', (r) => {
    const fs = r.environment.dataDirFs;
    return `${r.config.dataDir} — ${fs.type} on ${fs.device}, mounted at ${fs.mountPoint}`;
  }],
  ['raft dir', (r) => (r.config.raftDir ? String(r.config.raftDir) : 'with the data (no --raft-dir)')],
  ['engines', (r) => Object.entries(r.environment.engines ?? {}).map(([k, v]) => `${k} ${v}`).join('; ')],
  ['engine settings', engineSettingsText],
  ['git', (r) => (r.environment.gitCommit ? `${r.environment.gitCommit}${r.environment.gitDirty ? ' (uncommitted changes)' : ''}` : 'not a git checkout')],
  ['load average', (r) => (r.environment.loadAverage ?? []).join(', ')],
  ['placement', (r) => placementText(r.environment.placement)],
  ['started', (r) => r.startedAt],
  ['finished', (r) => r.finishedAt ?? (r.complete ? '?' : `not finished: ${r.incompleteReason ?? ''}`)],
];

/** Environment and configuration, one column per input; values that differ between inputs are marked. */
export function environmentTables(inputs: readonly ReportInput[]): SafeHtml {
  const configKeys: string[] = [];
  for (const i of inputs) for (const k of Object.keys(i.results.config ?? {})) if (!configKeys.includes(k)) configKeys.push(k);
  const configRows: Row[] = configKeys.map((k) => [k, (r) => configValue(k, (r.config as Record<string, unknown>)[k])]);
  return html`<div class="cols"><div><h3>Environment</h3>${kvTable(inputs, ENV_ROWS)}</div><div><h3>Configuration</h3>${kvTable(inputs, configRows)}</div></div>`;
}

function kvTable(inputs: readonly ReportInput[], rows: readonly Row[]): SafeHtml {
  const multi = inputs.length > 1;
  const value = (r: ResultsFile, f: Row[1]) => {
    try {
      return f(r);
    } catch {
      return '?'; // an older or hand-made file without the field
    }
  };
  const head = multi ? html`<thead><tr><th></th>${inputs.map((i) => html`<th>${i.label}</th>`)}</tr></thead>` : '';
  const body = rows.map(([name, f]) => {
    const values = inputs.map((i) => value(i.results, f));
    const differs = multi && new Set(values).size > 1;
    return html`<tr><th>${name}</th>${values.map((v) => html`<td${differs ? html` class="diff"` : ''}>${v}</td>`)}</tr>`;
  });
  return html`<table class="kv">${head}<tbody>${body}</tbody></table>`;
}

function configValue(key: string, v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (key === 'sizes' && Array.isArray(v)) return v.map((x) => (typeof x === 'number' ? formatSize(x) : String(x))).join(', ');
  if (Array.isArray(v)) return v.map(String).join(', ');
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k} ${typeof x === 'number' && x >= 1024 && x % 1024 === 0 ? formatSize(x) : JSON.stringify(x)}`)
      .join(', ');
  }
  return String(v);
}

/** The shell lines that rerun an input: check out its commit, then the recorded command. */
export function reproduce(inputs: readonly ReportInput[]): SafeHtml {
  return html`${inputs.map((i) => {
    const r = i.results;
    const lines: HtmlValue[] = [];
    if (r.environment?.gitCommit) lines.push(`git checkout ${r.environment.gitCommit}\n`);
    lines.push(`npm run -s raftbench -- ${(r.command ?? []).map(shellQuote).join(' ')}`);
    return html`${inputs.length > 1 ? html`<h4>${i.label}</h4>` : ''}<pre><code>${lines}</code></pre>`;
  })}<p class="note">Same machine, same data directory filesystem; a new <code>--out</code> is needed, results are never overwritten.</p>`;
}

/** POSIX shell quoting: bare when safe, else single quotes. */
export function shellQuote(s: string): string {
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Which CPUs took the data disk's interrupts, and which the run could use. */
function placementText(p: ResultsFile['environment']['placement']): string {
  if (!p) return 'not recorded';
  const irq = p.diskIrqCpus === null ? "the disk's interrupt CPUs could not be told" : `disk interrupts on CPU ${p.diskIrqCpus.join(', ')}`;
  return `${irq}; the run could use CPU ${p.allowedCpus ?? '?'}`;
}
