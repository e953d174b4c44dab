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

describe('renderReport for a spiking rule', () => {
  const events = (times: number[], units: number[]) => ({
    times: Float32Array.from(times),
    units: Int32Array.from(units),
  });
  const html = renderReport({
    title: 'eventprop',
    summary: {},
    config: {},
    history: [
      { epoch: 1, train: { loss: 1, accuracy: 0.5, hiddenRate: 3 } },
      { epoch: 2, train: { loss: 0.5, accuracy: 0.7, hiddenRate: 2 } },
    ],
    inspection: {
      data: {
        duration: 50,
        layers: [
          { name: 'input', size: 5, samples: [events([10, 20, 30], [0, 4, 2]), events([], [])] },
          { name: 'output', size: 3, samples: [events([40], [1]), events([25, 49], [0, 0])] },
        ],
        traces: {
          name: 'output',
          dt: 10,
          steps: 5,
          units: 3,
          samples: [new Float32Array(15), new Float32Array(15)],
        },
      },
      labels: [1, 2],
      classNames: ['yin', 'yang', 'dot'],
    },
  });
  const rasters = [
    ...html.matchAll(/<g class="raster" data-layer="(\w+)" data-spikes="(\d+)"[^>]*>([\s\S]*?)<\/g>/g),
  ];

  test('draws one raster panel per layer and sample with one tick per spike', () => {
    expect(rasters.map((m) => [m[1], Number(m[2]), (m[3].match(/<line /g) ?? []).length])).toEqual([
      ['output', 1, 1],
      ['input', 3, 3],
      ['output', 2, 2],
      ['input', 0, 0],
    ]);
    expect(html).toContain('Spikes, sample 0 (label yang)');
    expect(html).toContain('Spikes, sample 1 (label dot)');
  });

  test('places a spike by its time and unit inside its panel', () => {
    // Output panel on top: y from 28 to 68 (40 px for 3 units), x from 56 to 504 for 0–50 ms.
    const tick = /<line x1="([\d.]+)" x2="[\d.]+" y1="([\d.]+)" y2="([\d.]+)"/.exec(rasters[0][3]);
    expect(Number(tick?.[1])).toBeCloseTo(56 + (40 / 50) * 448, 0);
    const mid = (Number(tick?.[2]) + Number(tick?.[3])) / 2;
    expect(mid).toBeCloseTo(28 + 40 - 1.5 * (40 / 3), 0);
  });

  test('draws output voltage traces, one line per class, without markers', () => {
    const traces = html.slice(html.indexOf('Output voltage, sample 0'));
    const first = traces.slice(0, traces.indexOf('</svg>'));
    const lines = [...first.matchAll(/<polyline points="([^"]*)"/g)].map((m) => m[1].split(' ').length);
    expect(lines).toEqual([5, 5, 5]);
    expect(first).toContain('data-name="dot"');
    expect(first).not.toContain('<circle');
  });

  test('charts rule-specific training metrics', () => {
    expect(html).toContain('aria-label="hiddenRate"');
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
