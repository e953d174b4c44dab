import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { DEFAULT_FIT_SETTINGS, PlasticityError } from '@plasticity/core-tensors';
import type { DataSplit } from '@plasticity/core-tensors';
import { cli, onlyJson, tempDir } from './harness.test-util.js';
import { withKeepBest } from './keep-best.js';

// On cpu this run's validation accuracy peaks at epoch 3 and dips at epoch 4, so the best
// checkpoint and the last one differ.
const TRAIN = [
  'train',
  'backprop',
  '--dataset',
  'yinyang',
  '--epochs',
  '4',
  '--lr',
  '0.05',
  '--backend',
  'cpu',
];

interface Split {
  accuracy: number;
  loss: number;
}
interface Epoch {
  epoch: number;
  validation: Split;
  test: Split;
}
interface Best {
  split: string;
  metric: string;
  value: number;
  epoch: number;
  dir: string;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const metricsOf = (run: string): Epoch[] =>
  readFileSync(join(run, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Epoch);
/** The first epoch with the highest validation accuracy (a tie is no improvement). */
const bestByValidationAccuracy = (epochs: Epoch[]): Epoch =>
  epochs.reduce((a, b) => (b.validation.accuracy > a.validation.accuracy ? b : a));

describe('train --keep-best and eval --checkpoint best', () => {
  const dir = tempDir('keep-best');
  const out = join(dir, 'run');
  let trained: { best: Best; epochs: number };
  let stdout: string;

  beforeAll(async () => {
    const run = await cli([...TRAIN, '--keep-best', '--out', 'run', '--json'], { cwd: dir });
    expect(run.stderr).not.toContain('error');
    trained = onlyJson(run);
    stdout = (
      await cli(['eval', '--run', out, '--dataset', 'yinyang', '--checkpoint', 'best', '--backend', 'cpu'])
    ).stdout;
  });

  test('keeps the checkpoint of the best validation-accuracy epoch beside the last one', () => {
    const epochs = metricsOf(out);
    const best = bestByValidationAccuracy(epochs);
    expect(best.epoch).toBeLessThan(4);
    expect(trained.best).toEqual({
      split: 'validation',
      metric: 'accuracy',
      value: best.validation.accuracy,
      epoch: best.epoch,
      dir: join(out, 'checkpoint', 'best'),
    });
    const manifest = readJson(join(out, 'checkpoint', 'best', 'checkpoint.json'));
    expect(manifest.epoch).toBe(best.epoch);
    expect(manifest.best).toEqual({
      split: 'validation',
      metric: 'accuracy',
      value: best.validation.accuracy,
      epoch: best.epoch,
    });
    expect(readJson(join(out, 'checkpoint', 'checkpoint.json')).epoch).toBe(4);
    expect(readJson(join(out, 'config.json')).fit.keepBest).toEqual({
      split: 'validation',
      metric: 'accuracy',
    });
    expect(readJson(join(out, 'result.json')).best).toEqual(trained.best);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(
      `validation accuracy ${(best.validation.accuracy * 100).toFixed(2)}% at epoch ${best.epoch}`,
    );
  });

  test('eval --checkpoint best scores the best epoch, the default the last one', async () => {
    const epochs = metricsOf(out);
    const best = bestByValidationAccuracy(epochs);
    const evalJson = async (...extra: string[]) =>
      onlyJson<{ accuracy: number; epoch: number; checkpoint: string; best?: unknown }>(
        await cli([
          'eval',
          '--run',
          out,
          '--dataset',
          'yinyang',
          '--split',
          'validation',
          '--backend',
          'cpu',
          '--json',
          ...extra,
        ]),
      );
    const fromBest = await evalJson('--checkpoint', 'best');
    expect(fromBest).toMatchObject({
      checkpoint: 'best',
      epoch: best.epoch,
      accuracy: best.validation.accuracy,
    });
    expect(fromBest.best).toEqual({
      split: 'validation',
      metric: 'accuracy',
      value: best.validation.accuracy,
      epoch: best.epoch,
    });
    const fromLast = await evalJson();
    expect(fromLast).toMatchObject({ checkpoint: 'last', epoch: 4, accuracy: epochs[3].validation.accuracy });
    expect(fromLast.accuracy).not.toBe(fromBest.accuracy);
    expect(stdout).toMatch(
      new RegExp(
        `\\ncheckpoint: best, validation accuracy ${(best.validation.accuracy * 100).toFixed(2)}% at epoch ${best.epoch}\\n$`,
      ),
    );
  });

  test('a resumed run keeps the best epoch of the part before the interruption', async () => {
    const controller = new AbortController();
    const stopped = await cli([...TRAIN, '--keep-best', 'validation.accuracy', '--out', 'resumed'], {
      cwd: dir,
      signal: controller.signal,
      onStderr: (chunk) => {
        if (chunk.startsWith('epoch 3/4')) controller.abort();
      },
    });
    expect(stopped.code).toBe(130);
    const resumed = await cli(['train', '--resume', '--out', 'resumed', '--json'], { cwd: dir });
    expect(resumed.code).toBe(0);
    const result = onlyJson<{ best: Best }>(resumed);
    const best = bestByValidationAccuracy(metricsOf(join(dir, 'resumed')));
    expect(result.best.epoch).toBe(best.epoch);
    expect(result.best.value).toBe(best.validation.accuracy);
    expect(readJson(join(dir, 'resumed', 'checkpoint', 'best', 'checkpoint.json')).epoch).toBe(best.epoch);
  });

  test('with --overwrite the best epoch is kept in the run that replaced the earlier one', async () => {
    const cwd = tempDir('keep-best-overwrite');
    const replace = join(cwd, 'run');
    expect((await cli([...TRAIN, '--epochs', '1', '--out', 'run', '-q'], { cwd })).code).toBe(0);
    // The replacement moves into place after its first checkpoint; the best copy goes with it.
    const run = await cli([...TRAIN, '--keep-best', '--overwrite', '--out', 'run', '--json', '-q'], { cwd });
    expect(run.stderr).toBe('');
    const result = onlyJson<{ best: Best }>(run);
    const manifest = readJson(join(replace, 'checkpoint', 'best', 'checkpoint.json'));
    expect(manifest.epoch).toBe(bestByValidationAccuracy(metricsOf(replace)).epoch);
    expect(result.best.epoch).toBe(manifest.epoch);
    expect(readdirSync(cwd).sort()).toEqual(['run']); // no replacement folder left behind
  });

  test('bad uses are coded one-line errors', async () => {
    const badMetric = await cli([...TRAIN, '--keep-best', 'validation.f1', '--out', 'x'], { cwd: dir });
    expect(badMetric.code).toBe(2);
    expect(badMetric.stderr).toMatch(/--keep-best \[metric\]' argument 'validation.f1' is invalid/);
    const onResume = await cli(['train', '--resume', '--out', 'run', '--keep-best'], { cwd: dir });
    expect(onResume.code).toBe(2);
    expect(onResume.stderr).toMatch(/^error \[E_USAGE\]: --resume continues .* drop --keep-best/);

    const plain = join(dir, 'plain');
    expect(
      (
        await cli([
          'train',
          'backprop',
          '--dataset',
          'yinyang',
          '--epochs',
          '1',
          '--backend',
          'cpu',
          '--out',
          plain,
          '--json',
        ])
      ).code,
    ).toBe(0);
    expect(existsSync(join(plain, 'checkpoint', 'best'))).toBe(false);
    const noBest = await cli([
      'eval',
      '--run',
      plain,
      '--dataset',
      'yinyang',
      '--checkpoint',
      'best',
      '--backend',
      'cpu',
    ]);
    expect(noBest.code).toBe(2);
    expect(noBest.stderr).toMatch(/^error \[E_USAGE\]: .* has no best checkpoint .*train with --keep-best/);
    expect(noBest.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('withKeepBest', () => {
  const split = {} as DataSplit;
  test('a bare --keep-best watches validation accuracy, or test accuracy without a validation split', () => {
    expect(
      withKeepBest(DEFAULT_FIT_SETTINGS, true, { validation: split, test: split }, 'd').keepBest,
    ).toEqual({
      split: 'validation',
      metric: 'accuracy',
    });
    expect(withKeepBest(DEFAULT_FIT_SETTINGS, true, { test: split }, 'd').keepBest).toEqual({
      split: 'test',
      metric: 'accuracy',
    });
    expect(withKeepBest(DEFAULT_FIT_SETTINGS, undefined, { test: split }, 'd')).toBe(DEFAULT_FIT_SETTINGS);
  });

  test('a split the dataset lacks is refused, from the flag or from a config file', () => {
    const asked = { split: 'validation', metric: 'loss' } as const;
    expect(() => withKeepBest(DEFAULT_FIT_SETTINGS, asked, { test: split }, 'd')).toThrow(
      /--keep-best validation.loss: dataset d has no validation split; use --keep-best test.loss/,
    );
    expect(() =>
      withKeepBest({ ...DEFAULT_FIT_SETTINGS, keepBest: asked }, undefined, { test: split }, 'd'),
    ).toThrow(PlasticityError);
  });
});
