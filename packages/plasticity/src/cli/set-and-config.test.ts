import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, jest, test } from '@jest/globals';
import { encodeIdx } from '@plasticity/datasets';
import { cli, tempDir } from './harness.test-util.js';
import type { CliRun } from './harness.test-util.js';

jest.setTimeout(60_000);

const fast = ['--backend', 'wasm', '-q'];

function runConfig(
  dir: string,
  out: string,
): { config: Record<string, unknown>; fit: Record<string, unknown> } {
  return JSON.parse(readFileSync(join(dir, out, 'config.json'), 'utf8')) as {
    config: Record<string, unknown>;
    fit: Record<string, unknown>;
  };
}

/** A short `train` run (small settings come with `args`). */
async function train(dir: string, args: string[]): Promise<CliRun> {
  return cli(['train', ...args, ...fast], { cwd: dir });
}

describe("a run's config.json as --config (as the docs say)", () => {
  for (const rule of ['backprop', 'forward-forward']) {
    test(`${rule}: train, then train --config <out>/config.json --out other`, async () => {
      const dir = tempDir(`reuse-${rule}`);
      const first = await cli(
        ['train', rule, '--dataset', 'yinyang', '--epochs', '1', '--out', 'first', ...fast],
        {
          cwd: dir,
        },
      );
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      const again = await cli(
        ['train', rule, '--dataset', 'yinyang', '--config', 'first/config.json', '--out', 'other', ...fast],
        { cwd: dir },
      );
      expect(again.stderr).toBe('');
      expect(again.code).toBe(0);
      expect(runConfig(dir, 'other').config).toEqual(runConfig(dir, 'first').config);
      expect(runConfig(dir, 'other').fit).toEqual(runConfig(dir, 'first').fit);
    });
  }
});

