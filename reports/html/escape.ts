/**
 * The one place the report turns text into HTML. `escapeHtml` escapes the five characters that matter in
 * element content and in quoted attribute values; the `html` template tag applies it to every
 * interpolated value unless the value is already `SafeHtml` (made by `html` itself, or `trustedSvg`).
 * So a string from a results file can only reach the page as text.
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Markup that is already safe. Only `html`, `join`, `trustedSvg` and `trustedCss` make one. */
export class SafeHtml {
  readonly #markup: string;
  constructor(markup: string, token: symbol) {
    if (token !== TOKEN) throw new Error('SafeHtml is made only by html``, join() or trustedSvg()');
    this.#markup = markup;
  }
  toString(): string {
    return this.#markup;
  }
}

const TOKEN = Symbol('safe-html');

/** Values an `html` template accepts; arrays are concatenated, null/undefined/false render as nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

/** Template tag: literal parts are markup, interpolated values are escaped (unless SafeHtml). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out, TOKEN);
}

/** Concatenates pieces (each escaped unless SafeHtml) with an optional separator. */
export function join(values: readonly HtmlValue[], sep = ''): SafeHtml {
  return new SafeHtml(values.map(render).join(escapeHtml(sep)), TOKEN);
}

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.toString();
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

/** The page's own stylesheet (a constant, never input); refuses text that would end the element or load anything. */
export function trustedCss(css: string): SafeHtml {
  if (/<\/|@import|url\(/i.test(css)) throw new Error('stylesheet must not close its element or load a resource');
  return new SafeHtml(css, TOKEN);
}

/**
 * SVG drawn by Vega, embedded inline. Vega escapes every text node and attribute it writes; this checks
 * the markup anyway and refuses anything that could run or load: script-capable or embedding elements,
 * event-handler attributes, links, and url()/javascript: references to anything but a fragment.
 */
export function trustedSvg(svg: string): SafeHtml {
  const problem = svgProblem(svg);
  if (problem) throw new Error(`refusing to embed chart SVG: ${problem}`);
  return new SafeHtml(svg, TOKEN);
}

const FORBIDDEN_ELEMENTS = new Set(['script', 'foreignobject', 'iframe', 'object', 'embed', 'image', 'img', 'a', 'use', 'style', 'link', 'animate', 'set', 'animatetransform', 'animatemotion', 'handler', 'audio', 'video']);

/** Why `svg` is unsafe to inline, or null. Exported for tests. */
export function svgProblem(svg: string): string | null {
  if (!/^\s*<svg[\s>]/.test(svg)) return 'not an <svg> element';
  for (const tag of svg.matchAll(/<\s*([A-Za-z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g)) {
    const name = (tag[1] ?? '').toLowerCase();
    if (FORBIDDEN_ELEMENTS.has(name.replace(/^svg:/, ''))) return `element <${name}>`;
    for (const attr of (tag[2] ?? '').matchAll(/([^\s=/]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/g)) {
      const an = (attr[1] ?? '').toLowerCase();
      const av = (attr[2] ?? '').toLowerCase();
      if (an.startsWith('on')) return `event attribute ${an} on <${name}>`;
      if (an === 'href' || an.endsWith(':href')) return `link attribute ${an} on <${name}>`;
      if (/javascript:|url\(\s*['"]?(?!#)/.test(av)) return `external reference in ${an} on <${name}>`;
    }
  }
  return null;
}
