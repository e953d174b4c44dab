import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../../../tools/browser-test/browser-test.js';
import { cli, tempDir } from '../harness.test-util.js';

// Real reports from short real training runs, opened in Debian's chromium (`.ci/run` installs
// it; never a downloaded browser) at desktop width: every chart must have data, the page must
// log no errors, and a screenshot must show something.

/** What the page says about each chart: its title and how many data marks it draws. */
interface ChartData {
  readonly title: string;
  readonly marks: number;
  readonly badPoints: number;
}

interface PageCheck {
  readonly charts: ChartData[];
  readonly errors: string[];
  readonly confusionRows: number;
  readonly distinctColours: number;
  readonly png: Buffer;
}

// Scripts that run in the page (as source text: this package compiles without the DOM types).

/** Each `svg.chart`: its title, its data marks (polyline points, histogram bars, raster ticks). */
const CHARTS_IN_PAGE = `[...document.querySelectorAll('svg.chart')].map((svg) => {
  const points = [...svg.querySelectorAll('polyline')].flatMap((p) =>
    (p.getAttribute('points') || '').split(' ').filter(Boolean));
  const bars = [...svg.querySelectorAll('rect.bar')].filter((r) => Number(r.getAttribute('height')) > 0);
  return {
    title: svg.getAttribute('aria-label') || '',
    marks: points.length + bars.length + svg.querySelectorAll('g.raster line').length,
    badPoints: points.filter((p) => !p.split(',').every((v) => Number.isFinite(Number(v)))).length,
  };
})`;

/** Decodes a PNG in the page and counts its colours (up to 64, sampled): a blank page has one. */
const colourCount = (base64: string): string => `(async () => {
  const image = new Image();
  image.src = 'data:image/png;base64,${base64}';
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height).data;
  const colours = new Set();
  for (let i = 0; i < pixels.length && colours.size < 64; i += 4 * 97) {
    colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
  }
  return colours.size;
})()`;

let browser: Browser;
const dir = tempDir('report-browser');

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function train(rule: string): Promise<string> {
  const out = join(dir, rule);
  const run = await cli([
    'train',
    rule,
    '--dataset',
    'yinyang',
    '--epochs',
    '1',
    '--backend',
    'cpu',
    '--out',
    out,
    '-q',
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return out;
}

async function openReport(out: string): Promise<PageCheck> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
    const charts = await page.evaluate<ChartData[]>(CHARTS_IN_PAGE);
    const confusionRows = await page.locator('table.confusion tr').count();
    const png = await page.screenshot({ fullPage: true });
    // Decode the screenshot in the page and count its colours: a blank page has one.
    await page.setContent('<p>decoding</p>');
    const distinctColours = await page.evaluate<number>(colourCount(png.toString('base64')));
    return { charts, errors, confusionRows, distinctColours, png };
  } finally {
    await page.close();
  }
}

function expectRenderedReport(check: PageCheck, name: string): void {
  writeFileSync(join(dir, `${name}.png`), check.png);
  expect(check.errors).toEqual([]);
  expect([...check.png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(check.distinctColours).toBeGreaterThan(8);
  expect(check.charts.filter((c) => c.marks === 0 || c.badPoints > 0)).toEqual([]);
  // Yin-Yang has 3 classes: a header and a row each.
  expect(check.confusionRows).toBe(4);
}

describe('the report in headless chromium', () => {
  test('a non-spiking rule: curves on their own axes and the confusion matrix', async () => {
    const out = await train('backprop');
    const check = await openReport(out);
    expectRenderedReport(check, 'backprop');
    expect(check.charts.map((c) => c.title)).toEqual([
      'Training objective, per step and per epoch',
      'Evaluation cross-entropy',
      'Accuracy',
    ]);
    const header = readFileSync(join(out, 'metrics.csv'), 'utf8').split('\n')[0];
    expect(header).toBe(
      'epoch,learning_rate,seconds,train_loss,train_accuracy,validation_loss,validation_accuracy,validation_count,test_loss,test_accuracy,test_count',
    );
  });

  test('a spiking rule: rule metrics with units, rasters, voltages and rate histograms', async () => {
    const out = await train('eventprop');
    const check = await openReport(out);
    expectRenderedReport(check, 'eventprop');
    const titles = check.charts.map((c) => c.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'hidden firing rate (hiddenRate)',
        'Spikes, sample 0 (label dot)',
        'Output voltage, sample 0 (label dot)',
      ]),
    );
    expect(titles.filter((t) => t.startsWith('Spikes, sample'))).toHaveLength(3);
    expect(titles.filter((t) => /^hidden 1: 200 neurons/.test(t))).toHaveLength(1);
    // Every training step is on disk: 5000 training points in batches of 32.
    expect(readFileSync(join(out, 'steps.jsonl'), 'utf8').trim().split('\n')).toHaveLength(157);
  });
});

describe('an experiment report in headless chromium', () => {
  test("btsp-place-field: every chart drawn, the data's kernel beside the model's", async () => {
    const out = join(dir, 'place-field');
    const run = await cli(['experiment', 'btsp-place-field', '--out', out, '-q']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const check = await openReport(out);
    writeFileSync(join(dir, 'place-field.png'), check.png);
    expect(check.errors).toEqual([]);
    expect(check.distinctColours).toBeGreaterThan(8);
    expect(check.charts.length).toBeGreaterThanOrEqual(3);
    expect(check.charts.filter((c) => c.marks === 0 || c.badPoints > 0)).toEqual([]);
  });
});
