import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { cli, onlyJson, tempDir } from '../harness.test-util.js';

// Two real short runs that differ in seed and learning rate, read back independently of the
// code under test (metrics.jsonl parsed here).

interface Split {
  loss: number;
  accuracy: number;
}
interface Epoch {
  epoch: number;
  train: { loss: number };
  validation: Split;
  test: Split;
}
interface CompareJson {
  out: string;
  runs: {
    name: string;
    rule: string;
    dataset: string;
    epochs: number;
    best: { validation: { accuracy: number; epoch: number } };
    final: { test: Split & { count: number } };
  }[];
  differences: { key: string; values: (string | null)[] }[];
  sameDataset: boolean;
}

const metricsOf = (run: string): Epoch[] =>
  readFileSync(join(run, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Epoch);

const four = (v: number): string => v.toFixed(4);
const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;
const text = (html: string): string => html.replace(/<[^>]+>/g, '');

/** The `<svg>` block of the chart titled `title`. */
function chart(html: string, title: string): string {
  const svg = [...html.matchAll(/<svg [\s\S]*?<\/svg>/g)]
    .map((m) => m[0])
    .find((s) => s.includes(`>${title}</text>`));
  if (!svg) throw new Error(`no chart "${title}"`);
  return svg;
}

/** The drawn [x, y] pixel points of one run's line in a chart. */
function drawn(svg: string, run: string): [number, number][] {
  const group = svg.match(new RegExp(`<g class="series" data-name="${run}"[^>]*>([\\s\\S]*?)</g>`));
  if (!group) throw new Error(`no series for ${run}`);
  const points = group[1].match(/<polyline points="([^"]*)"/);
  return (points?.[1] ?? '').split(' ').map((p) => p.split(',').map(Number) as [number, number]);
}

/** The cells (tags stripped) of the table row whose first cell is `label`. */
function tableRow(html: string, label: string): string[] {
  const tr = html.match(new RegExp(`<tr><td>${label}</td>(.*?)</tr>`));
  if (!tr) throw new Error(`no row "${label}"`);
  return [...tr[1].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => text(m[1]));
}

