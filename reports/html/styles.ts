/** The page's whole stylesheet, inlined: compact tables, system fonts (nothing to download), print-friendly. */
export const STYLES = `
:root { --fg: #1d232b; --muted: #5b6673; --rule: #d8dde3; --bg-soft: #f5f7f9; --better: #1b7f3b; --worse: #b3261e; --warn-bg: #fff4d6; --warn-rule: #e0a800; --bad-bg: #fde8e6; --bad-rule: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 18px 24px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 30px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--rule); }
h3 { font-size: 15px; margin: 20px 0 6px; }
h4 { font-size: 13px; margin: 14px 0 4px; color: var(--muted); }
p { margin: 6px 0; }
code, pre, .num { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
pre { background: var(--bg-soft); border: 1px solid var(--rule); padding: 8px 10px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; margin: 6px 0; }
.meta { color: var(--muted); margin: 0 0 10px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; vertical-align: 2px; }
.badge.ok { background: #e3f4e8; color: var(--better); }
.badge.bad { background: var(--bad-bg); color: var(--bad-rule); }
.warnings { border: 1px solid var(--warn-rule); border-left: 6px solid var(--warn-rule); background: var(--warn-bg); padding: 8px 14px; margin: 12px 0; }
.warnings.severe { border-color: var(--bad-rule); background: var(--bad-bg); }
.warnings h2 { border: 0; margin: 0 0 4px; padding: 0; font-size: 15px; }
.warnings ul { margin: 0; padding-left: 20px; }
nav.toc { background: var(--bg-soft); border: 1px solid var(--rule); padding: 6px 12px; margin: 12px 0; font-size: 13px; }
nav.toc a { margin-right: 14px; color: #1f5fa8; text-decoration: none; white-space: nowrap; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 12.5px; }
th, td { border-bottom: 1px solid var(--rule); padding: 3px 9px; text-align: left; vertical-align: top; }
th { background: var(--bg-soft); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.name { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; white-space: nowrap; }
.scroll { overflow-x: auto; max-width: 100%; }
table.verdict td.name { white-space: normal; }
td.better { color: var(--better); font-weight: 600; }
td.worse { color: var(--worse); font-weight: 600; }
td.same { color: var(--muted); }
td .p { color: var(--muted); font-weight: normal; font-size: 11px; }
td.verdict-agrees { color: #1a7f37; } td.verdict-disagrees { color: #cf222e; font-weight: 600; } td.verdict-inconclusive { color: var(--muted); }
table.kv th { text-align: right; width: 1%; }
table.kv td.diff { background: #fff4d6; }
.cols { display: flex; flex-wrap: wrap; gap: 0 32px; }
.cols > div { min-width: 0; max-width: 100%; overflow-x: auto; }
table.kv td { overflow-wrap: anywhere; }
.note { color: var(--muted); font-size: 12.5px; }
ul.notes { color: var(--muted); font-size: 12.5px; margin: 4px 0; padding-left: 18px; }
details { margin: 8px 0; }
details > summary { cursor: pointer; color: #1f5fa8; }
figure.chart { margin: 16px 0 26px; padding: 10px 12px; border: 1px solid var(--rule); border-radius: 4px; break-inside: avoid; }
figure.chart h3 { margin: 0 0 6px; }
figure.chart .svg { overflow-x: auto; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 12.5px; margin-top: 6px; max-width: 900px; }
.verdict td.num { min-width: 70px; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
@media print { nav.toc { display: none; } main { max-width: none; } }
`;
