import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { builtMain, spawnCli } from './binary.test-util.js';
import { tempDir } from './harness.test-util.js';

// `train --parallel` starts worker threads on the built thread script, so these tests spawn the
// built binary. Run `npm run build` first when calling jest directly (Nx builds before testing).

const yinyang = ['--dataset', 'yinyang', '--backend', 'cpu', '--json', '-q'];
const json = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8'));

beforeAll(() => {
  if (!existsSync(builtMain)) throw new Error(`${builtMain} is missing: build first (npm run build)`);
});

describe('train --parallel', () => {
  test('easgd on two threads trains; the center is checkpointed, evaluated and recorded', async () => {
    const out = join(tempDir('parallel'), 'run');
    const run = await spawnCli(
      [
        'train',
        'backprop',
        ...yinyang,
        '--epochs',
        '3',
        '--parallel',
        'easgd',
        '--workers',
        '2',
        '--tau',
        '4',
        '--out',
        out,
      ],
      process.cwd(),
      120_000,
    ).exited;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { test: { accuracy: number } };
    expect(result.test.accuracy).toBeGreaterThan(0.7);
    expect(json(join(out, 'config.json')).parallel).toEqual({
      method: 'easgd',
      workers: 2,
      tau: 4,
      beta: 0.9,
      alpha: 0.45,
      delta: 0.99,
      synchronous: false,
    });
    // The checkpoint holds the center: scoring it again gives the run's own test accuracy.
    const scored = await spawnCli(
      ['eval', '--run', out, '--dataset', 'yinyang', '--backend', 'cpu', '--json'],
      process.cwd(),
    ).exited;
    expect(scored.code).toBe(0);
    expect((JSON.parse(scored.stdout) as { accuracy: number }).accuracy).toBeCloseTo(result.test.accuracy, 6);
    // Resuming keeps the run's parallel settings: changing them is refused.
    const changed = await spawnCli(['train', '--resume', '--out', out, '--tau', '8'], process.cwd()).exited;
    expect(changed.code).not.toBe(0);
    expect(changed.stderr).toMatch(/--tau/);
  }, 180_000);

  test('eamsgd gives the rule Nesterov momentum δ; rules without an optimiser are refused', async () => {
    const out = join(tempDir('parallel'), 'run');
    const run = await spawnCli(
      ['train', 'backprop', ...yinyang, '--epochs', '1', '--parallel', 'eamsgd', '--out', out],
      process.cwd(),
      120_000,
    ).exited;
    expect(run.code).toBe(0);
    expect(json(join(out, 'config.json')).config).toMatchObject({
      optimizer: 'momentum',
      nesterov: true,
      momentum: 0.99,
    });
    const btsp = await spawnCli(['train', 'btsp', ...yinyang, '--parallel', 'eamsgd'], tempDir('parallel'))
      .exited;
    expect(btsp.code).not.toBe(0);
    expect(btsp.stderr).toMatch(/eamsgd needs a rule that takes a gradient optimiser; btsp has none/);
  }, 180_000);

  test('--synchronous: two runs give the same center bit for bit; downpour is refused', async () => {
    const run = async () => {
      const out = join(tempDir('parallel'), 'run');
      const done = await spawnCli(
        [
          'train',
          'backprop',
          ...yinyang,
          '--epochs',
          '1',
          '--parallel',
          'easgd',
          '--synchronous',
          '--out',
          out,
        ],
        process.cwd(),
        120_000,
      ).exited;
      expect(done.stderr).toBe('');
      expect(done.code).toBe(0);
      expect(json(join(out, 'config.json')).parallel).toMatchObject({ synchronous: true });
      const file = readFileSync(join(out, 'checkpoint', 'model.safetensors'));
      // The tensors, after the JSON header (whose metadata names each save).
      const tensors = file.subarray(8 + Number(file.readBigUInt64LE(0)));
      return { result: JSON.parse(done.stdout) as { test: { loss: number; accuracy: number } }, tensors };
    };
    const [first, second] = [await run(), await run()];
    expect(first.result.test.accuracy).toBeGreaterThan(0.6);
    expect(second.result.test).toEqual(first.result.test);
    expect(first.tensors.length).toBeGreaterThan(1000);
    expect(Buffer.compare(second.tensors, first.tensors)).toBe(0);

    const downpour = await spawnCli(
      ['train', 'backprop', ...yinyang, '--parallel', 'downpour', '--synchronous'],
      tempDir('parallel'),
    ).exited;
    expect(downpour.code).toBe(2);
    expect(downpour.stderr).toMatch(/synchronous rounds are elastic exchanges/);
  }, 180_000);

  test('--workers and --tau without --parallel, and a bad method, are usage errors', async () => {
    const stray = await spawnCli(['train', 'backprop', ...yinyang, '--workers', '2'], tempDir('parallel'))
      .exited;
    expect(stray.code).not.toBe(0);
    expect(stray.stderr).toMatch(/--workers only apply with --parallel/);
    const bad = await spawnCli(
      ['train', 'backprop', ...yinyang, '--parallel', 'hogwild'],
      tempDir('parallel'),
    ).exited;
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/hogwild/);
  }, 60_000);
});
