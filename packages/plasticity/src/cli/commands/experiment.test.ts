import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { z } from 'zod';
import { createRng, registerExperiment, unregisterExperiment } from '@plasticity/core-tensors';
import type { ExperimentPlugin } from '@plasticity/core-tensors';
import { cli, onlyJson, tempDir } from '../harness.test-util.js';
import type { ExperimentRecord } from './experiment.js';

// A toy experiment: flips a seeded biased coin and counts lines of an optional data file. It
// checks the command's plumbing (options, seed, files, output), not any science.
const optionsSchema = z.strictObject({
  flips: z.number().int().min(1).default(100),
  bias: z.number().min(0).max(1).default(0.5),
  data: z.string().optional(),
  plateauPosition: z.number().default(120),
});
type Options = z.infer<typeof optionsSchema>;
const coin: ExperimentPlugin<Options> = {
  name: 'test-coin',
  summary: 'flips a biased coin',
  optionsSchema,
  async run(options, context) {
    const rng = createRng(context.seed);
    let heads = 0;
    const points: [number, number][] = [];
    for (let i = 1; i <= options.flips; i++) {
      if (rng.uniform() < options.bias) heads++;
      if (i % 10 === 0) {
        points.push([i, heads / i]);
        context.onProgress?.('flipping', i / options.flips);
      }
    }
    const lines =
      options.data === undefined
        ? undefined
        : (await context.readText!(options.data)).split('\n').filter((l) => l !== '').length;
    return {
      figures: { heads: heads / options.flips, plateauPosition: options.plateauPosition, lines },
      charts: [
        {
          title: 'running fraction of heads',
          xLabel: 'flips',
          yLabel: 'fraction',
          series: [
            { name: 'measured', points },
            { name: 'bias', points: points.map(([x]) => [x, options.bias]), dashed: true },
          ],
          logX: true,
        },
      ],
      tables: [{ title: 'counts', columns: ['kind', 'count'], rows: [['heads', heads]] }],
    };
  },
};

beforeAll(() => void registerExperiment(coin));
afterAll(() => void unregisterExperiment(coin.name));

describe('plasticity experiment', () => {
  test('without a name it lists the registered experiments', async () => {
    const run = await cli(['experiment']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^test-coin\s+flips a biased coin$/m);
  });

  test('kebab-case options reach the experiment typed; figures.json and report.html are written', async () => {
    const dir = tempDir('experiment');
    const out = join(dir, 'coin');
    const run = await cli([
      'experiment',
      'test-coin',
      '--flips',
      '2000',
      '--bias=0.25',
      '--plateau-position',
      '-20',
      '--out',
      out,
      '--seed',
      '3',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const record = onlyJson<ExperimentRecord>(run);
    expect(record).toMatchObject({
      experiment: 'test-coin',
      seed: 3,
      options: { flips: 2000, bias: 0.25, plateauPosition: -20 },
      out,
    });
    // 2000 flips of p = 0.25: 5 standard deviations is 0.048.
    expect(Math.abs((record.figures.heads as number) - 0.25)).toBeLessThan(0.05);
    expect(JSON.parse(readFileSync(join(out, 'figures.json'), 'utf8'))).toEqual(record);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('stroke-dasharray="6 4"');
    expect(html).toContain(
      `<td>heads</td><td class="num">${Math.round((record.figures.heads as number) * 2000)}</td>`,
    );
  });

  test('the seed decides the draws: the same seed repeats, another differs', async () => {
    const dir = tempDir('experiment-seed');
    const figures = async (seed: string, out: string) =>
      onlyJson<ExperimentRecord>(
        await cli(['experiment', 'test-coin', '--out', join(dir, out), '--seed', seed, '--json']),
      ).figures;
    const a = await figures('1', 'a');
    expect(await figures('1', 'b')).toEqual(a);
    expect(await figures('2', 'c')).not.toEqual(a);
  });

  test('a file option is read relative to the working directory; a missing one is named', async () => {
    const dir = tempDir('experiment-data');
    writeFileSync(join(dir, 'rows.csv'), 'a\nb\nc\n');
    const ok = await cli(['experiment', 'test-coin', '--data', 'rows.csv', '--out', 'x', '--json'], {
      cwd: dir,
    });
    expect(onlyJson<ExperimentRecord>(ok).figures.lines).toBe(3);
    const missing = await cli(['experiment', 'test-coin', '--data', 'nope.csv', '--out', 'y'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`cannot read ${join(dir, 'nope.csv')} (ENOENT)`);
  });

  test('unknown options, bad values and unknown experiments are refused with what is known', async () => {
    const unknown = await cli(['experiment', 'test-coin', '--flipz', '3']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('has no option --flipz; did you mean --flips?');
    const bad = await cli(['experiment', 'test-coin', '--flips', '-1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/E_CONFIG.*\n\s+- flips: expected number ≥ 1, got -1/);
    const stray = await cli(['experiment', 'test-coin', 'loose']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('unexpected argument "loose"');
    const name = await cli(['experiment', 'test-con']);
    expect(name.code).toBe(2);
    expect(name.stderr).toContain('Did you mean "test-coin"?');
  });

  test('an experiment already in --out is kept unless --overwrite', async () => {
    const out = join(tempDir('experiment-out'), 'run');
    expect((await cli(['experiment', 'test-coin', '--out', out, '--seed', '1'])).code).toBe(0);
    const before = readFileSync(join(out, 'figures.json'), 'utf8');
    const again = await cli(['experiment', 'test-coin', '--out', out, '--seed', '2']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds an experiment');
    expect(readFileSync(join(out, 'figures.json'), 'utf8')).toBe(before);
    const replaced = await cli(['experiment', 'test-coin', '--out', out, '--seed', '2', '--overwrite']);
    expect(replaced.code).toBe(0);
    expect(readFileSync(join(out, 'figures.json'), 'utf8')).not.toBe(before);
  });

  test('the default folder is runs/<name>-<time>, a second one in the same second gets -2', async () => {
    const dir = tempDir('experiment-default');
    const first = onlyJson<ExperimentRecord>(await cli(['experiment', 'test-coin', '--json'], { cwd: dir }));
    const second = onlyJson<ExperimentRecord>(await cli(['experiment', 'test-coin', '--json'], { cwd: dir }));
    expect(first.out).toMatch(new RegExp(`^${join(dir, 'runs')}/test-coin-\\d{8}-\\d{6}(-2)?$`));
    expect(second.out).not.toBe(first.out);
    expect(existsSync(join(first.out, 'report.html'))).toBe(true);
    expect(existsSync(join(second.out, 'report.html'))).toBe(true);
  });

  test('--dry-run checks the options and writes nothing', async () => {
    const dir = tempDir('experiment-dry');
    const run = await cli(['experiment', 'test-coin', '--flips', '7', '--out', join(dir, 'd'), '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'would run test-coin with seed 0 and {"flips":7,"bias":0.5,"plateauPosition":120}',
    );
    expect(existsSync(join(dir, 'd'))).toBe(false);
    expect((await cli(['experiment', 'test-coin', '--flips', '0', '--dry-run'])).code).toBe(2);
  });

  test('progress goes to stderr, never with --json', async () => {
    const dir = tempDir('experiment-progress');
    const run = await cli(['experiment', 'test-coin', '--flips', '100', '--out', join(dir, 'p')]);
    expect(run.stderr).toMatch(/^test-coin: flipping \(\d+%\)$/m);
    expect(run.stdout).toContain(`report written to ${join(dir, 'p', 'report.html')}`);
  });
});