describe('--set key=value', () => {
  test('overrides rule and trainer settings above the recipe and --config, below the flags', async () => {
    const dir = tempDir('set-layers');
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ config: { hidden: [5], dropout: 0.1 } }));
    const run = await train(dir, [
      'backprop',
      '--dataset',
      'yinyang',
      '-c',
      'c.json',
      '--set',
      'hidden=[7,3]',
      '--set',
      'activation=tanh',
      '--set',
      'fit.schedule.minFactor=0.5',
      '--set',
      'fit.epochs=4',
      '--epochs',
      '2',
      '--out',
      'r',
    ]);
    expect(run.code).toBe(0);
    const { config, fit } = runConfig(dir, 'r');
    // hidden and activation from --set, dropout from the file, learningRate from the recipe.
    expect(config).toMatchObject({ hidden: [7, 3], activation: 'tanh', dropout: 0.1, learningRate: 1e-2 });
    // The recipe's cosine schedule keeps its kind; --epochs beats fit.epochs.
    expect(fit).toMatchObject({ epochs: 2, batchSize: 32, schedule: { kind: 'cosine', minFactor: 0.5 } });
  });

  test('a dotted key changes one nested field and keeps its siblings', async () => {
    const dir = tempDir('set-nested');
    const run = await train(dir, [
      'bptt',
      '--dataset',
      'yinyang',
      '--set',
      'encoder.span=20',
      '--set',
      'hidden=[4]',
      '--epochs',
      '1',
      '--out',
      'r',
    ]);
    expect(run.code).toBe(0);
    expect(runConfig(dir, 'r').config.encoder).toMatchObject({
      t0: 10,
      span: 20,
      invert: false,
      bias: { time: 20 },
    });
  });

  test('lets a pair without a recipe train: the user chose the settings', async () => {
    const dir = tempDir('set-no-recipe');
    const data = join(dir, 'data', 'fashion-mnist');
    mkdirSync(data, { recursive: true });
    for (const [prefix, count] of [
      ['train', 20],
      ['t10k', 10],
    ] as const) {
      writeFileSync(
        join(data, `${prefix}-images-idx3-ubyte`),
        encodeIdx([count, 28, 28], new Uint8Array(count * 784)),
      );
      writeFileSync(
        join(data, `${prefix}-labels-idx1-ubyte`),
        encodeIdx(
          [count],
          Uint8Array.from({ length: count }, (_, i) => i % 10),
        ),
      );
    }
    const where = ['--data-dir', 'data', '--no-download'];
    const refused = await train(dir, ['bptt', '--dataset', 'fashion-mnist', ...where, '--out', 'a']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'error [E_CONFIG]: rule "bptt" has no recipe for dataset "fashion-mnist" (its recipes: yinyang, mnist, mnist:snntorch, shd); ' +
        'choose the settings with --config FILE ({"config": {rule settings}, "fit": {trainer settings}}) ' +
        'or --set key=value (e.g. --set hidden=[100] --set fit.epochs=20)\n',
    );
    const chosen = await train(dir, [
      'bptt',
      '--dataset',
      'fashion-mnist',
      ...where,
      '--set',
      'hidden=[16]',
      '--epochs',
      '1',
      '--out',
      'b',
    ]);
    expect(chosen.stderr).not.toMatch(/E_CONFIG/);
    expect(chosen.code).toBe(0);
    expect(runConfig(dir, 'b').config.hidden).toEqual([16]);
  });

  test('does not let a rule train on input it cannot read, and says so before looking for data', async () => {
    const dir = tempDir('set-input-kind');
    const run = await train(dir, [
      'backprop',
      '--dataset',
      'nmnist',
      '--set',
      'hidden=[8]',
      '--data-dir',
      'none',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'error [E_CONFIG]: rule "backprop" reads dense features, and dataset "nmnist" gives event lists: ' +
        'it cannot train on it; rules for event lists: bptt, eventprop, spike-event\n',
    );
  });

  test('unknown keys suggest the closest known one; bad values name the key', async () => {
    const dir = tempDir('set-errors');
    const errorOf = async (...set: string[]): Promise<string> => {
      const run = await cli(
        ['train', 'bptt', '--dataset', 'yinyang', ...set.flatMap((s) => ['--set', s]), ...fast],
        {
          cwd: dir,
        },
      );
      expect(run.code).toBe(2);
      return run.stderr;
    };
    expect(await errorOf('hiden=[8]')).toMatch(
      /^error \[E_CONFIG\]: --set hiden: rule "bptt" has no setting "hiden"; did you mean hidden\? \(known: .*\bdt\b.*; trainer settings are fit\.epochs, /,
    );
    expect(await errorOf('encoder.spam=3')).toMatch(
      /^error \[E_CONFIG\]: --set encoder\.spam: rule "bptt" has no setting "encoder\.spam"; did you mean encoder\.span\? \(known under encoder: /,
    );
    expect(await errorOf('fit.epoch=3')).toMatch(
      /^error \[E_CONFIG\]: --set fit\.epoch: the trainer has no setting "fit\.epoch"; did you mean fit\.epochs\?/,
    );
    expect(await errorOf('hidden=many')).toBe(
      'error [E_CONFIG]: --set hidden=many: expected array, got "many"\n',
    );
    expect(await errorOf('fit.batchSize=0.5')).toBe(
      'error [E_CONFIG]: --set fit.batchSize=0.5: expected integer, got 0.5\n',
    );
    expect(await errorOf('hidden')).toMatch(/^error \[E_USAGE\]: --set hidden: expected key=value/);
  });

  test('--resume refuses --set like the other settings flags', async () => {
    const dir = tempDir('set-resume');
    const first = await cli(
      ['train', 'backprop', '--dataset', 'yinyang', '--epochs', '1', '--out', 'r', ...fast],
      {
        cwd: dir,
      },
    );
    expect(first.code).toBe(0);
    const resumed = await cli(['train', '--resume', '--out', 'r', '--set', 'hidden=[3]', ...fast], {
      cwd: dir,
    });
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/^error \[E_USAGE\]: --resume continues .*; drop --set /);
  });
});
