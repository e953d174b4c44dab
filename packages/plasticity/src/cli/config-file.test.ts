import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { isPlasticityError } from '@plasticity/core-tensors';
import { readConfigFile } from './config-file.js';

const dir = mkdtempSync(join(tmpdir(), 'plasticity-config-'));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (isPlasticityError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected an error');
}

describe('readConfigFile', () => {
  test('reads config, fit and backend', () => {
    const path = file(
      'ok.json',
      JSON.stringify({ config: { hidden: [10] }, fit: { epochs: 3 }, backend: 'cpu' }),
    );
    expect(readConfigFile(path)).toEqual({
      path,
      config: { hidden: [10] },
      fit: { epochs: 3 },
      backend: 'cpu',
    });
  });

  test("accepts a run's config.json (extra run keys ignored, backend object)", () => {
    const path = file(
      'run.json',
      JSON.stringify({
        format: 'plasticity-run/1',
        rule: 'backprop',
        dataset: 'yinyang',
        task: {},
        preprocess: {},
        versions: {},
        createdAt: 'x',
        config: { hidden: [5] },
        fit: { seed: 4 },
        backend: { requested: 'wasm', name: 'wasm' },
      }),
    );
    expect(readConfigFile(path)).toMatchObject({
      rule: 'backprop',
      config: { hidden: [5] },
      fit: { seed: 4 },
      backend: 'wasm',
    });
  });

  test("accepts every key a run's config.json holds, including ones added later", () => {
    const path = file(
      'run-extra.json',
      JSON.stringify({
        format: 'plasticity-run/1',
        rule: 'backprop',
        classNames: ['a', 'b'],
        plugins: ['./x.mjs'],
        runId: 'r-1',
        config: { hidden: [5] },
      }),
    );
    expect(readConfigFile(path)).toMatchObject({ rule: 'backprop', config: { hidden: [5] } });
    // Outside a run's config.json a run key is still a typo to report.
    const typo = file('not-run.json', JSON.stringify({ classNames: [] }));
    expect(errorOf(() => readConfigFile(typo)).message).toContain('unknown key "classNames"');
    const other = file('other-format.json', JSON.stringify({ format: 'plasticity-run/9', config: {} }));
    expect(errorOf(() => readConfigFile(other)).message).toBe(
      `${other}: a run config of format "plasticity-run/9"; this version reads plasticity-run/1`,
    );
  });

  test('errors name the file and the problem', () => {
    expect(errorOf(() => readConfigFile(join(dir, 'missing.json')))).toEqual({
      code: 'E_USAGE',
      message: `--config ${join(dir, 'missing.json')}: no such file`,
    });
    const bad = file('bad.json', '{"config": ');
    expect(errorOf(() => readConfigFile(bad))).toMatchObject({
      code: 'E_CONFIG',
      message: expect.stringMatching(/bad\.json: not valid JSON/),
    });
    const typo = file('typo.json', JSON.stringify({ confg: {} }));
    expect(errorOf(() => readConfigFile(typo)).message).toBe(
      `${typo}: unknown key "confg"; expected "config" (rule settings), "fit" (trainer settings), "backend"`,
    );
    const arr = file('arr.json', '[]');
    expect(errorOf(() => readConfigFile(arr)).code).toBe('E_CONFIG');
    const fit = file('fit.json', JSON.stringify({ fit: 3 }));
    expect(errorOf(() => readConfigFile(fit)).message).toContain('"fit" must be an object');
  });
});
