/**
 * A chart for the report: a Vega-Lite spec plus the words around it. Specs are plain JSON (data inlined),
 * so a builder is a pure function and a test can inspect what it would draw.
 */
export interface ChartSpec {
  /** Stable id for the page's anchors: `time-per-op-BatchCommit`. */
  readonly id: string;
  /** Heading above the chart. */
  readonly title: string;
  /** One or two sentences under the chart saying what it shows and how to read it. */
  readonly caption: string;
  /** A Vega-Lite (v6) top-level spec. */
  readonly spec: VlSpec;
}

/** A Vega-Lite spec as plain JSON; compiled and checked by `reports/html/render-svg.ts`. */
export type VlSpec = Record<string, unknown>;

/** What every chart needs besides its data: a color per layout that stays the same across charts. */
export interface ChartContext {
  readonly layouts: readonly string[];
}
