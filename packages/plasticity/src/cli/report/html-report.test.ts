import { describe, expect, test } from '@jest/globals';
import { flattenConfig, renderReport } from './html-report.js';
import type { ReportEpoch } from './html-report.js';

const history: ReportEpoch[] = [1, 2, 3].map((epoch) => ({
  epoch,
  learningRate: 0.01,
  seconds: 1.5,
  train: { loss: 1 / epoch, accuracy: 0.4 + 0.1 * epoch },
  test: { loss: 1.1 / epoch, accuracy: 0.35 + 0.1 * epoch },
}));

describe('renderReport', () => {
  const html = renderReport({
    title: 'backprop on <yinyang>',
    summary: { 'test accuracy': 0.65, backend: 'wasm' },
    config: { rule: 'backprop', config: { hidden: [120], activation: 'relu' }, fit: { epochs: 3 } },
    history,
    footer: 'plasticity 0.1.0',
  });

  test('draws a loss and an accuracy chart with one point per epoch and series', () => {
    expect(html.match(/<svg /g)).toHaveLength(2);
    const polylines = [...html.matchAll(/<polyline points="([^"]*)"/g)].map((m) => m[1].split(' ').length);
    // loss: train + test; accuracy: train + test — three epochs each.
    expect(polylines).toEqual([3, 3, 3, 3]);
    expect(html).toContain('data-name="train"');
    expect(html).toContain('data-name="test"');
  });

  test('is self-contained: no scripts, links or external URLs besides the SVG namespace', () => {
    expect(html).not.toMatch(/<script|<link|src=|url\(/i);
    const urls = html.match(/https?:\/\/[^"'\s)]+/g) ?? [];
    expect(urls.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
  });

  test('escapes text and lists the config and the epochs', () => {
    expect(html).toContain('backprop on &lt;yinyang&gt;');
    expect(html).not.toContain('<yinyang>');
    expect(html).toContain('<td>config.hidden</td><td>[120]</td>');
    expect(html).toContain('<td>fit.epochs</td><td>3</td>');
    expect(html).toMatch(/<tr><td class="num">3<\/td>/);
  });

  test('an accuracy point maps inside the plot: y=1 at the top edge, y=0 at the bottom', () => {
    const one = renderReport({
      title: 't',
      summary: {},
      config: {},
      history: [
        { epoch: 1, train: { loss: 1, accuracy: 0 } },
        { epoch: 2, train: { loss: 0.5, accuracy: 1 } },
      ],
    });
    const accuracy = one.slice(one.lastIndexOf('<svg'));
    const points = /<polyline points="([^"]*)"/.exec(accuracy)?.[1].split(' ');
    // Frame: top 28, height 300 − 28 − 40 = 232 → bottom 260.
    expect(points?.[0].split(',')[1]).toBe('260.0');
    expect(points?.[1].split(',')[1]).toBe('28.0');
  });

  test('an empty history still renders charts', () => {
    const empty = renderReport({ title: 't', summary: {}, config: {}, history: [] });
    expect(empty.match(/<svg /g)).toHaveLength(2);
    expect(empty).not.toContain('<polyline');
  });
});

describe('flattenConfig', () => {
  test('dotted keys for nested objects, JSON for arrays and scalars', () => {
    expect(flattenConfig({ a: { b: 1, c: 'x' }, d: [1, 2], e: {}, f: null })).toEqual([
      ['a.b', '1'],
      ['a.c', 'x'],
      ['d', '[1,2]'],
      ['e', '{}'],
      ['f', 'null'],
    ]);
  });
});
