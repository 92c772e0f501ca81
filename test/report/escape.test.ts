import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeHtml, html, join, svgProblem, trustedCss, trustedSvg } from '../../reports/html/escape.ts';
import { shellQuote } from '../../reports/html/run-header.ts';

test('escapeHtml escapes the five characters that matter, and only them', () => {
  assert.equal(escapeHtml(`<script>alert("x" & 'y')</script>`), '&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;');
  assert.equal(escapeHtml('µs ± 5% — ok'), 'µs ± 5% — ok');
  assert.equal(escapeHtml('&amp;'), '&amp;amp;');
});

test('html`` escapes every interpolated value, in text and in attributes, but not nested html``', () => {
  const name = '"<img src=x onerror=alert(1)>';
  const out = html`<td title="${name}">${name}</td>${html`<b>${'<i>'}</b>`}`.toString();
  assert.equal(out, '<td title="&quot;&lt;img src=x onerror=alert(1)&gt;">&quot;&lt;img src=x onerror=alert(1)&gt;</td><b>&lt;i&gt;</b>');
  assert.equal(html`${['<a>', html`<b>`, 1, null, undefined, false]}`.toString(), '&lt;a&gt;<b>1');
  assert.equal(join(['<x>', html`<y>`], ' & ').toString(), '&lt;x&gt; &amp; <y>');
});

test('SafeHtml cannot be forged from a string', async () => {
  const { SafeHtml } = await import('../../reports/html/escape.ts');
  assert.throws(() => new SafeHtml('<script>', Symbol('safe-html')));
});

test('svgProblem accepts Vega-like SVG and rejects anything that can run or load', () => {
  const ok = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><defs><clipPath id="c1"><rect/></clipPath></defs><g clip-path="url(#c1)"><text aria-label="&lt;script&gt;">&lt;script&gt;alert(1)&lt;/script&gt; onerror=x</text></g></svg>';
  assert.equal(svgProblem(ok), null);
  assert.doesNotThrow(() => trustedSvg(ok));
  assert.match(svgProblem('<svg><script>alert(1)</script></svg>') ?? '', /element <script>/);
  assert.match(svgProblem('<svg><foreignObject></foreignObject></svg>') ?? '', /foreignobject/);
  assert.match(svgProblem('<svg><rect onload="x()"/></svg>') ?? '', /event attribute onload/);
  assert.match(svgProblem('<svg><a href="javascript:x"></a></svg>') ?? '', /element <a>/);
  assert.match(svgProblem('<svg><rect fill="url(http://x/y)"/></svg>') ?? '', /external reference/);
  assert.match(svgProblem('<div></div>') ?? '', /not an <svg>/);
  assert.throws(() => trustedSvg('<svg><image href="http://x"/></svg>'), /refusing/);
});

test('trustedCss refuses a stylesheet that would close the element or load something', () => {
  assert.equal(trustedCss('a > b { color: red; }').toString(), 'a > b { color: red; }');
  assert.throws(() => trustedCss('</style><script>'));
  assert.throws(() => trustedCss('@import "x.css";'));
  assert.throws(() => trustedCss('body { background: url(http://x) }'));
});

test('shellQuote leaves plain words bare and single-quotes the rest', () => {
  assert.equal(shellQuote('--sizes'), '--sizes');
  assert.equal(shellQuote('1k,16k'), '1k,16k');
  assert.equal(shellQuote('a b'), `'a b'`);
  assert.equal(shellQuote(`it's`), `'it'\\''s'`);
  assert.equal(shellQuote('$(rm -rf /)'), `'$(rm -rf /)'`);
});
