import { describe, expect, test } from '@jest/globals';
import { bestEpoch, flattenConfig, renderReport } from './html-report.js';
import type { ReportEpoch } from './html-report.js';
import { stepSeries } from './step-log.js';
import type { StepRecord } from './step-log.js';

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

  test('draws objective, evaluation and accuracy charts with one point per epoch and series', () => {
    expect(html.match(/<svg /g)).toHaveLength(3);
    const polylines = [...html.matchAll(/<polyline points="([^"]*)"/g)].map((m) => m[1].split(' ').length);
    // objective: train; evaluation: test; accuracy: train + test — three epochs each.
    expect(polylines).toEqual([3, 3, 3, 3]);
    expect(html).toContain('data-name="train"');
    expect(html).toContain('data-name="test"');
  });

  test('a regression (no finite accuracy) gets a mean-squared-error chart and no accuracy chart', () => {
    const regression = renderReport({
      title: 't',
      summary: {},
      config: {},
      history: [1, 2].map((epoch) => ({
        epoch,
        train: { loss: 0.3 / epoch },
        test: { loss: 0.25 / epoch, accuracy: Number.NaN },
      })),
    });
    expect(regression).toContain('Evaluation mean squared error');
    expect(regression).not.toContain('Evaluation cross-entropy');
    expect(regression.match(/<svg /g)).toHaveLength(2);
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
    // The training objective and accuracy; no evaluation chart without evaluated splits.
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

  test('one firing-rate histogram (Hz) per layer after the input, over every inspected sample', () => {
    const histograms = [...html.matchAll(/<svg [^>]*aria-label="([^"]*)"[\s\S]*?<\/svg>/g)].filter((m) =>
      m[0].includes('class="bars"'),
    );
    // Output: unit 0 spikes twice, unit 1 once, unit 2 never, in 2 samples × 50 ms → 20, 10, 0 Hz.
    expect(histograms.map((m) => m[1])).toEqual(['output: 3 neurons, 1 silent, mean 10 Hz']);
    const bars = [...histograms[0][0].matchAll(/<rect class="bar" data-count="(\d+)" x="([\d.]+)"/g)];
    expect(bars.map((b) => Number(b[1]))).toEqual([1, 1, 1]);
    expect(histograms[0][0]).toContain('firing rate (Hz), over 2 test samples');
  });

  test('draws rasters of the first three samples only', () => {
    const many = renderReport({
      title: 't',
      summary: {},
      config: {},
      history: [],
      inspection: {
        data: {
          duration: 10,
          layers: [{ name: 'input', size: 2, samples: Array.from({ length: 8 }, () => events([1], [0])) }],
        },
      },
    });
    expect(many.match(/<g class="raster"/g)).toHaveLength(3);
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

/** Each chart's SVG by its title (aria-label). */
function chartsOf(html: string): Map<string, string> {
  return new Map(
    [...html.matchAll(/<svg [^>]*aria-label="([^"]*)"[\s\S]*?<\/svg>/g)].map((m) => [m[1], m[0]]),
  );
}

/** The y-axis label of a chart (the rotated text). */
function yLabelOf(svg: string | undefined): string | undefined {
  return /<text [^>]*class="label" transform="rotate[^>]*>([^<]*)<\/text>/.exec(svg ?? '')?.[1];
}

/** Names of the series a chart draws. */
function seriesOf(svg: string | undefined): string[] {
  return [...(svg ?? '').matchAll(/<g class="series" data-name="([^"]*)"/g)].map((m) => m[1]);
}

/** Pixel y coordinates of a series' points. */
function ysOf(svg: string | undefined, name: string): number[] {
  const group = new RegExp(`data-name="${name}"[^>]*>\\s*<polyline points="([^"]*)"`).exec(svg ?? '');
  return (group?.[1] ?? '')
    .split(' ')
    .filter(Boolean)
    .map((p) => Number(p.split(',')[1]));
}

describe('renderReport: what each curve is', () => {
  // Forward-Forward's goodness loss is two orders of magnitude above the evaluation loss.
  const goodness: ReportEpoch[] = [1, 2, 3].map((epoch) => ({
    epoch,
    train: { loss: 353 / epoch, accuracy: 0.5, hiddenRate: 12 * epoch, goodnessPositive1: 3 },
    validation: { loss: 0.9 - 0.1 * epoch, accuracy: 0.6 + 0.1 * epoch },
    test: { loss: 0.8 - 0.1 * epoch, accuracy: 0.55 + 0.1 * epoch },
  }));
  const html = renderReport({
    title: 'ff',
    summary: {},
    config: {},
    history: goodness,
    metrics: {
      loss: { label: 'goodness loss (sum over layers)', description: 'softplus margins, summed' },
      hiddenRate: { label: 'hidden firing rate', unit: 'Hz' },
    },
  });
  const charts = chartsOf(html);

  test("the training objective has its own chart, labelled with the rule's name for it", () => {
    const objective = charts.get('Training objective');
    expect(yLabelOf(objective)).toBe('goodness loss (sum over layers)');
    expect(seriesOf(objective)).toEqual(['train, epoch mean']);
    expect(html).toContain('<figcaption>softplus margins, summed</figcaption>');
  });

  test('validation and test cross-entropy share a chart of their own, scaled to their values', () => {
    const evaluation = charts.get('Evaluation cross-entropy');
    expect(yLabelOf(evaluation)).toBe('cross-entropy');
    expect(seriesOf(evaluation)).toEqual(['validation', 'test']);
    // Not flattened by the training loss: the validation curve spans most of the plot height.
    const ys = ysOf(evaluation, 'validation');
    expect(Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(100);
  });

  test('a described rule metric carries its label and unit on the axis; others their name', () => {
    expect(yLabelOf(charts.get('hidden firing rate (hiddenRate)'))).toBe('hidden firing rate (Hz)');
    expect(yLabelOf(charts.get('goodnessPositive1'))).toBe('goodnessPositive1');
  });

  test('an undescribed loss is called the training loss, not cross-entropy', () => {
    const plain = chartsOf(renderReport({ title: 't', summary: {}, config: {}, history: goodness }));
    expect(yLabelOf(plain.get('Training objective'))).toBe('training loss');
  });

  test('marks the epoch of best validation accuracy on every epoch chart and in the tables', () => {
    const peaked = goodness.map((e, i) => ({
      ...e,
      validation: { loss: 0.5, accuracy: [0.7, 0.9, 0.8][i] },
      test: { loss: 0.5, accuracy: [0.95, 0.6, 0.7][i] },
    }));
    const report = renderReport({ title: 't', summary: {}, config: {}, history: peaked });
    const marks = [...report.matchAll(/<g class="mark" data-x="([^"]*)"/g)].map((m) => m[1]);
    expect(marks).toEqual(['2', '2', '2', '2', '2']); // objective, evaluation, accuracy, 2 rule metrics
    const rows = [...report.matchAll(/<tr><td class="num">(\d+)<\/td>.*<\/tr>/g)];
    expect(rows.map((r) => r[0].includes('◆ validation'))).toEqual([false, true, false]);
    expect(report).toContain('<td>best epoch (validation accuracy)</td><td class="num">2 (0.9000)</td>');
  });

  test('without a validation split the best epoch is the best test epoch', () => {
    expect(bestEpoch(history)).toEqual({ epoch: 3, split: 'test', accuracy: 0.65 });
    expect(bestEpoch([{ epoch: 1, train: { loss: 1 } }])).toBeUndefined();
  });
});

describe('renderReport: per-step training curve', () => {
  const steps = (epochs: number, perEpoch: number): StepRecord[] =>
    Array.from({ length: epochs * perEpoch }, (_, i) => ({
      epoch: Math.floor(i / perEpoch) + 1,
      step: (i % perEpoch) + 1,
      stepsPerEpoch: perEpoch,
      metrics: { loss: 2 / (i + 1) },
    }));
  const oneEpoch: ReportEpoch[] = [{ epoch: 1, train: { loss: 0.5, accuracy: 0.8 } }];

  test('a long epoch gets a step curve on the objective chart, x in epochs', () => {
    const report = renderReport({
      title: 't',
      summary: {},
      config: {},
      history: oneEpoch,
      steps: steps(1, 50),
    });
    const objective = chartsOf(report).get('Training objective, per step and per epoch');
    expect(seriesOf(objective)).toEqual(['train, per step', 'train, epoch mean']);
    expect(ysOf(objective, 'train, per step')).toHaveLength(50);
    expect(objective).not.toMatch(/data-name="train, per step"[^>]*>\s*<polyline[^>]*>\s*<circle/);
  });

  test('short epochs keep the per-epoch curve only', () => {
    const report = renderReport({
      title: 't',
      summary: {},
      config: {},
      history: oneEpoch,
      steps: steps(1, 5),
    });
    expect(seriesOf(chartsOf(report).get('Training objective'))).toEqual(['train, epoch mean']);
  });

  test('many steps are averaged down to a few hundred points', () => {
    expect(stepSeries(steps(2, 1000), 'loss')).toHaveLength(400);
    const pairs = stepSeries(steps(1, 4), 'loss', 2);
    expect(pairs).toEqual([
      [0.5, (2 + 1) / 2],
      [1, (2 / 3 + 2 / 4) / 2],
    ]);
  });
});

describe('renderReport: confusion matrix', () => {
  const report = renderReport({
    title: 't',
    summary: {},
    config: {},
    history,
    confusion: {
      split: 'test',
      matrix: [
        [8, 2, 0],
        [1, 3, 0],
        [0, 0, 0],
      ],
      classNames: ['yin', 'yang', '<dot>'],
    },
  });
  const table = /<table class="confusion">[\s\S]*?<\/table>/.exec(report)?.[0] ?? '';

  test('one row per true class with its counts, sample count and accuracy, named by class', () => {
    const rows = [...table.matchAll(/<tr><th>([^<]*)<\/th>(<td.*)<\/tr>/g)].map((m) => [
      m[1],
      [...m[2].matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => c[1]),
    ]);
    expect(rows).toEqual([
      ['yin', ['8', '2', '0', '10', '80.0%']],
      ['yang', ['1', '3', '0', '4', '75.0%']],
      ['&lt;dot&gt;', ['0', '0', '0', '0', '']],
    ]);
    expect(report).toContain('Confusion matrix and per-class accuracy (test split, final model)');
  });

  test('shades cells by their share of the row', () => {
    expect(table).toContain('<td class="num" style="background: rgba(0, 114, 178, 0.74)">8</td>');
    expect(table).toContain('<td class="num" style="background: rgba(213, 94, 0, 0.26)">2</td>');
  });
});
