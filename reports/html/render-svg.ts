import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { VlSpec } from '../charts/chart-spec.ts';

export interface RenderedSvg {
  readonly svg: string;
  /** What Vega-Lite or Vega warned about while compiling and drawing (an empty list for a sound spec). */
  readonly warnings: readonly string[];
}

/**
 * Compiles a Vega-Lite spec and draws it to an SVG string in Node, headless (no canvas, no DOM, no
 * network: every spec carries its data inline). Vega escapes the text it writes into the SVG, so labels
 * taken from results files stay text.
 */
export async function renderSvg(spec: VlSpec): Promise<RenderedSvg> {
  const warnings: string[] = [];
  const logger = vega.logger(vega.Warn, 'warn', (_method, _level, args) => {
    warnings.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  });
  const vg = compile(spec as unknown as TopLevelSpec, { logger }).spec;
  const view = new vega.View(vega.parse(vg), { renderer: 'none', logger });
  try {
    const svg = await view.toSVG();
    return { svg, warnings };
  } finally {
    view.finalize();
  }
}