describe('plasticity compare', () => {
  const dir = tempDir('compare');
  const train = [
    'train',
    'backprop',
    '--dataset',
    'yinyang',
    '--epochs',
    '2',
    '--backend',
    'cpu',
    '-q',
    '--json',
  ];
  let html: string;
  let run: Awaited<ReturnType<typeof cli>>;
  let runs: Record<'a' | 'b', Epoch[]>;

  beforeAll(async () => {
    for (const args of [
      ['--seed', '0', '--out', 'a'],
      ['--seed', '1', '--lr', '0.02', '--out', 'b'],
    ]) {
      const trained = await cli([...train, ...args], { cwd: dir });
      expect(trained.code).toBe(0);
    }
    runs = { a: metricsOf(join(dir, 'a')), b: metricsOf(join(dir, 'b')) };
    run = await cli(['compare', 'a', 'b'], { cwd: dir });
    html = readFileSync(join(dir, 'compare.html'), 'utf8');
  });

  test('writes compare.html in the current directory and says what differs', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('settings that differ: fit.learningRate, fit.seed\n');
    expect(run.stdout).toMatch(
      new RegExp(
        `^a +backprop on yinyang, 2 epochs, best val acc ${pct(Math.max(...runs.a.map((e) => e.validation.accuracy)))}`,
      ),
    );
    expect(run.stdout).toContain(`comparison written to ${join(dir, 'compare.html')}`);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(html).not.toMatch(/<script|<link|src=/);
  });

  test('overlays both runs in each chart, one line per run through its own numbers', () => {
    const charts: [string, (e: Epoch) => number][] = [
      ['Validation accuracy', (e) => e.validation.accuracy],
      ['Test accuracy', (e) => e.test.accuracy],
      ['Validation loss', (e) => e.validation.loss],
      ['Test loss', (e) => e.test.loss],
      ['Train loss (backprop)', (e) => e.train.loss],
    ];
    for (const [title, pick] of charts) {
      const svg = chart(html, title);
      const points = (['a', 'b'] as const).flatMap((name) => {
        const line = drawn(svg, name);
        expect(line).toHaveLength(2);
        expect(svg).toContain(`class="legend">${name}</text>`);
        return line.map(([x, y], i) => ({ x, y, epoch: runs[name][i].epoch, value: pick(runs[name][i]) }));
      });
      // Same epoch → same x; a higher value is drawn higher (smaller y), across both runs.
      for (const p of points) {
        for (const q of points) {
          if (p.epoch === q.epoch) expect(p.x).toBe(q.x);
          if (p.value > q.value) expect(p.y).toBeLessThan(q.y);
        }
      }
    }
    // The per-epoch tables hold the numbers themselves.
    for (const name of ['a', 'b'] as const) {
      const table =
        html.match(new RegExp(`<table class="epochs" data-run="${name}">([\\s\\S]*?)</table>`))?.[1] ?? '';
      const rows = [...table.matchAll(/<tr><td class="num">(.*?)<\/tr>/g)].map((m) => text(`<td>${m[1]}`));
      expect(rows).toHaveLength(2);
      runs[name].forEach((e, i) => {
        expect(rows[i]).toContain(
          [
            e.epoch,
            four(e.train.loss),
            four(e.validation.loss),
            four(e.validation.accuracy),
            four(e.test.loss),
            four(e.test.accuracy),
          ].join(''),
        );
      });
    }
  });

  test('puts the final metrics side by side', () => {
    const best = (name: 'a' | 'b') =>
      runs[name].reduce((x, y) => (y.validation.accuracy > x.validation.accuracy ? y : x));
    expect(tableRow(html, 'best validation accuracy')).toEqual(
      (['a', 'b'] as const).map((n) => `${pct(best(n).validation.accuracy)} (epoch ${best(n).epoch})`),
    );
    expect(tableRow(html, 'final test accuracy')).toEqual([
      pct(runs.a[1].test.accuracy),
      pct(runs.b[1].test.accuracy),
    ]);
    expect(tableRow(html, 'final test loss')).toEqual([four(runs.a[1].test.loss), four(runs.b[1].test.loss)]);
    expect(tableRow(html, 'rule')).toEqual(['backprop', 'backprop']);
    expect(tableRow(html, 'epochs')).toEqual(['2', '2']);
    expect(tableRow(html, 'backend')).toEqual(['cpu', 'cpu']);
  });

  test("lists exactly the settings that differ, with each run's value", () => {
    const table = html.match(/<table class="differences">([\s\S]*?)<\/table>/)?.[1] ?? '';
    const rows = [...table.matchAll(/<tr><td>(.*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td><\/tr>/g)].map((m) =>
      m.slice(1),
    );
    const config = (name: string) => JSON.parse(readFileSync(join(dir, name, 'config.json'), 'utf8'));
    expect(rows).toEqual([
      ['fit.learningRate', String(config('a').fit.learningRate), '0.02'],
      ['fit.seed', '0', '1'],
    ]);
    expect(html).toMatch(/<summary>\d+ identical settings<\/summary>/);
    expect(html).not.toContain('different datasets');
  });

  test('--json prints the comparison; --out writes the page elsewhere, creating its folder', async () => {
    const json = await cli(['compare', join(dir, 'a'), 'b', '--out', 'pages/ab.html', '--json'], {
      cwd: dir,
    });
    expect(json.code).toBe(0);
    const result = onlyJson<CompareJson>(json);
    expect(result.out).toBe(join(dir, 'pages', 'ab.html'));
    expect(existsSync(result.out)).toBe(true);
    expect(result.differences.map((d) => d.key)).toEqual(['fit.learningRate', 'fit.seed']);
    expect(result.differences[1].values).toEqual(['0', '1']);
    expect(result.sameDataset).toBe(true);
    expect(result.runs.map((r) => r.name)).toEqual(['a', 'b']);
    expect(result.runs[1].final.test).toEqual(runs.b[1].test);
    expect(result.runs[0].best.validation.accuracy).toBe(
      Math.max(...runs.a.map((e) => e.validation.accuracy)),
    );
  });

  test('runs on different datasets are compared, and the page says so', async () => {
    const other = join(dir, 'other');
    cpSync(join(dir, 'b'), other, { recursive: true });
    const config = JSON.parse(readFileSync(join(other, 'config.json'), 'utf8'));
    writeFileSync(join(other, 'config.json'), JSON.stringify({ ...config, dataset: 'mnist' }));
    const result = await cli(['compare', 'a', 'other', '--out', 'datasets.html'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('note: the runs are on different datasets');
    const page = readFileSync(join(dir, 'datasets.html'), 'utf8');
    expect(text(page)).toContain('These runs are on different datasets (yinyang: a; mnist: other)');
    expect(tableRow(page, 'dataset')).toEqual(['yinyang', 'mnist']);
  });

  test('same-named runs in different folders are told apart by their paths', async () => {
    mkdirSync(join(dir, 'x'), { recursive: true });
    cpSync(join(dir, 'a'), join(dir, 'x', 'a'), { recursive: true });
    const result = onlyJson<CompareJson>(
      await cli(['compare', 'a', 'x/a', '--json', '--out', 'same.html'], { cwd: dir }),
    );
    expect(result.runs.map((r) => r.name)).toEqual(['a', join('x', 'a')]);
    expect(result.differences).toEqual([]);
    expect(readFileSync(join(dir, 'same.html'), 'utf8')).toContain('The runs have identical settings.');
  });

  test('bad input is a coded one-line error and writes nothing', async () => {
    const broken = join(dir, 'broken');
    cpSync(join(dir, 'a'), broken, { recursive: true });
    const lines = readFileSync(join(broken, 'metrics.jsonl'), 'utf8').split('\n');
    writeFileSync(join(broken, 'metrics.jsonl'), ['{not json', ...lines].join('\n'));
    const empty = join(dir, 'empty');
    cpSync(join(dir, 'a'), empty, { recursive: true });
    writeFileSync(join(empty, 'metrics.jsonl'), '');
    const notRecords = join(dir, 'not-records');
    cpSync(join(dir, 'a'), notRecords, { recursive: true });
    writeFileSync(join(notRecords, 'metrics.jsonl'), '[1, 2]\n');
    mkdirSync(join(dir, 'not-a-run'), { recursive: true });
    mkdirSync(join(dir, 'x'), { recursive: true });

    const cases: [string[], number, RegExp][] = [
      [['a'], 2, /^error \[E_USAGE\]: compare needs at least two run directories, got 1/],
      [
        ['a', 'not-a-run'],
        2,
        /^error \[E_USAGE\]: .*not-a-run is not a plasticity run directory \(no config.json\)/,
      ],
      [['a', 'broken'], 1, /^error \[E_CHECKPOINT\]: .*broken\/metrics.jsonl:1: not valid JSON/],
      [['a', 'empty'], 2, /^error \[E_USAGE\]: .*empty has no finished epoch/],
      [
        ['a', 'not-records'],
        1,
        /^error \[E_CHECKPOINT\]: .*not-records\/metrics.jsonl:1: not an epoch record/,
      ],
      [['a', './a'], 2, /^error \[E_USAGE\]: .*\/a is given more than once/],
      [['a', 'b', '--out', 'x'], 2, /^error \[E_USAGE\]: --out .*\/x is a directory/],
    ];
    for (const [args, code, message] of cases) {
      const result = await cli(
        ['compare', ...args, ...(args.includes('--out') ? [] : ['--out', 'bad.html'])],
        { cwd: dir },
      );
      expect([result.code, result.stderr]).toEqual([code, expect.stringMatching(message)]);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
    }
    expect(existsSync(join(dir, 'bad.html'))).toBe(false);
    const none = await cli(['compare'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/missing required argument 'runs'/);
  });
});
