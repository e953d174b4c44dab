import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
// @ts-expect-error: a plain-JavaScript build script, without types.
import { compileKernel, kernelModule, kernelSources } from '../../scripts/build-wasm-kernels.js';

const SRC = fileURLToPath(new URL('..', import.meta.url));
const sources = kernelSources(SRC) as string[];

describe('hand-written WebAssembly kernels', () => {
  test('there are kernels to check', () => {
    expect(sources.map((path) => path.slice(SRC.length))).toEqual(
      expect.arrayContaining(['simd/adam.wat', 'simd/products.wat']),
    );
  });

  test.each(sources)('%s: the committed module is what the source compiles to', async (path) => {
    const expected = kernelModule(path, await compileKernel(path)) as string;
    expect(readFileSync(path.replace(/\.wat$/, '.wasm.ts'), 'utf8')).toBe(expected);
  });
});
